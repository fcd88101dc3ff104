"""Sentence-level figures of the answer model, given each question's own paragraph.

For every question: the paragraph's sentences are scored, the best is "chosen first"; the best
probability is the question's answerability. Figures: answer sentence chosen first (answerable
questions), answerability AUC (answerable against unanswerable), and unanswerable abstained at a
threshold (fixed, or the one giving at most 10% false abstentions on the same set). Sets: the
calibration articles of the 19 (training/data.py) and the project's 8 SQuAD articles, FIT and
REPORT (evaluation/squad/). `threshold_for` is how the shipped threshold is chosen. Left out:
today's rules scorer (compared end to end by `assistant eval --set squad`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.training.pages import Item
from assistant.training.pairs import Pair, question_pairs

Score = Callable[[str, Sequence[str], Sequence[str]], np.ndarray]  # question, sentences, before
MAX_FALSE_ABSTENTIONS = 0.10


@dataclass(frozen=True)
class Scored:
    answerable: bool
    best: float  # the highest probability of the paragraph's sentences
    first_right: bool  # the gold sentence scored highest (answerable only)


def squad_items(titles: tuple[str, ...]) -> list[Item]:
    """The project's SQuAD 2.0 articles as training-style items (answers at their real offsets
    are the first occurrences here too: the gold sentence is found the same way)."""
    from assistant.evaluation.squad.data import load_articles

    out = []
    for article in load_articles(titles):
        for p, para in enumerate(article.paragraphs):
            for qa in para["qas"]:
                answers = tuple(dict.fromkeys(a["text"] for a in qa["answers"]))
                out.append(
                    Item(article.title, p, para["context"], qa["id"], qa["question"], answers)
                )
    return out


def group(pairs: Sequence[Pair]) -> list[list[Pair]]:
    groups: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        groups[p.group].append(p)
    return list(groups.values())


def score_groups(groups: Sequence[Sequence[Pair]], score: Score) -> list[Scored]:
    out = []
    for g in groups:
        probs = score(g[0].question, [p.sentence for p in g], [p.context for p in g])
        labels = [p.label for p in g]
        top = int(np.argmax(probs))
        out.append(Scored(any(labels), float(probs.max()), bool(labels[top])))
    return out


def items_groups(items: Sequence[Item]) -> list[list[Pair]]:
    return [g for g in (question_pairs(i, 99, "squad2") for i in items) if g]


def auc(scored: Sequence[Scored]) -> float:
    return auc_of(np.array([s.answerable for s in scored]), np.array([s.best for s in scored]))


def auc_of(labels: np.ndarray, scores: np.ndarray) -> float:
    """Probability that a positive (labels True) outscores a negative, by ranks."""
    pos, neg = scores[labels], scores[~labels]
    if not len(pos) or not len(neg):
        return float("nan")
    ranks = np.concatenate([pos, neg]).argsort().argsort() + 1.0
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def threshold_for(scored: Sequence[Scored], max_false: float = MAX_FALSE_ABSTENTIONS) -> float:
    """The highest threshold that abstains on at most max_false of the answerable questions."""
    pos = np.sort([s.best for s in scored if s.answerable])
    return float(pos[int(np.floor(max_false * len(pos)))]) if len(pos) else 0.5


def figures(scored: Sequence[Scored], threshold: float) -> dict[str, float]:
    answerable = [s for s in scored if s.answerable]
    unanswerable = [s for s in scored if not s.answerable]
    return {
        "questions": len(scored),
        "chosen_first": float(np.mean([s.first_right for s in answerable])),
        "auc": auc(scored),
        "threshold": threshold,
        "abstained_unanswerable": float(np.mean([s.best < threshold for s in unanswerable])),
        "false_abstentions": float(np.mean([s.best < threshold for s in answerable])),
    }


def rules_scorer(groups: Sequence[Sequence[Pair]]) -> Score:
    """Today's rules scorer as a Score: extractive.score_sentences (MiniLM cosine plus weighted
    term coverage) with idf over the paragraphs of `groups`; its probability-like output is the
    score itself (only its order and AUC are read)."""
    import math

    from assistant.answering.quoting.extractive import Sentence, Thresholds, score_sentences
    from assistant.core.text import terms
    from assistant.index.embeddings import packaged_model_path
    from assistant.index.onnx_query import packaged_onnx_path, query_encoder

    encoder = query_encoder(packaged_onnx_path(), packaged_model_path() / "tokenizer.json")
    paragraphs = {" ".join(sorted(p.sentence for p in g)) for g in groups}
    df: dict[str, int] = defaultdict(int)
    for text in paragraphs:
        for t in set(terms(text)):
            df[t] += 1

    def idf(t: str) -> float:
        return math.log((len(paragraphs) + 1) / (df.get(t, 0) + 1)) + 1

    def score(question: str, texts: Sequence[str], before: Sequence[str] = ()) -> np.ndarray:
        starts = np.cumsum([0] + [len(t) + 1 for t in texts])  # one paragraph: neighbours count
        found = [
            Sentence(0, "p", "", int(starts[i]), int(starts[i]) + len(t), t, encoder.encode(t))
            for i, t in enumerate(texts)
        ]
        scored = score_sentences(question, encoder.encode(question), found, idf, Thresholds())
        by_start = {s.sentence.start: s.score for s in scored}
        return np.array([by_start[int(starts[i])] for i in range(len(texts))])

    return score


def table(work: Path | None, model: Path | None = None, rules: bool = True) -> list[str]:
    """The card's sentence-level table: the answer model (the shipped one, or the export in
    `model`) beside the rules scorer on the held-out calibration articles (when `work` holds the
    training files), SQuAD FIT and REPORT. The threshold is chosen on the calibration articles
    (or FIT without them) and applied as is."""
    from assistant.answering.quoting.reader import FOLDER, reader
    from assistant.evaluation.squad.data import FIT, REPORT
    from assistant.training.data import read_pairs

    sets: dict[str, list[list[Pair]]] = {}
    if work is not None and (work / "data" / "calibrate.jsonl").exists():
        sets["calibration (4 of the 19)"] = group(read_pairs(work / "data" / "calibrate.jsonl"))
    sets["SQuAD FIT"] = items_groups(squad_items(FIT))
    sets["SQuAD REPORT"] = items_groups(squad_items(REPORT))
    lines = [f"{'set':<28}{'scorer':<8}{'questions':>10}{'chosen first':>14}{'AUC':>8}"
             f"{'abstained':>11}{'false abst.':>13}"]  # fmt: skip
    scorers = [("model", reader(model or FOLDER).probabilities), ("rules", None)]
    for name, score in scorers if rules else scorers[:1]:
        threshold = None
        for title, groups in sets.items():
            scored = score_groups(groups, score or rules_scorer(groups))
            threshold = threshold_for(scored) if threshold is None else threshold
            f = figures(scored, threshold)
            lines.append(
                f"{title:<28}{name:<8}{f['questions']:>10.0f}{f['chosen_first']:>14.3f}"
                f"{f['auc']:>8.3f}{f['abstained_unanswerable']:>11.3f}{f['false_abstentions']:>13.3f}"
            )
    return lines


if __name__ == "__main__":
    import argparse

    cli = argparse.ArgumentParser(description="The answer model's sentence-level figures.")
    cli.add_argument("work", nargs="?", help="a training folder with data/calibrate.jsonl")
    cli.add_argument("--model", help="an exported model folder (default: the shipped one)")
    cli.add_argument("--no-rules", action="store_true", help="leave out the rules scorer")
    a = cli.parse_args()
    work, model = (Path(a.work) if a.work else None), (Path(a.model) if a.model else None)
    print("\n".join(table(work, model, not a.no_rules)))
