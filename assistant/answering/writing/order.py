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

_LEADS = word_set("led lead leads leading")  # causal only with "to" next: "led the ISI" is not
_STRONG = _LEADS | word_set(
    "because caused causing resulted due owing thus hence therefore means meant mean make makes "
    "made"
)  # a cause the sentence states outright: the cited text must give one too
_FORWARD = _STRONG | word_set(
    "causes provoked provokes provoking galvanized galvanised galvanizes produced produces "
    "prompted prompts triggered fuelled fueled sparked exacerbated exacerbating exacerbates "
    "heightened heightening necessitates necessitated binds bind making so drove drives "
    "contributed contributes culminated culminating precondition prerequisite"
) - word_set("because due owing")
_BACKWARD = word_set("because owing due given thanks require requires required result")
_PASSIVE = word_set("been was were is are be being")


def sides(text: str, prefer: str = "") -> tuple[str, set[str], set[str]] | None:
    """(connective, cause terms, effect terms) around the first causal connective (the one
    named `prefer` when there is one), or None."""
    ts = tokens(text)
    ws = words_of(ts)
    found = [
        i for i, w in enumerate(ws)
        if (w.text in _FORWARD or w.text in _BACKWARD)
        and (w.text not in _LEADS or any(x.text == "to" for x in ws[i + 1 : i + 4]))
    ]  # fmt: skip
    if not found:
        return None
    pick = next((i for i in found if ws[i].text == prefer), found[0])
    w = ws[pick]
    before = {x.term for x in ws[:pick] if x.term}
    after = {x.term for x in ws[pick + 1 :] if x.term}
    nxt = ws[pick + 1].text if pick + 1 < len(ws) else ""
    prev = ws[pick - 1].text if pick else ""
    backward = w.text in _BACKWARD or (nxt == "by" and prev in _PASSIVE)
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
        strong = mine[0] in _STRONG
        return "the cited excerpt does not say that one led to the other" if strong else ""
    _, c1, e1 = mine
    _, c2, e2 = theirs
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


def _units(words: list[Word]) -> list[list[int]]:
    """Indexes of the names and numbers of a sentence, adjacent capitalised words as one."""
    units: list[list[int]] = []
    for i, w in enumerate(words):
        if not (w.capital or w.text.isdigit()):
            continue
        if units and units[-1][-1] == i - 1 and not w.text.isdigit():
            units[-1].append(i)
        else:
            units.append([i])
    return units


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
    out = [
        u for u in _units(mine)
        if not kept & set(u) and not any(mine[i].term in owned & after_of for i in u)
    ]  # fmt: skip
    for k, a in enumerate(out):
        for b in out[k + 1 :]:
            if len(a) != len(b):
                continue
            order = list(range(len(mine)))
            order[a[0] : a[-1] + 1], order[b[0] : b[-1] + 1] = b, a
            swapped = _longest_in_order([where[mine[i].term] for i in order])
            if len(swapped) >= len(kept) + 2 * len(a):
                first = claim[mine[a[0]].start : mine[a[-1]].end]
                second = claim[mine[b[0]].start : mine[b[-1]].end]
                return f"“{first}” and “{second}” are the other way round in the cited excerpt"
    return ""
