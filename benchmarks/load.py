"""Many users at once against a real `assistant serve`, as their browsers would drive it.

Copies the bundled sources to a temporary folder, indexes them with the real CLI, starts
`assistant serve` on a free loopback port and drives N concurrent sessions of Q questions each:
through the page's own chat event (what the browser calls, session state and all) and through the
public `/ask` endpoint (what gradio_client calls); then the page's chat again while the page's
Rebuild button re-indexes the folder with extra sources added. Every citation is checked against
the source file by its offsets. Prints throughput, p50/p95/p99 and errors per phase; --json writes
them. Bounded: at most --sessions x --questions calls per phase and --timeout seconds in all;
loopback only. Run: .venv/bin/python benchmarks/load.py [--sessions 32 --questions 5]
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pageclient import Call, PageSession, open_page

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "assistant" / "evaluation" / "dev.jsonl"
CARD = re.compile(
    r'<div class="ev-file">(.*?)(?: · page \d+)? · characters (\d+)–(\d+)</div>(?:</a>)?'
    r'<div class="ev-context">.*?<mark>(.*?)</mark>',
    re.S,
)


@dataclass
class Phase:
    name: str
    calls: int
    errors: int
    seconds: float
    per_second: float
    p50: float
    p95: float
    p99: float
    first_p50: float
    citations: int
    bad_citations: int
    kb_per_answer: float


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def unescape(shown: str) -> str:
    """The text render.esc turned into HTML, back as it was."""
    return html.unescape(shown.replace("<br>", "\n"))


def page_citations(call: Call) -> list[tuple[str, int, int, str]]:
    """(source, start, end, excerpt) of every evidence card in the chat turn's panel output."""
    panels = {o for o in call.seen if isinstance(o, str) and "ev-card" in o}
    return [
        (unescape(src), int(a), int(b), unescape(mark))
        for panel in panels
        for src, a, b, mark in CARD.findall(panel)
    ]


def api_citations(call: Call) -> list[tuple[str, int, int, str]]:
    data = call.outputs[0] if call.outputs else {}
    return [(c["source"], c["start"], c["end"], c["excerpt"]) for c in data.get("citations", [])]


def check(citations: list[tuple[str, int, int, str]], folder: Path) -> int:
    """How many citations do not reproduce their excerpt from the source file by offsets."""
    bad = 0
    for source, start, end, excerpt in citations:
        text = (folder / source).read_text(encoding="utf-8")
        bad += text[start:end] != excerpt
    return bad


async def run_phase(
    name: str, base: str, questions: list[str], sessions: int, per_session: int, folder: Path,
    api: bool = False,
) -> Phase:  # fmt: skip
    client, events = await open_page(base)
    api_index = await _api_index(client) if api else -1
    calls: list[Call] = []

    async def user(u: int) -> None:
        session = PageSession(client, events)
        for i in range(per_session):
            q = questions[(u * per_session + i) % len(questions)]
            call = await (session.call(api_index, [q, 0]) if api else session.ask(q))
            calls.append(call)

    start = time.perf_counter()
    await asyncio.gather(*(user(u) for u in range(sessions)))
    seconds = time.perf_counter() - start
    await client.aclose()
    cites = [api_citations(c) if api else page_citations(c) for c in calls if c.ok]
    totals = [c.total for c in calls]
    return Phase(
        name, len(calls), sum(not c.ok for c in calls), round(seconds, 2),
        round(len(calls) / seconds, 1), round(percentile(totals, 0.5), 3),
        round(percentile(totals, 0.95), 3), round(percentile(totals, 0.99), 3),
        round(percentile([c.first for c in calls], 0.5), 3), sum(len(c) for c in cites),
        sum(check(c, folder) for c in cites),
        round(statistics.mean(c.received for c in calls) / 1024, 1),
    )  # fmt: skip


async def _api_index(client: Any) -> int:
    config = (await client.get("config")).json()
    for i, dep in enumerate(config["dependencies"]):
        if dep.get("api_name") == "ask":
            return i
    raise RuntimeError("no /ask endpoint")


async def during_rebuild(
    base: str, questions: list[str], sessions: int, per_session: int, folder: Path
) -> tuple[Phase, float, str]:
    """The chat phase while the page's Rebuild button indexes the extra sources."""
    for k in range(8):  # distinct copies, so each one is embedded anew
        for src in sorted((ROOT / "sources").glob("*.txt")):
            text = src.read_text(encoding="utf-8")
            (folder / f"copy{k}-{src.name}").write_text(f"Copy {k}. {text}", encoding="utf-8")
    client, events = await open_page(base)
    rebuilding = asyncio.create_task(PageSession(client, events).rebuild())
    await asyncio.sleep(0.5)  # the rebuild has started reading the sources
    phase = await run_phase("page chat during a rebuild", base, questions, sessions,
                            per_session, folder)  # fmt: skip
    result = await rebuilding
    await client.aclose()
    line = result.outputs[0] if result.ok and result.outputs else result.error
    return phase, result.total, str(line)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path, index: Path, port: int) -> subprocess.Popen[str]:
    cli = [sys.executable, "-m", "assistant"]
    paths = ["--sources", str(folder), "--index", str(index)]
    subprocess.run([*cli, "index", "--quiet", *paths], check=True, cwd=ROOT)
    log = index.parent / "serve.log"  # a file, not a pipe nobody reads that could fill and block
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen([*cli, "serve", *paths, "--port", str(port)], cwd=ROOT,
                                  stdout=out, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and server.poll() is None:
        if "Web chat on" in log.read_text(encoding="utf-8"):
            return server
        time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the server did not start: {log.read_text(encoding='utf-8')[-500:]}")


async def main_async(args: argparse.Namespace, base: str, folder: Path) -> dict[str, Any]:
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    questions = [r["question"] for r in rows if not r.get("history")]
    n, q = args.sessions, args.questions
    await run_phase("warm-up", base, questions, 2, 2, folder)
    phases = [
        await run_phase("page chat", base, questions, n, q, folder),
        await run_phase("/ask (gradio_client's endpoint)", base, questions, n, q, folder, True),
    ]
    rebuild_phase, rebuild_seconds, line = await during_rebuild(base, questions, n, q, folder)
    phases.append(rebuild_phase)
    return {"sessions": n, "questions_per_session": q, "phases": [asdict(p) for p in phases],
            "rebuild_seconds": round(rebuild_seconds, 1), "rebuild": line}  # fmt: skip


def report(result: dict[str, Any]) -> str:
    head = (
        "| phase | answers | errors | answers/s | p50 s | p95 s | p99 s | first output p50 s | "
        "citations (bad) | KB per answer |\n|---|---|---|---|---|---|---|---|---|---|"
    )
    rows = [
        f"| {p['name']} | {p['calls']} | {p['errors']} | {p['per_second']} | {p['p50']} | "
        f"{p['p95']} | {p['p99']} | {p['first_p50']} | {p['citations']} ({p['bad_citations']}) "
        f"| {p['kb_per_answer']} |"
        for p in result["phases"]
    ]
    tail = f"\nRebuild: {result['rebuild_seconds']} s, '{result['rebuild']}'"
    return "\n".join([head, *rows]) + tail


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sessions", type=int, default=32, help="concurrent sessions (default 32)")
    p.add_argument("--questions", type=int, default=5, help="questions per session (default 5)")
    p.add_argument("--timeout", type=float, default=600, help="seconds for the whole run")
    p.add_argument("--json", type=Path, help="also write the figures to this file")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="load-"))
    folder = work / "sources"
    shutil.copytree(ROOT / "sources", folder)
    port = free_port()
    server = start_server(folder, work / "index", port)
    try:
        base = f"http://127.0.0.1:{port}/"
        result = asyncio.run(asyncio.wait_for(main_async(args, base, folder), args.timeout))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    errors = sum(p["errors"] + p["bad_citations"] for p in result["phases"])
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
