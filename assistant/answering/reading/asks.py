"""What a question asks for, and whether a sentence holds it: expected answer types.

A sentence can share every word with a question and still not answer it: "Who is the Taliban's
foreign minister?" against a sentence naming their defence minister, "How many TTP fighters...?"
against "124 terrorist attacks". `analyse` reads the question's wh-phrase into an `Asks`: the
answer's type (a person, a number, a date, a place...), the noun a "how many" counts, the role
noun a "who is the X" names, and dates the question pins the answer to. `holds` checks one tagged
sentence against it. Rules work on spaCy tags and entities (entities.py); they do not parse
clauses, resolve coreference or know synonyms, so a paraphrased role noun fails the focus check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.answering.reading.entities import Entity, Tagged
from assistant.core.text import has_number, stem, word_set

PERSON_NOUNS = word_set(
    "person official leader general minister president politician author writer journalist man "
    "woman commander chief founder premier ruler king emir spokesman spokesperson ambassador "
    "envoy cleric director secretary chairman head mayor governor judge"
)
PLACE_NOUNS = word_set(
    "country city province region town state capital village place base airport district site "
    "camp port valley"
)
ORG_NOUNS = word_set(
    "party group organization organisation agency network militia movement company newspaper "
    "magazine publication institute body faction"
)
QUANTITY_NOUNS = word_set(
    "population gdp rate length size budget toll cost amount total number percentage share "
    "figure count salary price value area height distance"
)
PERSON_VERBS = word_set(
    "wrote leads led heads headed founded commands commanded chairs replaced succeeded "
    "governs ruled rules"
)
NOUNS = PERSON_NOUNS | PLACE_NOUNS | ORG_NOUNS | QUANTITY_NOUNS
NAME_NOUNS = word_set("name title")  # "the title of the report" asks for a name as "name of" does
GENERIC = word_set("current former new old recent present main top senior exact actual first last")
_NUMERIC = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
_NAMED = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "WORK_OF_ART", "EVENT", "LAW", "PRODUCT"}
_TYPES = {
    "person": {"PERSON"},
    "agent": {"PERSON", "ORG", "NORP", "GPE"},
    "place": {"GPE", "LOC", "FAC", "NORP"},
    "org": {"ORG", "NORP"},
    "name": _NAMED,
}
_WH = ("who", "what", "which", "when", "where", "how", "whose", "whom")
_IS = {"is", "was", "are", "were", "'s", "’s"}  # "What's the name of ...": the tagger splits 's
_LETTERS = re.compile(r"[^\W\d_]+")
_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
)
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b")
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})s?\b|\b\d0s\b")
_A_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


@dataclass(frozen=True)
class Asks:
    kind: str = ""  # person, agent, number, date, day, year, decade, month, place, org, name
    # ("" asks for any kind)
    counted: str = ""  # stem of the noun a "how many" question counts
    focus: tuple[str, ...] = ()  # stems of the role noun phrase the answer sentence must hold
    near: str = ""  # "name of the X": stem of X; the named entity must stand beside it
    dates: tuple[str, ...] = ()  # the question's own dates; a number must attach to them
    people: tuple[tuple[str, ...], ...] = ()  # people the question names; the answer names them


def needs_tags(question: str) -> bool:
    """False when the tagger cannot find a wh-word in the question: `analyse` then asks for
    nothing and `holds` accepts every sentence, so spaCy need not run at all. Letter runs that
    merely start with one count ("whoever", and the tagger splits "whats" into what + s)."""
    runs = _LETTERS.findall(question.lower())
    return any(run.startswith(_WH) for run in runs) or _named_bare(runs)


def _named_bare(words: list[str]) -> bool:
    """ "name of the Haqqani network's leader?": a "what is the name of" with no wh-word."""
    words = words[1:] if words[:1] == ["the"] else words
    return words[:2] in (["name", "of"], ["title", "of"])


def checks_sentences(asks: Asks) -> bool:
    """Whether `holds` can refuse a sentence for these asks (else it need not be tagged)."""
    return bool(asks.kind or asks.focus)


def analyse(question: Tagged) -> Asks:
    """What the question asks for, with the people it names (see `holds`)."""
    people = tuple(
        tuple(t.text.lower() for t in question.tokens[e.first : e.last + 1])
        for e in question.entities
        if e.label == "PERSON"
    )
    return replace(_analyse(question), people=people)


def _analyse(question: Tagged) -> Asks:
    words = [t.text.lower() for t in question.tokens]
    dates = tuple(e.text.lower() for e in question.entities if e.label == "DATE")
    wh = next((i for i, w in enumerate(words) if w in _WH), None)
    if wh is None and _named_bare(words):
        return _name(question, 0, dates)
    if wh is None:
        return Asks(dates=dates)
    return _typed(question, words, wh, dates)


def _name(question: Tagged, wh: int, dates: tuple[str, ...]) -> Asks:
    start = _after_of(question, wh)
    focus, head = _np(question, start)
    # "the name of the general" wants a person's name: an agency beside the word is no answer
    kind = "person" if head in PERSON_NOUNS else "name"
    return Asks(kind, focus=focus, near=head, dates=dates)


def _typed(question: Tagged, words: list[str], wh: int, dates: tuple[str, ...]) -> Asks:
    w, after = words[wh], [*words[wh + 1 : wh + 3], "", ""]
    focus, head = _role(question, wh)
    if head not in NOUNS:
        focus = ()  # "who is X's father?" may be answered by "... Y's son": only roles must match
    if w == "how" and after[0] in {"many", "much"}:
        counted = _counted(question, wh + 2) if after[0] == "many" else ""
        return Asks("number", counted, dates=dates)
    if w == "how" and after[0] in {"long", "large", "big", "old", "far", "tall", "high"}:
        measured = _np(question, wh + 3)[0] if after[1] in {"is", "was", "are", "were"} else ()
        return Asks("number", _unit(question, wh + 2), measured, dates=dates)
    if w == "when":
        return Asks("date", focus=focus)
    if w == "where":
        return Asks("place", focus=focus)
    if w in {"what", "which"}:
        return _what(question, wh, after[0], focus, head, dates)
    if w in {"who", "whom"}:
        verb = next((t.text.lower() for t in question.tokens[wh + 1 :] if t.tag != "RB"), "")
        member = verb in {"in", "among", "within"}  # "who in the Taliban regime": one of them
        person = head in PERSON_NOUNS or verb in PERSON_VERBS or member
        return Asks("person" if person else "agent", focus=focus, dates=dates)
    if w == "whose":  # whose strikes, whose war: a country or a force as often as a person
        return Asks("agent", dates=dates)
    return Asks(focus=focus, dates=dates)


def _what(
    question: Tagged, wh: int, next_word: str, focus: tuple[str, ...], head: str,
    dates: tuple[str, ...],
) -> Asks:  # fmt: skip
    # "which British official ...": the head of the phrase after the wh-word
    noun = head if next_word in _IS else _np(question, wh + 1)[1] or next_word
    if noun == "year":
        return Asks("year")
    if noun in {"decade", "century"}:
        return Asks("decade")
    if noun == "month":
        return Asks("month")
    if noun in {"date", "day"}:
        return Asks("day")
    if noun in NAME_NOUNS:
        return _name(question, wh, dates)
    if noun in QUANTITY_NOUNS:
        return Asks("number", focus=focus, dates=dates)
    if noun in PERSON_NOUNS:
        return Asks("person", focus=focus, dates=dates)
    if noun in PLACE_NOUNS:
        return Asks("place", focus=focus, dates=dates)
    if noun in ORG_NOUNS:
        return Asks("org", focus=focus, dates=dates)
    return Asks(focus=focus, dates=dates)


def _role(question: Tagged, wh: int) -> tuple[tuple[str, ...], str]:
    """For "who/what is the X of ...": the stems X's answer must mention, and X's head word."""
    tokens = [t.text.lower() for t in question.tokens]
    if (tokens[wh + 1 : wh + 2] or [""])[0] not in _IS:
        return (), ""
    return _np(question, wh + 2)


def _np(question: Tagged, start: int) -> tuple[tuple[str, ...], str]:
    """The common nouns and adjectives of the noun phrase at start, and its head noun."""
    words: list[tuple[str, str]] = []
    for token in question.tokens[start:]:
        if token.tag == "POS":
            words = []  # "the Taliban's foreign minister": the phrase restarts after 's
        elif token.tag in {"NNP", "NNPS"} and token.text.lower() in NOUNS:
            words.append((token.text.lower(), "NN"))  # "GDP" is tagged as a name
        elif token.tag.startswith(("NN", "JJ")) or token.tag == "DT":
            words.append((token.text.lower(), token.tag))
        else:
            break
    common = [(w, t) for w, t in words if t in {"NN", "NNS", "JJ"} and w not in GENERIC]
    nouns = [w for w, t in common if t.startswith("NN")]
    if not nouns:
        return (), ""
    return tuple(stem(w) for w, _ in common), nouns[-1]


def _after_of(question: Tagged, wh: int) -> int:
    for i in range(wh, len(question.tokens)):
        if question.tokens[i].text.lower() == "of":
            return i + 1
    return len(question.tokens)


def _unit(question: Tagged, start: int) -> str:
    """ "How long ... in kilometers?": the unit the number must come with."""
    tokens = question.tokens
    for i in range(start, len(tokens) - 1):
        if tokens[i].text.lower() == "in" and tokens[i + 1].tag == "NNS":
            return stem(tokens[i + 1].text.lower())
    return ""


def _counted(question: Tagged, start: int) -> str:
    """The noun a "how many" counts; in "how many of the attacks were suicide bombings" and "of
    those attacks, how many were suicide bombings", what they were."""
    tokens = question.tokens
    if start < len(tokens) and tokens[start].text.lower() in _IS:
        start += 1  # "..., how many were suicide bombings"
    elif start < len(tokens) and tokens[start].text.lower() == "of":
        copula = next(
            (i for i, t in enumerate(tokens) if i > start and t.tag.startswith("VB")), None
        )
        copula = copula if copula is not None and tokens[copula].text.lower() in _IS else None
        if copula is not None:
            start = copula + 1
    head = ""
    for token in tokens[start:]:
        if token.tag in {"NN", "NNS"}:
            head = stem(token.text.lower())  # "suicide bombings": the last noun of the run
        elif head or token.tag.startswith("VB") or token.tag == ".":
            break
    return head


def holds(asks: Asks, question: Tagged, sentence: Tagged, before: str = "") -> bool:
    """Whether the sentence holds what the question asks for.

    A typed question ("In what year did Mullah Omar die?") also needs every person it names in the
    sentence or the one `before` it (where a "he" usually finds its name): a year next to
    someone else is not his.
    """
    stems = {stem(t.text.lower()) for t in sentence.tokens}
    if not all(f in stems for f in asks.focus):
        return False
    lowered = {t.text.lower() for t in sentence.tokens} | set(re.findall(r"\w+", before.lower()))
    if asks.kind and not all(set(name) & lowered for name in asks.people):
        return False
    asked = {t.text.lower() for t in question.tokens}
    new = [e for e in sentence.entities if not _within(e, sentence, asked)]
    if asks.kind == "number":
        return _number(asks, sentence, new, stems)
    if asks.kind in {"date", "day", "year", "decade", "month"}:
        dates = [e.text for e in new if e.label == "DATE"]
        if asks.kind == "year":  # "in what year": 2001, not "the 1980s"
            return any(_A_YEAR.search(d) for d in dates)
        if asks.kind == "decade":
            return any(_YEAR.search(d) for d in dates)
        if asks.kind == "month":
            return any(_MONTH.search(d) for d in dates)
        if asks.kind == "day":  # "on what date": a calendar date, not "the 1990s"
            return any(
                _MONTH.search(d) or _WEEKDAY.search(d) or _NUMERIC_DATE.search(d) for d in dates
            )
        return bool(dates)
    if asks.kind in _TYPES:
        found = [e for e in new if e.label in _TYPES[asks.kind]]
        if asks.near:
            found = [e for e in found if _beside(e, sentence, asks.near)]
        return bool(found)
    return True


def _number(asks: Asks, sentence: Tagged, new: list[Entity], stems: set[str]) -> bool:
    numbers = [e for e in new if e.label in _NUMERIC or _span(e)]
    if not numbers or (asks.counted and asks.counted not in stems):
        return False
    pinned = [e for e in sentence.entities if e.label == "DATE" and e.text.lower() in asks.dates]
    others = [e for e in sentence.entities if e.label == "DATE" and e not in pinned]
    if not (pinned and others):
        return True
    # The number must sit nearer the question's date than any other: "in 2009 ... killed 145
    # people ... in 2014" does not say how many died in 2009.
    return any(
        min(abs(n.first - d.first) for d in pinned)
        < min((abs(n.first - d.first) for d in others if d != n), default=len(sentence.tokens))
        for n in numbers
    )


def _span(entity: Entity) -> bool:
    """A stretch of time ("20 years", "four years") counts as a number; a year or month does not."""
    text = entity.text
    return (
        entity.label == "DATE"
        and has_number(text)
        and not (_YEAR.search(text) or _MONTH.search(text))
    )


def _within(entity: Entity, sentence: Tagged, asked: set[str]) -> bool:
    """An entity the question already names is not an answer to it."""
    words = [sentence.tokens[i].text.lower() for i in range(entity.first, entity.last + 1)]
    content = [w for w in words if w not in {"the", "'s", "’s"}]
    return bool(content) and all(w in asked for w in content)


def _beside(entity: Entity, sentence: Tagged, noun: str, reach: int = 6) -> bool:
    for i, token in enumerate(sentence.tokens):
        if stem(token.text.lower()) == noun and (entity.first - reach <= i <= entity.last + reach):
            return True
    return False
