"""BM25 keyword search over chunks, in memory, plus exact lookups for names, numbers and phrases.

Dense vectors miss rare tokens such as a year or a surname; this index finds them. It is rebuilt
from the store's chunks when an index is opened (milliseconds for thousands of chunks); it does not
persist itself.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from assistant.core.text import terms
from assistant.core.types import Chunk


class KeywordIndex:
    def __init__(self, chunks: list[Chunk], k1: float = 1.5, b: float = 0.75):
        self.chunks = chunks
        self.k1, self.b = k1, b
        self.postings: dict[str, dict[int, int]] = defaultdict(dict)
        lengths = []
        for i, chunk in enumerate(chunks):
            counts = Counter(terms(f"{chunk.title}\n{chunk.text}"))
            lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                self.postings[term][i] = tf
        self.lengths = lengths
        self.average = (sum(lengths) / len(lengths)) if lengths else 0.0

    def idf(self, term: str) -> float:
        """BM25's idf; a term no chunk contains gets the highest value a term could have."""
        n = len(self.chunks)
        df = len(self.postings.get(term, ()))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def search(self, query: str, k: int) -> list[tuple[Chunk, float]]:
        scores: dict[int, float] = defaultdict(float)
        for term in set(terms(query)):
            postings = self.postings.get(term)
            if not postings:
                continue
            idf = self.idf(term)
            for i, tf in postings.items():
                norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / (self.average or 1))
                scores[i] += idf * tf * (self.k1 + 1) / (tf + norm)
        best = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:k]
        return [(self.chunks[i], score) for i, score in best]

    def containing(self, phrase: str) -> list[Chunk]:
        """Chunks whose text contains phrase, compared case-insensitively."""
        needle = phrase.lower()
        return [c for c in self.chunks if needle in c.text.lower()]

    def knows(self, term: str) -> bool:
        return term in self.postings
