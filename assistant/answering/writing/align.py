"""Word-aligned checks of a written sentence against the cited sentence(s) it is held to.

verify.py first finds the cited sentences that hold enough of a written sentence's terms; these
checks then look at what the shared words say there, each returning a one-line reason or "":
- `negation`: a word negated in one ("not", "never", "no longer", "unwilling to", "refused to",
  "denies allowing") and not in the other; a negation covers the next content word within three
  words, names and an aside between commas skipped, and "not only" is none. A negation of the
  sentence's own is refused when the cited text negates nothing;
- `quantity`: each quantity word of the sentence ("all", "some", "mainly", "several", "fewer",
  "least"…) must be in the cited text, or one that implies it ("mainly" gives "most",
  "including" gives "some"); "including suicide attacks" must not become plain "suicide attacks";
- `added`: three content words in a row that the cited text lacks, or two at the end after a
  clause break ("…, killing several commanders"), or under 0.6 of the sentence's content words.
Words are matched by stem, or by a shared start of five letters ("allegation" / "alleging").
order.py checks what word order says (cause and effect, roles). What it leaves out: antonyms
without a negation or quantity word ("grew weaker" against "gained in strength").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answering.writing.wordnet import synonyms
from assistant.core.text import STOPWORDS, stem, word_set, words

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?|[^\sA-Za-z0-9]")
_BREAK = set(',;:()[]–—.!?"“”')
_PARTICLES = word_set(
    "not no never nor neither none nothing nobody without cannot dont doesnt didnt isnt arent "
    "wasnt werent wont cant couldnt wouldnt shouldnt hasnt havent hadnt"
)
_REFUSALS = ("refus", "deny", "deni", "fail", "lack", "reject")
_SKIP = word_set("longer even ever yet any anyone anything really truly fully entirely quite very")
_AUXILIARIES = word_set(
    "do does did is are was were be been has have had will would can could should may might must"
)
_KINDS = {  # quantity words of one meaning, by the name of that meaning
    "all": "all every everyone everybody everything each entire whole always",
    "most": "most mostly mainly largely primarily chiefly predominantly majority",
    "many": "many numerous lot lots",
    "some": "some various",
    "big": "huge massive great large vast enormous considerable considerably much significant "
    "significantly",
    "small": "small modest minor slight slightly somewhat",
    "only": "only solely exclusively sole alone",
    "often": "often frequently",
    "sometimes": "sometimes occasionally",
    "rarely": "rarely seldom",
}
_QUANTITY = {w: kind for kind, ws in _KINDS.items() for w in ws.split()} | {
    w: w
    for w in word_set(
        "several few little more less fewer least single half both part partly dozens hundreds "
        "thousands millions billions including"
    )
}
# A quantity of the sentence is held when the cited text has one of these (itself by default).
_IMPLIED = {
    "some": {"some", "several", "many", "most", "including", "few", "part"},
    "many": {"many", "most", "big"},
    "partly": {"partly", "part"},
    "including": {"including", "some", "several", "many", "most"},
}
_INCLUSIVE = word_set("including include includes included among some part such several")


@dataclass(frozen=True)
class Word:
    text: str  # as written, lower-cased and without "'s"
    term: str  # its stem, "" for a stopword
    start: int
    end: int
    capital: bool
    possessive: bool = False


def tokens(text: str) -> list[Word | str]:
    """Words with their stems and offsets, and the punctuation between them (as plain str)."""
    out: list[Word | str] = []
    for m in _TOKEN.finditer(text):
        raw = m[0]
        if not raw[0].isalnum():
            out.append(raw)
            continue
        low = (words(raw) or [raw.lower()])[0]
        term = "" if low in STOPWORDS or (len(low) < 2 and not low.isdigit()) else stem(low)
        possessive = raw.lower().endswith(("'s", "’s"))
        out.append(Word(low, term, m.start(), m.end(), raw[0].isupper(), possessive))
    return out


def _near(a: str, b: str) -> bool:
    return a == b or (len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5])


def holds(terms: set[str], term: str) -> bool:
    """The term, a word near it in form, or a WordNet synonym ("backing" for "support")."""
    return term in terms or any(_near(term, t) for t in terms) or bool(synonyms(term) & terms)


def _undoes(word: str) -> bool:
    """An un- word that negates ("unwilling", "unable"), not "understanding" or "united"."""
    return (
        word.startswith("un") and len(word) >= 6 and word[2:] not in STOPWORDS
        and not word.startswith(("under", "uni", "until"))
    )  # fmt: skip


def words_of(ts: Sequence[Word | str]) -> list[Word]:
    return [t for t in ts if isinstance(t, Word)]


# ---- negation ----


_OPENING = {"“", "‘", '"'}  # a quotation opened inside a negated clause


def polarities(text: str) -> list[tuple[str, bool, int, int]]:
    """(term, negated, start of its negation or itself, end) for every content word. A negation
    covers the next content word within three words, names aside."""
    ts = tokens(text)
    out: list[tuple[str, bool, int, int]] = []
    pending, since, left, aside = 0, -1, 0, False
    for i, t in enumerate(ts):
        after = ts[i + 1] if i + 1 < len(ts) else ""
        if isinstance(t, str):
            before = ts[i - 1] if i else ""
            cue = isinstance(before, Word) and before.text in _PARTICLES
            if t in ",–—" and pending and cue:
                aside = True  # "have not, in any appreciable way, helped": skip the aside
            elif t in ",–—" and aside:
                aside = False
            elif t in _BREAK and not (pending and t in _OPENING):
                pending, aside = 0, False  # but "will not “have any issue”" stays negated
            continue
        if aside:
            continue
        if t.text not in _SKIP and t.text not in ("the", "a", "an"):  # "no longer the most…"
            left -= 1
        if pending and left < 0:
            pending = 0
        if t.text in _PARTICLES and after != "-":
            if isinstance(after, Word) and after.text in ("only", "just", "merely", "simply"):
                continue  # "not only … but also"
            pending, since, left = pending + 1, t.start if not pending else since, 3
            continue
        if _undoes(t.text):
            out.append((stem(t.text[2:]), pending % 2 == 0, t.start, t.end))
            out.append((t.term, pending % 2 == 1, t.start, t.end))
            followed = isinstance(after, Word) and after.text == "to"
            pending, since, left = (1, t.start, 2) if followed else (0, -1, 0)
            continue
        if t.term.startswith(_REFUSALS):
            out.append((t.term, pending % 2 == 1, since if pending else t.start, t.end))
            # "refused to relinquish", "lack of stability", "denies allowing": what is refused
            scoped = isinstance(after, Word) and (
                after.text in ("to", "of") or after.text.endswith("ing")
            )
            pending, since, left = (1, t.start, 2) if scoped else (0, -1, 0)
            continue
        if not t.term or t.text in _SKIP or (t.capital and pending):
            continue
        out.append((t.term, pending % 2 == 1, since if pending else t.start, t.end))
        pending, since = 0, -1
    return out


def negated(text: str) -> bool:
    """Whether the text holds any negation: a particle, an un- word or a refusal."""
    ws = words_of(tokens(text))
    return any(
        w.text in _PARTICLES or w.term.startswith(_REFUSALS)
        or _undoes(w.text)
        for w in ws
    )  # fmt: skip


def _phrase(text: str, start: int, end: int) -> str:
    before = text[:start].split()
    aux = before[-1] + " " if before and before[-1].lower() in _AUXILIARIES else ""
    return aux + " ".join(text[start:end].split())


def negation(claim: str, cited: str) -> str:
    theirs = polarities(cited)
    mine = polarities(claim)
    for i, (term, negative, start, end) in enumerate(mine):
        found = [k for k, t in enumerate(theirs) if t[0] == term]
        if not found:
            continue
        # Said twice, once each way ("have helped the Taliban … but have not … helped
        # Pakistan"): the occurrence among the same neighbours is the one the sentence restates.
        near = {t[0] for t in mine[max(0, i - NEIGHBOURS) : i + NEIGHBOURS + 1]}
        k = max(found, key=lambda k: len(near & _around(theirs, k)))
        if theirs[k][1] != negative:
            if negative:
                return f"the cited excerpt says the opposite of “{_phrase(claim, start, end)}”"
            _, _, a, b = theirs[k]
            return f"the cited excerpt says “{_phrase(cited, a, b)}”"
    if not negated(cited):  # a negation of the sentence's own, aligned with nothing
        for _, negative, start, end in mine:
            if negative:
                return f"the cited excerpt says the opposite of “{_phrase(claim, start, end)}”"
    return ""


NEIGHBOURS = 3  # content words either side that place a word said twice


def _around(found: list[tuple[str, bool, int, int]], k: int) -> set[str]:
    return {t[0] for t in found[max(0, k - NEIGHBOURS) : k + NEIGHBOURS + 1]}


# ---- quantity ----


def quantities(text: str) -> list[tuple[str, str]]:
    """(word, kind) for each quantity word; "not only" and "at least" are none."""
    ws = words_of(tokens(text))
    out = []
    for i, w in enumerate(ws):
        prev = ws[i - 1].text if i else ""
        idiom = (w.text == "only" and prev == "not") or (
            w.text in ("least", "most") and prev == "at"
        )
        if w.text in _QUANTITY and not idiom:
            out.append((w.text, _QUANTITY[w.text]))
    return out


_UPPER = re.compile(r"\b(?:at most|fewer than|less than|up to|no more than|(?:under|below) (?=\d))")
_LOWER = re.compile(r"\b(?:at least|more than|over (?=\d)|above (?=\d)|upwards of)")


def bounds(claim: str, cited: str) -> str:
    """A bound the other way: "at most 124" for "more than 124" ("over 124" is the same)."""
    mine, theirs = claim.lower(), cited.lower()
    for bound, other in ((_UPPER, _LOWER), (_LOWER, _UPPER)):
        said = bound.search(mine)
        if said and not bound.search(theirs) and other.search(theirs):
            return f"the cited excerpt does not say “{said[0].strip()}”"
    return ""


def quantity(claim: str, cited: str) -> str:
    if why := bounds(claim, cited):
        return why
    theirs = {kind for _, kind in quantities(cited)}
    for word, kind in quantities(claim):
        if not theirs & _IMPLIED.get(kind, {kind}):
            return f"“{word}” is not in the cited excerpt"
    ws = words_of(tokens(cited))
    mine = {w.term for w in words_of(tokens(claim)) if w.term} | {
        w.text for w in words_of(tokens(claim))
    }
    for i, w in enumerate(ws):
        if w.text != "including":
            continue
        at = next((k for k in range(i + 1, len(ws)) if ws[k].term), None)
        if at is not None and ws[at].term in mine and not mine & _INCLUSIVE:
            last = ws[at + 1] if at + 1 < len(ws) and ws[at + 1].term else ws[at]
            return f"the cited excerpt says “{cited[w.start : last.end]}”, not that all were"
    return ""


# ---- added content ----

MIN_COVERED = 0.6
_CLAUSE = re.compile(r"[,;—–]|\b(?:who|which|whose|where|and|while|although|but)\b", re.I)
MAX_RUN = 3


def added(claim: str, cited: str) -> str:
    held = {w.term for w in words_of(tokens(cited)) if w.term}
    mine = [w for w in words_of(tokens(claim)) if w.term]
    if not mine:
        return ""
    run: list[Word] = []
    for w in mine:
        if holds(held, w.term):
            run = []
            continue
        run.append(w)
        if len(run) >= MAX_RUN:
            return f"“{claim[run[0].start : run[-1].end]}” is not in the cited excerpt"
    tail = [w for w in mine[-4:] if not holds(held, w.term)]
    if len(tail) >= 2 and tail[-1] is mine[-1]:  # an appended clause: "…, killing commanders"
        first = mine.index(tail[0])
        joint = claim[mine[first - 1].end if first else 0 : tail[0].start]
        if _CLAUSE.search(joint):
            return f"“{claim[tail[0].start : tail[-1].end]}” is not in the cited excerpt"
    share = sum(holds(held, w.term) for w in mine) / len(mine)
    if share < MIN_COVERED:
        return "the cited excerpt says something else"
    return ""
