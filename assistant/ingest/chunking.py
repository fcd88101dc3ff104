"""Split a document into passages that respect paragraphs and sentences, with offsets.

Paragraphs (non-empty lines) are packed greedily into chunks of at most `max_words` words; a
paragraph longer than that is cut at sentence boundaries into near-equal parts. A chunk never
starts or ends inside a sentence, and `document.text[chunk.start:chunk.end] == chunk.text`.
Short lines such as headings attach to the paragraph that follows them. A single sentence longer
than `max_words` stays whole (the embedding model then truncates it); such sentences are rare in
prose and cutting mid-sentence would break the citation unit.
"""

from __future__ import annotations

import math

from assistant.core.text import paragraph_spans, sentence_spans, word_count
from assistant.core.types import Chunk, Document

Span = tuple[int, int]


def chunk_document(doc: Document, max_words: int) -> list[Chunk]:
    spans = _pack(doc.text, _pieces(doc.text, max_words), max_words)
    return [
        Chunk(
            id=f"{doc.sha256[:16]}-{i}",
            source=doc.source,
            title=doc.title,
            text=doc.text[start:end],
            start=start,
            end=end,
        )
        for i, (start, end) in enumerate(spans)
    ]


def _pieces(text: str, max_words: int) -> list[Span]:
    """Paragraphs, with over-long ones cut at sentence boundaries into balanced parts."""
    pieces: list[Span] = []
    for start, end in paragraph_spans(text):
        words = word_count(text[start:end])
        if words <= max_words:
            pieces.append((start, end))
            continue
        sentences = sentence_spans(text, start, end)
        target = words / math.ceil(words / max_words)
        group: list[Span] = []
        for sentence in sentences:
            group_words = word_count(text[group[0][0] : group[-1][1]]) if group else 0
            limit = min(target * 1.15, max_words)
            if group and group_words + word_count(text[sentence[0] : sentence[1]]) > limit:
                pieces.append((group[0][0], group[-1][1]))
                group = []
            group.append(sentence)
        if group:
            pieces.append((group[0][0], group[-1][1]))
    return pieces


def _pack(text: str, pieces: list[Span], max_words: int) -> list[Span]:
    """Merge consecutive pieces while the result stays within max_words."""
    chunks: list[Span] = []
    previous_words = 0
    for start, end in pieces:
        words = word_count(text[start:end])
        if chunks:
            merged = word_count(text[chunks[-1][0] : end])
            after_heading = previous_words < 12
            if merged <= max_words and (after_heading or merged <= max_words * 0.75):
                chunks[-1] = (chunks[-1][0], end)
                previous_words = words
                continue
        chunks.append((start, end))
        previous_words = words
    return chunks
