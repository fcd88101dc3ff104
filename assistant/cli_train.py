"""`assistant train`: rebuild the training files from a SQuAD explorer snapshot, train, export.

Needs torch and transformers (installed with the assistant) and onnx for --export (the `train`
extra); the assistant never trains by itself. Steps: --data-from DIR writes WORK/data/*.jsonl
(checking the snapshot's counts); training writes WORK/run/checkpoint.pt, going on from it when
it is there; --export writes the int8 ONNX model into the package (assistant/models/reader/).
Errors become one line through cli.py's `main`. Left out: the figures and the card (CARD.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from assistant.core.errors import AssistantError
from assistant.training.plan import Plan


def add_train(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    d = Plan()
    p = sub.add_parser(
        "train",
        help="train the answer model on SQuAD (CPU, about 70 minutes)",
        description="Trains the answer model (a 4-layer MiniLM cross-encoder) on SQuAD 1.1 train "
        "and 19 SQuAD 2.0 dev articles read from a snapshot of rajpurkar/SQuAD-explorer, on the "
        "CPU; resumes from WORK/run/checkpoint.pt. The model card (assistant/models/reader/"
        "CARD.md) gives the exact command behind the shipped model.",
    )
    p.add_argument("--data-from", metavar="DIR", help="a snapshot of rajpurkar/SQuAD-explorer")
    p.add_argument("--work", default="train-work", help="data and checkpoints (default train-work)")
    p.add_argument("--export", action="store_true", help="write the int8 ONNX model to the package")
    p.add_argument("--pairs", type=int, default=d.pairs, help=f"pairs (default {d.pairs})")
    p.add_argument("--layers", type=int, default=d.layers, help=f"layers kept (default {d.layers})")
    p.add_argument("--max-tokens", type=int, default=d.max_tokens, help="pair length in tokens")
    p.add_argument("--minutes", type=float, default=d.minutes, help="time budget of this run")
    p.add_argument("--threads", type=int, default=d.threads, help=f"threads (default {d.threads})")
    p.add_argument("--seed", type=int, default=d.seed, help=f"seed (default {d.seed})")
    p.add_argument(
        "--init",
        default="",
        help="start from this checkpoint's weights, or a shipped model.onnx's (a later stage)",
    )
    p.add_argument("--lr", type=float, default=d.lr, help=f"peak learning rate (default {d.lr})")
    p.add_argument("--keep", default=d.keep, help=f"kinds of pair taken whole (default {d.keep})")
    p.add_argument("--fill", default=d.fill, help=f"kinds drawn from; all: any (default {d.fill})")
    p.add_argument("--context", action="store_true", help="pairs also read the sentence before")
    p.add_argument(
        "--groups",
        type=int,
        default=0,
        help="train listwise on this many candidate groups instead of pairs (0: pairs)",
    )
    p.add_argument("--steps", type=int, default=0, help="stop after this many steps (smoke test)")


def cmd_train(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from assistant.training.data import DataError, build_files
    from assistant.training.train import train

    work = Path(args.work)
    data = work / "data"
    plan = Plan(
        pairs=args.pairs, layers=args.layers, max_tokens=args.max_tokens,
        minutes=args.minutes, threads=args.threads, seed=args.seed, steps=args.steps,
        init=args.init, lr=args.lr, keep=args.keep, fill=args.fill, context=args.context,
        groups=args.groups,
    )  # fmt: skip
    try:
        if args.data_from:
            counts = build_files(Path(args.data_from), data, args.seed)
            print(f"training files in {data}: {counts['train']}", file=sys.stderr)
        needed = data / ("groups.jsonl" if args.groups else "train.jsonl")
        if not needed.exists():
            raise AssistantError(f"no {needed.name} in {data}: give --data-from SNAPSHOT")
        if args.init and not Path(args.init).is_file():
            raise AssistantError(f"--init {args.init}: no such checkpoint or model.onnx")
        bar = tqdm(unit="step", desc="training", dynamic_ncols=True, mininterval=2.0)

        def progress(step: int, total: int, loss: float) -> None:
            if bar.total != total:
                bar.reset(total)
                bar.update(step - 1)
            bar.update(1)
            bar.set_postfix(loss=f"{loss:.3f}", refresh=False)

        checkpoint = train(data, work / "run", plan, progress)
        bar.close()
    except DataError as exc:
        raise AssistantError(str(exc)) from exc
    if args.export:
        from assistant.training.export import export

        print(f"exported {export(checkpoint, plan, data=data)}", file=sys.stderr)
    return 0
