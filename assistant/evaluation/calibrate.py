"""Fit the answer-or-abstain model on the fitting data of both corpora, never on what is reported.

The fitting data: the two articles' dev set (dev.jsonl) and the SQuAD 2.0 FIT articles (Normans,
Huguenot, 1973_oil_crisis, Packet_switching; indexed as `assistant eval --set squad --articles fit`
does). Every question is put through the product, and the features `decide()` saw for its best
sentence (abstain.FEATURES) are recorded with whether the question has an answer. A logistic
regression is fitted for each corpus weighting and regularisation in GRID; each one's bias is then
moved so that at most MAX_FALSE of each corpus's answerable questions are abstained (the hard rules'
abstentions count against that budget), and the one abstaining on the most unanswerable questions,
averaged over the two corpora, wins. With the answer model (answer_model "reader", the default)
the first feature is its probability for the best candidate; with the weights fitted, each floor
of FLOORS is tried (a best candidate under it abstains as a hard rule does, so its false
abstentions count against the budget, and the bias is moved again to keep the ceilings); the line
printed for "probability alone" is the highest threshold that keeps both corpora within their
ceilings, for comparison. Prints the Thresholds values to paste into
assistant/answering/quoting/extractive.py as `Thresholds()`'s defaults; the fit is redone whenever
abstain.FEATURES changes. `--keep-weights` keeps the answer model's shipped weights and chooses
only the floor and the bias (how today's defaults were made; docs/answer-model.md says why).
Holdout, gold, blind2 and the SQuAD REPORT articles are never read here.
Run: python -m assistant.evaluation.calibrate [--keep-weights]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from assistant.answering.quoting.extractive import Thresholds
from assistant.api import Assistant
from assistant.core.settings import Settings
from assistant.evaluation.run import SETS, load
from assistant.evaluation.squad.data import SPLITS, items, load_articles
from assistant.evaluation.squad.run import cache_root, workdir_for, write_sources

MAX_FALSE = {"dev": 0.05, "squad": 0.10}  # the ceilings on false abstentions
GRID = [(weight, l2) for weight in (0.5, 0.7, 0.85) for l2 in (0.01, 0.1)]  # dev's share, L2
FLOORS = (0.0, 0.01)  # the answer model's probability under which it never quotes (0.02: see
# docs/answer-model.md: it refused "What do the articles say about India?" within one article,
# which has since been answered as a summary, without the model)


@dataclass
class Corpus:
    name: str
    x: np.ndarray  # features of the questions that reached the model
    y: np.ndarray  # 1 when the question has an answer
    answerable: int  # all answerable questions, those a hard rule abstained on included
    unanswerable: int


def collect(name: str, assistant: Assistant, questions: list[dict[str, Any]]) -> Corpus:
    assistant.thresholds = replace(assistant.thresholds, reader_floor=0.0)  # FLOORS cut later
    xs, ys = [], []
    for item in questions:
        history: list[dict[str, str]] = []
        for earlier in item.get("history", []):
            reply = assistant.answer(earlier, history)
            history += [
                {"role": "user", "content": earlier},
                {"role": "assistant", "content": reply.text},
            ]
        _, _, decision = assistant.decision(item["question"], history)
        if decision.features:  # empty: a hard rule abstained before the model
            xs.append(decision.features)
            ys.append(1.0 if item["answers"] else 0.0)
    answerable = sum(1 for item in questions if item["answers"])
    return Corpus(name, np.array(xs), np.array(ys), answerable, len(questions) - answerable)


def squad_fit(settings: Settings) -> tuple[Assistant, list[dict[str, Any]]]:
    titles = SPLITS["fit"]
    folder = workdir_for(cache_root(), settings, "fit", titles, None)
    articles = load_articles(titles, None)
    write_sources(folder / "sources", articles)
    assistant = Assistant(replace(settings, sources=folder / "sources", index=folder / "index"))
    assistant.index()
    return assistant, [q for a in articles for q in items(a)]


def fit(x: np.ndarray, y: np.ndarray, sw: np.ndarray, l2: float, steps: int = 5000) -> np.ndarray:
    """Weighted, L2-regularised logistic regression on standardised features; returns
    (bias, weights...) for the raw features."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    design = np.hstack([np.ones((len(x), 1)), (x - mu) / sd])
    w = np.zeros(design.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-design @ w))
        w -= 0.5 * (design.T @ (sw * (p - y)) / sw.sum() + l2 * np.r_[0, w[1:]])
    raw = w[1:] / sd
    return np.r_[w[0] - (raw * mu).sum(), raw]


def bias_for(w: np.ndarray, c: Corpus, max_false: float) -> float:
    """The largest bias at which the corpus's false abstentions stay within max_false."""
    z = np.sort(w[0] + c.x[c.y == 1] @ w[1:])
    hard = c.answerable - len(z)  # answerable questions the hard rules already abstained on
    allowed = int(np.floor(max_false * c.answerable)) - hard
    return float(w[0] - min(0.0, z[max(0, allowed)] - 1e-6)) if len(z) else float(w[0])


def bias_within(w: np.ndarray, dev: Corpus, squad: Corpus) -> float:
    """The largest bias that keeps both corpora within their false-abstention ceilings."""
    return max(bias_for(w, dev, MAX_FALSE["dev"]), bias_for(w, squad, MAX_FALSE["squad"]))


def rates(bias: float, w: np.ndarray, c: Corpus) -> tuple[float, float]:
    """(unanswerable abstained, false abstentions), hard-rule abstentions included."""
    z = bias + c.x @ w[1:]
    reached_un = int((c.y == 0).sum())
    abstained = (np.sum(z[c.y == 0] < 0) + c.unanswerable - reached_un) / max(1, c.unanswerable)
    false = (np.sum(z[c.y == 1] < 0) + c.answerable - int(c.y.sum())) / max(1, c.answerable)
    return float(abstained), float(false)


def _judge(
    label: str, bias: float, w: np.ndarray, dev: Corpus, squad: Corpus, say: Callable[[str], object]
) -> tuple[float, str] | None:
    """A fit's unanswerable abstained averaged over the two corpora and its line (said), or None
    when either corpus's false abstentions are over its ceiling."""
    (da, df), (sa, sf) = rates(bias, w, dev), rates(bias, w, squad)
    line = f"{label}: dev {da:.3f}/{df:.3f}, squad FIT {sa:.3f}/{sf:.3f}"
    say(line + "  (unanswerable abstained / false abstentions)")
    if df > MAX_FALSE["dev"] or sf > MAX_FALSE["squad"]:
        return None
    return (da + sa) / 2, line


def choose(
    dev: Corpus, squad: Corpus, say: Callable[[str], object] = print
) -> tuple[float, np.ndarray, str]:
    """The grid point abstaining on the most unanswerable questions, averaged over the two
    corpora, within both ceilings: (bias, weights, its line); `say` gets every point's line."""
    best: tuple[float, float, np.ndarray, str] | None = None
    x, y = np.vstack([dev.x, squad.x]), np.r_[dev.y, squad.y]
    for weight, l2 in GRID:
        sw = np.r_[np.full(len(dev.y), weight / len(dev.y)),
                   np.full(len(squad.y), (1 - weight) / len(squad.y))] * len(y)  # fmt: skip
        w = fit(x, y, sw, l2)
        bias = bias_within(w, dev, squad)
        judged = _judge(f"dev share {weight}, l2 {l2}", bias, w, dev, squad, say)
        if judged is None:
            continue  # the hard rules alone already abstain on too many answerable questions
        if best is None or judged[0] > best[0]:
            best = (judged[0], bias, w, judged[1])
    if best is None:
        return 0.0, np.zeros(dev.x.shape[1] + 1), "none within the ceilings"
    return best[1], best[2], best[3]


def floored(c: Corpus, floor: float) -> Corpus:
    """The corpus as a floor on the answer model's probability (x[:, 0]) leaves it: a question
    under it abstains before the logistic model, as a hard rule's does."""
    keep = c.x[:, 0] >= floor
    return replace(c, x=c.x[keep], y=c.y[keep])


def choose_floor(dev: Corpus, squad: Corpus, w: np.ndarray) -> tuple[float, float, str]:
    """With the weights fitted without a floor, the floor of FLOORS (its bias moved to keep both
    ceilings) abstaining on the most unanswerable questions averaged over the two corpora:
    (floor, bias, line). The weights are not refitted per floor: a refit under a floor of 0.02
    leant on the idf-scaled features, and a grown corpus (tests/test_hostile.py's) then
    abstained on "Who replaced Imran Khan?" at a probability of 0.78."""
    best: tuple[float, float, float, str] | None = None
    for floor in FLOORS:
        d, s = floored(dev, floor), floored(squad, floor)
        bias = bias_within(w, d, s)
        judged = _judge(f"floor {floor}", bias, w, d, s, print)
        if judged is None:
            continue
        if best is None or judged[0] > best[0]:
            best = (judged[0], floor, bias, judged[1])
    assert best is not None  # floor 0 keeps the ceilings choose() kept
    return best[1:]


def threshold_for(c: Corpus, max_false: float) -> float:
    """The answer model's highest threshold at which the corpus's false abstentions stay within
    max_false (the hard rules' abstentions count against it)."""
    z = np.sort(c.x[c.y == 1, 0])
    allowed = int(np.floor(max_false * c.answerable)) - (c.answerable - len(z))
    return float(z[max(0, allowed)]) if len(z) else 0.5


def reader_rates(threshold: float, c: Corpus) -> tuple[float, float]:
    """rates() for the answer model's probability against a threshold."""
    return rates(-threshold, np.array([0.0, 1.0]), replace(c, x=c.x[:, :1]))


def choose_reader(dev: Corpus, squad: Corpus) -> float:
    """The highest threshold within both corpora's false-abstention ceilings."""
    threshold = min(threshold_for(dev, MAX_FALSE["dev"]), threshold_for(squad, MAX_FALSE["squad"]))
    (da, df), (sa, sf) = reader_rates(threshold, dev), reader_rates(threshold, squad)
    print(f"answer model: threshold {threshold:.4f}: dev {da:.3f}/{df:.3f}, squad FIT "
          f"{sa:.3f}/{sf:.3f}  (unanswerable abstained / false abstentions)")  # fmt: skip
    return threshold


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m assistant.evaluation.calibrate", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--keep-weights",
        action="store_true",
        help="keep the answer model's shipped weights (Thresholds()); choose the floor and bias",
    )
    keep = parser.parse_args(argv).keep_weights
    settings = Settings.from_env()
    dev = collect("dev", Assistant(settings), load(SETS["dev"]))
    squad = collect("squad", *squad_fit(settings))
    prefix = ""
    if settings.answer_model == "reader":
        print(f"probability alone: threshold {choose_reader(dev, squad):.4f}")
        prefix = "reader_"
    if keep and settings.answer_model == "reader":
        t = Thresholds()
        w = np.r_[t.reader_bias, t.reader_weights]
    else:
        bias, w, line = choose(dev, squad)
        print(f"chosen: {line}")
    if settings.answer_model == "reader":
        floor, bias, line = choose_floor(dev, squad, w)
        print(f"chosen: {line}")
        print(f"reader_floor: float = {floor}")
    print(f"{prefix}bias: float = {bias:.4f}")
    print(f"{prefix}weights: tuple[float, ...] = ({', '.join(f'{v:.4f}' for v in w[1:])})")


if __name__ == "__main__":
    main()
