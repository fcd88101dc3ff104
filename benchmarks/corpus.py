"""A synthetic corpus of real prose for the scale benchmark, made offline and deterministically.

The text is the sentences of the two articles bundled in `sources/` ("Pakistan Reaps What It
Sowed", Foreign Affairs, and "Pakistan and the Afghan Taliban: Friends Becoming Foes", The
Diplomat): every sentence of their body paragraphs (lines of 25 words or more; headings, bylines
and credits are left out) that has at least 6 words. Documents recombine those sentences at random
(seeded): paragraphs of 3-6 sentences, documents of 20-60 paragraphs, each file opening with a
numbered title line, so every document is distinct while the vocabulary, sentence lengths and
chunk sizes stay those of the real articles. Generation stops at the target chunk count, counted
with the product's own chunker (the last document is cut short to land on it exactly).

What it leaves out: the vocabulary of a real 100k-chunk library is far larger than two articles'
(134 sentences, about 800 distinct stemmed terms, plus each title's number), so every term is
frequent: keyword postings are longer and phrase lookups match more chunks than they would in real
use. That makes it a pessimistic corpus for keyword search and a neutral one for embedding.

Run: .venv/bin/python benchmarks/corpus.py OUT_FOLDER --chunks 1000 [--seed 0]
"""

from __future__ import annotations

import argparse
import hashlib
import random
from dataclasses import dataclass
from pathlib import Path

from assistant.core.text import paragraph_spans, sentence_spans, word_count
from assistant.core.types import Chunk, Document
from assistant.ingest.chunking import chunk_document
from assistant.ingest.readers import read_documents

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "sources"
_BODY_WORDS = 25
_SENTENCE_WORDS = 6


@dataclass(frozen=True)
class Corpus:
    folder: Path
    documents: int
    chunks: int
    words: int
    bytes: int


def source_sentences(folder: Path = SOURCES) -> list[str]:
    """Sentences of the body paragraphs of every source file, in file order."""
    found: list[str] = []
    for doc in read_documents(folder):
        for start, end in paragraph_spans(doc.text):
            if word_count(doc.text[start:end]) < _BODY_WORDS:
                continue
            spans = sentence_spans(doc.text, start, end)
            found += [s for a, b in spans if word_count(s := doc.text[a:b]) >= _SENTENCE_WORDS]
    return found


def paragraphs(rng: random.Random, sentences: list[str]) -> list[str]:
    """The paragraphs of one document: 20-60 of them, 3-6 random sentences each."""
    return [
        " ".join(rng.choices(sentences, k=rng.randint(3, 6))) for _ in range(rng.randint(20, 60))
    ]


def document_text(number: int, body: list[str]) -> str:
    first = " ".join(body[0].split()[:6]).rstrip(",.;:")
    return f"Report {number:06d}: {first}\n\n" + "\n\n".join(body) + "\n"


def chunks_of(name: str, text: str, chunk_words: int) -> list[Chunk]:
    """The chunks the product's chunker makes of a document (as the index would)."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    title = text.split("\n", 1)[0]
    return chunk_document(Document(name, title, text, digest), chunk_words)


def generate(folder: Path, target: int, seed: int = 0, chunk_words: int = 160) -> Corpus:
    """Write documents to folder until they hold `target` chunks; same seed, same files."""
    rng = random.Random(seed)
    sentences = source_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    total = documents = words = size = 0
    while total < target:
        documents += 1
        name = f"report-{documents:06d}.txt"
        body = paragraphs(rng, sentences)
        text = document_text(documents, body)
        count = len(chunks_of(name, text, chunk_words))
        while total + count > target and len(body) > 1:
            body = body[:-1]
            text = document_text(documents, body)
            count = len(chunks_of(name, text, chunk_words))
        (folder / name).write_text(text, encoding="utf-8")
        total += count
        words += word_count(text)
        size += len(text.encode())
    return Corpus(folder, documents, total, words, size)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--chunks", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    corpus = generate(args.out, args.chunks, args.seed)
    print(f"{corpus.documents} documents, {corpus.chunks} chunks, {corpus.words} words "
          f"in {corpus.folder}")  # fmt: skip


if __name__ == "__main__":
    main()
