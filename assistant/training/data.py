"""Builds the answer model's training files from a snapshot of the SQuAD explorer repository.

`build_files(snapshot, out)` reads SQuAD 1.1 train (explore/1.1/train/, 442 articles, 87,599
questions) and the SQuAD 2.0 dev articles outside pages.HELD_BACK (explore/v2.0/dev/, 19 articles,
5,795 questions, 2,777 unanswerable), checks those counts, and writes three JSONL files of pairs:
train.jsonl (SQuAD 1.1, near misses, and 15 of the 19 articles), calibrate.jsonl (every sentence
of every question of the other 4, for thresholds and figures) and counts.json; and the same
training questions as candidate groups for a listwise run, groups.jsonl (groups.py).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from assistant.training import groups
from assistant.training.pages import HELD_BACK, Item, read_folder
from assistant.training.pairs import Pair, build

SQUAD1 = "explore/1.1/train"
SQUAD2 = "explore/v2.0/dev"
EXPECTED = {"squad1_articles": 442, "squad1_questions": 87_599, "squad2_articles": 19}
NEGATIVES = 3  # hardest negatives per SQuAD 1.1 question
CROSS = 2  # hardest negatives from the article's other paragraphs, per answerable question
NEAR_SHARE = 0.25  # share of SQuAD 1.1 questions that also give a near miss
EVERY_SENTENCE = 99  # SQuAD 2.0 questions: every sentence of the paragraph


class DataError(ValueError):
    """The snapshot is not the one the training expects."""


def calibration_articles(articles: Iterable[str]) -> set[str]:
    """Every fifth of the 19 articles, in sorted order: 4 articles never trained on."""
    return set(sorted(articles)[::5])


def _check(squad1: list[Item], squad2: list[Item]) -> dict[str, int]:
    found = {
        "squad1_articles": len({i.article for i in squad1}),
        "squad1_questions": len(squad1),
        "squad2_articles": len({i.article for i in squad2}),
    }
    for key, want in EXPECTED.items():
        if found[key] != want:
            raise DataError(f"{key}: expected {want}, found {found[key]} (wrong snapshot?)")
    if {i.article for i in squad1 + squad2} & HELD_BACK:
        raise DataError("a held-back article was read")
    return found


def _write(path: Path, pairs: Iterable[Pair]) -> Counter[str]:
    kinds: Counter[str] = Counter()
    with path.open("w", encoding="utf-8") as f:
        for p in pairs:
            kinds[f"{p.kind}:{p.label}"] += 1
            f.write(json.dumps(asdict(p), ensure_ascii=False) + "\n")
    return kinds


def build_files(snapshot: Path, out: Path, seed: int = 0) -> dict[str, object]:
    squad1 = list(read_folder(snapshot / SQUAD1))
    squad2 = list(read_folder(snapshot / SQUAD2))
    counts: dict[str, object] = dict(_check(squad1, squad2))
    held = calibration_articles({i.article for i in squad2})
    fit2 = [i for i in squad2 if i.article not in held]
    cal2 = [i for i in squad2 if i.article in held]
    out.mkdir(parents=True, exist_ok=True)
    train = [
        *build(squad1, NEGATIVES, NEAR_SHARE, "squad1", seed, CROSS),
        *build(fit2, EVERY_SENTENCE, 0.0, "squad2", seed, CROSS),
    ]
    counts["train"] = _write(out / "train.jsonl", train)
    counts["groups"] = groups.write(
        out / "groups.jsonl",
        [
            *groups.build(squad1, "squad1", NEAR_SHARE, seed),
            *groups.build(fit2, "squad2", 0.0, seed),
        ],
    )
    counts["calibrate"] = _write(
        out / "calibrate.jsonl", build(cal2, EVERY_SENTENCE, 0.0, "squad2", seed)
    )
    counts["calibration_articles"] = sorted(held)
    counts["squad2_unanswerable"] = sum(not i.answers for i in squad2)
    counts["squad1_article_titles"] = sorted({i.article for i in squad1})
    counts["squad2_article_titles"] = sorted({i.article for i in squad2})
    (out / "counts.json").write_text(json.dumps(counts, indent=1), encoding="utf-8")
    return counts


def read_pairs(path: Path) -> list[Pair]:
    with path.open(encoding="utf-8") as f:
        return [Pair(**json.loads(line)) for line in f]
