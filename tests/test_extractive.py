import numpy as np
import pytest

from assistant.answering.extractive import (
    ABSTAIN_TEXT,
    Scored,
    Sentence,
    Thresholds,
    compose,
    decide,
    expected_kind,
    fits,
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How many attacks has the TTP launched?", "number"),
        ("How much aid did the US give?", "number"),
        ("When did the Taliban return to power?", "date"),
        ("In what year did the TTP attack the army headquarters?", "date"),
        ("Who replaced Imran Khan?", ""),
    ],
)
def test_expected_kind(question: str, kind: str) -> None:
    assert expected_kind(question) == kind


@pytest.mark.parametrize(
    ("kind", "text", "question", "ok"),
    [
        ("number", "It killed 145 people in 2014.", "How many died?", True),
        ("number", "It happened in 2014.", "How many died?", False),  # a year is not a count
        ("number", "More than two decades passed.", "How many decades?", True),
        ("number", "The attack in 2009 was bad.", "How many died in the 2009 attack?", False),
        ("date", "The army school attack came in 2014.", "When was the attack?", True),
        ("date", "They came back last August.", "When did they return?", True),
        ("date", "The attack in 2009 was bad.", "What happened after the 2009 attack?", False),
        ("date", "No time here.", "When?", False),
        ("", "Anything.", "Who?", True),
    ],
)
def test_fits(kind: str, text: str, question: str, ok: bool) -> None:
    assert fits(kind, text, question) is ok


def scored(text: str, start: int, score: float, source: str = "a.txt") -> Scored:
    sentence = Sentence(0, source, "T", start, start + len(text), text, np.zeros(3))
    return Scored(sentence, cosine=score, coverage=1.0, score=score)


ALWAYS = Thresholds(bias=10.0)
NEVER = Thresholds(bias=-10.0)


def test_decide_quotes_best_and_a_close_second_in_source_order() -> None:
    ranked = [scored("Second part.", 50, 1.0), scored("First part here.", 10, 0.95)]
    decision = decide("What happened?", ranked, [], 0.0, ALWAYS)
    assert [s.sentence.start for s in decision.chosen] == [10, 50]


def test_decide_skips_a_weak_or_overlapping_second() -> None:
    weak = [scored("Best one.", 0, 1.0), scored("Far weaker.", 40, 0.2)]
    assert len(decide("What?", weak, [], 0.0, ALWAYS).chosen) == 1
    same = [scored("Best one.", 0, 1.0), scored("Best one.", 0, 0.99)]
    assert len(decide("What?", same, [], 0.0, ALWAYS).chosen) == 1


@pytest.mark.parametrize(
    ("unknown", "thresholds", "question"),
    [
        (["FIFA"], ALWAYS, "Who won the FIFA cup?"),  # a name the sources never mention
        ([], NEVER, "What happened?"),  # the model says the evidence is too weak
        ([], ALWAYS, "How many people died?"),  # no sentence holds a count
    ],
)
def test_abstains(unknown: list[str], thresholds: Thresholds, question: str) -> None:
    decision = decide(
        question, [scored("Nothing countable here.", 0, 1.0)], unknown, 0.0, thresholds
    )
    answer = compose(question, question, decision, [])
    assert answer.abstained and answer.text == ABSTAIN_TEXT and answer.citations == []


def test_compose_numbers_markers_in_citation_order() -> None:
    decision = decide(
        "What?", [scored("Alpha rose.", 0, 1.0), scored("Beta fell.", 20, 0.99)], [], 0.0, ALWAYS
    )
    answer = compose("What?", "What?", decision, [])
    assert answer.text == "“Alpha rose.” [1]\n\n“Beta fell.” [2]"
    assert [c.excerpt for c in answer.citations] == ["Alpha rose.", "Beta fell."]
