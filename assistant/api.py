"""The Python API: `answer(question, history)` and the `Assistant` class behind it.

`Assistant` wires the layers together with explicit settings and keeps the model and the open index
loaded between questions. Every answer reads one published index generation from start to end, so
a rebuild (in this process or another) switches answers from the old index to the new one between
questions, never in the middle of one. `answer()` uses one shared default `Assistant` built from
ASSISTANT_* environment variables, and builds the index on first use when it is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answering.asks import analyse, holds
from assistant.answering.entities import tag
from assistant.answering.extractive import (
    Decision,
    Scored,
    Sentence,
    Thresholds,
    compose,
    decide,
    previous_sentences,
    score_sentences,
)
from assistant.core.errors import EmptyQuestion, IndexFailure
from assistant.core.settings import Settings
from assistant.core.text import stem, terms, words
from assistant.core.types import Answer, Hit, page_at
from assistant.index import generations
from assistant.index.builder import IndexSummary, Plan, Progress, plan, refresh
from assistant.index.embeddings import LocalEmbeddings
from assistant.index.keyword import KeywordIndex
from assistant.index.manifest import Manifest
from assistant.index.store import ChromaStore, StoreFactory
from assistant.retrieve.followup import rewrite
from assistant.retrieve.hybrid import HybridRetriever, exact_terms

Message = dict[str, Any]


@dataclass(frozen=True)
class SourceInfo:
    source: str
    title: str
    chunks: int
    indexed_at: float
    note: str = ""


@dataclass(frozen=True)
class IndexView:
    """One published generation, opened: everything an answer reads, consistent with itself."""

    folder: Path
    manifest: Manifest
    store: ChromaStore
    keyword: KeywordIndex
    retriever: HybridRetriever


class Assistant:
    def __init__(self, settings: Settings | None = None, **overrides: Any):
        self.settings = settings or Settings.from_env(**overrides)
        self.thresholds = Thresholds(max_quotes=max(1, self.settings.max_quotes))
        self.embeddings = LocalEmbeddings(
            self.settings.model, self.settings.query_threads, self.settings.batch_size
        )
        self.stores = StoreFactory(self.embeddings, self.settings.chroma_url)
        self._view: IndexView | None = None
        self._lock = threading.Lock()  # guards the open view
        self._index_lock = threading.Lock()  # one rebuild at a time; answers go on meanwhile

    def index(self, progress: Progress | None = None) -> IndexSummary:
        """Bring the index in line with the sources folder (incremental, crash-safe)."""
        s = self.settings
        with self._index_lock:
            return refresh(
                s.index, s.sources, s.recipe(), s.chunk_words, self.stores,
                self.embeddings.encode, progress,
            )  # fmt: skip

    def plan(self) -> Plan:
        """What `index()` would add, re-embed, remove and skip, without doing it."""
        folder = generations.live(self.settings.index)
        manifest = Manifest.load(folder / "manifest.json") if folder else Manifest()
        return plan(manifest, self.settings.sources, self.settings.recipe())

    def ensure_index(self) -> None:
        """Build the index when it is missing or was built with other settings."""
        self.view()

    def view(self) -> IndexView:
        """The live index generation, reopened whenever a newer one has been published."""
        folder = generations.live(self.settings.index)
        with self._lock:
            if self._view is not None and self._view.folder == folder:
                return self._view
        manifest = Manifest.load(folder / "manifest.json") if folder else None
        if (
            folder is None
            or manifest is None
            or manifest.fingerprint != self.settings.fingerprint()
        ):
            self.index()
            folder = generations.live(self.settings.index)
            if folder is None:
                raise IndexFailure(f"no index in {self.settings.index}")
            manifest = Manifest.load(folder / "manifest.json")
        opened = self._open(folder, manifest)
        with self._lock:
            self._view = opened
        return opened

    def _open(self, folder: Path, manifest: Manifest) -> IndexView:
        store = self.stores.open(folder)
        keyword = KeywordIndex.load(folder / "keyword")
        return IndexView(folder, manifest, store, keyword, HybridRetriever(store, keyword))

    def sources(self) -> list[SourceInfo]:
        manifest = self.view().manifest
        return [
            SourceInfo(name, entry.title, len(entry.chunk_ids), entry.indexed_at, entry.note)
            for name, entry in sorted(manifest.files.items())
        ]

    def source_text(self, source: str) -> str:
        """The text a source's citations index into, as stored with the index."""
        view = self.view()
        entry = view.manifest.files.get(source)
        if entry is None:
            raise IndexFailure(f"{source} is not in the index")
        return (view.folder / "texts" / f"{entry.sha256}.txt").read_text(encoding="utf-8")

    def retrieve(
        self, query: str, k: int | None = None, view: IndexView | None = None
    ) -> tuple[list[Hit], np.ndarray]:
        s = self.settings
        view = view or self.view()
        vector = self.embeddings.embed_query(query)
        hits = view.retriever.search(query, vector, k or s.top_k, s.candidates, s.rrf_k)
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
        view = self.view()
        keyword = view.keyword
        common = max(1, len(keyword) // 2)
        query = rewrite(question, history, is_rare=lambda w: keyword.df(stem(w.lower())) < common)
        hits, vector = self.retrieve(query, top_k, view)
        return query, hits, self._decide(view, question, query, hits, vector)

    def _decide(
        self, view: IndexView, question: str, query: str, hits: list[Hit], vector: np.ndarray
    ) -> Decision:
        keyword = view.keyword
        unknown = [t for t in exact_terms(question) if not _known(keyword, t)]
        asked = terms(question)
        weights = [keyword.idf(t) for t in asked]
        oov = sum(w for t, w in zip(asked, weights, strict=True) if not keyword.knows(t))
        sentences = self._sentences(view, hits)
        scored = score_sentences(query, vector, sentences, keyword.idf, self.thresholds)
        tagged = tag(question)
        asks = analyse(tagged)
        before = previous_sentences(sentences)

        def accept(s: Scored) -> bool:
            key = (s.sentence.source, s.sentence.start)
            return holds(asks, tagged, tag(s.sentence.text), before.get(key, ""))

        return decide(scored, unknown, oov / (sum(weights) or 1.0), self.thresholds, accept)

    def _sentences(self, view: IndexView, hits: list[Hit]) -> list[Sentence]:
        rank = {h.chunk.id: i for i, h in enumerate(hits)}
        chunk = {h.chunk.id: h.chunk for h in hits}
        files = view.manifest.files
        return [
            Sentence(rank[cid], chunk[cid].source, chunk[cid].title, start, end, text, vec,
                     page_at(files[chunk[cid].source].pages, start)
                     if chunk[cid].source in files else None)
            for cid, start, end, text, vec in view.store.sentences_of(list(rank))
        ]  # fmt: skip


def _known(keyword: KeywordIndex, term: str) -> bool:
    """A name counts as known when any of its longer words occurs in the sources."""
    if keyword.containing(term, limit=1):
        return True
    parts = [w for w in words(term) if len(w) > 2]
    return any(keyword.containing(w, limit=1) for w in parts)


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
