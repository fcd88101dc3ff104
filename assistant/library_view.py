"""One opened index generation (`IndexView`) and the `Library` the answering layer reads over it.

`ViewLibrary` implements `answering.library.Library` for one view: searching goes through its
owner (the api's `Assistant`, which holds the query embedder), sentences and documents are read
from the view's store with their stored vectors, and `catalogue_of` lists the view's sources with
the opening of each. A `ViewLibrary` built with chosen sources keeps to them: searches, the
catalogue, documents and substring search (`ChosenTerms`) see those alone; term statistics stay
the whole index's. Left out: choosing, opening, checking and caching views, and the catalogue's
cache (all `api.py`'s), and any answering logic (answering/).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.answering.library import Found, SourceEntry, Terms
from assistant.answering.quoting.extractive import Sentence, Thresholds
from assistant.core.settings import Settings
from assistant.core.types import Chunk, Hit, page_at
from assistant.index.keyword import KeywordIndex
from assistant.index.manifest import Manifest
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


class ChosenTerms:
    """A keyword index's term statistics, with substring search kept to some sources."""

    def __init__(self, keyword: KeywordIndex, within: frozenset[str]):
        self.whole, self.within = keyword, within

    def __len__(self) -> int:
        return len(self.whole)

    def df(self, term: str) -> int:
        return self.whole.df(term)

    def knows(self, term: str) -> bool:
        return self.whole.knows(term)

    def idf(self, term: str) -> float:
        return self.whole.idf(term)

    def containing(self, phrase: str, limit: int | None = None) -> list[Chunk]:
        return self.whole.containing(phrase, limit, self.within)


def kept_to(
    sources: Collection[str] | None, within: frozenset[str] | None
) -> frozenset[str] | None:
    """The sources a search asked for `sources` may read when answers keep to `within` (None:
    every source); empty when none of them is kept to."""
    if within is None:
        return None if sources is None else frozenset(sources)
    return within if sources is None else within & frozenset(sources)


class ViewLibrary:
    """One generation as the answering layer reads it (answering.library.Library), kept to the
    sources `within` when given (a non-empty set of names the generation holds)."""

    def __init__(
        self,
        assistant: Owner,
        view: IndexView,
        top_k: int | None,
        within: frozenset[str] | None = None,
    ):
        self.assistant, self.view, self.top_k, self.within = assistant, view, top_k, within
        self.keyword: Terms = view.keyword if within is None else ChosenTerms(view.keyword, within)
        self.thresholds = assistant.thresholds
        self.quote_chars = assistant.settings.max_sentence_chars

    def search(
        self, query: str, exact: Collection[str], sources: Collection[str] | None = None
    ) -> Found:
        kept = kept_to(sources, self.within)
        asked = kept or self.within  # no search reads "no source" as every source
        hits, vector = self.assistant.retrieve(query, self.top_k, self.view, list(exact), asked)
        # the stored sentence vectors share the retrieval vector's space
        return Found(hits if kept is None or kept else [], vector)

    def sentences(self, hits: list[Hit]) -> list[Sentence]:
        rank = {h.chunk.id: i for i, h in enumerate(hits)}
        chunk = {h.chunk.id: h.chunk for h in hits}
        files = self.view.manifest.files
        rows = self.view.store.sentences_of(list(rank))
        return [
            Sentence(rank[cid], chunk[cid].source, chunk[cid].title, start, end, text, vec,
                     page_at(files[chunk[cid].source].pages, start)
                     if chunk[cid].source in files else None)
            for cid, start, end, text, vec in rows
        ]  # fmt: skip

    def catalogue(self) -> list[SourceEntry]:
        entries = self.assistant.catalogue(self.view)
        return entries if self.within is None else [e for e in entries if e.source in self.within]

    def indexed(self) -> list[SourceEntry]:
        return self.assistant.catalogue(self.view)

    def document(self, source: str, limit: int) -> list[Sentence]:
        entry = self.view.manifest.files.get(source)
        if entry is None or (self.within is not None and source not in self.within):
            return []
        ids = list(entry.chunk_ids)
        if len(ids) > limit:  # spread evenly over the source
            ids = [ids[i * len(ids) // limit] for i in range(limit)]
        rank = {cid: i for i, cid in enumerate(ids)}
        rows = self.view.store.sentences_of(ids)
        return sorted(
            (Sentence(rank[cid], source, entry.title, start, end, text, vec,
                      page_at(entry.pages, start))
             for cid, start, end, text, vec in rows),
            key=lambda s: s.start,
        )  # fmt: skip
