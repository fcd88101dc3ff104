"""What a written answer costs the web chat: one session asks through the page's own chat event.

Copies the bundled sources to a temporary folder, indexes them, serves the real app on a free
loopback port with the writer `--llm` names, and asks each question twice through the page's chat
event (benchmarks/pageclient.py): with the answer switch on "quotes only", then on "written
answer". Prints, per question and mode: seconds to the first message (the quotes), to the last,
how many updates of the turn the page received, and the bytes received. One session at a time:
the time is the model's.
Run: .venv/bin/python benchmarks/written_turn.py [--llm gguf:smollm2 --grammar]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.pageclient import PageSession, open_page

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "How many people were killed in the attack on the army school in Peshawar?",
    "Who replaced Imran Khan?",
    "What did the Taliban warn Pakistan of after the drone strike in Kabul?",
]
MODES = ["quotes only", "written answer"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def ask_all(url: str, mode: str) -> list[tuple[str, float, float, int, int]]:
    client, events = await open_page(url)
    session = PageSession(client, events)
    rows = []
    for question in QUESTIONS:
        call = await session.ask(question, mode=mode)
        if not call.ok:
            raise RuntimeError(call.error)
        turns = [v for v in call.seen if isinstance(v, dict) and "turn" in v]
        rows.append((question, call.first, call.total, len(turns), call.received))
    await client.aclose()
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--llm", default="gguf:smollm2", help="the writer (ASSISTANT_LLM)")
    p.add_argument("--grammar", action="store_true", help="the citation grammar (llm_grammar)")
    args = p.parse_args()
    from assistant.api import Assistant
    from assistant.web import build_app

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sources"
        shutil.copytree(ROOT / "sources", folder)
        options: dict[str, Any] = {"llm": args.llm, "llm_grammar": args.grammar}
        assistant = Assistant(sources=folder, index=Path(tmp) / "index", **options)
        assistant.index()
        assistant.answer("warm up")  # the embedder, spaCy and the model, loaded before timing
        app = build_app(assistant)
        app.queue().launch(server_name="127.0.0.1", server_port=free_port(),
                           prevent_thread_lock=True, quiet=True)  # fmt: skip
        try:
            print(f"{'mode':15} {'first s':>8} {'last s':>7} {'updates':>8} {'KB':>6}  question")
            for mode in MODES:
                for question, first, total, messages, received in asyncio.run(
                    ask_all(app.local_url or "", mode)
                ):
                    print(f"{mode:15} {first:8.2f} {total:7.2f} {messages:8d} "
                          f"{received / 1024:6.1f}  {question}")  # fmt: skip
        finally:
            app.close()


if __name__ == "__main__":
    main()
