"""The answer model's floor: the fits it was chosen among, on the fitting data and a grown corpus.

Collects the answer-or-abstain features of dev and the SQuAD FIT articles once (as
`python -m assistant.evaluation.calibrate` does, with no floor), then for each floor of 0, 0.01
and 0.02 prints, for the shipped weights kept (the bias moved to keep the ceilings) and for a
full refit with the floor in place: dev and FIT unanswerable abstained / false abstentions, the
same over a 2-fold split of the FIT articles (fit on dev + two, measured on the other two; the
kept weights saw all four, only their bias is moved per split), and
dev asked over a grown corpus: the bundled sources beside a 1.5 MB one-line file and a 300 KB
sentence (as tests/test_hostile.py builds it; here in --grown), where every idf is larger. Figures:
docs/answer-model.md, "The floor". Never reads REPORT, holdout or the blind sets.

    .venv/bin/python benchmarks/abstain_floor.py --grown /tmp/grown
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import numpy as np

from assistant.answering.quoting.extractive import Thresholds
from assistant.api import Assistant
from assistant.core.settings import Settings
from assistant.evaluation import calibrate as cal
from assistant.evaluation.run import SETS, load

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.answer_candidates import FIT_ARTICLES, FOLDS

FLOORS = (0.0, 0.01, 0.02)


def grown_folder(base: Path, bundled: Path) -> Assistant:
    """The bundled sources beside one 1.5 MB line and one 300 KB sentence, indexed."""
    sources = base / "sources"
    if not sources.exists():
        shutil.copytree(bundled, sources)
        line = "the zorvath survey station logged meltwater readings beside the glacier and "
        quarry = "The quarry near veltmoor shipped granite blocks to the harbour and "
        (sources / "long-line.txt").write_text(_repeated(line, 1_500_000), encoding="utf-8")
        sentence = "Quarry records.\n" + _repeated(quarry, 300_000)
        (sources / "huge-sentence.txt").write_text(sentence, encoding="utf-8")
    assistant = Assistant(sources=sources, index=base / "index")
    assistant.index()
    return assistant


def _repeated(phrase: str, chars: int) -> str:
    return (phrase * (chars // len(phrase) + 1))[:chars].rstrip() + "."


def merge(parts: list[cal.Corpus]) -> cal.Corpus:
    return cal.Corpus(
        "fit", np.vstack([c.x for c in parts]), np.concatenate([c.y for c in parts]),
        sum(c.answerable for c in parts), sum(c.unanswerable for c in parts),
    )  # fmt: skip


def weights_for(dev: cal.Corpus, fit: cal.Corpus, floor: float, keep: bool) -> np.ndarray:
    """(bias, weights...): the shipped ones with the bias moved, or a refit, under the floor."""
    d, f = cal.floored(dev, floor), cal.floored(fit, floor)
    if keep:
        t = Thresholds()
        w = np.r_[t.reader_bias, t.reader_weights]
    else:
        bias, w, _ = cal.choose(d, f, say=lambda line: None)
        w = np.r_[bias, w[1:]]
    return np.r_[cal.bias_within(w, d, f), w[1:]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grown", type=Path, required=True, help="folder for the grown corpus")
    grown_at = parser.parse_args().grown
    settings = Settings.from_env()
    dev = cal.collect("dev", Assistant(settings), load(SETS["dev"]))
    squad, questions = cal.squad_fit(settings)
    ends = np.cumsum((0, *FIT_ARTICLES))
    parts = [cal.collect("fit", squad, questions[ends[i] : ends[i + 1]]) for i in range(4)]
    grown = cal.collect("grown", grown_folder(grown_at, settings.sources), load(SETS["dev"]))
    fit = merge(parts)
    for keep in (True, False):
        for floor in FLOORS:
            w = weights_for(dev, fit, floor, keep)
            (da, df), (fa, ff) = (cal.rates(w[0], w, cal.floored(c, floor)) for c in (dev, fit))
            ga, gf = cal.rates(w[0], w, cal.floored(grown, floor))
            folds = []
            for held in FOLDS:
                train = merge([parts[i] for i in range(4) if i not in held])
                test = merge([parts[i] for i in held])
                v = weights_for(dev, train, floor, keep)
                folds.append(cal.rates(v[0], v, cal.floored(test, floor)))
            ha, hf = np.mean(folds, 0)
            print(f"{'kept' if keep else 'refit'} floor {floor}: dev {da:.3f}/{df:.3f}, FIT "
                  f"{fa:.3f}/{ff:.3f}, 2-fold FIT {ha:.3f}/{hf:.3f}, dev over the grown corpus "
                  f"{ga:.3f}/{gf:.3f}  (unanswerable abstained / false abstentions)")  # fmt: skip


if __name__ == "__main__":
    main()
