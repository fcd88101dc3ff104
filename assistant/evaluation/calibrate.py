"""Fit the answer-or-abstain model on the development set (never the gold set).

Runs every dev question, records the features `decide()` saw for its best sentence, fits a
logistic regression (answerable or not), then moves the bias so that at most `max_false` of the
answerable dev questions are abstained. Prints the Thresholds values to paste into
assistant/answering/extractive.py. Run: python -m assistant.evaluation.calibrate
"""

from __future__ import annotations

import numpy as np

from assistant.api import Assistant
from assistant.evaluation.run import SETS, load


def collect(assistant: Assistant) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for item in load(SETS["dev"]):
        history: list[dict[str, str]] = []
        for earlier in item["history"]:
            reply = assistant.answer(earlier, history)
            history += [
                {"role": "user", "content": earlier},
                {"role": "assistant", "content": reply.text},
            ]
        _, _, decision = assistant.decision(item["question"], history)
        if decision.features:  # empty: a hard rule abstained before the model
            xs.append(decision.features)
            ys.append(1.0 if item["answers"] else 0.0)
    return np.array(xs), np.array(ys)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 20000) -> np.ndarray:
    design = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(design.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-design @ w))
        w -= 0.5 * (design.T @ (p - y) / len(y) + l2 * np.r_[0, w[1:]])
    return w


def main(max_false: float = 0.05) -> None:
    x, y = collect(Assistant())
    w = fit(x, y)
    z = w[0] + x @ w[1:]
    answerable = np.sort(z[y == 1])
    allowed = int(np.floor(max_false * len(answerable)))
    bias = w[0] - min(0.0, answerable[allowed] - 1e-6)
    print(f"dev: {int(y.sum())} answerable, {int((1 - y).sum())} unanswerable reach the model")
    print(f"bias: float = {bias:.4f}")
    print(f"weights: tuple[float, ...] = ({', '.join(f'{v:.4f}' for v in w[1:])})")
    z = bias + x @ w[1:]
    print(f"dev abstained (unanswerable): {np.mean(z[y == 0] < 0):.3f}")
    print(f"dev false abstentions: {np.mean(z[y == 1] < 0):.3f}")


if __name__ == "__main__":
    main()
