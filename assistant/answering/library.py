"""What answering reads from one index generation, as one small interface.

The answering layer never opens an index itself: `api.py` hands it a `Library` over the generation
an answer reads from start to end. Searching, the sentences of retrieved passages and the catalogue
of sources go through it, so composers stay plain functions of a `Question` and a `Library`, and
tests can give them a real index without the web or the CLI. It holds no answering logic.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from assistant.answering.quoting.extractive import Sentence, Thresholds
from assistant.core.types import Hit
from assistant.index.keyword import KeywordIndex


@dataclass(frozen=True)
class Found:
    """What one search returned: the passages, best first, and the query's vector in the
    answer scorer's space (the space of the vectors `Library.sentences` returns)."""

    hits: list[Hit]
    vector: np.ndarray


@dataclass(frozen=True)
class SourceEntry:
    source: str  # file name relative to the sources folder
    title: str
    opening: str = ""  # the start of its text, where a subtitle or heading may name it too


class Library(Protocol):
    keyword: KeywordIndex  # what the sources contain: term statistics and substring search
    thresholds: Thresholds
    quote_chars: int  # the longest quote (max_sentence_chars)

    def search(
        self, query: str, exact: Collection[str], sources: Collection[str] | None = None
    ) -> Found:
        """The best passages for query (of `sources` only, when given)."""
        ...

    def sentences(self, hits: list[Hit]) -> list[Sentence]:
        """Every sentence of the passages, with its stored vector and its passage's rank."""
        ...

    def catalogue(self) -> list[SourceEntry]:
        """The indexed sources, in the order the Sources tab lists them (by file name)."""
        ...

    def document(self, source: str, limit: int) -> list[Sentence]:
        """A source's sentences in document order, from at most `limit` of its passages spread
        evenly over it."""
        ...
