from dataclasses import replace

import numpy as np
import pytest

from assistant.answering.quoting.abstain import FEATURES
from assistant.answering.quoting.extractive import (
    ABSTAIN_TEXT,
    Scored,
    Sentence,
    Thresholds,
    compose,
    decide,
    decide_read,
    quote_window,
)


def scored(text: str, start: int, score: float, source: str = "a.txt") -> Scored:
    sentence = Sentence(0, source, "T", start, start + len(text), text, np.zeros(3))
    return Scored(sentence, cosine=score, coverage=1.0, score=score)


ALWAYS = Thresholds(bias=10.0)
FLAT = lambda best: [0.0] * len(FEATURES)  # noqa: E731 (the model then reads its bias)
NEVER = Thresholds(bias=-10.0)


def test_decide_quotes_best_and_a_close_second_in_source_order() -> None:
    ranked = [scored("Second part.", 50, 1.0), scored("First part here.", 10, 0.95)]
    decision = decide(ranked, [], FLAT, ALWAYS)
    assert [s.sentence.start for s in decision.chosen] == [10, 50]


def test_decide_skips_a_weak_or_overlapping_second() -> None:
    weak = [scored("Best one.", 0, 1.0), scored("Far weaker.", 40, 0.2)]
    assert len(decide(weak, [], FLAT, ALWAYS).chosen) == 1
    same = [scored("Best one.", 0, 1.0), scored("Best one.", 0, 0.99)]
    assert len(decide(same, [], FLAT, ALWAYS).chosen) == 1


@pytest.mark.parametrize(
    ("unknown", "thresholds", "holds"),
    [
        (["FIFA"], ALWAYS, True),  # a name the sources never mention
        ([], NEVER, True),  # the model says the evidence is too weak
        ([], ALWAYS, False),  # no sentence holds the kind of answer asked for
    ],
)
def test_abstains(unknown: list[str], thresholds: Thresholds, holds: bool) -> None:
    candidates = [scored("Nothing countable here.", 0, 1.0)]
    decision = decide(candidates, unknown, FLAT, thresholds, lambda s: holds)
    question = "How many?"
    answer = compose(question, question, decision, [])
    assert answer.abstained and answer.text == ABSTAIN_TEXT and answer.citations == []


@pytest.mark.parametrize(
    ("probability", "floor", "quoted"),
    [
        (0.015, 0.02, False),  # the answer model all but rules it out: no features outweigh that
        (0.015, 0.0, True),
        (0.02, 0.02, True),
        (0.9, 0.02, True),
    ],
)
def test_the_answer_models_floor(probability: float, floor: float, quoted: bool) -> None:
    t = Thresholds(reader_bias=10.0, reader_floor=floor)
    best = replace(scored("Biryani is cooked with rice.", 0, 1.0), read=probability)
    decision = decide_read([best], [], t, describe=FLAT)
    assert bool(decision.chosen) is quoted
    assert bool(decision.features) is quoted  # under the floor it abstains as a hard rule does


def test_compose_numbers_markers_in_citation_order() -> None:
    decision = decide(
        [scored("Alpha rose.", 0, 1.0), scored("Beta fell.", 20, 0.99)], [], FLAT, ALWAYS
    )
    answer = compose("What?", "What?", decision, [])
    assert answer.text == "“Alpha rose.” [1]\n\n“Beta fell.” [2]"
    assert [c.excerpt for c in answer.citations] == ["Alpha rose.", "Beta fell."]


@pytest.mark.parametrize("most", [1, 2, 3])
def test_max_quotes_caps_the_quotes(most: int) -> None:
    ranked = [scored(f"Fact number {w} here.", 30 * i, 1.0 - i / 100) for i, w in
              enumerate(["alpha", "beta", "gamma", "delta"])]  # fmt: skip
    t = Thresholds(bias=10.0, max_quotes=most)
    assert len(decide(ranked, [], FLAT, t).chosen) == most


@pytest.mark.parametrize(
    ("text", "wanted", "cap", "quoted"),
    [
        ("short enough", {"glacier"}, 40, "short enough"),
        ("aa bb glacier cc dd ee", {"glacier"}, 10, "bb glacier"),  # the first window with the term
        ("aa bb cc dd ee ff", {"glacier"}, 8, "aa bb cc"),  # none held: the start
        ("x glacier y melt z " * 3, {"glacier", "melt"}, 14, "glacier y melt"),
        ("abcdefghijklmnop qq", {"qq"}, 5, "qq"),
        ("abcdefghijklmnop", {"qq"}, 5, "abcde"),  # one word over the cap is cut
    ],
)  # fmt: skip
def test_a_quote_over_the_cap_is_the_best_window(
    text: str, wanted: set[str], cap: int, quoted: str
) -> None:
    a, b = quote_window(text, wanted, cap)
    assert text[a:b] == quoted and b - a <= cap


def test_compose_quotes_a_window_with_exact_offsets() -> None:
    text = "filler " * 200 + "the glacier melted fast " + "filler " * 200
    decision = decide([scored(text, 1000, 1.0)], [], FLAT, ALWAYS)
    [c] = compose("glacier melt?", "glacier melt?", decision, [], quote_chars=100).citations
    assert len(c.excerpt) <= 100 and "the glacier melted fast" in c.excerpt
    assert text[c.start - 1000 : c.end - 1000] == c.excerpt


def test_the_fits_weigh_every_feature() -> None:
    """The answer-or-abstain fits cover every feature the model sees (a feature added without a
    refit would fail answers on the first question); the answer model's adds its probability."""
    assert len(Thresholds().weights) == len(FEATURES)
    assert len(Thresholds().reader_weights) == len(FEATURES) + 1
