"""The trained answer model as one more signal for the written-answer verifier, measured on claims.

For every claim of one side of the labelled claims set (assistant/evaluation/claims.jsonl), the
verifier's verdict as `assistant eval --claims` gives it, and the answer model's probability
(assistant/models/reader) that the cited sentence "answers" the claim read as a question, the
best over its cited sentences. Prints the answerability AUC of that probability over all claims
and over those the verifier shows as supported, and precision and recall of "supported" when a
claim must also reach each threshold. Choose the threshold on --split fit; read --split report
once. Not used by the product: docs/llm.md says why.

Run: .venv/bin/python benchmarks/claims_signal.py --split fit
"""

from __future__ import annotations

import argparse

import numpy as np

from assistant.answering.quoting.reader import reader
from assistant.answering.writing.verify import Checks
from assistant.api import Assistant
from assistant.evaluation import claims as C
from assistant.training.figures import auc_of as auc

THRESHOLDS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="fit", choices=C.SPLITS)
    args = parser.parse_args()
    assistant = Assistant()
    claims = C.load(args.split)
    folders = [C.BUNDLED]
    embed, embed_many = assistant.claim_vector, assistant.sentence_vectors
    verdicts = C.judge(claims, folders, embed, embed_many, Checks())
    texts = C.sources(claims, folders)
    model = reader()
    best = [model.probabilities(c.claim, C.cited(c, texts)).max() for c in claims]
    scores = np.array(best, dtype=np.float64)
    labels = np.array([c.label for c in claims])
    shown = np.array([v.supported for v in verdicts])
    among = auc(labels[shown], scores[shown])
    print(f"{args.split} side, {len(claims)} claims: AUC {auc(labels, scores):.3f} over all, "
          f"{among:.3f} over the {shown.sum()} shown as supported")  # fmt: skip
    print("| threshold | shown supported | precision | recall |\n|---|---|---|---|")
    for t in THRESHOLDS:
        kept = shown & (scores >= t)
        precision = labels[kept].mean() if kept.any() else float("nan")
        recall = (kept & labels).sum() / labels.sum()
        print(f"| {t:.1f} | {kept.sum()} | {precision:.3f} | {recall:.3f} |")


if __name__ == "__main__":
    main()
