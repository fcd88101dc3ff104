"""`assistant eval`: its flags, running a question set or SQuAD 2.0, and printing the report.

`add_eval` adds the subcommand to cli.py's parser; `cmd_eval` checks the flags that only
`--set squad` takes, runs `evaluation.report.run_report` (a named set or a .jsonl, against the
sources and index the flags name) or `evaluation.squad.run.run_squad` (its own work folder, with
progress bars), or with `--claims` `evaluation.claims.run_claims` (the written-answer verifier on
the labelled claims, `--split` naming the side), and prints the report's text or its JSON. Left
out: the metrics, question sets and report wording (assistant/evaluation/) and turning errors
into one line (cli.py's `main`).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from assistant.cli_common import make_assistant, progress_bar
from assistant.core.errors import AssistantError


def add_eval(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    """The `eval` subcommand and its flags, on the parser's subcommands `sub`."""
    ev = sub.add_parser(
        "eval",
        parents=parents,
        help="evaluate on a question set",
        description="Asks every question of a set and reports accuracy, citations, abstention "
        "and retrieval beside the textbook recipe. --set squad indexes SQuAD 2.0 dev articles "
        "(CC BY-SA 4.0) in a work folder of their own instead of --sources/--index.",
    )
    ev.add_argument(
        "--set",
        default="gold",
        help="'gold' (default), 'dev', 'holdout', 'intents', 'intents2', 'blind2' and 'intents3' "
        "(figures only), 'squad' or a .jsonl",
    )
    ev.add_argument("--json", action="store_true", help="print metrics as JSON")
    ev.add_argument(
        "--no-compare",
        action="store_true",
        help="skip the second run that reports the earlier rules (answer_model rules) beside",
    )
    ev.add_argument(
        "--dump", metavar="PATH", help="also write every question's outcome as JSON Lines"
    )
    ev.add_argument(
        "--articles",
        choices=("report", "fit", "all"),
        help="--set squad: which articles (default report: Yuan_dynasty, Scottish_Parliament, "
        "Imperialism, French_and_Indian_War; fit: the four fitted on; all: the 8)",
    )
    ev.add_argument(
        "--workdir",
        metavar="PATH",
        help="--set squad: where the articles and their index are kept between runs "
        "(default ~/.cache/assistant/squad)",
    )
    ev.add_argument(
        "--claims",
        action="store_true",
        help="measure the written-answer verifier on the labelled claims set "
        "(evaluation/claims.jsonl, docs/claims-guideline.md) instead of asking questions; "
        "with --llm, also with that model as the judge",
    )
    ev.add_argument(
        "--split",
        choices=("report", "fit", "all", "round5", "next"),
        help="--claims: which side (default report; fit: the claims the verifier was designed on; "
        "round5: the fifth round, the third pass's report side; next: a sixth round kept unread "
        "for the next design pass's report side)",
    )
    # For tests and quick checks: only the first N paragraphs of each article.
    ev.add_argument("--limit", type=int, help=argparse.SUPPRESS)


def cmd_eval(args: argparse.Namespace) -> int:
    from pathlib import Path

    dump = Path(args.dump) if args.dump else None
    if args.split and not args.claims:
        raise AssistantError("--split applies to --claims only")
    if args.claims:
        report = _eval_claims(args, dump)
    elif args.set == "squad":
        report = _eval_squad(args, dump)
    else:
        squad_only = [f for f in ("articles", "workdir", "limit") if getattr(args, f) is not None]
        if squad_only:
            raise AssistantError(f"--{squad_only[0]} applies to --set squad only")
        from assistant.evaluation.report import run_report

        report = run_report(make_assistant(args), args.set, dump, not args.no_compare)
    print(json.dumps(report, indent=2) if args.json else report["text"])
    return 0


def _eval_claims(args: argparse.Namespace, dump: Any) -> dict[str, Any]:
    from assistant.evaluation.claims import run_claims

    squad_only = [f for f in ("articles", "workdir", "limit") if getattr(args, f) is not None]
    if squad_only:
        raise AssistantError(f"--{squad_only[0]} applies to --set squad only")
    assistant = make_assistant(args)
    folders = [assistant.settings.sources]
    ask = None
    if assistant.settings.llm != "none":  # the judge: the writer's model, asked per claim
        writer = assistant.writer()

        def ask(claim: str, excerpt: str) -> bool:
            return bool(writer.judges(claim, excerpt, time.monotonic() + writer.writing.timeout))

    return run_claims(
        args.split or "report",
        folders,
        assistant.claim_vector,
        assistant.sentence_vectors,
        dump=dump,
        ask=ask,
        judge_name=assistant.settings.llm.rsplit("/", 1)[-1],
    )


def _eval_squad(args: argparse.Namespace, dump: Any) -> dict[str, Any]:
    from pathlib import Path

    from assistant.core.settings import Settings
    from assistant.evaluation.squad.run import run_squad

    if args.sources or args.index:
        raise AssistantError("--set squad keeps its own sources and index: use --workdir")
    index_progress, close_index = progress_bar("Embedding", "chunk")
    question_progress, close_questions = progress_bar("Questions", "question")
    try:
        return run_squad(
            args.articles or "report",
            workdir=Path(args.workdir) if args.workdir else None,
            limit=args.limit,
            dump=dump,
            settings=Settings.from_env(chroma_url=args.chroma_url),
            index_progress=index_progress,
            question_progress=question_progress,
            compare=not args.no_compare,
        )
    finally:
        close_index()
        close_questions()
