"""Pure text helpers with offsets: sentence spans, word tokens, stems and stopwords.

Sentence splitting is rule based (terminal punctuation followed by a capital, a digit or an opening
quote, minus common abbreviations) and never changes the text: it returns (start, end) spans so that
callers can slice the original string. It does not try to handle every edge of English; it only
needs to be right on edited prose such as news articles. No span is longer than `max_chars`: a
longer "sentence" (a file of one endless line, a table flattened into one) is cut into near-equal
parts at spaces, or anywhere when it has none, so every later step (the embedder, spaCy, a quote)
works on bounded text. Everything here is linear in the text's length.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

MAX_SENTENCE_CHARS = 800
"""The longest sentence span; longer ones are cut (the setting max_sentence_chars)."""
MODEL_INPUT_CHARS = 10_000
"""The most characters spaCy or the embedder is ever given: beyond them a text is cut, since the
embedder reads 256 tokens anyway and spaCy refuses a million characters ([E088])."""
MAX_SCAN_BACK = 24  # an abbreviation is a short word: this much before a full stop shows it

_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+")
_NEXT_STARTS_SENTENCE = re.compile(r"[\"“‘'(\[]?[A-Z0-9]")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "col", "lt", "sgt", "capt",
    "no", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "inc", "co", "corp", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_LINE = re.compile(r"[^\n]+")
_SPACE = re.compile(r"\s")
_COUNT_BLOCK = 1 << 16
_NUMBER_WORDS = {
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "twenty", "thirty", "forty", "fifty", "hundred", "hundreds", "thousand",
    "thousands", "million", "millions", "billion", "billions", "dozen", "dozens",
}  # fmt: skip

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom whose why will with would you your yours yourself
    yourselves s t d ll m re ve according article articles say says said tell told give describe
    did does much many whats anything something someone thing things happen happened way
    """.split()  # noqa: SIM905
)

QUESTION_WORDS = frozenset(["what", "when", "where", "which", "who", "whom", "whose", "why", "how"])


def paragraph_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Non-empty lines (paragraphs in these sources) of text[start:end], stripped, as spans."""
    spans = []
    for match in _LINE.finditer(text, start, len(text) if end is None else end):
        a, b = match.span()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
    return spans


def sentence_spans(
    text: str, start: int = 0, end: int | None = None, max_chars: int = MAX_SENTENCE_CHARS
) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end], stripped, none longer than max_chars."""
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraph_spans(text, start, end):
        for a, b in _split_paragraph(text, p_start, p_end):
            spans.extend(_capped(text, a, b, max_chars) if b - a > max_chars else [(a, b)])
    return spans


def _split_paragraph(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if not _NEXT_STARTS_SENTENCE.match(text, match.end()):
            continue
        # Only the end of the sentence so far: slicing all of it made a long one quadratic.
        if ends_with_abbreviation(
            text[max(cursor, match.start() - MAX_SCAN_BACK) : match.start() + 1]
        ):
            continue
        stop = match.end()
        while stop > cursor and text[stop - 1].isspace():
            stop -= 1
        yield cursor, stop
        cursor = match.end()
    if cursor < end:
        yield cursor, end


def _capped(text: str, start: int, end: int, max_chars: int) -> Iterator[tuple[int, int]]:
    """text[start:end] in near-equal parts of at most max_chars, cut at the last space that fits
    (anywhere when there is none), each stripped: offsets stay exact."""
    while end - start > max_chars:
        parts = -(-(end - start) // max_chars)
        limit = start + -(-(end - start) // parts)  # this part's share, at most max_chars
        cut = _last_space(text, start + 1, limit + 1)
        stop = cut if cut > start else limit
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        yield start, stop
        start = cut + 1 if cut > start else limit
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


def _last_space(text: str, start: int, end: int) -> int:
    """The position of the last whitespace character in text[start:end], or -1."""
    found = text.rfind(" ", start, end)
    if found >= 0 and found >= end - 16:  # the usual case: a space near the end
        return found
    for match in _SPACE.finditer(text, max(found + 1, start), end):  # tabs, no-break spaces
        found = match.start()
    return found


def ends_with_abbreviation(sentence: str) -> bool:
    last = sentence.rsplit(None, 1)[-1].lower().rstrip(".").lstrip("(\"“‘'")
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def word_set(text: str) -> frozenset[str]:
    """The space-separated words of a literal word list, as a set."""
    return frozenset(text.split())


def words(text: str) -> list[str]:
    """Lower-cased word tokens; possessive endings are dropped ("Pakistan’s" -> "pakistan")."""
    return [_word(token) for token in _WORD.findall(text)]


def _word(token: str) -> str:
    token = token.lower().replace("’", "'")
    if token.endswith("'s"):
        token = token[:-2]
    return token.replace("'", "")


def stem(word: str) -> str:
    """A light suffix stripper: enough to match talks/talk and attacked/attacks, no more."""
    for suffix, keep in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: len(word) - len(suffix)] + keep
            break
    # Dropping a final "e" makes facilitate/facilitated and cause/caused meet.
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def terms(text: str) -> list[str]:
    """Stemmed content words: the unit of keyword search and of question-term coverage."""
    return [term for token in _WORD.findall(text) if (term := _term(token))]


# Indexing a 10 MB file made 1M tokens of a few tens of thousands of distinct ones: caching the
# term of each raw token made BM25 indexing about twice as fast. Bounded for long-lived servers.
@functools.lru_cache(maxsize=1 << 17)
def _term(token: str) -> str:
    """The term a raw token stands for, "" for a stopword or a lone letter."""
    word = _word(token)
    return stem(word) if word not in STOPWORDS and (len(word) > 1 or word.isdigit()) else ""


def has_number(text: str) -> bool:
    return bool(re.search(r"\d", text)) or any(w in _NUMBER_WORDS for w in words(text))


def word_count(text: str, start: int = 0, end: int | None = None) -> int:
    """Whitespace-separated words in text[start:end], a block at a time, so a 20 MB line never
    becomes a list of millions of words."""
    end = len(text) if end is None else end
    count = 0
    for lo in range(start, end, _COUNT_BLOCK):
        hi = min(lo + _COUNT_BLOCK, end)
        count += len(text[lo:hi].split())
        if hi < end and not text[hi - 1].isspace() and not text[hi].isspace():
            count -= 1  # a word cut by the block's end is counted again in the next block
    return count


def shorten(text: str, max_chars: int) -> str:
    """text on one line, cut at a space to at most max_chars with an ellipsis (a title, a label)."""
    flat = " ".join(text[: max_chars * 2].split())
    if len(flat) <= max_chars and len(text) <= max_chars * 2:
        return flat
    cut = flat[: max_chars - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"


def bounded(text: str) -> str:
    """At most MODEL_INPUT_CHARS of text, for spaCy and the embedder."""
    return text[:MODEL_INPUT_CHARS]
