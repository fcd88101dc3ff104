"""What several `assistant` commands share: the Assistant their flags make, progress bars, answers.

`make_assistant` builds an `Assistant` from the parsed flags (imported only when a command needs
one, so `--help` and argument errors stay fast); `progress_bar` draws a tqdm bar on stderr;
`print_answer` and `print_streamed` print an answer as `ask` and `chat` show it: the quotes or the
written answer's checked sentences, then numbered citations. Left out: parsing flags, turning
errors into one line (both cli.py's) and anything that decides what an answer says.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from assistant.core.types import Answer, AnswerSentence


def make_assistant(args: argparse.Namespace) -> Any:
    from assistant.api import Assistant

    return Assistant(
        sources=args.sources, index=args.index, chroma_url=args.chroma_url,
        llm=getattr(args, "llm", None), llm_url=getattr(args, "llm_url", None),
        llm_timeout=getattr(args, "llm_timeout", None),
        llm_grammar=getattr(args, "llm_grammar", None),
    )  # fmt: skip


def progress_bar(
    desc: str, unit: str, quiet: bool = False
) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A progress(done, total) callback drawing a tqdm bar on stderr once there is work, and the
    function that closes it."""
    from tqdm import tqdm

    bar: list[Any] = []

    def progress(done: int, total: int) -> None:
        if quiet or total == 0:
            return
        if not bar:
            bar.append(tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, smoothing=0.1))
        bar[0].update(done - bar[0].n)
        if done >= total:
            bar[0].close()

    def close() -> None:
        if bar:
            bar[0].close()

    return progress, close


def print_streamed(snapshots: Iterator[Answer], assistant: Any) -> Answer:
    """Print a written answer's sentences as each is verified, with its mark, then its citations
    (or the quotes it fell back to, with why); return the final answer. With the judge on, marks
    can still change at the end, so nothing is printed early."""
    from assistant.core.types import PENDING

    shown, answer = 0, None
    early = not assistant.settings.llm_judge
    for answer in snapshots:
        done = [s for s in answer.sentences if s.reason != PENDING] if answer.mode == "llm" else []
        for s in done[shown:] if early else []:
            print(_sentence(s), end=" ", flush=True)
        shown = max(shown, len(done))
    assert answer is not None  # stream() yields the quotes first, always
    if early and shown:
        print()
    printed = early and shown and answer.mode == "llm"
    print_answer(replace(answer, text="") if printed else answer)
    return answer


def _sentence(s: AnswerSentence) -> str:
    if s.supported:
        return s.text + "".join(f" [{i + 1}]" for i in s.citations)
    return f"{s.text} (not found in the sources)"


def print_answer(answer: Answer) -> None:
    if answer.note:
        print(f"({answer.note})\n")
    if answer.text:
        print(answer.text)
    if answer.query != answer.question:
        print(f"\n(searched for: {answer.query})")
    for i, c in enumerate(answer.citations, start=1):
        page = f", page {c.page}" if c.page else ""
        print(
            f"\n[{i}] {c.title} — {c.source}{page}, characters {c.start}-{c.end}\n    {c.excerpt}"
        )
