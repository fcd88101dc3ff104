"""`assistant train`: rebuild the training files from a SQuAD explorer snapshot, train, export.

Needs torch and transformers (installed with the assistant); never run by the assistant itself.
Steps, each skipped when its output exists: --data-from DIR writes WORK/data/*.jsonl; training
writes WORK/run/checkpoint.pt (resumed when present); --export writes the int8 ONNX model and its
card into the package. Library errors become one line, as in the main CLI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from assistant.training.train import Plan


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="assistant train",
        description="Train the answer model (a small cross-encoder) on SQuAD, on the CPU.",
    )
    p.add_argument("--data-from", type=Path, help="a snapshot of rajpurkar/SQuAD-explorer")
    p.add_argument(
        "--work",
        type=Path,
        default=Path("train-work"),
        help="where data and checkpoints go (default: train-work)",
    )
    p.add_argument(
        "--export", action="store_true", help="export the checkpoint to int8 ONNX in the package"
    )
    d = Plan()
    p.add_argument("--pairs", type=int, default=d.pairs, help=f"training pairs (default {d.pairs})")
    p.add_argument(
        "--layers", type=int, default=d.layers, help=f"encoder layers kept (default {d.layers})"
    )
    p.add_argument(
        "--max-tokens", type=int, default=d.max_tokens, help=f"pair length (default {d.max_tokens})"
    )
    p.add_argument(
        "--minutes", type=float, default=d.minutes, help=f"time budget (default {d.minutes})"
    )
    p.add_argument(
        "--threads", type=int, default=d.threads, help=f"torch threads (default {d.threads})"
    )
    p.add_argument("--seed", type=int, default=d.seed, help=f"seed (default {d.seed})")
    p.add_argument("--steps", type=int, default=0, help="stop after this many steps (a smoke test)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from assistant.training.data import DataError, build_files
    from assistant.training.train import train

    data = args.work / "data"
    try:
        if args.data_from is not None:
            counts = build_files(args.data_from, data, args.seed)
            print(f"training files in {data}: {counts['train']}", file=sys.stderr)
        plan = Plan(
            pairs=args.pairs, layers=args.layers, max_tokens=args.max_tokens,
            minutes=args.minutes, threads=args.threads, seed=args.seed, steps=args.steps,
        )  # fmt: skip
        bar = tqdm(unit="step", desc="training", dynamic_ncols=True, mininterval=2.0)

        def progress(step: int, total: int, loss: float) -> None:
            if bar.total != total:
                bar.reset(total)
                bar.update(step - 1)
            bar.update(1)
            bar.set_postfix(loss=f"{loss:.3f}", refresh=False)

        checkpoint = train(data, args.work / "run", plan, progress)
        bar.close()
        if args.export:
            from assistant.training.export import export

            print(f"exported {export(checkpoint, plan, data=data)}", file=sys.stderr)
    except (DataError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
