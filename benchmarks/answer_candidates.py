"""What the answer model's candidates hold, and two ways of using them that were tried.

`record SET OUT` puts every question of dev or the SQuAD FIT articles through the fact path and
writes, per question, the decision's features and the 16 candidates the model read (probability,
similarity score, passage rank, whether they pass the answer-type check, whether they hold a gold
string). `rank OUT...` re-ranks those candidates offline by other mixes of the same signals and
prints how often the first accepted one holds a gold string. `abstain DEV FIT` adds list-level
features (all 16 probabilities, not the best one alone) to the answer-or-abstain model and
measures them by a 2-fold check over the FIT articles. `cost FOLDER...` times exported models
scoring 16 sentences of the bundled sources for 40 dev questions, three rounds. `exact` scores the
same pairs with the shipped model as the reader opens it and with exact int8 products turned off,
and prints how far apart they read on this CPU (0 where it has VNNI). Figures:
docs/answer-model.md, "Sentence choice", "Abstention" and "The same answers on every CPU". Never
reads REPORT, holdout or the blind sets.

    .venv/bin/python benchmarks/answer_candidates.py record dev dev.jsonl
    .venv/bin/python benchmarks/answer_candidates.py record fit fit.jsonl
    .venv/bin/python benchmarks/answer_candidates.py rank fit.jsonl dev.jsonl
    .venv/bin/python benchmarks/answer_candidates.py abstain dev.jsonl fit.jsonl
    .venv/bin/python benchmarks/answer_candidates.py cost assistant/models/reader OTHER_EXPORT
    .venv/bin/python benchmarks/answer_candidates.py exact
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

Row = dict[str, Any]
FIT_ARTICLES = (208, 424, 255, 373)  # questions per FIT article, in the file's order
FOLDS = ((0, 1), (2, 3), (0, 2), (1, 3))  # the FIT articles held out in turn, two at a time


def record(which: str, out: Path) -> None:
    from assistant.answering.quoting import fact
    from assistant.answering.reading.understand import understand
    from assistant.api import Assistant
    from assistant.core.settings import Settings
    from assistant.evaluation.calibrate import squad_fit
    from assistant.evaluation.run import SETS, load

    settings = Settings.from_env()
    if which == "dev":
        assistant, questions = Assistant(settings), load(SETS["dev"])
    else:
        assistant, questions = squad_fit(settings)
    with out.open("w", encoding="utf-8") as f:
        for item in questions:
            if item.get("history") or item["kind"] in ("summary", "comparison"):
                continue
            library = assistant.library()
            q = understand(item["question"], [], library)
            choice = fact.choosing(q, library)
            golds = [g.casefold() for g in item["answers"]]
            rows = [
                {"read": s.read, "score": s.score, "rank": s.sentence.chunk_rank,
                 "accept": bool(choice.accept(s)),
                 "gold": any(g in s.sentence.text.casefold() for g in golds)}
                for s in choice.scored[:16] if s.read is not None
            ]  # fmt: skip
            line = {"answerable": bool(golds), "features": choice.decision.features, "c": rows}
            f.write(json.dumps(line) + "\n")


def load(path: str) -> list[Row]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def first_accepted_gold(questions: list[Row], key: Callable[[Row], float], k: int = 8) -> float:
    """Share of answerable questions whose best accepted candidate (of the k best) holds gold."""
    answerable = [q for q in questions if q["answerable"]]
    hits = 0
    for q in answerable:
        accepted = [c for c in sorted(q["c"], key=key, reverse=True)[:k] if c["accept"]]
        hits += bool(accepted) and accepted[0]["gold"]
    return hits / max(1, len(answerable))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def _mix(logit: bool, score: float, rank: float) -> Callable[[Row], float]:
    """A candidate's sort key: its probability (or logit) + score x similarity - rank x the
    passage's retrieval rank."""

    def key(c: Row) -> float:
        read = _logit(c["read"]) if logit else c["read"]
        return float(read + score * c["score"] - rank * c["rank"])

    return key


def rank(paths: list[str]) -> None:
    mixes = {
        "probability": _mix(False, 0.0, 0.0),
        "probability + 0.5 x score (shipped)": _mix(False, 0.5, 0.0),
        "probability + 1.0 x score": _mix(False, 1.0, 0.0),
        **{f"logit + {w} x score": _mix(True, w, 0.0) for w in (0.5, 1.0, 2.0, 4.0)},
        **{f"shipped - {r} x passage rank": _mix(False, 0.5, r) for r in (0.02, 0.1, 0.2)},
    }
    for path in paths:
        qs = [q for q in load(path) if q["answerable"]]
        anywhere = np.mean([any(c["gold"] for c in q["c"]) for q in qs])
        accepted = np.mean([any(c["gold"] and c["accept"] for c in q["c"]) for q in qs])
        print(f"{path}: {len(qs)} answerable; a candidate holds gold {anywhere:.3f}, "
              f"an accepted one {accepted:.3f}")  # fmt: skip
        for name, key in mixes.items():
            print(f"  {name:<40}{first_accepted_gold(qs, key):.3f}")


def list_features(q: Row) -> list[float]:
    best = [*sorted((c["read"] for c in q["c"]), reverse=True), 0.0, 0.0]
    accepted = [*sorted((c["read"] for c in q["c"] if c["accept"]), reverse=True), 0.0, 0.0]
    return [best[0], best[1], sum(best), sum(p > 0.5 for p in best), accepted[1],
            best[0] - accepted[0]]  # fmt: skip


def abstain(dev_path: str, fit_path: str) -> None:
    from assistant.evaluation.calibrate import Corpus, choose, rates

    dev, fit_qs = load(dev_path), load(fit_path)
    ends = np.cumsum((0, *FIT_ARTICLES))
    articles = [fit_qs[ends[i] : ends[i + 1]] for i in range(4)]

    def corpus(qs: list[Row], extra: bool) -> Corpus:
        reached = [q for q in qs if q["features"]]
        x = np.array([q["features"] + (list_features(q) if extra else []) for q in reached])
        y = np.array([float(q["answerable"]) for q in reached])
        answerable = sum(q["answerable"] for q in qs)
        return Corpus("", x, y, answerable, len(qs) - answerable)

    for extra in (False, True):
        found = []
        for held in FOLDS:
            train = [q for i in range(4) if i not in held for q in articles[i]]
            test = [q for i in held for q in articles[i]]
            d, s = corpus(dev, extra), corpus(train, extra)
            bias, w, _ = choose(d, s, say=lambda line: None)
            found.append(rates(bias, w, corpus(test, extra)) + rates(bias, w, d))
        f = np.array(found).mean(0)
        print(f"{'with' if extra else 'without'} list features: held-out FIT abstained "
              f"{f[0]:.3f} at {f[1]:.3f} false; dev {f[2]:.3f} at {f[3]:.3f}")  # fmt: skip


def _pairs() -> list[tuple[str, list[str]]]:
    """40 dev questions, each with 16 sentences of the bundled sources."""
    import re

    from assistant.evaluation.run import SETS, load

    questions = [q["question"] for q in load(SETS["dev"])][:40]
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(Path("sources").glob("*.txt")))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text) if 40 < len(s) < 300][:200]
    return [(q, sentences[(i * 16) % 180 : (i * 16) % 180 + 16]) for i, q in enumerate(questions)]


def exact() -> None:
    import onnxruntime

    from assistant.answering.quoting.reader import FOLDER, reader, session_options

    shipped = reader()
    session = onnxruntime.InferenceSession(str(FOLDER / "model.onnx"), session_options(False))
    plain = replace(shipped, session=session)
    pairs = _pairs()
    a = np.concatenate([shipped.probabilities(q, batch) for q, batch in pairs])
    b = np.concatenate([plain.probabilities(q, batch) for q, batch in pairs])
    gap = np.abs(a - b)
    print(
        f"{len(a)} pairs: |exact - plain| mean {gap.mean():.4f}, p99 {np.quantile(gap, 0.99):.4f}, "
        f"max {gap.max():.4f}; pairs apart by more than 0.001: {(gap > 0.001).mean():.3f}"
    )


def cost(folders: list[str]) -> None:
    import time

    from assistant.answering.quoting.reader import reader

    for folder in folders:
        model, times = reader(Path(folder).resolve()), []
        for _ in range(3):
            for q, batch in _pairs():
                started = time.perf_counter()
                model.probabilities(q, batch)
                times.append(time.perf_counter() - started)
        p50, p95 = np.percentile(times, [50, 95]) * 1000
        print(f"{folder}: 16 candidates p50 {p50:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "record":
        record(args[0], Path(args[1]))
    elif command == "rank":
        rank(args)
    elif command == "abstain":
        abstain(*args)
    elif command == "exact":
        exact()
    elif command == "cost":
        cost(args)
    else:
        raise SystemExit(__doc__)
