"""Pure text helpers with offsets: sentence spans, word tokens, stems and stopwords.

Sentence splitting is rule based (terminal punctuation followed by a capital, a digit or an opening
quote, minus common abbreviations) and never changes the text: it returns (start, end) spans so that
callers can slice the original string. It does not try to handle every edge of English; it only
needs to be right on edited prose such as news articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*\s+")
_NEXT_STARTS_SENTENCE = re.compile(r"[\"“‘'(\[]?[A-Z0-9]")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "col", "lt", "sgt", "capt",
    "no", "vs", "etc", "e.g", "i.e", "u.s", "u.k", "u.n", "inc", "co", "corp", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
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


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Non-empty lines (paragraphs in these sources), stripped, as (start, end) spans."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end], each stripped of surrounding whitespace."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraph_spans(text[start:end]):
        spans.extend(_split_paragraph(text, start + p_start, start + p_end))
    return spans


def _split_paragraph(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        if not _NEXT_STARTS_SENTENCE.match(text, match.end()):
            continue
        if _ends_with_abbreviation(text[cursor : match.start() + 1]):
            continue
        stop = match.end()
        while stop > cursor and text[stop - 1].isspace():
            stop -= 1
        yield cursor, stop
        cursor = match.end()
    if cursor < end:
        yield cursor, end


def _ends_with_abbreviation(sentence: str) -> bool:
    last = sentence.rsplit(None, 1)[-1].lower().rstrip(".").lstrip("(\"“‘'")
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def words(text: str) -> list[str]:
    """Lower-cased word tokens; possessive endings are dropped ("Pakistan’s" -> "pakistan")."""
    out = []
    for token in _WORD.findall(text):
        token = token.lower().replace("’", "'")
        if token.endswith("'s"):
            token = token[:-2]
        out.append(token.replace("'", ""))
    return out


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
    return [stem(w) for w in words(text) if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]


def has_number(text: str) -> bool:
    return bool(re.search(r"\d", text)) or any(w in _NUMBER_WORDS for w in words(text))


def word_count(text: str) -> int:
    return len(text.split())
