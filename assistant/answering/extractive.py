"""Answer by quoting: pick the source sentences that answer the question, or abstain.

Candidate sentences come from the retrieved passages. Each is scored by its cosine similarity to the
query plus how much of the question's weighted key terms it (with its neighbours) contains. What
the question asks for constrains the choice: "how many" wants a number, "when" a date, and a name,
number or quoted phrase the sources never mention means they cannot answer. The answer quotes the
best sentence, and a second one when it is nearly as good and adds something; each quote is
verbatim with an inline marker. This module does not paraphrase, summarise or join clauses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.core.text import has_number, terms
from assistant.core.types import Answer, Citation, Hit

ABSTAIN_TEXT = "The sources don't say. No passage in them answers this question."

Weight = Callable[[str], float]


@dataclass(frozen=True)
class Sentence:
    chunk_rank: int
    source: str
    title: str
    start: int
    end: int
    text: str
    vector: np.ndarray


@dataclass(frozen=True)
class Scored:
    sentence: Sentence
    cosine: float
    coverage: float  # share of the question's weighted terms in the sentence and its neighbours
    score: float
    missing: float = 0.0  # the weight of the most specific question term the window lacks
    covered: frozenset[str] = frozenset()  # the question's terms found in the sentence itself


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on the development questions (evaluation/dev.jsonl), never the gold set."""

    lexical_weight: float = 0.5
    second_quote: float = 0.8
    # Logistic model over `features()`: answer when bias + weights . features >= 0.
    # Fitted by `python -m assistant.evaluation.calibrate` on dev.jsonl (2026-11-21).
    bias: float = -0.5732
    weights: tuple[float, ...] = (1.1595, 0.2027, 1.2453, -0.3052, -0.2552)


def expected_kind(question: str) -> str:
    """What the question asks for: 'number', 'date' or '' (anything)."""
    q = question.lower()
    if re.search(r"\bhow (many|much)\b|\bwhat (number|percentage|share)\b", q):
        return "number"
    if re.search(r"\bwhen\b|\bwhat (year|month|date|decade)\b|\bwhich (year|month|decade)\b", q):
        return "date"
    return ""


_YEAR = r"\b(1[0-9]{3}|20[0-9]{2})s?\b"
_DATE_WORDS = (
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December"
    r"|last year|last summer|this year|decades?|years? ago)\b"
)


def fits(kind: str, text: str, question: str = "") -> bool:
    """Whether text holds what the question asks for, beyond what the question already says."""
    if kind == "number":
        counts = re.sub(_YEAR, "", text)  # a year is not an answer to "how many"
        asked = set(re.findall(r"\d+", question))
        return any(n not in asked for n in re.findall(r"\d+", counts)) or (
            has_number(re.sub(r"\d", "", counts))
        )
    if kind == "date":
        asked = set(re.findall(r"\d{4}s?", question))
        years = [y for y in re.findall(r"\b(?:1[0-9]{3}|20[0-9]{2})s?\b", text) if y not in asked]
        return bool(years or re.search(_DATE_WORDS, text))
    return True


def score_sentences(
    query: str, vector: np.ndarray, sentences: list[Sentence], weight: Weight, t: Thresholds
) -> list[Scored]:
    wanted = {term: weight(term) for term in set(terms(query))}
    total = sum(wanted.values()) or 1.0
    order = sorted(sentences, key=lambda s: (s.source, s.start))
    found = [set(terms(s.text)) for s in order]
    scored = []
    for i, sentence in enumerate(order):
        around = found[i].union(*_neighbours(order, found, i))
        coverage = sum(w for term, w in wanted.items() if term in around) / total
        own = sum(w for term, w in wanted.items() if term in found[i]) / total
        cosine = float(vector @ sentence.vector)
        score = cosine + t.lexical_weight * (own + coverage) / 2 - 0.01 * sentence.chunk_rank
        lacking = [w for term, w in wanted.items() if term not in around]
        own_terms = frozenset(term for term in wanted if term in found[i])
        scored.append(
            Scored(sentence, cosine, coverage, score, max(lacking, default=0.0), own_terms)
        )
    return sorted(scored, key=lambda s: -s.score)


def _neighbours(order: list[Sentence], found: list[set[str]], i: int) -> list[set[str]]:
    near = []
    for j in (i - 1, i + 1):
        if not (0 <= j < len(order) and order[j].source == order[i].source):
            continue
        if abs(order[j].start - order[i].end) < 4 or abs(order[i].start - order[j].end) < 4:
            near.append(found[j])
    return near


@dataclass(frozen=True)
class Decision:
    chosen: list[Scored]  # empty means abstain
    features: list[float]  # what the answerable-or-not model saw


def features(best: Scored, oov_share: float) -> list[float]:
    return [best.cosine, best.coverage, best.score, oov_share, best.missing / 10]


def decide(
    question: str, scored: list[Scored], unknown_terms: list[str], oov_share: float, t: Thresholds
) -> Decision:
    """Choose the sentences to quote, or none when the sources do not answer the question."""
    kind = expected_kind(question)
    eligible = [s for s in scored if fits(kind, s.sentence.text, question)]
    if unknown_terms or not eligible:
        return Decision([], [])
    x = features(eligible[0], oov_share)
    z = t.bias + sum(w * v for w, v in zip(t.weights, x, strict=True))
    if z < 0:
        return Decision([], x)
    chosen = [eligible[0]]
    for other in sorted(eligible[1:], key=lambda o: -(o.score + _gain(chosen[0], o))):
        good = other.score + _gain(chosen[0], other) >= t.second_quote * chosen[0].score
        if good and _adds(chosen, other):
            chosen.append(other)
            break
    lead = chosen[0].sentence.source
    chosen.sort(key=lambda s: (s.sentence.source != lead, s.sentence.start))
    return Decision(chosen, x)


def compose(question: str, query: str, decision: Decision, hits: list[Hit]) -> Answer:
    if not decision.chosen:
        return Answer(ABSTAIN_TEXT, [], True, query, question, hits)
    citations = [
        Citation(s.sentence.source, s.sentence.title, s.sentence.text, s.sentence.start,
                 s.sentence.end, round(s.score, 4))
        for s in decision.chosen
    ]  # fmt: skip
    text = "\n\n".join(f"“{c.excerpt}” [{i}]" for i, c in enumerate(citations, start=1))
    return Answer(text, citations, False, query, question, hits)


def _gain(first: Scored, other: Scored) -> float:
    """A bonus for a sentence that holds question terms the first quote lacks (its other half)."""
    return 0.3 * len(other.covered - first.covered) / max(1, len(first.covered | other.covered))


def _adds(chosen: list[Scored], other: Scored) -> bool:
    """A second quote must not overlap the first and must bring words the first lacks."""
    first = chosen[0].sentence
    if (
        other.sentence.source == first.source
        and other.sentence.start < first.end
        and first.start < other.sentence.end
    ):
        return False
    return bool(set(terms(other.sentence.text)) - set(terms(first.text)))
