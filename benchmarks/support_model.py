"""A learned support check for the written-answer verifier, tried on the claims (not adopted).

The answer model fine-tuned on (claim, excerpt) pairs: edits of SQuAD 1.1's Wikipedia sentences
(assistant/training/support.py) and the fit side of the labelled claims. Three steps:

  .venv/bin/python benchmarks/support_model.py data SNAPSHOT WORK      # WORK/data/train.jsonl
  .venv/bin/assistant train --work WORK --pairs 42826 --keep none --fill all --max-tokens 128 \
      --init assistant/models/reader/model.onnx --lr 5e-5 --minutes 50
  .venv/bin/python benchmarks/support_model.py figures WORK --split report

`figures` exports WORK/run/checkpoint.pt to WORK/export (int8 ONNX) and prints, for one side of
the claims, the model's AUC over all claims and over those the verifier passes, then precision
and recall of "supported" when the verifier's verdict is combined with the model's probability p
(of the claim against all it cites): a sentence the rules pass is refused below the floor
`veto`; one they refuse only for wording (too few shared terms, a word the excerpt lacks that is
no name, number or quantity word) is passed at `rescue` or above. Choose on fit and report
(rounds 1 to 4); the next side (round 5) is read once. docs/llm.md has the run and its figures.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np

from assistant.answering.quoting.reader import reader
from assistant.answering.writing.align import _QUANTITY
from assistant.answering.writing.verify import Checks, Verdict
from assistant.api import Assistant
from assistant.evaluation import claims as C
from assistant.training.figures import auc_of as auc

VETOES = (0.0, 0.1, 0.3, 0.5, 0.7)
RESCUES = (1.01, 0.9, 0.85, 0.8)  # 1.01: no rescue


def wording_only(verdict: Verdict) -> bool:
    """The verifier refused the claim for its wording alone, not a fact, negation or order."""
    if verdict.reason == "the cited excerpt says something else":
        return True
    found = re.fullmatch(r"“(.+)” is not in the cited excerpt", verdict.reason)
    if found is None:
        return False
    word = found[1]
    return not re.search(r"[A-Z0-9]", word) and not any(
        w in _QUANTITY for w in word.lower().split()
    )


def figures(work: Path, split: str) -> None:
    from assistant.training.export import export
    from assistant.training.plan import Plan

    folder = work / "export"
    if not (folder / "model.onnx").exists():
        export(work / "run" / "checkpoint.pt", Plan(max_tokens=128), folder)
    assistant = Assistant()
    claims = C.load(split)
    verdicts = C.judge(
        claims, [C.BUNDLED], assistant.claim_vector, assistant.sentence_vectors, Checks()
    )
    texts = C.sources(claims, [C.BUNDLED])
    model = reader(folder)
    p = np.array([model.probabilities(c.claim, [" ".join(C.cited(c, texts))])[0] for c in claims])
    labels = np.array([c.label for c in claims])
    shown = np.array([v.supported for v in verdicts])
    soft = np.array([not v.supported and wording_only(v) for v in verdicts])
    print(f"{split} side, {len(claims)} claims: AUC {auc(labels, p):.3f} over all, "
          f"{auc(labels[shown], p[shown]):.3f} over the {shown.sum()} the rules pass")  # fmt: skip
    print("| veto | rescue | shown supported | precision | recall |\n|---|---|---|---|---|")
    for veto in VETOES:
        for rescue in RESCUES:
            kept = (shown & (p >= veto)) | (soft & (p >= rescue))
            precision = labels[kept].mean() if kept.any() else float("nan")
            recall = (kept & labels).sum() / labels.sum()
            print(f"| {veto:.1f} | {rescue:.2f} | {kept.sum()} | {precision:.3f} | {recall:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="step", required=True)
    data = sub.add_parser("data", help="write WORK/data/train.jsonl from a SQuAD snapshot")
    data.add_argument("snapshot", type=Path)
    data.add_argument("work", type=Path)
    data.add_argument("--pairs", type=int, default=36_000, help="pairs made from Wikipedia")
    fig = sub.add_parser("figures", help="export WORK's checkpoint and measure it on the claims")
    fig.add_argument("work", type=Path)
    fig.add_argument("--split", default="report", choices=C.SPLITS)
    args = parser.parse_args()
    if args.step == "data":
        from assistant.training.support import build_files

        print(build_files(args.snapshot, args.work / "data", args.pairs))
    else:
        figures(args.work, args.split)


if __name__ == "__main__":
    main()
