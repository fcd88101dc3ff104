"""Serving while the index builds (issue 19, items 2 and 3), on a real server over a real index.

One build runs through this module: a complete generation of the bundled articles is live, a
3 MB ledger is added and the server's tracker starts the refresh serve starts at launch. While it
runs: answers come from the previous generation, the status poll says how far it got, a second
Rebuild (another session) is told at once that one is running, an upload is indexed by the build
after it, 32 users x 5 questions get no errors, and a page opened meanwhile shows the line and
then "Index updated". After it, the ledger is answerable. Then `assistant serve` itself: it
listens before its refresh and logs its progress, and with no index it builds first, logging.
The tests read the build's state rather than timing it; each checks that the build still runs.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import subprocess
import sys
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest

from assistant.api import Assistant
from assistant.web.building import Building, BuildState
from assistant.web.manage import SourceHandlers
from assistant.web.render import esc
from benchmarks.pageclient import PageSession, open_page
from tests.conftest import Server, copy_sources, running_app

LEDGER, TERNS = "ledger.txt", "terns.txt"
LEDGER_QUESTION = "How many goats did the ferry Marigold carry to Velmora on day 7?"
T = TypeVar("T")
PESHAWAR = "How many people were killed in the attack on the army school in Peshawar?"
RUNNING = re.compile(r"Indexing 1 file, \d+% — answers come from the previous index meanwhile")


def ledger(megabytes: float) -> str:
    """Distinct entries, so each chunk is embedded anew and the build takes a while."""
    entries, size, i = [], 0, 0
    while size < megabytes * 1e6:
        i += 1
        entry = (
            f"Harbour ledger, day {i}. The ferry Marigold carried {i % 211 + 3} crates of "
            f"apples and {i % 17 + 1} goats to Velmora; the tide stood at {i % 97} inches."
        )
        entries.append(entry)
        size += len(entry) + 2
    return "\n\n".join(entries)


@pytest.fixture(scope="module")
def tracker(tmp_path_factory: pytest.TempPathFactory) -> Building:
    """The tracker of an assistant with a live generation of the bundled articles, and the
    ledger added to its folder since."""
    base = tmp_path_factory.mktemp("building")
    assistant = Assistant(sources=copy_sources(base / "sources"), index=base / "index")
    assistant.index()
    (base / "sources" / LEDGER).write_text(ledger(3), encoding="utf-8")
    return Building(assistant)


@pytest.fixture(scope="module")
def server(tracker: Building) -> Iterator[Server]:
    """The app over the tracker's assistant, the refresh started as serve starts it."""
    with running_app(tracker.assistant, building=tracker) as server:
        tracker.start("start-up")
        yield server


def arun(coroutine: Coroutine[Any, Any, T]) -> T:
    """asyncio.run in a thread of its own: the browser test leaves Playwright's loop running in
    this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def running(tracker: Building) -> Building:
    assert tracker.state().running, "the build ended before this test: make the ledger bigger"
    return tracker


def settled(tracker: Building) -> None:
    """Wait for the builds to end (a bound, not a timing check: 15 minutes)."""
    deadline = time.monotonic() + 900
    while tracker.state().running:
        assert time.monotonic() < deadline, tracker.state()
        time.sleep(1)


async def _session(server: Server) -> tuple[Any, PageSession]:
    client, events = await open_page(server.url)
    return client, PageSession(client, events)


async def _api_ask(session: PageSession, question: str) -> dict[str, Any]:
    config = (await session.client.get("config")).json()
    [ask] = [i for i, d in enumerate(config["dependencies"]) if d.get("api_name") == "ask"]
    call = await session.call(ask, [question, 0])
    assert call.ok, call.error
    return dict(call.outputs[0])


def test_answers_come_from_the_previous_index_while_it_builds(
    server: Server, tracker: Building
) -> None:
    building = running(tracker)

    async def run() -> tuple[Any, ...]:
        client, session = await _session(server)
        chat = await session.ask(PESHAWAR)
        old = await _api_ask(session, PESHAWAR)
        new = await _api_ask(session, LEDGER_QUESTION)
        status = await session.status()
        await client.aclose()
        return chat, old, new, status

    chat, old, new, (line, builds) = arun(run())
    assert building.state().running  # all of it happened during the build
    assert chat.ok and "145" in str(chat.outputs), chat.error
    assert "145" in old["text"] and old["citations"]
    assert LEDGER not in {c["source"] for c in new["citations"]}  # the old generation answered
    assert RUNNING.search(line), line
    assert builds == 0


def test_a_second_rebuild_is_told_one_is_running(server: Server, tracker: Building) -> None:
    building = running(tracker)

    async def run() -> Any:
        client, other = await _session(server)  # another browser's session
        call = await other.rebuild()
        await client.aclose()
        return call

    call = arun(run())
    assert call.ok, call.error
    assert re.fullmatch(r"A rebuild is already running \(\d+%\)\.", call.outputs[0])
    assert building.state().running


def test_an_upload_during_a_build_is_indexed_by_the_next_one(
    server: Server, tracker: Building, tmp_path: Path
) -> None:
    building = running(tracker)
    upload = tmp_path / TERNS
    upload.write_text("The arctic terns nested on the north shingle in May.", encoding="utf-8")
    handlers = SourceHandlers(server.assistant, building)
    status = handlers.upload([str(upload)])[0]
    assert status.startswith(f"Added {TERNS}.\nA rebuild is already running ("), status
    assert status.endswith("This change is indexed right after it.")
    table = handlers.view()[0]
    assert building.state().running  # the table was drawn during the build
    assert esc("new · being indexed") in table and "rebuild to index" not in table


def test_32_users_x_5_questions_during_a_build_get_no_errors(
    server: Server, tracker: Building
) -> None:
    from benchmarks.load import QUESTIONS, run_phase

    running(tracker)
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
    questions = [r["question"] for r in rows if not r.get("history")]
    phase = arun(run_phase("during a build", server.url, questions, 32, 5, server.folder))
    assert (phase.calls, phase.errors, phase.bad_citations) == (160, 0, 0)
    assert phase.citations > 0


@pytest.mark.browser
def test_a_page_opened_during_a_build_shows_it_and_then_its_end(
    page: Any, tracker: Building
) -> None:
    running(tracker)
    line = page.locator("#index-status")
    line.get_by_text(RUNNING).wait_for(timeout=30_000)
    page.get_by_role("tab", name="Sources").click()
    assert line.is_visible()  # above the tabs: on the Sources tab too
    assert "new · being indexed" in page.locator("#sources-table").inner_text()  # not yet in
    settled(tracker)  # the ledger's build and the upload's after it
    line.get_by_text("Index updated: Indexed 4 files:").wait_for(timeout=30_000)
    table = page.locator("#sources-table")
    page.wait_for_function(
        "() => !document.querySelector('#sources-table').innerText.includes('being indexed')",
        timeout=30_000,
    )  # the table followed the build without a click
    assert LEDGER in table.inner_text()
    assert page.dialogs == []


def test_after_the_build_the_new_files_are_answered(server: Server, tracker: Building) -> None:
    settled(tracker)
    s = tracker.state()
    assert (s.builds, s.failed) == (2, False) and s.result.startswith("Indexed 4 files:"), s

    async def run() -> dict[str, Any]:
        client, session = await _session(server)
        answered = await _api_ask(session, LEDGER_QUESTION)
        await client.aclose()
        return answered

    assert LEDGER in {c["source"] for c in arun(run())["citations"]}
    assert TERNS in {s.source for s in server.assistant.sources()}


def _serve(folder: Path, index: Path, log: Path) -> subprocess.Popen[bytes]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    args = ["--sources", str(folder), "--index", str(index), "--port", str(port)]
    with open(log, "w", encoding="utf-8") as out:
        return subprocess.Popen([sys.executable, "-m", "assistant", "serve", *args],
                                stdout=out, stderr=subprocess.STDOUT)  # fmt: skip


def _log_until(proc: subprocess.Popen[bytes], log: Path, needle: str) -> str:
    deadline = time.monotonic() + 300
    while needle not in (text := log.read_text(encoding="utf-8")):
        assert proc.poll() is None and time.monotonic() < deadline, text[-800:]
        time.sleep(0.3)
    return text


def _served_until(folder: Path, index: Path, log: Path, needle: str) -> str:
    """`assistant serve`'s log once it holds needle; the server is stopped then."""
    proc = _serve(folder, index, log)
    try:
        return _log_until(proc, log, needle)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_serve_listens_first_and_logs_its_refresh(tmp_path: Path) -> None:
    folder, index, log = copy_sources(tmp_path / "sources"), tmp_path / "index", tmp_path / "log"
    Assistant(sources=folder, index=index).index()
    (folder / LEDGER).write_text(ledger(0.2), encoding="utf-8")
    text = _served_until(folder, index, log, "stage=index done reason=start-up")
    assert text.index("Web chat on") < text.index("stage=index build started reason=start-up")
    assert "stage=index files=1 to embed, 2 kept, 0 to remove" in text
    assert "stage=index progress=0%" in text and "stage=index progress=100%" in text


def test_serve_with_no_index_builds_first_and_logs_it(tmp_path: Path) -> None:
    folder, index, log = copy_sources(tmp_path / "sources"), tmp_path / "index", tmp_path / "log"
    text = _served_until(folder, index, log, "Web chat on")
    assert "stage=index no usable index: building first" in text
    assert text.index("stage=index progress=100%") < text.index("Indexed 2 files:")
    assert text.index("Indexed 2 files:") < text.index("Web chat on")


def test_a_read_only_page_shows_a_build_serve_started(tmp_path: Path) -> None:
    folder, index = copy_sources(tmp_path / "sources"), tmp_path / "index"
    Assistant(sources=folder, index=index).index()
    (folder / TERNS).write_text("The arctic terns nested on the north shingle.", encoding="utf-8")
    assistant = Assistant(sources=folder, index=index, read_only=True)
    building = Building(assistant)
    with running_app(assistant, building=building) as server:
        building.wait(building.start("start-up") or 0)

        async def run() -> tuple[list[Any], int]:
            client, session = await _session(server)
            line = await session.status()
            await client.aclose()
            return line, session.events.rebuild

        (line, builds), rebuild = arun(run())
    assert rebuild == -1  # no Rebuild on a read-only page
    assert "Index updated: Indexed 3 files: 1 chunks added" in html.unescape(line)
    assert builds == 1


def test_the_status_line_says_how_far_and_how_long() -> None:
    state = BuildState(running=True, files=2, done=250, total=1000, embedding_since=100.0)
    assert state.line(150.0) == (
        "Indexing 2 files, 25% — answers come from the previous index meanwhile (about 2 min left)"
    )
    assert state.busy() == "A rebuild is already running (25%)."
    assert BuildState(running=True).line(0.0).startswith("Indexing: reading the sources — ")
    ended = BuildState(builds=1, ended=10.0, result="Indexed 3 files: 5 chunks added", shown=True)
    assert ended.line(20.0) == "Index updated: Indexed 3 files: 5 chunks added"
    assert ended.line(10.0 + 3600) == ""  # not for ever
    assert replace(ended, shown=False).line(20.0) == ""  # a start-up refresh that changed nothing
