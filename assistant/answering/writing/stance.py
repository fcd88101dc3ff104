"""How sure and which way: checks of a written sentence's stance against the cited sentence(s).

align.py compares the words a sentence shares with its excerpt. These look at what the sentence
left out of the clause it was drawn from, or turned round, each returning a one-line reason or "":
- `hedge`: the excerpt hedges what the sentence states ("might contemplate launching airstrikes",
  "is expected to improve ties", "seem to have gained"), or gives it as someone's view
  ("Islamabad deemed Islamist groups the most effective instrument"), and the sentence hedges
  and attributes nothing;
- `denial`: the clause the sentence was drawn from is negated ("do not want to operate as
  Pakistan's proxies", "little appetite in the world to recognize the Taliban", "remain unwilling
  to recognize the Durand Line") and the sentence negates nothing, so it restates the clause with
  the negation swapped for another word ("are willing to act as Pakistan's proxies").
- `opposite`: the sentence has a word whose opposite the excerpt has instead ("lost strength"
  against "gained in strength", "succeeded" against "failed"), from a short table of pairs, then
  from WordNet's ("directly" against "indirectly"; wordnet.py);
- `instead`: both prefer one thing to another, the other way round ("rooted in realpolitik
  rather than ideology" against "in ideology rather than in realpolitik").
What it leaves out: opposites in neither table ("drawn closer" / "distanced"), and a hedge or
negation the sentence moved to another word.
"""

from __future__ import annotations

from assistant.answering.writing.align import Word, negated, polarities, tokens, words_of
from assistant.answering.writing.wordnet import opposites
from assistant.core.text import stem, word_set

_HEDGES = word_set(
    "might may could seem seems seemed appear appears appeared reportedly allegedly possibly "
    "perhaps probably apparently potentially presumably contemplate contemplating"
)
_HEDGES_TO = word_set("expected likely unlikely believed supposed")  # only before "to"
# Whose view it is: "Islamabad deemed Islamist groups the most effective instrument".
_BELIEFS = word_set(
    "deemed considered regarded viewed perceived saw seen believed thought impression "
    "suggest suggests suggested suggesting"
)
_ATTRIBUTED = (
    _HEDGES
    | _BELIEFS
    | word_set(
        "said says according claimed claims argued indicates indicated implies implied hinted "
        "reported reportedly"
    )
)
_FAINT = word_set("little few hardly barely scarcely seldom rarely")  # negations but in name
_PREVENTS = ("prevent", "stop", "avoid", "bar", "ban", "forbid", "halt", "curb", "keep")
_CLAUSE_WORDS = word_set("but while although though whereas which who because")
_BREAKS = set(",;:()–—.!?")
_OPPOSITES = [  # (one meaning's forms, the opposite's)
    ("gain gained gaining gains", "lose lost losing loses"),
    ("rise rose risen rising rises", "fall fell fallen falling falls"),
    (
        "increase increased increasing increases ramped escalated intensified",
        "decrease decreased decreasing decreases reduced scaled curtailed",
    ),
    ("grow grew grown growing grows", "shrink shrank shrunk shrinking shrinks"),
    ("strengthen strengthened strengthening strengthens", "weaken weakened weakening weakens"),
    ("stronger strong", "weaker weak"),
    ("improve improved improving improves", "worsen worsened worsening deteriorated deteriorate"),
    ("support supported supporting supports", "oppose opposed opposing opposes"),
    ("ally allies allied friend friends", "foe foes enemy enemies adversary adversaries"),
    ("success successful succeeded succeed succeeds", "failure unsuccessful failed fail fails"),
    ("win won wins winning survived survive survives", "lose lost loses losing"),
    ("optimistic optimism hopeful", "pessimistic pessimism"),
    ("restore restored restoring", "lost broken"),
    ("accept accepted accepts accepting", "reject rejected rejects rejecting"),
    ("allow allowed allowing allows", "prevent prevented preventing prevents"),
]
_SIDES = [(set(a.split()), set(b.split())) for a, b in _OPPOSITES]
DENIAL_REACH = 4  # content words from a negation on that it governs
SHARED_MIN = 3  # content words a negated clause must share with the sentence to be its source


def _hedges(ws: list[Word]) -> list[int]:
    """Where the hedges are: "might", "seem", "expected to", "likely to"."""
    return [
        i for i, w in enumerate(ws)
        if w.text in _HEDGES or w.text in _BELIEFS
        or (w.text in _HEDGES_TO and i + 1 < len(ws) and ws[i + 1].text == "to")
    ]  # fmt: skip


def hedge(claim: str, cited: str) -> str:
    mine = words_of(tokens(claim))
    if _hedges(mine) or any(w.text in _ATTRIBUTED for w in mine):
        return ""
    held = {w.term for w in mine if w.term}
    ts = tokens(cited)
    theirs = words_of(ts)
    for i in _hedges(theirs):
        # What it hedges: the first content word after it in its clause, "launching" in "might
        # contemplate launching airstrikes"; the sentence states it as so. A view or a report
        # ("suggested that these strikes have the tacit support") reaches a whole clause: the
        # sentence restates it when it holds two of its first three words, not when it mentions
        # "strikes" in another clause of the excerpt.
        after = ts[ts.index(theirs[i]) + 1 :]
        clause = words_of(after[: next((k for k, t in enumerate(after) if t in _BREAKS), None)])
        said = [x for x in clause if x.term and x.text not in _HEDGES][:3]
        need = 2 if theirs[i].text in _BELIEFS and len(said) > 1 else 1
        if sum(x.term in held for x in (said if need == 2 else said[:1])) >= need:
            quoted = cited[theirs[i].start : said[0].end]
            return f"the cited excerpt says “{quoted}”, not that it is so"
    return ""


def _faint(ts: list[Word | str]) -> list[Word]:
    """Quantities that deny, "little appetite", "few options"; "a little" and "a few" do not."""
    out = []
    for i, t in enumerate(ts):
        before = ts[i - 1] if i else ""
        if isinstance(t, Word) and t.text in _FAINT and getattr(before, "text", "") != "a":
            out.append(t)
    return out


def _clauses(ts: list[Word | str]) -> list[list[Word]]:
    clauses: list[list[Word]] = [[]]
    for t in ts:
        if isinstance(t, str):
            if t in _BREAKS:
                clauses.append([])
        elif t.text in _CLAUSE_WORDS:
            clauses.append([t])
        else:
            clauses[-1].append(t)
    return [c for c in clauses if c]


def denial(claim: str, cited: str) -> str:
    ts = tokens(claim)
    if negated(claim) or _faint(ts) or any(w.term.startswith(_PREVENTS) for w in words_of(ts)):
        return ""  # it negates too: "must be prevented from using" for "do not use"
    held = {w.term for w in words_of(ts) if w.term}
    for clause in _clauses(tokens(cited)):
        base = clause[0].start
        text = cited[base : clause[-1].end]
        cues = [base + at for _, negative, at, _ in polarities(text) if negative]
        cues += [w.start for w in _faint(list(clause))]
        if not cues or len(held & {w.term for w in clause if w.term}) < SHARED_MIN:
            continue
        # The sentence restates what is denied: it holds a word the negation governs.
        scope = [w for w in clause if w.start >= min(cues) and w.term][:DENIAL_REACH]
        if scope and held & {w.term for w in scope}:
            return f"the cited excerpt says “{cited[min(cues) : scope[-1].end]}”"
    return ""


def opposite(claim: str, cited: str) -> str:
    # A negated word is the negation check's ("refused to accept" / "rejected" is no opposite).
    mine = {w.text for w in words_of(tokens(claim))} - _denied(claim)
    theirs = {w.text for w in words_of(tokens(cited))} - _denied(cited)
    for a, b in _SIDES:
        for said, other in ((a, b), (b, a)):
            if mine & said and theirs & other and not theirs & said:
                return f"the cited excerpt says “{min(theirs & other)}”, not “{min(mine & said)}”"
    return _wordnet(claim, cited)


def _wordnet(claim: str, cited: str) -> str:
    """A word of the sentence whose WordNet opposite the excerpt has, and it not."""
    denied = _denied(claim) | _denied(cited)
    mine = {stem(w.text): w.text for w in words_of(tokens(claim)) if w.text not in denied}
    theirs = {stem(w.text): w.text for w in words_of(tokens(cited)) if w.text not in denied}
    for term, text in sorted(mine.items()):
        if term in theirs:
            continue
        said = sorted(o for o in opposites(term) if o in theirs and o not in mine)
        if said:
            return f"the cited excerpt says “{theirs[said[0]]}”, not “{text}”"
    return ""


def _denied(text: str) -> set[str]:
    return {text[a:b].lower().split()[-1] for _, negative, a, b in polarities(text) if negative}


_INSTEAD = ("rather than", "instead of")


def instead(claim: str, cited: str) -> str:
    """Both prefer one thing to another, the other way round: "rooted in realpolitik rather than
    ideology" for "rooted in ideology rather than in realpolitik"."""
    for phrase in _INSTEAD:
        mine, theirs = _either(claim, phrase), _either(cited, phrase)
        if mine and theirs:
            (a1, b1), (a2, b2) = mine, theirs
            if a1 & b2 and b1 & a2 and not (a1 & a2 or b1 & b2):
                return f"the cited excerpt prefers it the other way round (“{phrase}”)"
    return ""


def _either(text: str, phrase: str) -> tuple[set[str], set[str]] | None:
    """The content word just before and just after "rather than" in text, or None."""
    at = text.lower().find(phrase)
    if at < 0:
        return None
    before = [w.term for w in words_of(tokens(text[:at])) if w.term][-1:]
    after = [w.term for w in words_of(tokens(text[at + len(phrase) :])) if w.term][:1]
    return set(before), set(after)
