"""The fact answer, today's default: retrieve, score the passages' sentences, quote or abstain.

`choosing` puts the retrieved sentences of a `Question` through extractive.py (scores, the
answer-or-abstain model over abstain.py's features) with the check that a sentence holds what the
question asks for (asks.py), and keeps what it saw so other intents (why.py) can re-pick among the
same sentences. `answer` quotes the chosen sentences; `decide` keeps a second quote only when it
passes the same checks on its own. A question in another language takes `foreign` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from assistant.answering.library import Library
from assistant.answering.quoting import abstain
from assistant.answering.quoting.extractive import (
    Decision,
    Describe,
    Scored,
    Sentence,
    Thresholds,
    compose,
    decide,
    decide_read,
    previous_sentences,
    reads_as_answer,
    says_answer,
    score_sentences,
)
from assistant.answering.quoting.reader import reader
from assistant.answering.reading.asks import checks_sentences, holds
from assistant.answering.reading.entities import tag, tag_all
from assistant.answering.reading.question import Intent, Question
from assistant.core.text import terms
from assistant.core.types import Answer, Hit


@dataclass(frozen=True)
class Choice:
    """What the fact path saw and chose for one question."""

    hits: list[Hit]
    sentences: list[Sentence]  # every sentence of the hits
    scored: list[Scored]  # best first
    accept: Callable[[Scored], bool]  # whether a sentence holds what the question asks for
    describe: Describe  # the answer-or-abstain model's features of a sentence
    decision: Decision

    def answers_alone(self, s: Scored, t: Thresholds) -> bool:
        """Whether the model would answer with s as the best of the candidates that hold what
        is asked."""
        if t.reader:
            return s.read is not None and reads_as_answer([s.read, *self.describe(s)], t)
        return says_answer(self.describe(s), t.bias, t.weights)


def choosing(q: Question, library: Library) -> Choice:
    """The passages found for q, their sentences scored, and those chosen (none: abstain)."""
    if not q.searchable:  # no word to search by (only symbols): nothing to say
        return Choice([], [], [], lambda s: False, lambda s: [], Decision([], []))
    found = library.search(q.query, q.exact)
    sentences = library.sentences(found.hits)
    t = library.thresholds
    idf = library.keyword.idf
    scored = score_sentences(q.query, found.vector, sentences, idf, t)
    before = previous_sentences(sentences)
    if t.reader:
        scored = read(q.query, scored, before, t.reader_candidates, t.reader_mix)
    checked = [s.sentence.text for s in scored[: t.candidates]]
    accept = acceptor(q, before, checked)
    passages = [h.chunk.text for h in found.hits]
    c = abstain.context(q.text, q.query, idf, passages, q.oov_share)

    def describe(best: Scored) -> list[float]:
        return abstain.features(best, c)

    if t.reader:
        chosen = decide_read(scored, list(q.unknown), t, accept, describe)
        return Choice(found.hits, sentences, scored, accept, describe, chosen)
    chosen = decide(scored, list(q.unknown), describe, t, accept)
    return Choice(found.hits, sentences, scored, accept, describe, chosen)


def read(
    question: str,
    scored: list[Scored],
    before: dict[tuple[str, int], str],
    candidates: int,
    mix: float,
) -> list[Scored]:
    """The best `candidates` sentences read by the answer model (with the retrieved sentence
    before each, where there is one), best first by probability plus `mix` times their
    similarity score, then the rest in their order."""
    top = scored[:candidates]
    previous = [before.get((s.sentence.source, s.sentence.start), "") for s in top]
    probs = reader().probabilities(question, [s.sentence.text for s in top], previous)
    read_ = [replace(s, read=float(p)) for s, p in zip(top, probs, strict=True)]
    read_.sort(key=lambda s: -((s.read or 0.0) + mix * s.score))
    return read_ + scored[candidates:]


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
        return _foreign_decision(q, library)
    choice = choosing(q, library)
    return choice.hits, choice.decision


def recognise(q: Question, library: Library) -> Intent:
    return Intent()


def answer(q: Question, library: Library) -> Answer:
    choice = choosing(q, library)
    return compose(q.text, q.query, choice.decision, choice.hits, library.quote_chars)


FOREIGN_MIN_TERMS = 2
"""Distinct names and numbers a question in another language must share with the one sentence
quoted for it. One name alone finds sentences about that name, not an answer to what was asked
about it, so one is not enough. Chosen by that reasoning: no question set here is in another
language, so nothing was fitted."""


def recognise_foreign(q: Question, library: Library) -> Intent | None:
    return Intent("foreign") if q.language != "en" else None


def foreign(q: Question, library: Library) -> Answer:
    """A question in another language: the best-scored retrieved sentence that holds every name
    and number the question shares with the sources, when it shares at least FOREIGN_MIN_TERMS;
    otherwise nothing (the calm "the sources don't say"). Never a quote chosen by similarity."""
    hits, chosen = _foreign_decision(q, library)
    return replace(compose(q.text, q.query, chosen, hits, library.quote_chars), intent="foreign")


def _foreign_decision(q: Question, library: Library) -> tuple[list[Hit], Decision]:
    if len(q.exact) < FOREIGN_MIN_TERMS:
        return [], Decision([], [])
    found = library.search(q.query, q.exact)
    sentences = library.sentences(found.hits)
    t = library.thresholds
    scored = score_sentences(q.query, found.vector, sentences, library.keyword.idf, t)
    needed = [set(terms(e)) for e in q.exact]
    holding = [s for s in scored if all(n <= set(terms(s.sentence.text)) for n in needed)]
    return found.hits, Decision(holding[:1], [])
