"""Fine-tunes the answer model on train.jsonl: seeded, CPU, resumable, within a time budget.

One pass over a seeded sample of `pairs` pairs (every SQuAD 2.0 and near-miss pair, SQuAD 1.1
pairs for the rest), batches of `batch` padded to their longest, AdamW with linear warm-up and
decay, binary cross-entropy on the logit. With `groups`, a listwise pass instead: candidate
groups (groups.py), batch // GROUP a step, each group's cross-entropy over its sentences and
"none of them" plus each pair's binary cross-entropy. A checkpoint (model, optimiser, step) is
written every `every` steps and at the end; a run that finds one goes on from it. When `minutes`
have passed the run stops at the next step and saves, so a budget is never overrun by more than a
step. Left out: evaluation (figures.py) and export (export.py).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

import torch

from assistant.training import groups as g
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


GROUP = 8  # sentences in a full group: a listwise step takes batch // GROUP groups
# Near-miss groups a listwise run takes; the rest is every SQuAD 2.0 group, then SQuAD 1.1.
NEAR_MISSES = 1500


def sample_groups(groups: list[g.Group], n: int, seed: int, per_step: int) -> list[list[g.Group]]:
    """Every SQuAD 2.0 group (answerable and not), NEAR_MISSES near misses, SQuAD 1.1 groups
    for the rest up to n, shuffled and cut into steps of per_step groups."""
    rng = random.Random(seed)
    kept = [x for x in groups if x.kind in ("squad2", "unanswerable")]
    near = [x for x in groups if x.kind == "near_miss"]
    rest = [x for x in groups if x.kind == "squad1"]
    rng.shuffle(near)
    rng.shuffle(rest)
    chosen = kept + near[:NEAR_MISSES]
    chosen += rest[: max(0, n - len(chosen))]
    rng.shuffle(chosen)
    return [chosen[i : i + per_step] for i in range(0, len(chosen), per_step)]


def group_loss(logits: torch.Tensor, batch: list[g.Group]) -> torch.Tensor:
    """Per group, cross-entropy over its sentences and "none of them" (a fixed logit of 0, so
    that a sigmoid over 0 still reads as answers / does not), plus each pair's own BCE."""
    losses, at = [], 0
    labels = torch.zeros(len(logits))
    for x in batch:
        n = len(x.sentences)
        row = torch.cat([logits[at : at + n], torch.zeros(1)])
        target = x.answer if x.answer >= 0 else n
        losses.append(torch.nn.functional.cross_entropy(row.unsqueeze(0), torch.tensor([target])))
        if x.answer >= 0:
            labels[at + x.answer] = 1.0
        at += n
    pointwise = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
    return torch.stack(losses).mean() + pointwise


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
    steps: list[list[g.Group]] | list[list[Pair]]
    if plan.groups:
        per_step = max(1, plan.batch // GROUP)
        steps = sample_groups(g.read(data / "groups.jsonl"), plan.groups, plan.seed, per_step)
    else:
        pairs = sample(
            read_pairs(data / "train.jsonl"), plan.pairs, plan.seed, plan.keep, plan.fill
        )
        steps = [
            pairs[i : i + plan.batch] for i in range(0, len(pairs) - plan.batch + 1, plan.batch)
        ]
    total = len(steps)
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
        net.load_state_dict(_initial(Path(plan.init)))
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
        batch = steps[step]
        if plan.groups:
            texts = [(x.question, s) for x in batch for s in x.sentences]  # type: ignore[union-attr]
        else:
            texts = [m.pair(p, plan.context) for p in batch]  # type: ignore[arg-type]
        x = m.encode(tok, texts)
        logits = net(**{k: torch.from_numpy(v) for k, v in x.items()})
        if plan.groups:
            loss = group_loss(logits, batch)  # type: ignore[arg-type]
        else:
            loss = loss_fn(logits, torch.tensor([float(p.label) for p in batch]))  # type: ignore[union-attr]
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


def _initial(init: Path) -> dict[str, torch.Tensor]:
    """A checkpoint's weights, or a shipped int8 model's dequantised (dequant.py)."""
    if init.suffix == ".onnx":
        from assistant.training.dequant import state_dict

        return state_dict(init)
    return torch.load(init, weights_only=False)["model"]
