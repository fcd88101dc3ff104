"""Answers made of quotes grouped by source (summaries, comparisons), and what they share.

`quotable` keeps a sentence worth quoting on its own: not a heading or title line (no closing
punctuation), not a question (a rhetorical or reporter's question states nothing), not a stub.
`central` picks sentences by maximal marginal relevance (MMR) around a centre vector (a
document's centroid, or a topic's vector) from the stored sentence vectors: each pick is the
sentence most similar to the centre minus its greatest similarity to those already picked, so
the picks are central and cover different parts. `compose_groups` writes one "### title" line
per source followed by its quotes in document order, one "- " item each with its marker, or the
group's note when it has none. Nothing here searches or decides whether to answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answering.quoting.extractive import ABSTAIN_TEXT, Sentence, quote_window
from assistant.core.text import terms
from assistant.core.types import Answer, Citation, Hit

MMR_LAMBDA = 0.7
"""Weight of centrality against novelty in `central`. 0.7 is the value usually quoted for MMR
(Carbonell & Goldstein 1998 used 0.3-0.7); it was not fitted on any question set, since no set
here holds reference summaries."""
DOCUMENT_CHUNKS = 200
"""Most passages of one source read for its central sentences, spread evenly over it: the two
articles have 13 and 20; a book-length source is sampled rather than read whole per question."""
MIN_WORDS = 6  # a shorter sentence ("So what happened?") says too little to stand alone
_CLOSED = re.compile(r"[.!…:;][\"”’')\]]*$")
_ASKED = re.compile(r"\?[\"”’')\]]*$")


def heading(sentence: Sentence) -> bool:
    """A title or heading line: it does not end as a sentence does."""
    text = sentence.text.strip()
    return not (_CLOSED.search(text) or _ASKED.search(text))


def asked(sentence: Sentence) -> bool:
    return bool(_ASKED.search(sentence.text.strip()))


def quotable(sentence: Sentence) -> bool:
    return not heading(sentence) and not asked(sentence) and len(sentence.text.split()) >= MIN_WORDS


def unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.asarray(vectors / np.where(norms == 0, 1.0, norms), dtype=np.float32)


def central(
    sentences: Sequence[Sentence], n: int, centre: np.ndarray | None = None
) -> list[Sentence]:
    """Up to n sentences by MMR around centre (default: their own centroid), in document order."""
    if not sentences or n <= 0:
        return []
    vectors = unit(np.stack([s.vector for s in sentences]))
    target = unit(vectors.mean(axis=0) if centre is None else np.asarray(centre, np.float32))
    relevance = vectors @ target
    picked: list[int] = []
    closest = np.full(len(sentences), -np.inf)
    for _ in range(min(n, len(sentences))):
        redundancy = closest if picked else np.zeros(len(sentences))
        gain = MMR_LAMBDA * relevance - (1 - MMR_LAMBDA) * redundancy
        gain[picked] = -np.inf
        best = int(np.argmax(gain))
        picked.append(best)
        closest = np.maximum(closest, vectors @ vectors[best])
    return sorted((sentences[i] for i in picked), key=lambda s: s.start)


@dataclass(frozen=True)
class Group:
    source: str
    title: str
    quotes: list[Sentence]  # in document order
    note: str = ""  # said in place of quotes when there are none
    scores: tuple[float, ...] = ()  # each quote's score (its citation's), when it has one


def compose_groups(
    question: str, query: str, groups: Sequence[Group], hits: list[Hit], intent: str,
    quote_chars: int,
) -> Answer:  # fmt: skip
    """One "### title" line per group, then its quotes with markers (or its note)."""
    wanted = set(terms(query))
    citations: list[Citation] = []
    paragraphs: list[str] = []
    for group in groups:
        quoted = []
        scores = group.scores or (0.0,) * len(group.quotes)
        for s, score in zip(group.quotes, scores, strict=True):
            a, b = quote_window(s.text, wanted, quote_chars)
            citations.append(Citation(s.source, s.title, s.text[a:b], s.start + a, s.start + b,
                                      round(score, 4), s.page))  # fmt: skip
            quoted.append(f"“{s.text[a:b]}” [{len(citations)}]")
        paragraphs += [f"### {' '.join((group.title or group.source).split())}"]
        paragraphs += ["\n".join(f"- {q}" for q in quoted) if quoted else group.note]
    if not citations:
        return Answer(ABSTAIN_TEXT, [], True, query, question, hits, intent)
    return Answer("\n\n".join(paragraphs), citations, False, query, question, hits, intent)
