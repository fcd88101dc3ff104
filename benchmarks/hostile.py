"""Index hostile sources with the real `assistant index` and report wall time and peak memory.

Two folders are generated in a temporary directory: one file that is a single line of 20 MB
(words drawn at random, with a fixed seed, from the bundled articles' vocabulary, and no sentence
end anywhere, so every sentence boundary is one the max_sentence_chars cap makes), and one file of
200,000 tiny distinct sentences ("Entry 17 notes border talks.", twenty to a line). Each is
indexed from scratch by `python -m assistant index --quiet` in its own process; its wall time and
peak RSS (the kernel's maxrss for that process, from wait4) are printed, or written as JSON with
--json. Left out: answering questions over them (tests/test_hostile.py does that on smaller files).

    .venv/bin/python benchmarks/hostile.py [--line-mb 20] [--sentences 200000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SEED = 9


def vocabulary() -> list[str]:
    """The distinct words of the bundled sources, sorted so the seed gives the same text."""
    found: set[str] = set()
    for path in sorted((ROOT / "sources").glob("*.txt")):
        found.update(re.findall(r"[A-Za-z]{3,}", path.read_text(encoding="utf-8")))
    return sorted(found)


def write_line(path: Path, megabytes: float, words: list[str]) -> None:
    """One line of random words, megabytes long, written a block at a time."""
    rng, size, target = random.Random(_SEED), 0, int(megabytes * 2**20)
    with path.open("w", encoding="utf-8") as out:
        while size < target:
            block = " ".join(rng.choices(words, k=10_000)) + " "
            out.write(block[: target - size])
            size += min(len(block), target - size)
        out.write(".")


def write_sentences(path: Path, count: int, words: list[str]) -> None:
    """count short distinct sentences, twenty to a line."""
    rng = random.Random(_SEED)
    with path.open("w", encoding="utf-8") as out:
        for first in range(0, count, 20):
            line = (
                f"Entry {i} notes {' '.join(rng.choices(words, k=3))}."
                for i in range(first, min(first + 20, count))
            )
            out.write(" ".join(line) + "\n")


def index(folder: Path) -> dict[str, object]:
    """`assistant index` over folder/sources from scratch: seconds, peak RSS, its summary."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["--sources", str(folder / "sources"), "--index", str(folder / "index")]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "index", "--quiet", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )  # fmt: skip
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"assistant index failed:\n{output}")
    size = sum(p.stat().st_size for p in (folder / "sources").iterdir())
    return {"source_bytes": size, "seconds": round(seconds, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024), "summary": output.strip()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--line-mb", type=float, default=20.0)
    parser.add_argument("--sentences", type=int, default=200_000)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    words = vocabulary()
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        for name, write in (
            (f"one line of {args.line_mb:g} MB", lambda p: write_line(p, args.line_mb, words)),
            (f"{args.sentences:,} tiny sentences",
             lambda p: write_sentences(p, args.sentences, words)),
        ):  # fmt: skip
            folder = Path(tmp) / str(len(results))
            (folder / "sources").mkdir(parents=True)
            write(folder / "sources" / "hostile.txt")
            results[name] = index(folder)
            if not args.json:
                r = results[name]
                print(f"{name}: {r['seconds']} s, peak RSS {r['peak_rss_mb']} MB ({r['summary']})")
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
