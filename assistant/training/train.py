"""Fine-tunes the answer model on train.jsonl: seeded, CPU, resumable, within a time budget.

One pass over a seeded sample of `pairs` pairs (every SQuAD 2.0 and near-miss pair, SQuAD 1.1
pairs for the rest), batches of `batch` padded to their longest, AdamW with linear warm-up and
decay, binary cross-entropy on the logit. A checkpoint (model, optimiser, step) is written every
`every` steps and at the end; a run that finds one goes on from it. When `minutes` have passed the
run stops at the next step and saves, so a budget is never overrun by more than a step. Left out:
evaluation (figures.py) and export (export.py).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import torch

from assistant.training import model as m
from assistant.training.data import read_pairs
from assistant.training.pairs import Pair
from assistant.training.plan import Plan

Progress = Callable[[int, int, float], None]  # step, total steps, loss


def sample(pairs: list[Pair], n: int, seed: int, keep: str, fill: str) -> list[Pair]:
    """Every pair of the `keep` kinds, then pairs of the `fill` kinds ("all": every kind) drawn
    at random up to n in all, shuffled. Kinds are comma-separated; `keep` may be empty."""
    rng = random.Random(seed)
    kept = [p for p in pairs if p.kind in keep.split(",")]
    rest = [p for p in pairs if fill == "all" or p.kind in fill.split(",")]
    rng.shuffle(rest)
    if not kept:
        return rest[:n]
    chosen = kept + rest[: max(0, n - len(kept))]
    rng.shuffle(chosen)
    return chosen


def _schedule(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    return max(0.0, (total - step) / max(1, total - warmup))


def train(data: Path, out: Path, plan: Plan, progress: Progress | None = None) -> Path:
    """Trains (or resumes) into out/checkpoint.pt and returns its path."""
    torch.manual_seed(plan.seed)
    torch.set_num_threads(plan.threads)
    folder = m.base_folder()
    tok = m.tokenizer(folder, plan.max_tokens)
    pairs = sample(read_pairs(data / "train.jsonl"), plan.pairs, plan.seed, plan.keep, plan.fill)
    total = len(pairs) // plan.batch
    last = min(total, plan.steps) if plan.steps else total
    net = m.build(folder, plan.layers)
    opt = torch.optim.AdamW(net.parameters(), lr=plan.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: _schedule(s, total, int(total * plan.warmup))
    )
    out.mkdir(parents=True, exist_ok=True)
    checkpoint = out / "checkpoint.pt"
    step = 0
    if plan.init and not checkpoint.exists():
        net.load_state_dict(torch.load(plan.init, weights_only=False)["model"])
    if checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        net.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        step = state["step"]

    def save() -> None:
        state = {"model": net.state_dict(), "optimizer": opt.state_dict(),
                 "scheduler": sched.state_dict(), "step": step, "plan": plan.__dict__}  # fmt: skip
        torch.save(state, out / "checkpoint.tmp")
        (out / "checkpoint.tmp").replace(checkpoint)

    started = time.monotonic()
    loss_fn = torch.nn.BCEWithLogitsLoss()
    net.train()
    while step < last and time.monotonic() - started < plan.minutes * 60:
        batch = pairs[step * plan.batch : (step + 1) * plan.batch]
        x = m.encode(tok, [m.pair(p, plan.context) for p in batch])
        logits = net(**{k: torch.from_numpy(v) for k, v in x.items()})
        loss = loss_fn(logits, torch.tensor([float(p.label) for p in batch]))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        if progress:
            progress(step, total, float(loss))
        if step % plan.every == 0:
            save()
    save()
    return checkpoint
