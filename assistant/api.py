"""The Python API: `answer(question, history)` and the `Assistant` class behind it.

`Assistant` wires the layers together with explicit settings and keeps the model, the store and
the keyword index loaded between questions. `answer()` uses one shared default `Assistant` built
from ASSISTANT_* environment variables, and builds the index on first use when it is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.answering.extractive import (
    Decision,
    Sentence,
    Thresholds,
    compose,
    decide,
    score_sentences,
)
from assistant.core.errors import EmptyQuestion, SourcesNotFound
from assistant.core.settings import Settings
from assistant.core.text import stem, terms, words
from assistant.core.types import Answer, Hit
from assistant.index.builder import IndexSummary, Progress, refresh
from assistant.index.embeddings import LocalEmbeddings
from assistant.index.keyword import KeywordIndex
from assistant.index.manifest import Manifest
from assistant.index.store import ChromaStore, make_client
from assistant.retrieve.followup import rewrite
from assistant.retrieve.hybrid import HybridRetriever, exact_terms

Message = dict[str, Any]


@dataclass(frozen=True)
class SourceInfo:
    source: str
    title: str
    chunks: int
    indexed_at: float


class Assistant:
    def __init__(self, settings: Settings | None = None, **overrides: Any):
        self.settings = settings or Settings.from_env(**overrides)
        self.thresholds = Thresholds()
        self.embeddings = LocalEmbeddings(
            self.settings.model, self.settings.query_threads, self.settings.batch_size
        )
        self._store: ChromaStore | None = None
        self._retriever: HybridRetriever | None = None
        self._lock = threading.RLock()  # guards lazy loading
        self._index_lock = threading.Lock()  # one rebuild at a time; answers go on meanwhile

    @property
    def manifest_path(self) -> Any:
        return self.settings.index / "manifest.json"

    @property
    def store(self) -> ChromaStore:
        with self._lock:
            if self._store is None:
                client = make_client(self.settings.index / "chroma", self.settings.chroma_url)
                self._store = ChromaStore(client, self.embeddings)
            return self._store

    def index(self, progress: Progress | None = None) -> IndexSummary:
        """Bring the index in line with the sources folder (incremental)."""
        with self._index_lock:
            summary = refresh(
                self.store,
                self.manifest_path,
                self.settings.sources,
                self.settings.chunk_words,
                self.settings.fingerprint(),
                progress,
            )
            # Questions asked during the refresh used the previous keyword index; the next
            # question builds a fresh one from the store.
            self._retriever = None
            return summary

    def ensure_index(self) -> None:
        """Build the index when it is missing or was built with other settings."""
        if not self.settings.sources.is_dir():
            raise SourcesNotFound(f"sources folder not found: {self.settings.sources}")
        manifest = Manifest.load(self.manifest_path)
        if not manifest.files or manifest.fingerprint != self.settings.fingerprint():
            self.index()

    def sources(self) -> list[SourceInfo]:
        manifest = Manifest.load(self.manifest_path)
        return [
            SourceInfo(name, entry.title, len(entry.chunk_ids), entry.indexed_at)
            for name, entry in sorted(manifest.files.items())
        ]

    @property
    def retriever(self) -> HybridRetriever:
        with self._lock:
            if self._retriever is None:
                self.ensure_index()
                keyword = KeywordIndex(self.store.all_chunks())
                self._retriever = HybridRetriever(self.store, keyword)
            return self._retriever

    def retrieve(self, query: str, k: int | None = None) -> tuple[list[Hit], np.ndarray]:
        s = self.settings
        vector = self.embeddings.embed_query(query)
        hits = self.retriever.search(query, vector, k or s.top_k, s.candidates, s.rrf_k)
        return hits, np.asarray(vector, dtype=np.float32)

    def answer(
        self, question: str, history: Sequence[Message] | None = None, top_k: int | None = None
    ) -> Answer:
        if not question or not question.strip():
            raise EmptyQuestion("the question is empty")
        question = question.strip()
        query, hits, decision = self.decision(question, history, top_k)
        return compose(question, query, decision, hits)

    def decision(
        self, question: str, history: Sequence[Message] | None = None, top_k: int | None = None
    ) -> tuple[str, list[Hit], Decision]:
        """The steps of `answer` before wording: query used, passages found, sentences chosen."""
        keyword = self.retriever.keyword
        common = max(1, len(keyword.chunks) // 2)
        query = rewrite(
            question,
            history,
            is_rare=lambda w: len(keyword.postings.get(stem(w.lower()), ())) < common,
        )
        hits, vector = self.retrieve(query, top_k)
        return query, hits, self._decide(question, query, hits, vector)

    def _decide(self, question: str, query: str, hits: list[Hit], vector: np.ndarray) -> Decision:
        keyword = self.retriever.keyword
        unknown = [t for t in exact_terms(question) if not _known(keyword, t)]
        asked = terms(question)
        weights = [keyword.idf(t) for t in asked]
        oov = sum(w for t, w in zip(asked, weights, strict=True) if not keyword.knows(t))
        sentences = self._sentences(hits)
        scored = score_sentences(query, vector, sentences, keyword.idf, self.thresholds)
        return decide(question, scored, unknown, oov / (sum(weights) or 1.0), self.thresholds)

    def _sentences(self, hits: list[Hit]) -> list[Sentence]:
        rank = {h.chunk.id: i for i, h in enumerate(hits)}
        chunk = {h.chunk.id: h.chunk for h in hits}
        return [
            Sentence(rank[cid], chunk[cid].source, chunk[cid].title, start, end, text,
                     np.asarray(vec, dtype=np.float32))
            for cid, start, end, text, vec in self.store.sentences_of(list(rank))
        ]  # fmt: skip


def _known(keyword: KeywordIndex, term: str) -> bool:
    """A name counts as known when any of its longer words occurs in the sources."""
    if keyword.containing(term):
        return True
    parts = [w for w in words(term) if len(w) > 2]
    return any(keyword.containing(w) for w in parts)


_default: Assistant | None = None
_default_lock = threading.Lock()


def default_assistant() -> Assistant:
    global _default
    with _default_lock:
        if _default is None:
            _default = Assistant()
        return _default


def answer(question: str, history: Sequence[Message] | None = None) -> Answer:
    """Answer a question from the project's sources, quoting them; see `Answer`."""
    return default_assistant().answer(question, history)
