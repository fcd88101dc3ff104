"""How soon a restarted `assistant serve` answers while it indexes a big new file (issue 19).

Copies the bundled articles to a temporary folder, builds their index (the complete earlier
generation), adds a generated text of --mb megabytes, starts `assistant serve` on a free loopback
port and asks the public /ask endpoint until it answers: prints the seconds from the start to the
address line and to the first answer, the page's status line then, a few more answers' times
while the build runs, then --sessions users asking --questions questions each through the page's
chat event at once (load.py's phase: errors, p50/p95, every citation checked against its file),
the status line after them, and the server's stage=index log lines. Stops the server after
--watch seconds, whatever the build's state (a 40 MB build takes about an hour). Loopback only.
Run: .venv/bin/python benchmarks/serving.py --mb 40 --watch 300 [--sessions 32 --questions 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.load import QUESTIONS, free_port, run_phase
from benchmarks.pageclient import PageSession, open_page

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "How many people were killed in the attack on the army school in Peshawar?"


def write_text(path: Path, megabytes: float) -> None:
    """Distinct paragraphs, so every chunk is new to the index."""
    with open(path, "w", encoding="utf-8") as out:
        i = size = 0
        while size < megabytes * 1e6:
            i += 1
            line = (f"Harbour ledger, day {i}. The ferry Marigold carried {i % 211 + 3} crates "
                    f"of apples and {i % 17 + 1} goats to Velmora; the tide stood at {i % 97} "
                    "inches.\n\n")  # fmt: skip
            size += out.write(line)


async def first_answer(base: str, started: float) -> None:
    while True:
        try:
            client, events = await open_page(base)
            break
        except Exception:  # not listening yet
            await asyncio.sleep(0.2)
    print(f"listening: {time.monotonic() - started:.1f} s after the start")
    config = (await client.get("config")).json()
    [ask] = [i for i, d in enumerate(config["dependencies"]) if d.get("api_name") == "ask"]
    session = PageSession(client, events)
    call = await session.call(ask, [QUESTION, 0])
    print(f"first answer: ok={call.ok} at {time.monotonic() - started:.1f} s after the start")
    print(f"status line then: {(await session.status())[0]}")
    for _ in range(3):
        again = await session.call(ask, [QUESTION, 0])
        print(f"another answer during the build: ok={again.ok} in {again.total:.2f} s")
    await client.aclose()


async def many_users(base: str, folder: Path, sessions: int, per_session: int) -> None:
    """load.py's page chat phase, run while the build goes on."""
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    questions = [r["question"] for r in rows if not r.get("history")]
    phase = await run_phase("page chat during the build", base, questions, sessions,
                            per_session, folder)  # fmt: skip
    print(
        f"{sessions} users x {per_session} questions during the build: {phase.calls} answers, "
        f"{phase.errors} errors, p50 {phase.p50} s, p95 {phase.p95} s, p99 {phase.p99} s, "
        f"{phase.citations} citations ({phase.bad_citations} not matching their file)"
    )


async def status_now(base: str, started: float) -> None:
    client, events = await open_page(base)
    line = (await PageSession(client, events).status())[0]
    print(f"status line at {time.monotonic() - started:.0f} s: {line}")
    await client.aclose()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--mb", type=float, default=40, help="megabytes of new text (default 40)")
    p.add_argument("--watch", type=float, default=300, help="seconds to keep the server up")
    p.add_argument("--sessions", type=int, default=32, help="users at once during the build")
    p.add_argument("--questions", type=int, default=5, help="questions per user (0: none)")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="serving-"))
    folder, index, log = work / "sources", work / "index", work / "serve.log"
    shutil.copytree(ROOT / "sources", folder)
    cli = [sys.executable, "-m", "assistant"]
    paths = ["--sources", str(folder), "--index", str(index)]
    subprocess.run([*cli, "index", "--quiet", *paths], check=True, cwd=ROOT)
    write_text(folder / "big.txt", args.mb)
    port = free_port()
    started = time.monotonic()
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen([*cli, "serve", *paths, "--port", str(port)], cwd=ROOT,
                                  stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}/"
        asyncio.run(first_answer(base, started))
        if args.questions:
            asyncio.run(many_users(base, folder, args.sessions, args.questions))
            asyncio.run(status_now(base, started))
        time.sleep(max(0.0, args.watch - (time.monotonic() - started)))
        asyncio.run(status_now(base, started))
    finally:
        server.terminate()
        server.wait(timeout=60)
        lines = log.read_text(encoding="utf-8").splitlines()
        print("\n".join(ln for ln in lines if "stage=index" in ln or "Web chat on" in ln))
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
