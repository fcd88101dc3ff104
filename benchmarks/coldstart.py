"""How long a fresh `assistant ask "..."` takes, and where the time goes.

Runs the installed `assistant ask QUESTION` as a subprocess once to warm the OS cache, then --runs
times, and prints the median, min and max wall time and the median CPU time. Then, each in a fresh
process: the bare Python start (`python -c pass`, median of 5), the import time by top-level
package from `python -X importtime -m assistant ask` (self times summed per package), and the ask
path's steps timed inside one process: importing the API, opening the index (with its checks),
loading the query model, the first query vector, loading spaCy (only when the question has a
wh-word), and the rest of the answer. Not a test: reports, never asserts. Left out: a cold OS
cache (after a reboot, reading the libraries and models from disk adds seconds) and `serve`.

Run: .venv/bin/python benchmarks/coldstart.py [--question Q] [--runs 5] [--json out.json]
(ASSISTANT_INDEX, ASSISTANT_QUERY_ENCODER and the other settings apply to every run.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

QUESTION = "How many people did the attack on the army school in Peshawar kill?"
# Every run starts outside the checkout, so `-m assistant` and `-c` import the package the
# `assistant` command imports (the current directory would come first on sys.path).
ELSEWHERE = tempfile.gettempdir()

STEPS = """
import json, sys, time
started = time.perf_counter()
marks = {}
def lap(name):
    global started
    now = time.perf_counter()
    marks[name] = round(now - started, 3)
    started = now
question = sys.argv[1]
from assistant.api import Assistant
try:
    from assistant.answering.reading.asks import needs_tags
except ImportError:  # the code before this benchmark tagged every question
    needs_tags = lambda question: True
lap("import the API")
a = Assistant()
a.view()
lap("open the index (checks included)")
e = a.embeddings
encoder = getattr(e, "query_encoder", "torch")
e.onnx if encoder == "onnx" else e.model
lap(f"load the query model ({encoder})")
e.embed_query(question)
lap("first query vector")
if needs_tags(question):
    from assistant.answering.reading.entities import load
    load()
    lap("load spaCy")
a.answer(question)
lap("the rest of the answer")
print(json.dumps(marks))
"""


def command() -> list[str]:
    """The installed `assistant` script beside this Python, else `python -m assistant`."""
    script = Path(sys.executable).with_name("assistant")
    return [str(script)] if script.exists() else [sys.executable, "-m", "assistant"]


def wall(args: list[str], cpu: list[float] | None = None) -> float:
    """Wall seconds of one run; its CPU seconds (user + system) are appended to `cpu`: on a busy
    machine they change less than the wall time does."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ELSEWHERE
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return elapsed


def imports(question: str) -> dict[str, float]:
    """Seconds of import time per top-level package (self times summed), largest first."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "assistant", "ask", question],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ELSEWHERE,
    )  # fmt: skip
    by_package: Counter[str] = Counter()
    for line in done.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if m:
            by_package[m.group(2).split(".")[0]] += int(m.group(1))
    return {name: round(us / 1e6, 3) for name, us in by_package.most_common()}


def steps(question: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", STEPS, question],
        check=True, capture_output=True, text=True, cwd=ELSEWHERE,
    )  # fmt: skip
    marks: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return marks


def measure(question: str, runs: int) -> dict[str, Any]:
    ask = [*command(), "ask", question]
    wall(ask)  # warm-up: the OS cache holds the libraries and models afterwards
    cpu: list[float] = []
    times = [wall(ask, cpu) for _ in range(runs)]
    start = statistics.median(wall([sys.executable, "-c", "pass"]) for _ in range(5))
    by_package = imports(question)
    return {
        "command": " ".join(ask[:-1]) + f" {question!r}",
        "query_encoder": os.environ.get("ASSISTANT_QUERY_ENCODER", "onnx (default)"),
        "runs_s": [round(t, 3) for t in times],
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "cpu_median_s": round(statistics.median(cpu), 3),
        "python_start_s": round(start, 3),
        "imports_total_s": round(sum(by_package.values()), 3),
        "imports_by_package_s": dict(list(by_package.items())[:15]),
        "steps_s": steps(question),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--question", default=QUESTION)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--json", type=Path, help="write the figures here")
    args = p.parse_args()
    r = measure(args.question, args.runs)
    print(f"{r['command']}: median {r['median_s']} s, min {r['min_s']}, max {r['max_s']} "
          f"over {args.runs} runs after 1 warm-up; CPU median {r['cpu_median_s']} s "
          f"(load average {r['load_average']})")  # fmt: skip
    print(f"\npython start {r['python_start_s']} s; imports {r['imports_total_s']} s, by package:")
    for name, seconds in r["imports_by_package_s"].items():
        print(f"  {name:28} {seconds:6.3f}")
    print("\nsteps in one process:")
    for name, seconds in r["steps_s"].items():
        print(f"  {name:34} {seconds:6.3f}")
    if args.json:
        args.json.write_text(json.dumps(r, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
