"""Split a document into passages that respect paragraphs and sentences, with offsets.

Paragraphs (non-empty lines) are packed greedily into chunks of at most `max_words` words; a
paragraph longer than that is cut at sentence boundaries into near-equal parts. A chunk never
starts or ends inside a sentence, and `document.text[chunk.start:chunk.end] == chunk.text`.
Short lines such as headings attach to the paragraph that follows them. A single sentence longer
than `max_words` stays whole (the embedding model then truncates it), unless it is longer than
`max_sentence_chars`: then `sentence_spans` has already cut it at spaces, so one endless line
becomes many bounded chunks, and no chunk of several sentences holds more than `_CHARS_PER_WORD`
characters per allowed word (a line of a few enormous "words"). Word counts are kept running, so a
paragraph of 200,000 sentences costs linear time.
"""

from __future__ import annotations

import hashlib
import math

from assistant.core.text import MAX_SENTENCE_CHARS, paragraph_spans, sentence_spans, word_count
from assistant.core.types import Chunk, Document

Span = tuple[int, int]
# English prose averages about 6 characters a word with its space; twice that only bounds text
# that is not prose, so ordinary chunks never meet it.
_CHARS_PER_WORD = 12


def chunk_document(
    doc: Document, max_words: int, max_sentence_chars: int = MAX_SENTENCE_CHARS
) -> list[Chunk]:
    spans = _pack(doc.text, _pieces(doc.text, max_words, max_sentence_chars), max_words)
    # The file's name is in the id as well as its bytes: two files with the same bytes (a copy
    # under another name) are two sources, and the store refuses repeated ids.
    name = hashlib.sha256(doc.source.encode()).hexdigest()[:8]
    return [
        Chunk(
            id=f"{doc.sha256[:16]}-{name}-{i}",
            source=doc.source,
            title=doc.title,
            text=doc.text[start:end],
            start=start,
            end=end,
        )
        for i, (start, end) in enumerate(spans)
    ]


def _pieces(text: str, max_words: int, max_sentence_chars: int) -> list[Span]:
    """Paragraphs, with over-long ones cut at sentence boundaries into balanced parts."""
    pieces: list[Span] = []
    for start, end in paragraph_spans(text):
        words = word_count(text, start, end)
        if words <= max_words and end - start <= max_words * _CHARS_PER_WORD:
            pieces.append((start, end))
            continue
        limit = min(words / math.ceil(words / max_words) * 1.15, max_words)
        group: Span | None = None
        group_words = 0
        for a, b in sentence_spans(text, start, end, max_sentence_chars):
            n = word_count(text, a, b)
            too_long = group is not None and b - group[0] > max_words * _CHARS_PER_WORD
            if group is not None and (group_words + n > limit or too_long):
                pieces.append(group)
                group, group_words = None, 0
            group = (a, b) if group is None else (group[0], b)
            group_words += n
        if group is not None:
            pieces.append(group)
    return pieces


def _pack(text: str, pieces: list[Span], max_words: int) -> list[Span]:
    """Merge consecutive pieces while the result stays within max_words."""
    chunks: list[Span] = []
    previous_words = 0
    for start, end in pieces:
        words = word_count(text, start, end)
        if chunks:
            merged = word_count(text, chunks[-1][0], end)
            after_heading = previous_words < 12
            fits = merged <= max_words and end - chunks[-1][0] <= max_words * _CHARS_PER_WORD
            if fits and (after_heading or merged <= max_words * 0.75):
                chunks[-1] = (chunks[-1][0], end)
                previous_words = words
                continue
        chunks.append((start, end))
        previous_words = words
    return chunks
