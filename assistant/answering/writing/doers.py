"""Who does what: a written sentence must give each shared verb the doer its cited text gives.

For every verb (spaCy's tags, entities.py) the doer is the name it is said of: the proper nouns
after "by" for a passive ("replaced by Shehbaz Sharif"), else the proper nouns right before it,
past adverbs and auxiliaries, an aside between commas or dashes ("Mullah Yaqub – …'s son –
expressed") and "who"; none when a preposition governs them ("relations with Pakistan were") or
the verb is a passive without "by". A verb in both texts whose doers differ, the sentence's doer
being a name the cited text holds elsewhere, is a swapped role ("Afghanistan denies …" against
"Pakistan denies …"). A verb whose doer is a common noun or a pronoun, or follows "that" or
"which", has none: nothing is compared. What it leaves out: objects (who was done to), and doers
a parser would find further away.
`unnamed` catches the doer a sentence names where its cited text has only a pronoun ("They no
longer trust…" written as "The Taliban no longer trust…"), unless the cited text names it too
("…to unseat Khan"; "Taliban leaders" names leaders, not them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answering.reading.entities import Token, tag
from assistant.core.text import STOPWORDS, stem, word_set, words

_NAMES = {"NNP", "NNPS"}
_PASSING = {"RB", "RBR", "RBS", "MD", "VB", "VBD", "VBN", "VBP", "VBZ", "TO"}
_ASIDES = {",", "–", "—", "-"}
_BE = word_set("be is are was were been being")
# A sentence of the cited text that opens on a pronoun or "this group": who it is, it never says.
_UNNAMED = re.compile(
    r"(?:^|(?<=[.!?]\s))(?:They|He|She|It|This|These|Those)"
    r"(?:\s+(?:group|groups|country|movement|organi[sz]ation|government|man|woman))?\b"
)
_LIGHT = word_set("be is are was were been being has have had do does did will would can could")


def _words_of(tokens: Sequence[Token]) -> tuple[str, ...]:
    return tuple(stem(w) for t in tokens for w in words(t.text))


def _before(tokens: Sequence[Token], i: int) -> tuple[int, int] | None:
    """The span of proper nouns that does the verb at i, looking back, or None."""
    j = i - 1
    while j >= 0 and tokens[j].tag in _PASSING:
        if tokens[i].tag == "VBN" and tokens[j].text.lower() in _BE:
            return None  # "relations were restored": a passive's subject is not its doer
        j -= 1
    if j >= 0 and tokens[j].tag == "WP":  # "Sharif, who heads"
        j -= 1 + (j > 0 and tokens[j - 1].text == ",")
    elif j >= 0 and tokens[j].text in _ASIDES:  # "Mullah Yaqub – the minister … – expressed"
        mark = tokens[j].text
        j = next((k for k in range(j - 1, -1, -1) if tokens[k].text == mark), -1) - 1
    if j < 0 or tokens[j].tag not in _NAMES:
        return None
    start = j
    while start > 0 and tokens[start - 1].tag in _NAMES:
        start -= 1
    if start > 0 and tokens[start - 1].tag in ("IN", "TO"):
        return None  # "relations with Pakistan were": a name after a preposition does nothing
    return start, j + 1


def _after_by(tokens: Sequence[Token], i: int) -> tuple[int, int] | None:
    if i + 1 >= len(tokens) or tokens[i + 1].text.lower() != "by":
        return None
    j = i + 2
    while j < len(tokens) and tokens[j].tag == "DT":
        j += 1
    end = j
    while end < len(tokens) and tokens[end].tag in _NAMES:
        end += 1
    return (j, end) if end > j else None


def doers(text: str) -> dict[str, tuple[str, str]]:
    """Each verb's stem: (the verb as written, its doer as written), the first time it has one."""
    tokens = tag(text).tokens
    found: dict[str, tuple[str, str]] = {}
    for i, t in enumerate(tokens):
        if not t.tag.startswith("VB") or t.text.lower() in _LIGHT:
            continue
        span = _after_by(tokens, i) or (None if t.tag == "VBN" and i + 1 < len(tokens)
                                        and tokens[i + 1].text.lower() == "by"
                                        else _before(tokens, i))  # fmt: skip
        if span is not None:
            who = " ".join(x.text for x in tokens[span[0] : span[1]])
            found.setdefault(stem(t.text.lower()), (t.text, who))
    return found


def doer(claim: str, cited: str) -> str:
    """The first verb the claim gives another doer than the cited text does, as a reason."""
    held = set(_words_of(tag(cited).tokens))
    theirs = doers(cited)
    for verb, (written, who) in doers(claim).items():
        if verb not in theirs:
            continue
        other = theirs[verb][1]
        extra = set(_words_of(tag(who).tokens)) - set(_words_of(tag(other).tokens))
        if extra and extra <= held:
            return f"in the cited excerpt it is “{other}” that “{written}”, not “{who}”"
    return ""


def unnamed(claim: str, cited: str) -> str:
    """The name the claim puts where a cited sentence opens on a pronoun, as a reason, or ""."""
    mine = words(claim)
    for match in _UNNAMED.finditer(cited):
        after = _leading(words(cited[match.end() :]))
        before = set(words(cited[: match.start()]))
        for k in range(1, min(6, len(mine) - 1)):
            if _leading(mine[k:]) != after:
                continue
            subject = claim[: _nth_word(claim, k)].strip(" ,")
            names = [w for w in re.findall(r"[\w’'-]+", subject)
                     if w[:1].isupper() and w.lower() not in STOPWORDS]  # fmt: skip
            if names and not set(words(" ".join(names))) <= before | _named(cited):
                return f"the cited excerpt says “{match[0]}”; it does not name “{subject}”"
    return ""


def _named(cited: str) -> set[str]:
    """Names the cited text uses as names, not only before a noun ("Taliban leaders" does not
    say who "they" are; "to unseat Khan" says who "he" was)."""
    tokens = tag(cited).tokens
    return {
        w for i, t in enumerate(tokens) if t.tag in _NAMES
        and not (i + 1 < len(tokens) and tokens[i + 1].tag in ("NN", "NNS", "POS"))
        for w in words(t.text)
    }  # fmt: skip


def _leading(ws: Sequence[str]) -> list[str]:
    """The first two words that are not auxiliaries, by stem ("has launched more": launch, more)."""
    return [stem(w) for w in ws[:6] if w not in _LIGHT][:2]


def _nth_word(text: str, k: int) -> int:
    """Where the k-th word (as core.text.words reads them) starts in text."""
    found = list(re.finditer(r"[\w’'-]+", text))
    return found[k].start() if k < len(found) else len(text)
