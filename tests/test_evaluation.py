"""The evaluation's scoring rules, on hand-made answers (pure logic: no model, no index)."""

import pytest

from assistant.core.types import Answer, Citation
from assistant.evaluation.run import Outcome, summarise

ITEM = {
    "id": "q",
    "kind": "fact",
    "question": "Who?",
    "answers": ["Shehbaz Sharif"],
    "evidence": [],
}
NONE = {**ITEM, "answers": []}
RIGHT = Citation("a.txt", "A", "He was replaced by Shehbaz Sharif.", 0, 34, 0.9)
WRONG = Citation("a.txt", "A", "Khan ruled for four years.", 40, 66, 0.5)
LOW = Citation("a.txt", "A", RIGHT.excerpt, 0, 34, 0.1)


def outcome(item: dict, citations: list[Citation]) -> Outcome:
    text = " ".join(f"“{c.excerpt}” [{i}]" for i, c in enumerate(citations, start=1))
    answer = Answer(text or "The sources don't say.", citations, not citations, "q", "q", [])
    return Outcome(item, answer, None, None, [True] * len(citations))


@pytest.mark.parametrize(
    ("item", "citations", "correct", "cited", "best"),
    [
        (ITEM, [RIGHT], True, True, True),
        (ITEM, [WRONG, RIGHT], True, True, True),
        (ITEM, [LOW, WRONG], True, True, False),  # the gold is in the weaker quote
        (ITEM, [WRONG], False, False, False),
        (ITEM, [], False, False, False),  # abstained on an answerable question
        (NONE, [], True, False, False),  # abstained on an unanswerable one
        (NONE, [WRONG], False, False, False),
    ],
)
def test_outcome_scoring(
    item: dict, citations: list[Citation], correct: bool, cited: bool, best: bool
) -> None:
    o = outcome(item, citations)
    assert (o.correct, o.cited_gold, o.best_quote_gold) == (correct, cited, best)


def test_extra_quotes_lift_accuracy_but_not_best_quote_gold() -> None:
    one = summarise([outcome(ITEM, [WRONG])])["product"]
    two = summarise([outcome(ITEM, [WRONG, LOW])])["product"]
    assert (one["accuracy"], two["accuracy"]) == (0.0, 1.0)
    assert one["best_quote_gold"] == two["best_quote_gold"] == 0.0
    assert (one["quotes_per_answer"], two["quotes_per_answer"]) == (1.0, 2.0)


def _cite(source: str, start: int) -> Citation:
    return Citation(source, source, "Some sentence.", start, start + 14, 0.5)


SUMMARY = {**NONE, "kind": "summary", "sources": ["a.txt"]}
COMPARISON = {**NONE, "kind": "comparison", "sources": ["a.txt", "b.txt"]}


@pytest.mark.parametrize(
    ("item", "citations", "correct"),
    [
        (SUMMARY, [_cite("a.txt", 0), _cite("a.txt", 20), _cite("a.txt", 40)], True),
        (SUMMARY, [_cite("a.txt", 0), _cite("a.txt", 20)], False),  # two sentences are no summary
        (SUMMARY, [_cite("a.txt", 0), _cite("a.txt", 0), _cite("a.txt", 20)], False),  # distinct
        (SUMMARY, [_cite("a.txt", 0), _cite("a.txt", 20), _cite("b.txt", 40)], False),  # other file
        (SUMMARY, [], False),
        (COMPARISON, [_cite("a.txt", 0), _cite("b.txt", 0)], True),
        (COMPARISON, [_cite("a.txt", 0), _cite("a.txt", 20)], False),  # one side only
        (COMPARISON, [], False),
    ],
)
def test_open_ended_scoring(item: dict, citations: list[Citation], correct: bool) -> None:
    o = outcome(item, citations)
    assert o.correct is correct
    assert summarise([o])["product"]["abstained_unanswerable"] == 0.0  # not counted as unanswerable
