"""Which sources a question names: by title, by file name, by position, or all of them at once.

Summaries and comparisons are about sources, and people name them the way they see them: by title
or a distinctive part of it ("the Friends Becoming Foes piece"), by file name, by position in the
list the Sources tab shows ("the first article", "source 2"), or all together ("both articles",
"the two sources", "the articles"). `name_sources` returns the sources named, whether all were
meant, and which of the question's words did the naming, so that the topic left over ("... differ
on India") can be searched on its own. A title counts as named when the question holds at least
TITLE_SHARE of its idf weight, counting only title words that not every title shares. It does not
guess a source from its content ("the article about the TTP").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.answering.library import SourceEntry
from assistant.core.text import STOPWORDS, terms, word_set

TITLE_SHARE = 0.5
"""Share of a title's idf weight a question must hold to name it: half lets "the Friends
Becoming Foes article" name "Pakistan and the Afghan Taliban: Friends Becoming Foes?" while
"the Afghan Taliban", common words of the sources, does not. Chosen by that reasoning; no
question set names sources by title, so nothing was fitted."""

SOURCE_NOUNS = frozenset(
    {"article", "source", "text", "piece", "document", "doc", "essay", "paper", "report", "story",
     "column", "file", "analysis", "author", "writer", "commentary", "op-ed"}
)  # fmt: skip
TYPO_LENGTH = 6  # a longer word one letter off a source noun is that noun mistyped ("artcle")
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3,
             "4th": 3, "fifth": 4, "5th": 4, "last": -1, "latter": -1, "former": 0}  # fmt: skip
_EVERY = frozenset({"both", "all", "each", "every", "either", "the", "these", "those"})
_EACH = frozenset({"each", "every", "either", "which", "other"})
_ALONE = frozenset({"", "one", "ones", "and", "or", "with", "to", "than", "vs", "versus"})
_SAY = word_set(
    "say said says agree argue mention discuss cover describe talk "
    "think treat claim differ portray explain see view suggest"
)  # "what do both say": both sources, as "both Pakistan and India" is not
_TWO_THEN = _SAY | {"", "is", "are", "was", "were", "do", "does", "have", "has", "agree", "compare",
                    "differ", "disagree", "of", "on", "about", "in"}  # fmt: skip
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5}
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9’'.-]*[A-Za-z0-9]|[A-Za-z0-9]")

Token = tuple[int, int, str]  # start, end, lower-cased word


@dataclass(frozen=True)
class Naming:
    sources: tuple[str, ...]  # named sources, in catalogue order
    every: bool  # "both articles", "the two sources", "the articles": all of them
    used: frozenset[int]  # indexes into `tokens` of the words that named sources
    tokens: tuple[Token, ...]
    nouns: int  # source nouns in the question ("article", "sources"...), named or not
    text: str = ""

    def rest(self, drop: frozenset[str] = frozenset(), after: int = 0) -> str:
        """The question's words as written (from character `after` on), minus those that named
        sources, and minus words in `drop` at either end: "How do the two articles differ on the
        role of India?" with question and comparing words dropped leaves "role of India"."""
        naming = _spanned(self.used)
        kept = [t for i, t in enumerate(self.tokens) if i not in naming and t[0] >= after]
        while kept and _bare(kept[0][2]) in drop:
            kept.pop(0)
        while kept and _bare(kept[-1][2]) in drop:
            kept.pop()
        return " ".join(self.text[a:b] for a, b, _ in kept)


NAME_GAP = 3
"""Words between two naming words, this many or fewer, belong to the name as the user paraphrased
it ("Pakistan and the Afghan Taliban *turning from* friends *into* foes"), not to the topic."""


def _spanned(used: frozenset[int]) -> set[int]:
    ordered = sorted(used)
    inside = {i for a, b in itertools.pairwise(ordered) if b - a <= NAME_GAP + 1
              for i in range(a + 1, b)}  # fmt: skip
    return set(used) | inside


def _bare(word: str) -> str:
    """ "what's" -> "what": a contraction's head word is what a drop list holds."""
    return re.sub(r"[’']s$", "", word)


def name_sources(
    text: str, catalogue: Sequence[SourceEntry], idf: Callable[[str], float]
) -> Naming:
    tokens = tuple((m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text))
    used: set[int] = set()
    named: set[int] = set()  # catalogue indexes
    every = False
    for finder in (_by_file, _by_position, _by_title):
        named |= finder(text, tokens, catalogue, idf, used)
    for i, (_, _, word) in enumerate(tokens):
        if is_source_noun(word):
            used.add(i)
            if _all_of(tokens, i, len(catalogue)):
                every = True
                used.update(j for j in range(max(0, i - 3), i) if _naming_word(tokens[j][2]))
    if len(catalogue) == 1 and any(is_source_noun(w) for _, _, w in tokens):
        named.add(0)  # "the article", with one article
    every = _every_by_count(tokens, len(catalogue), used) or every
    named = _other(tokens, named, len(catalogue), used)
    nouns = sum(is_source_noun(w) for _, _, w in tokens)
    sources = tuple(catalogue[i].source for i in sorted(named))
    return Naming(sources, every, frozenset(used), tokens, nouns, text)


def _other(tokens: Sequence[Token], named: set[int], count: int, used: set[int]) -> set[int]:
    """Of two sources, one named: "the other one" adds the second ("compare the first article
    with the other one"), but "not the X one, the other one" means only the other, and "X, not
    the other one" only X."""
    words = [w for _, _, w in tokens]
    other = [
        i for i, w in enumerate(words[:-1])
        if w == "other" and (words[i + 1] in {"one", "ones"} or is_source_noun(words[i + 1]))
    ]  # fmt: skip
    if count != 2 or len(named) != 1 or not other:
        return named
    naming = set(used)  # the words that named the one source, before "other one" joins them
    used.update(i for j in other for i in (j, j + 1))
    for i, w in enumerate(words):
        if w in {"not", "never"}:
            ahead = set(range(i + 1, i + 4))
            if ahead & set(other):
                return named  # "..., not the other one"
            if ahead & naming:
                return {0, 1} - named  # "not the friends/foes one, the other one"
    return {0, 1}


def _every_by_count(tokens: Sequence[Token], count: int, used: set[int]) -> bool:
    """ "how do the two differ?", "what do both say?": every source, with no noun said."""
    every = False
    for i, (_, _, word) in enumerate(tokens):
        after = tokens[i + 1][2] if i + 1 < len(tokens) else ""
        then = tokens[i + 2][2] if i + 2 < len(tokens) else ""
        if word in {"the", "these"} and _COUNTS.get(after) == count and then in _TWO_THEN:
            every = True  # "how do the two differ?", not "the two countries"
            used.update((i, i + 1))
        elif word == "both" and count == 2 and (after in _SAY or not after):
            every = True
            used.add(i)
    return every


def is_source_noun(word: str) -> bool:
    """ "article", "sources", "artcle" (mistyped): a word for a source, lower-cased."""
    if word.endswith("s") and word[:-1] in SOURCE_NOUNS:
        word = word[:-1]
    if word in SOURCE_NOUNS:
        return True
    derived = word.endswith(("ed", "ing"))  # "sourced" is a verb, not "source" mistyped
    return len(word) >= TYPO_LENGTH and not derived and any(_one_off(word, n) for n in SOURCE_NOUNS)


def _one_off(a: str, b: str) -> bool:
    """One letter dropped, added or changed."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _naming_word(word: str) -> bool:
    return word in _EVERY or word in _EACH or word in _COUNTS or word == "of"


def _all_of(tokens: Sequence[Token], i: int, count: int) -> bool:
    """ "both articles", "all the sources", "the two texts", "each article": every source."""
    word = tokens[i][2]
    before = [w for _, _, w in tokens[max(0, i - 3) : i]]
    if word.endswith("s") and word[:-1] in SOURCE_NOUNS:
        return any(w in _EVERY or _COUNTS.get(w) == count for w in before)
    return bool(before) and before[-1] in _EACH  # "which article is more hopeful?": all of them


def _by_file(
    text: str, tokens: Sequence[Token], catalogue: Sequence[SourceEntry],
    idf: Callable[[str], float], used: set[int],
) -> set[int]:  # fmt: skip
    """A file name, with or without its extension, written in the question."""
    lowered, named = text.lower(), set()
    for n, entry in enumerate(catalogue):
        name = entry.source.lower()
        for form in (name, name.rsplit(".", 1)[0]):
            at = lowered.find(form) if len(form) >= 4 else -1
            if at >= 0:
                named.add(n)
                used.update(
                    i for i, (a, b, _) in enumerate(tokens) if a < at + len(form) and at < b
                )
                break
    return named


def _by_position(
    text: str, tokens: Sequence[Token], catalogue: Sequence[SourceEntry],
    idf: Callable[[str], float], used: set[int],
) -> set[int]:  # fmt: skip
    """ "the first article", "the second source", "article 2", in the Sources tab's order; an
    ordinal sharing a noun ("the first and second article") or standing alone once the question
    has one ("the first article with the second", "the second one")."""
    named = set()
    words = [w for _, _, w in tokens]
    nouns = any(is_source_noun(w) for w in words)
    for i, word in enumerate(words):
        near = [w for w in words[i + 1 : i + 5] if w not in _ORDINALS and w not in {"and", "the"}]
        follows = (near[:1] or [""])[0]
        alone = word in _ORDINALS and (follows in {"one", "ones"} or (nouns and follows in _ALONE))
        if word in _ORDINALS and (any(is_source_noun(w) for w in near[:2]) or alone):
            index, span = _ORDINALS[word], [i]
        elif is_source_noun(word) and i + 1 < len(words) and words[i + 1].isdigit():
            index, span = int(words[i + 1]) - 1, [i, i + 1]
        else:
            continue
        if -len(catalogue) <= index < len(catalogue):
            named.add(index % len(catalogue))
            used.update(span)
    return named


def _by_title(
    text: str, tokens: Sequence[Token], catalogue: Sequence[SourceEntry],
    idf: Callable[[str], float], used: set[int],
) -> set[int]:  # fmt: skip
    """A title or a heading of its opening, by TITLE_SHARE of the idf weight of its words that
    not all titles share."""
    titles = [set(terms(e.title)) for e in catalogue]
    shared = set.intersection(*titles) if len(titles) > 1 else set()
    free = {  # "friends-becoming-foes" is three words of a title
        i: set(terms(w))
        for i, (_, _, w) in enumerate(tokens)
        if i not in used and w not in STOPWORDS
    }
    held = set().union(*free.values()) if free else set()
    named = set()
    for n, entry in enumerate(catalogue):
        spelled = [set(terms(name)) for name in names(entry)]
        for words in spelled:
            own = words - shared
            matched = own & held
            weight = sum(idf(t) for t in own)
            if matched and sum(idf(t) for t in matched) >= TITLE_SHARE * weight:
                named.add(n)
                # Every word of its names, shared ones too: they named it, they are no topic.
                used.update(i for i, s in free.items() if s & set().union(*spelled))
                break
    return named


HEADING_LINES = 8  # lines of a source's opening looked at for a subtitle
HEADING_WORDS = 14  # a longer line is prose, not a heading


def names(entry: SourceEntry) -> list[str]:
    """Its title, then the heading lines of its opening (a subtitle: "How the Country's Support
    for the Taliban Backfired"): short lines that do not end as sentences do."""
    found = [entry.title]
    for line in [x.strip() for x in entry.opening.splitlines() if x.strip()][:HEADING_LINES]:
        short = len(line.split()) <= HEADING_WORDS
        if short and not re.search(r"[.!?…:;][\"”’')\]]*$", line) and line not in found:
            found.append(line)
    return found
