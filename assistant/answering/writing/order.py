"""Order-aligned checks of a written sentence against the cited sentence(s): cause and roles.

- `cause`: when both name a cause ("led to", "because", "galvanized", "requires"…, a passive
  "galvanized by" read backwards), the sentence's terms on the cause's side must not be the cited
  text's effect; a cause stated outright ("because", "led to", "made") that the cited text does
  not give at all is refused;
- `roles`: two names or numbers of the sentence that break the cited sentence's word order, and
  that restore it when swapped, are read as swapped ("Afghanistan denies … inside Pakistan",
  "2014 … 2009"); "ally of Pakistan" for "Pakistan's ally" is no swap.
Each returns a one-line reason or "". What it leaves out: cause and effect without a connective
word, roles that change with no name or number moved ("Pakistan's security would be a boon to
Afghanistan"), and anything a parser would see.
"""

from __future__ import annotations

from itertools import pairwise

from assistant.answering.writing.align import Word, tokens, words_of
from assistant.core.text import word_set

_LEADS = word_set("led lead leads leading")  # causal only with "to": "led the ISI" is not
_BE = word_set("is are was were be been being")
_DETERMINERS = word_set("the a an this that these those their its his her our your")
_FORWARD = word_set(
    "led lead leads leading caused causes causing resulted resulting results provoked provokes "
    "provoking galvanized galvanised galvanizes produced produces prompted prompts prompting "
    "triggered triggers sparked sparks fuelled fueled fuels fuelling fueling stoked stokes "
    "stoking fanned spurred emboldened energized reinforced reinforces forced forcing "
    "drove drives driving driven exacerbated exacerbating exacerbates heightened heightening "
    "necessitates necessitated binds bind make makes made making so thus hence therefore means "
    "meant mean contributed contributes culminated culminating precondition prerequisite"
)
_BACKWARD = word_set(
    "because owing due given thanks require requires required result consequence stems stemmed "
    "stemming arose arises arising response"
)


def _connective(ts: list[Word | str], ws: list[Word], i: int) -> bool:
    """Whether the i-th word links a cause and an effect here: "led" only with "to" after it;
    "so" and "given" only opening a clause ("…, so they", "given their record"), not "so-called"."""
    w = ws[i]
    if w.text not in _FORWARD and w.text not in _BACKWARD:
        return False
    if w.text in _LEADS:  # "led to tensions", "led the group to extend", not "led the ISI"
        to = next((k for k in range(i + 1, min(i + 8, len(ws))) if ws[k].text == "to"), None)
        if to is None or to + 1 >= len(ws):
            return False
        then = ws[to + 1]
        return to == i + 1 or not (then.capital or then.text in _DETERMINERS)
    if w.text in ("so", "given"):
        at = ts.index(w)
        before = ts[at - 1] if at else ","
        after = ts[at + 1] if at + 1 < len(ts) else ""
        if w.text == "so" and getattr(after, "text", "") == "that":  # "… so that they could"
            return True
        return after != "-" and (before == "," or getattr(before, "text", "") == "and")
    return True


def sides(text: str, prefer: str = "") -> tuple[str, set[str], set[str]] | None:
    """(connective, cause terms, effect terms) around the first causal connective (the one
    named `prefer` when there is one), or None."""
    ts = tokens(text)
    ws = words_of(ts)
    found = [i for i, w in enumerate(ws) if _connective(ts, ws, i)]
    if not found:
        return None
    pick = next((i for i in found if ws[i].text == prefer), found[0])
    w = ws[pick]
    before = {x.term for x in ws[:pick] if x.term}
    after = {x.term for x in ws[pick + 1 :] if x.term}
    nxt = ws[pick + 1].text if pick + 1 < len(ws) else ""
    prev = ws[pick - 1].text if pick else ""
    # "galvanized by", "were reinforced": a passive's subject is the effect, its cause comes after
    passive = prev in _BE and w.text.endswith(("ed", "en", "ade"))
    backward = w.text in _BACKWARD or nxt == "by" or passive
    if w.text == "result" and nxt != "of":
        backward = False
    if backward and pick <= 1:  # "Because X, Y": the cause runs to the first comma
        comma = next((x for x in ts if x == ","), None)
        if comma is not None:
            cut = ts.index(comma)
            cause = {x.term for x in words_of(ts[:cut]) if x.term and x is not w}
            effect = {x.term for x in words_of(ts[cut:]) if x.term}
            return w.text, cause, effect
    return (w.text, after, before) if backward else (w.text, before, after)


def cause(claim: str, cited: str) -> str:
    mine = sides(claim)
    if mine is None:
        return ""
    theirs = sides(cited, mine[0])
    if theirs is None:
        return "the cited excerpt does not say that one led to the other"
    _, c1, e1 = mine
    _, c2, e2 = theirs
    c1, e1, c2, e2 = c1 - e1, e1 - c1, c2 - e2, e2 - c2  # a term on both sides says nothing
    same = len(c1 & c2) + len(e1 & e2)
    flipped = len(c1 & e2) + len(e1 & c2)
    if flipped > same and flipped >= 2:
        return "the cited excerpt gives cause and effect the other way round"
    return ""


# ---- roles ----


def _longest_in_order(seq: list[list[int]]) -> set[int]:
    """Indexes of seq (each a list of candidate positions) in the longest chain of increasing
    positions, at most one position per index."""
    flat = [(p, i) for i, ps in enumerate(seq) for p in sorted(ps, reverse=True)]
    best: list[tuple[int, list[int]]] = []  # per length: (last position, chain of indexes)
    for p, i in flat:
        lo = 0
        while lo < len(best) and best[lo][0] < p:
            lo += 1
        chain = [*best[lo - 1][1], i] if lo else [i]
        if lo == len(best):
            best.append((p, chain))
        elif p < best[lo][0]:
            best[lo] = (p, chain)
    return set(best[-1][1]) if best else set()


def _units(words: list[Word], every: list[Word]) -> list[list[int]]:
    """Indexes of the names and numbers of a sentence (words, a selection of every word of it,
    in order), capitalised words next to each other in the sentence as one: "Afghan Taliban",
    not "India as a Pakistani"."""
    place = {id(w): k for k, w in enumerate(every)}
    units: list[list[int]] = []
    for i, w in enumerate(words):
        if not (w.capital or w.text.isdigit()):
            continue
        last = words[units[-1][-1]] if units else None
        if last is not None and place[id(w)] == place[id(last)] + 1 and not w.text.isdigit():
            units[-1].append(i)
        else:
            units.append([i])
    return units


_PARTICIPLES = word_set(
    "made led held paid sent built won struck hit set put seen given taken told found kept left "
    "lost brought bought caught taught thought fought sought run done"
)


def _passive(text: str) -> bool:
    """A verb in the passive, "was supported by", "galvanized by": a participle before "by", not
    a noun ("suggestions by Afghan leaders")."""
    ws = words_of(tokens(text))
    return any(
        w.text == "by" and (prev.text.endswith(("ed", "en", "wn")) or prev.text in _PARTICIPLES)
        for prev, w in pairwise(ws)
    )


def roles(claim: str, cited: str) -> str:
    theirs = [w for w in words_of(tokens(cited)) if w.term]
    where: dict[str, list[int]] = {}
    for i, w in enumerate(theirs):
        where.setdefault(w.term, []).append(i)
    every = words_of(tokens(claim))
    mine = [w for w in every if w.term in where]
    if len(mine) < 4:
        return ""
    kept = _longest_in_order([where[w.term] for w in mine])
    owned = {w.term for w in theirs if w.possessive}
    after_of = {
        w.term for prev, w in pairwise(every) if prev.text == "of"
    }  # "ally of Pakistan" for "Pakistan's ally" is no swap
    units = [
        u for u in _units(mine, every) if not any(mine[i].term in owned & after_of for i in u)
    ]  # fmt: skip
    if _passive(claim) != _passive(cited):
        return ""  # active against passive: the names trade places without trading roles
    for k, a in enumerate(units):
        for b in units[k + 1 :]:
            order = [*range(a[0]), *b, *range(a[-1] + 1, b[0]), *a, *range(b[-1] + 1, len(mine))]
            swapped = _longest_in_order([where[mine[i].term] for i in order])
            # Swapped, the sentence reads in the cited order: wholly, or by both names' length.
            whole = len(swapped) == len(mine) >= len(kept) + 2
            if whole or len(swapped) >= len(kept) + len(a) + len(b):
                first = claim[mine[a[0]].start : mine[a[-1]].end]
                second = claim[mine[b[0]].start : mine[b[-1]].end]
                return f"“{first}” and “{second}” are the other way round in the cited excerpt"
    return ""
