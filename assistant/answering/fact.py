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
from assistant.core.text import terms
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
    if q.language != "en":
        return foreign(q, library)
    if not q.searchable:  # no word to search by (another script, only symbols): nothing to say
        return [], Decision([], [])
    found = library.search(q.query, q.exact)
    sentences = library.sentences(found.hits)
    return found.hits, choose(q, found.vector, sentences, library.keyword, library.thresholds)


FOREIGN_MIN_TERMS = 2
"""Distinct names and numbers a question in another language must share with the one sentence
quoted for it. One name alone finds sentences about that name, not an answer to what was asked
about it, so one is not enough. Chosen by that reasoning: no question set here is in another
language, so nothing was fitted."""


def foreign(q: Question, library: Library) -> tuple[list[Hit], Decision]:
    """A question in another language: the best-scored retrieved sentence that holds every name
    and number the question shares with the sources, when it shares at least FOREIGN_MIN_TERMS;
    otherwise nothing (the calm "the sources don't say"). Never a quote chosen by similarity."""
    if len(q.exact) < FOREIGN_MIN_TERMS:
        return [], Decision([], [])
    found = library.search(q.query, q.exact)
    sentences = library.sentences(found.hits)
    t = library.thresholds
    scored = score_sentences(q.query, found.vector, sentences, library.keyword.idf, t)
    needed = [set(terms(e)) for e in q.exact]
    holding = [s for s in scored if all(n <= set(terms(s.sentence.text)) for n in needed)]
    return found.hits, Decision(holding[:1], [])


def answer(q: Question, library: Library) -> Answer:
    hits, chosen = decision(q, library)
    return compose(q.text, q.query, chosen, hits, library.quote_chars)
