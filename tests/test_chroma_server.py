"""The Chroma server path: a real `chroma run` on loopback, reached through the public interfaces.

A module-scoped fixture starts Chroma's own server (the `chroma` script installed with chromadb)
on 127.0.0.1 with a free port and a temporary data folder, waits for its heartbeat and stops it at
the end. The tests then use only what a user would: `Settings(chroma_url=...)` with `Assistant`,
and `python -m assistant --chroma-url`. Sources and index folders are always temporary copies, so
nothing here reads or writes the project's own `index/`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.core.errors import IndexFailure
from assistant.core.settings import Settings
from assistant.index.builder import IndexSummary
from tests.conftest import copy_sources

QUESTION = "Who replaced Imran Khan as prime minister of Pakistan?"
STARTUP_SECONDS = 60


def free_port() -> int:
    """A loopback port nothing listens on (the socket is closed again before returning)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chroma_script() -> str:
    """The `chroma` console script installed next to this interpreter by chromadb."""
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        pytest.fail("the `chroma` command (installed with chromadb) was not found")
    return found


def run_cli(*args: str, url: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m assistant ARGS`; ASSISTANT_CHROMA_URL is url, so only the test names a server."""
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ASSISTANT_CHROMA_URL": url},
    )


@dataclass
class ChromaServer:
    url: str
    host: str
    port: int


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """`chroma run` on 127.0.0.1:<free port> with a temporary data folder, until the module ends."""
    base = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log_out, log_err = base / "stdout.log", base / "stderr.log"
    command = [chroma_script(), "run", "--path", str(base / "data"), "--host", "127.0.0.1"]
    command += ["--port", str(port)]
    with log_out.open("wb") as out, log_err.open("wb") as err:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "NO_COLOR": "1"},
        )

    def output() -> str:
        return (
            f"command: {' '.join(command)}\n"
            f"--- stderr ---\n{log_err.read_text(errors='replace')[-4000:]}\n"
            f"--- stdout ---\n{log_out.read_text(errors='replace')[-4000:]}"
        )

    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"chroma run exited with code {process.returncode}\n{output()}")
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"chroma run gave no heartbeat in {STARTUP_SECONDS}s\n{output()}")
            time.sleep(0.2)
        yield ChromaServer(url, "127.0.0.1", port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@dataclass
class Built:
    settings: Settings
    summary: IndexSummary


@pytest.fixture(scope="module")
def built_on_server(chroma_server: ChromaServer, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A first index of a copy of the sources, stored in the Chroma server."""
    base = tmp_path_factory.mktemp("server-index")
    settings = Settings.from_env(
        sources=copy_sources(base / "sources"), index=base / "index", chroma_url=chroma_server.url
    )
    return Built(settings, Assistant(settings).index())


def test_builds_and_answers_through_the_server(built_on_server: Built) -> None:
    settings = built_on_server.settings
    assert settings.chroma_url.startswith("http://127.0.0.1:")
    assert built_on_server.summary.files == 2 and built_on_server.summary.added > 0
    a = Assistant(settings).answer(QUESTION)
    assert not a.abstained and a.citations
    c = a.citations[0]
    text = (settings.sources / c.source).read_text(encoding="utf-8")
    assert text[c.start : c.end] == c.excerpt


def test_the_vectors_live_in_the_server(
    built_on_server: Built, chroma_server: ChromaServer
) -> None:
    """Asked directly, the server holds the indexed items (whatever the collections are called)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(
        host=chroma_server.host,
        port=chroma_server.port,
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    stored = sum(client.get_collection(c.name).count() for c in client.list_collections())
    assert stored >= built_on_server.summary.added


def test_a_fresh_assistant_reuses_the_server_without_embedding(built_on_server: Built) -> None:
    fresh = Assistant(built_on_server.settings)  # a new model, client and keyword index
    summary = fresh.index()
    assert summary.added == 0 and summary.removed == 0
    assert summary.kept == built_on_server.summary.added + built_on_server.summary.kept
    a = fresh.answer(QUESTION)
    assert not a.abstained and a.citations


def test_cli_asks_through_the_server(built_on_server: Built, chroma_server: ChromaServer) -> None:
    s = built_on_server.settings
    paths = ["--sources", str(s.sources), "--index", str(s.index)]
    done = run_cli("index", "--quiet", *paths, "--chroma-url", chroma_server.url)
    assert done.returncode == 0, done.stderr
    assert " 0 chunks added" in done.stdout
    done = run_cli("ask", "--json", QUESTION, *paths, "--chroma-url", chroma_server.url)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["citations"] and not data["abstained"]
    c = data["citations"][0]
    text = (s.sources / c["source"]).read_text(encoding="utf-8")
    assert text[c["start"] : c["end"]] == c["excerpt"]


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_no_server_at_the_url_is_a_one_line_error(tmp_path: Path, how: str) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    sources = copy_sources(tmp_path / "sources")
    args = ["ask", QUESTION, "--sources", str(sources), "--index", str(tmp_path / "index")]
    done = run_cli(*args, "--chroma-url", url) if how == "flag" else run_cli(*args, url=url)
    assert done.returncode == 1
    assert done.stderr.startswith("error:"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert url in done.stderr


def test_no_server_at_the_url_raises_index_failure(tmp_path: Path) -> None:
    settings = Settings.from_env(
        sources=copy_sources(tmp_path / "sources"),
        index=tmp_path / "index",
        chroma_url=f"http://127.0.0.1:{free_port()}",
    )
    expected = re.escape(f"cannot open the Chroma store at {settings.chroma_url}")
    with pytest.raises(IndexFailure, match=expected):
        Assistant(settings).index()


def test_a_damaged_server_collection_is_reported_and_rebuilt(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from assistant.core.errors import IndexDamaged
    from assistant.index import generations

    settings = Settings.from_env(
        sources=copy_sources(tmp_path / "sources"),
        index=tmp_path / "index",
        chroma_url=chroma_server.url,
    )
    first = Assistant(settings).index()
    live = generations.live(settings.index)
    assert live is not None
    client = chromadb.HttpClient(
        host=chroma_server.host,
        port=chroma_server.port,
        settings=ChromaSettings(anonymized_telemetry=False),
    )
    collection = client.get_collection(f"assistant-{live.name}-chunks")
    collection.delete(ids=collection.get(limit=3)["ids"])  # the server lost some chunks
    assistant = Assistant(settings)
    with pytest.raises(IndexDamaged, match="the Chroma store holds") as caught:
        assistant.answer(QUESTION)
    assert "run `assistant index` to rebuild it" in str(caught.value)
    summary = assistant.index()
    assert summary.added == first.added and summary.kept == 0
    assert "rebuilt from the sources: the live index was damaged" in summary.line()
    names = {c.name for c in client.list_collections()}
    assert f"assistant-{live.name}-chunks" not in names  # the damaged one was dropped
    a = assistant.answer(QUESTION)
    assert not a.abstained and a.citations
