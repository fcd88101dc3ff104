"""The fact answer: retrieve, score the passages' sentences, then quote or abstain.

`choose` puts the retrieved sentences of a `Question` through extractive.py (scores, the
answer-or-abstain model) with the check that a sentence holds what the question asks for
(asks.py); `answer` is the whole path from a question to an `Answer`. Other intents: intents.py.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from assistant.answering.asks import checks_sentences, holds
from assistant.answering.entities import tag, tag_all
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
from assistant.answering.library import Library
from assistant.answering.question import Question
from assistant.core.types import Answer, Hit
from assistant.index.keyword import KeywordIndex


def choose(
    q: Question,
    vector: np.ndarray,
    sentences: list[Sentence],
    keyword: KeywordIndex,
    t: Thresholds,
) -> Decision:
    """The sentences to quote for q among `sentences`, or none (abstain)."""
    scored = score_sentences(q.query, vector, sentences, keyword.idf, t)
    checked = [s.sentence.text for s in scored[: t.candidates]]
    accept = acceptor(q, previous_sentences(sentences), checked)
    return decide(scored, list(q.unknown), q.oov_share, t, accept)


def acceptor(
    q: Question, before: dict[tuple[str, int], str], checked: list[str]
) -> Callable[[Scored], bool]:
    """Whether a sentence holds what the question asks for (asks.py). A question asking for no
    particular kind of answer accepts every sentence untagged; otherwise the sentences `checked`
    (those `decide` will put to it) are tagged in one batch, on first use."""
    if q.tagged is None or not checks_sentences(q.asks):
        return lambda s: True
    tagged, asks = q.tagged, q.asks
    batch: list[bool] = []

    def accept(s: Scored) -> bool:
        if not batch:
            tag_all(checked)
            batch.append(True)
        key = (s.sentence.source, s.sentence.start)
        return holds(asks, tagged, tag(s.sentence.text), before.get(key, ""))

    return accept


def decision(q: Question, library: Library) -> tuple[list[Hit], Decision]:
    """The passages found for q and the sentences chosen from them."""
    if not q.searchable:  # no word to search by (another script, only symbols): nothing to say
        return [], Decision([], [])
    found = library.search(q.query, q.exact)
    sentences = library.sentences(found.hits)
    return found.hits, choose(q, found.vector, sentences, library.keyword, library.thresholds)


def answer(q: Question, library: Library) -> Answer:
    hits, chosen = decision(q, library)
    return compose(q.text, q.query, chosen, hits, library.quote_chars)
