"""What answering reads from one index generation, as one small interface.

The answering layer never opens an index itself: `api.py` hands it a `Library` over the generation
an answer reads from start to end. Searching, the sentences of retrieved passages and the catalogue
of sources go through it, so composers stay plain functions of a `Question` and a `Library`, and
tests can give them a real index without the web or the CLI. A `Library` may keep to some of the
indexed sources (an answer asked within chosen sources): its search, catalogue, documents and
substring search then see those alone, while its term statistics stay those of the whole index,
the weights the answer-or-abstain model was fitted with. It holds no answering logic.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.answering.quoting.extractive import Sentence, Thresholds
from assistant.core.types import Chunk, Hit


@dataclass(frozen=True)
class Found:
    """What one search returned: the passages, best first, and the query's vector in the
    space of the vectors `Library.sentences` returns (the index model's)."""

    hits: list[Hit]
    vector: np.ndarray


@dataclass(frozen=True)
class SourceEntry:
    source: str  # file name relative to the sources folder
    title: str
    opening: str = ""  # the start of its text, where a subtitle or heading may name it too


class Terms(Protocol):
    """What the sources contain, as answering reads it: term statistics (a `KeywordIndex`'s, of
    every indexed source) and substring search (of the sources an answer keeps to)."""

    def __len__(self) -> int: ...

    def df(self, term: str) -> int: ...

    def knows(self, term: str) -> bool: ...

    def idf(self, term: str) -> float: ...

    def containing(self, phrase: str, limit: int | None = None) -> list[Chunk]: ...


class Library(Protocol):
    keyword: Terms  # what the sources contain: term statistics and substring search
    thresholds: Thresholds
    quote_chars: int  # the longest quote (max_sentence_chars)

    def search(
        self, query: str, exact: Collection[str], sources: Collection[str] | None = None
    ) -> Found:
        """The best passages for query (of `sources` only, when given; never of a source the
        answer does not keep to)."""
        ...

    def sentences(self, hits: list[Hit]) -> list[Sentence]:
        """Every sentence of the passages, with its stored vector and its passage's rank."""
        ...

    def catalogue(self) -> list[SourceEntry]:
        """The sources an answer keeps to (every indexed one, unless some were chosen), in the
        order the Sources tab lists them (by file name)."""
        ...

    def indexed(self) -> list[SourceEntry]:
        """Every indexed source, kept to or not, as `catalogue` orders them (what a question may
        name)."""
        ...

    def document(self, source: str, limit: int) -> list[Sentence]:
        """A source's sentences in document order, from at most `limit` of its passages spread
        evenly over it (none of a source the answer does not keep to)."""
        ...
