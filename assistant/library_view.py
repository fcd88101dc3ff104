"""One opened index generation (`IndexView`) and the `Library` the answering layer reads over it.

`ViewLibrary` implements `answering.library.Library` for one view: searching goes through its
owner (the api's `Assistant`, which holds the query embedder and the answer scorer), sentences and
documents are read from the view's store in the scorer's vector space, and `catalogue_of` lists the
view's sources with the opening of each. Left out: choosing, opening, checking and caching views,
and the catalogue's cache (all `api.py`'s), and any answering logic (answering/).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.answering.library import Found, SourceEntry
from assistant.answering.quoting.extractive import Sentence, Thresholds
from assistant.core.settings import Settings
from assistant.core.types import Hit, page_at
from assistant.index.keyword import KeywordIndex
from assistant.index.manifest import Manifest
from assistant.index.scorers import AnswerScorer
from assistant.index.store import ChromaStore
from assistant.index.verify import Opened
from assistant.retrieve.hybrid import HybridRetriever

OPENING = 600  # characters of a source's start kept for its subtitle (answering/reading/naming.py)


@dataclass(frozen=True)
class IndexView:
    """One published generation, opened: everything an answer reads, consistent with itself."""

    folder: Path
    manifest: Manifest
    store: ChromaStore
    keyword: KeywordIndex
    retriever: HybridRetriever
    opened: Opened  # the checks it passed, and the stamp that says whether its files changed


class Owner(Protocol):
    """What a `ViewLibrary` reads from the `Assistant` that made it."""

    settings: Settings
    thresholds: Thresholds
    scorer: AnswerScorer

    def retrieve(
        self,
        query: str,
        k: int | None = None,
        view: IndexView | None = None,
        exact: Sequence[str] | None = None,
        sources: Collection[str] | None = None,
    ) -> tuple[list[Hit], np.ndarray]: ...

    def catalogue(self, view: IndexView) -> list[SourceEntry]: ...


def catalogue_of(view: IndexView) -> list[SourceEntry]:
    """The view's sources by file name, each with its title and the opening of its text."""
    files = view.manifest.files
    made = []
    for name in sorted(files):
        first = view.keyword.get(files[name].chunk_ids[0]) if files[name].chunk_ids else None
        made.append(SourceEntry(name, files[name].title, first.text[:OPENING] if first else ""))
    return made


class ViewLibrary:
    """One generation as the answering layer reads it (answering.library.Library)."""

    def __init__(self, assistant: Owner, view: IndexView, top_k: int | None):
        self.assistant, self.view, self.top_k = assistant, view, top_k
        self.keyword = view.keyword
        self.thresholds = assistant.thresholds
        self.quote_chars = assistant.settings.max_sentence_chars

    def search(
        self, query: str, exact: Collection[str], sources: Collection[str] | None = None
    ) -> Found:
        hits, vector = self.assistant.retrieve(query, self.top_k, self.view, list(exact), sources)
        # sentences are scored in the answer scorer's space: its own query vector, if it has one
        return Found(hits, self.assistant.scorer.query_vector(query, vector))

    def sentences(self, hits: list[Hit]) -> list[Sentence]:
        rank = {h.chunk.id: i for i, h in enumerate(hits)}
        chunk = {h.chunk.id: h.chunk for h in hits}
        files = self.view.manifest.files
        rows = self.view.store.sentences_of(list(rank), self.assistant.scorer.stored)
        return [
            Sentence(rank[cid], chunk[cid].source, chunk[cid].title, start, end, text, vec,
                     page_at(files[chunk[cid].source].pages, start)
                     if chunk[cid].source in files else None)
            for cid, start, end, text, vec in rows
        ]  # fmt: skip

    def catalogue(self) -> list[SourceEntry]:
        return self.assistant.catalogue(self.view)

    def document(self, source: str, limit: int) -> list[Sentence]:
        entry = self.view.manifest.files.get(source)
        if entry is None:
            return []
        ids = list(entry.chunk_ids)
        if len(ids) > limit:  # spread evenly over the source
            ids = [ids[i * len(ids) // limit] for i in range(limit)]
        rank = {cid: i for i, cid in enumerate(ids)}
        rows = self.view.store.sentences_of(ids, self.assistant.scorer.stored)  # one vector space
        return sorted(
            (Sentence(rank[cid], source, entry.title, start, end, text, vec,
                      page_at(entry.pages, start))
             for cid, start, end, text, vec in rows),
            key=lambda s: s.start,
        )  # fmt: skip
