"""Answer or abstain: what the model sees of the best sentence.

A question the sources cannot answer still retrieves sentences, often close ones: a near miss asks
for a detail (a name, an amount, a date) of something the text does discuss. What gives it away is
what the best sentence lacks: the question's distinctive words (its rare terms, the names it
capitalises) absent from the sentence, from its neighbours, or from its whole passage. `features`
turns the best sentence and its context into numbers; the logistic model over them (with the
answer model's probability in front, by default) is extractive.says_answer, fitted by
`python -m assistant.evaluation.calibrate` (the data and the figures: docs/evaluation.md).
This module decides nothing about which sentence is best (extractive.py) or what kind of answer a
question wants (asks.py, a hard check before this model).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant.answering.quoting.extractive import Scored
from assistant.core.text import terms

RARE_IDF = 3.0
"""A term this rare (idf, natural log: in about 1 passage of 20 or fewer) is distinctive."""
FEATURES = (
    "cosine", "coverage", "score", "oov_share", "missing", "own", "passage_coverage",
    "rare_missing_passage", "names_missing_passage", "names_missing_sentence",
    "rare_missing_sentence", "content_missing_sentence",
)  # fmt: skip
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*")


@dataclass(frozen=True)
class Context:
    """What the features read besides the best sentence."""

    weights: Mapping[str, float]  # the query's terms and their idf
    names: frozenset[str]  # terms of the words the question capitalises, its first word aside
    passages: Sequence[frozenset[str]]  # each retrieved passage's terms, by retrieval rank
    oov_share: float  # idf-weighted share of the question's terms no source holds


def context(
    question: str,
    query: str,
    idf: Callable[[str], float],
    passages: Sequence[str],
    oov_share: float,
) -> Context:
    capitalised = _CAPITALISED.findall(question)[1:]
    return Context(
        weights={t: idf(t) for t in set(terms(query))},
        names=frozenset(t for word in capitalised for t in terms(word)),
        passages=[frozenset(terms(p)) for p in passages],
        oov_share=oov_share,
    )


def features(best: Scored, c: Context) -> list[float]:
    """The model's inputs, in the order of FEATURES: the best sentence's scores (extractive.py),
    then what its passage and the sentence itself lack of the question's distinctive words. (A
    lead over the runner-up was tried and dropped: with no runner-up it has no sane value, and
    it taught the model to refuse a question whose one candidate answers it.)"""
    total = sum(c.weights.values()) or 1.0
    sentence = set(terms(best.sentence.text))
    rank = best.sentence.chunk_rank
    passage = c.passages[rank] if rank < len(c.passages) else frozenset()
    rare = {t: w for t, w in c.weights.items() if w >= RARE_IDF}
    rare_total = sum(rare.values()) or 1.0
    return [
        best.cosine,
        best.coverage,
        best.score,
        c.oov_share,
        best.missing / 10,
        sum(w for t, w in c.weights.items() if t in sentence) / total,
        sum(w for t, w in c.weights.items() if t in passage) / total,
        sum(w for t, w in rare.items() if t not in passage) / rare_total,
        min(3, sum(t not in passage for t in c.names)),
        min(3, sum(t not in sentence for t in c.names)),
        sum(w for t, w in rare.items() if t not in sentence) / 10,
        sum(t not in sentence for t in c.weights) / max(1, len(c.weights)),
    ]
