"""The training run's settings, in a module without torch (the CLI imports it at start-up)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    pairs: int = 120_000
    layers: int = 4
    max_tokens: int = 80
    batch: int = 32
    lr: float = 8e-5
    warmup: float = 0.05
    seed: int = 0
    threads: int = 2
    minutes: float = 85.0
    every: int = 200
    init: str = ""  # a checkpoint whose weights a second stage starts from
    keep: str = "squad2,unanswerable,near_miss"  # kinds of pair taken whole: abstention's
    fill: str = "squad1"  # kinds the rest is drawn from ("all": every kind)
    context: bool = False  # pairs also read the sentence before (answering/quoting/reader.py)
    groups: int = 0  # > 0: listwise, on this many candidate groups (groups.py), batch / 8 a step
    steps: int = 0  # stop after this many steps (0: the whole pass); a smoke test's few
