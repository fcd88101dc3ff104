"""The calibration's choices on made-up corpora (pure logic: no model, no index)."""

import numpy as np
import pytest

from assistant.evaluation.calibrate import MAX_FALSE, Corpus, choose_floor, floored, rates


def corpus(probabilities: list[float], answerable: list[int]) -> Corpus:
    x = np.array([[p, p] for p in probabilities])
    y = np.array(answerable, dtype=float)
    return Corpus("c", x, y, int(y.sum()), int(len(y) - y.sum()))


def test_a_floor_abstains_as_a_hard_rule() -> None:
    c = floored(corpus([0.005, 0.5, 0.9], [0, 1, 1]), 0.01)
    assert c.x.shape == (2, 2) and (c.answerable, c.unanswerable) == (2, 1)
    assert rates(10.0, np.zeros(3), c) == (1.0, 0.0)  # the floor's abstention counts


@pytest.mark.parametrize(
    ("answerable_at", "chosen"),
    [
        (0.5, 0.01),  # the floor abstains on the unanswerable questions at 0.005 for free
        (0.005, 0.0),  # it would abstain on every answerable question: over the ceiling
    ],
)
def test_the_floor_chosen(answerable_at: float, chosen: float) -> None:
    c = corpus([answerable_at] * 40 + [0.3] * 40 + [0.005] * 20, [1] * 40 + [0] * 60)
    w = np.array([0.0, 1.0, 0.0])  # the weights are fitted before, and kept
    floor, bias, _ = choose_floor(c, c, w)
    assert floor == chosen
    assert rates(bias, w, floored(c, floor))[1] <= MAX_FALSE["dev"]
