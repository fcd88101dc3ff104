"""Fit the verifier's content thresholds (coverage, cosine) on the development set.

No labelled written answers exist, so claims are made from the dev set itself: for each answerable
dev question, the claim "question: gold answer" (what a written sentence restates) is paired with
its evidence sentence (supports) and with the two best-scored retrieved sentences that neither
overlap the evidence nor hold a gold answer (topical but say something else: do not support).
Every (coverage, cosine) pair on a 0.05 grid is scored; the chosen one passes the most supporting
pairs while passing at most `max_false` of the others, since a sentence shown as supported must be
right. Prints the values to paste into `Checks` (assistant/answering/verify.py) and the table
docs/llm.md quotes. Run: python -m assistant.evaluation.fit_verifier
"""

from __future__ import annotations

import numpy as np

from assistant.answering.quoting import fact
from assistant.answering.reading.understand import understand
from assistant.answering.writing.verify import coverage
from assistant.api import Assistant
from assistant.evaluation.run import SETS, load


def pairs(assistant: Assistant) -> tuple[np.ndarray, np.ndarray]:
    """(coverage, cosine) per claim-sentence pair, and 1 for supporting pairs, 0 for others."""
    xs, ys = [], []
    for item in load(SETS["dev"]):
        if not item["answers"]:
            continue
        library = assistant.library()
        scored = fact.choosing(understand(item["question"], [], library), library).scored
        claim = f"{item['question'].rstrip('?')}: {item['answers'][0]}."
        vector = np.asarray(assistant.embeddings.embed_query(claim), dtype=np.float32)
        quotes = [e["quote"] for e in item["evidence"]]
        golds = [g.casefold() for g in item["answers"]]
        positive, negative = [], []
        for s in scored:
            text = s.sentence.text
            holds_gold = any(g in text.casefold() for g in golds)
            in_evidence = any(text in q or q in text for q in quotes)
            if in_evidence and holds_gold:
                positive.append(s)
            elif not in_evidence and not holds_gold:
                negative.append(s)
        for label, group in ((1, positive[:1]), (0, negative[:2])):
            for s in group:
                xs.append((coverage(claim, s.sentence.text), float(vector @ s.sentence.vector)))
                ys.append(label)
    return np.array(xs), np.array(ys)


def choose(x: np.ndarray, y: np.ndarray, max_false: float) -> tuple[float, float, float, float]:
    """The thresholds with the most true passes at most max_false false passes: (coverage,
    cosine, true pass rate, false pass rate); ties go to the stricter pair."""
    best = (0.0, 0.0, -1.0, 1.0)
    grid = np.round(np.arange(0.0, 0.951, 0.05), 2)
    for c in grid:
        for s in grid:
            passed = (x[:, 0] >= c) & (x[:, 1] >= s)
            tpr, fpr = passed[y == 1].mean(), passed[y == 0].mean()
            if fpr <= max_false and tpr >= best[2]:
                best = (float(c), float(s), float(tpr), float(fpr))
    return best


def main(max_false: float = 0.10) -> None:
    x, y = pairs(Assistant())
    c, s, tpr, fpr = choose(x, y, max_false)
    print(f"dev pairs: {int(y.sum())} supporting, {int((1 - y).sum())} not")
    print(f"coverage: float = {c}\ncosine: float = {s}")
    print(f"supporting pairs passed {tpr:.3f}, others passed {fpr:.3f}")


if __name__ == "__main__":
    main()
