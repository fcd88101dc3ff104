from pathlib import Path

import pytest

from assistant.core.text import sentence_spans
from assistant.core.types import Document
from assistant.ingest.chunking import chunk_document
from assistant.ingest.readers import read_documents, title_of

SOURCES = Path(__file__).resolve().parents[1] / "sources"


@pytest.mark.parametrize("max_words", [40, 80, 120, 200])
def test_chunks_reproduce_the_source_and_respect_limits(max_words: int) -> None:
    for doc in read_documents(SOURCES):
        chunks = chunk_document(doc, max_words)
        assert chunks
        boundaries = {a for a, _ in sentence_spans(doc.text)} | {
            b for _, b in sentence_spans(doc.text)
        }
        for chunk in chunks:
            assert doc.text[chunk.start : chunk.end] == chunk.text
            assert chunk.start in boundaries and chunk.end in boundaries  # never mid-sentence
            sentences = sentence_spans(doc.text, chunk.start, chunk.end)
            longest = max(len(doc.text[a:b].split()) for a, b in sentences)
            assert len(chunk.text.split()) <= max(max_words, longest)
        covered = " ".join(c.text for c in chunks).split()
        assert covered == doc.text.split()  # nothing lost, nothing repeated


def test_chunk_ids_follow_content() -> None:
    a = Document("a.txt", "T", "One. Two.", "ab" * 32)
    b = Document("a.txt", "T", "One. Three.", "cd" * 32)
    assert chunk_document(a, 50)[0].id != chunk_document(b, 50)[0].id


@pytest.mark.parametrize(
    ("text", "title"),
    [("\n\n  Hello world \nbody", "Hello world"), ("# Heading\ntext", "Heading"), ("", "")],
)
def test_title_is_first_non_empty_line(text: str, title: str) -> None:
    assert title_of(text) == title
