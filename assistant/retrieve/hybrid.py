"""Hybrid retrieval: dense (Chroma) and BM25 rankings fused by reciprocal rank fusion.

On top of the fusion, one guarantee: when the query holds a number, a quoted phrase or a name that
occurs in the sources, at least one returned passage contains it. Fusion alone can rank such a
passage below the cut when the rest of the question pulls elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace

from assistant.core.text import QUESTION_WORDS, STOPWORDS
from assistant.core.types import Chunk, Hit
from assistant.index.keyword import KeywordIndex
from assistant.index.store import ChromaStore


def fuse(rankings: Sequence[Sequence[Chunk]], rrf_k: int) -> list[Hit]:
    """Reciprocal rank fusion: score(c) = sum over rankings of 1 / (rrf_k + rank of c)."""
    scores: dict[str, float] = {}
    ranks: dict[str, list[int | None]] = {}
    chunks: dict[str, Chunk] = {}
    for which, ranking in enumerate(rankings):
        for rank, chunk in enumerate(ranking, start=1):
            scores[chunk.id] = scores.get(chunk.id, 0.0) + 1.0 / (rrf_k + rank)
            ranks.setdefault(chunk.id, [None] * len(rankings))[which] = rank
            chunks[chunk.id] = chunk
    order = sorted(scores, key=lambda cid: (-scores[cid], cid))
    return [
        Hit(chunks[cid], scores[cid], ranks[cid][0], ranks[cid][1] if len(rankings) > 1 else None)
        for cid in order
    ]


def exact_terms(query: str) -> list[str]:
    """Quoted phrases, numbers and capitalised names (not the question's first word)."""
    found = [a or b for a, b in re.findall(r"\"([^\"]+)\"|“([^”]+)”", query)]
    found += re.findall(r"\b\d[\d,.]*\d\b|\b\d\b", query)
    for match in re.finditer(r"\b[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*", query):
        name = re.sub(r"[’']s$", "", match.group())
        if match.start() > 0 or name.lower() not in STOPWORDS | QUESTION_WORDS:
            found.append(name)
    return [t for t in dict.fromkeys(found) if t.lower() not in STOPWORDS]


class HybridRetriever:
    def __init__(self, store: ChromaStore, keyword: KeywordIndex):
        self.store = store
        self.keyword = keyword

    def search(
        self,
        query: str,
        vector: list[float],
        k: int,
        candidates: int,
        rrf_k: int,
        exact: Sequence[str] | None = None,
        sources: Collection[str] | None = None,
    ) -> list[Hit]:
        """The k best passages (of `sources` only, when given); `exact` (default:
        `exact_terms(query)`) are guaranteed."""
        dense = [chunk for chunk, _ in self.store.search(vector, candidates, sources)]
        sparse = [chunk for chunk, _ in self.keyword.search(query, candidates, sources)]
        fused = fuse([dense, sparse], rrf_k)
        exact = exact_terms(query) if exact is None else exact
        return self._guarantee_exact(exact, fused, k, sources)

    def _guarantee_exact(
        self, exact: Sequence[str], fused: list[Hit], k: int, sources: Collection[str] | None
    ) -> list[Hit]:
        top = fused[:k]
        protected: set[str] = set()
        for term in exact:
            first = self.keyword.containing(term, 1, sources)
            present = [h.chunk.id for h in top if _holds(h, term)]
            if present or not first:
                protected.update(present[:1])
                continue
            ranked = [h for h in fused if _holds(h, term)]
            best = ranked[0] if ranked else Hit(first[0], 0.0)
            floor = min([h.score for h in top], default=best.score)
            if len(top) >= k:
                victims = [h for h in top if h.chunk.id not in protected]
                if not victims:
                    continue
                top.remove(victims[-1])
            top.append(replace(best, score=floor))
            protected.add(best.chunk.id)
        return top


def _holds(hit: Hit, term: str) -> bool:
    """The test `KeywordIndex.containing` applies, on a chunk already in hand."""
    return term.lower() in hit.chunk.text.lower()
