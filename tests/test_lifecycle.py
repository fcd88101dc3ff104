"""The index lifecycle with the real model and real Chroma: bad files are skipped with a reason and
lose nothing, a build killed with -9 at any point leaves the previous index answering, answers
during a rebuild see the old or the new index and never fail, and two builds never run at once."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.core.types import Answer
from assistant.index import generations
from assistant.ingest.listing import Listing
from tests.conftest import copy_sources

QUESTION = "How many terrorist attacks has the TTP launched since the Taliban returned?"
GLACIER = "Glaciers of the Karakoram\n\nThe Baltoro Glacier is about 63 kilometres long.\n"


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _reproduces(assistant: Assistant, answer: Answer) -> bool:
    return all(
        assistant.source_text(c.source)[c.start : c.end] == c.excerpt for c in answer.citations
    )


BAD_FILES: list[tuple[str, bytes, str]] = [
    ("binary.txt", b"\x00\x01\x02ELF\x00" * 50, "binary"),
    ("empty.md", b"   \n\n", "empty"),
    ("scan.pdf", b"%PDF-1.4\n%broken\n", "PDF"),
    ("page.html", b"<html><body><script>var x = 1;</script></body></html>", "html"),
]


def test_bad_files_are_skipped_with_a_reason_and_the_rest_indexed(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    for name, data, _ in BAD_FILES:
        (sources / name).write_bytes(data)
    (sources / "latin.txt").write_bytes(GLACIER.replace("about", "about\u00a0").encode("cp1252"))
    assistant = Assistant(sources=sources, index=tmp_path / "index")
    summary = assistant.index()
    lines = summary.line().splitlines()
    assert summary.files == 3 and summary.added > 0
    for name, _, reason in BAD_FILES:
        [line] = [x for x in lines if name in x]
        assert line.startswith(f"skipped {name}: ") and reason.lower() in line.lower()
    assert any(x.startswith("note: latin.txt") and "cp1252" in x for x in lines)
    answer = assistant.answer("How long is the Baltoro Glacier?")
    assert answer.citations[0].source == "latin.txt" and _reproduces(assistant, answer)


def test_an_indexed_file_that_goes_bad_keeps_its_chunks(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    (sources / "glaciers.txt").write_text(GLACIER, encoding="utf-8")
    assistant = Assistant(sources=sources, index=tmp_path / "index")
    first = assistant.index()
    (sources / "glaciers.txt").write_bytes(b"\x00" * 100)
    again = assistant.index()
    assert (again.added, again.removed, again.kept) == (0, 0, first.added)
    assert "skipped glaciers.txt: binary" in again.line()
    assert "63 kilometres" in assistant.answer("How long is the Baltoro Glacier?").text


def test_a_file_that_vanishes_mid_run_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.index import builder

    sources = copy_sources(tmp_path / "sources")
    (sources / "glaciers.txt").write_text(GLACIER, encoding="utf-8")
    listed = builder.scan

    def list_then_delete(folder: Path) -> Listing:
        found = listed(folder)
        (folder / "glaciers.txt").unlink()  # gone between listing and reading
        return found

    monkeypatch.setattr(builder, "scan", list_then_delete)
    summary = Assistant(sources=sources, index=tmp_path / "index").index()
    assert summary.files == 2 and "skipped glaciers.txt: " in summary.line()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sources plus a built index, copied by each kill test (building once saves minutes)."""
    base = tmp_path_factory.mktemp("template")
    Assistant(sources=copy_sources(base / "sources"), index=base / "index").index()
    return base


def _new_generation(index: Path, before: Path | None) -> bool:
    return any(p != before and p.is_dir() for p in index.glob("gen-*"))


KillPoint = Callable[[Path, Path | None, float, str], bool]
KILL_POINTS: dict[str, KillPoint] = {
    "while starting": lambda index, before, age, err: age > 0.3,
    "as the new generation appears": lambda index, before, age, err: _new_generation(index, before),
    # tqdm has drawn a bar with some chunks done and more to go: the kill lands mid-embedding
    "while embedding": lambda index, before, age, err: bool(re.search(r"\b([1-9]\d*)/(\d+) ", err)),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_kill_9_during_a_rebuild_leaves_the_previous_index(
    template: Path, tmp_path: Path, point: str
) -> None:
    shutil.copytree(template, tmp_path, dirs_exist_ok=True)
    sources, index = tmp_path / "sources", tmp_path / "index"
    before = generations.live(index)
    # Enough new text that embedding takes seconds, so the kill lands inside the build.
    paragraphs = (sources / "pakistan-reaps-what-it-sowed.txt").read_text(encoding="utf-8")
    (sources / "more.txt").write_text("More\n\n" + paragraphs * 6, encoding="utf-8")
    build = _cli("index", "--sources", str(sources), "--index", str(index))
    err: list[str] = []
    assert build.stderr is not None
    stream = build.stderr
    threading.Thread(
        target=lambda: err.extend(iter(lambda: stream.read(1), "")), daemon=True
    ).start()
    started = time.monotonic()
    reached = KILL_POINTS[point]
    while build.poll() is None and not reached(
        index, before, time.monotonic() - started, "".join(err)
    ):
        time.sleep(0.01)
    build.send_signal(signal.SIGKILL)
    assert build.wait(timeout=30) == -signal.SIGKILL, "the build ended before the kill point"
    assert generations.live(index) == before
    reader = Assistant(sources=sources, index=index)
    assert "more.txt" not in {s.source for s in reader.sources()}
    answer = reader.answer(QUESTION)
    assert "124" in answer.text and _reproduces(reader, answer)
    finished = reader.index()  # the next run completes what the killed one started
    assert finished.files == 3 and "more.txt" in {s.source for s in reader.sources()}
    now = generations.live(index)
    assert before is not None and now is not None
    assert sorted(p.name for p in index.glob("gen-*")) == [before.name, now.name]  # swept


def test_answers_during_a_rebuild_never_fail(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    assistant = Assistant(sources=sources, index=tmp_path / "index")
    assistant.index()
    (sources / "glaciers.txt").write_text(GLACIER * 40, encoding="utf-8")
    errors: list[BaseException] = []
    answers: list[Answer] = []
    done = threading.Event()

    def ask() -> None:
        while not done.is_set():
            try:
                answer = assistant.answer(QUESTION)
                assert "124" in answer.text and _reproduces(assistant, answer)
                answers.append(answer)
            except BaseException as exc:  # any failure at all is what this test looks for
                errors.append(exc)

    askers = [threading.Thread(target=ask) for _ in range(2)]
    for t in askers:
        t.start()
    try:
        other_process = _cli(
            "index", "--quiet", "--sources", str(sources), "--index", str(tmp_path / "index")
        )
        other_process.wait(timeout=300)
        assistant.index()  # and one in this process, while the askers keep asking
    finally:
        done.set()
        for t in askers:
            t.join()
    assert other_process.returncode == 0, (
        other_process.stderr.read() if other_process.stderr else ""
    )
    assert errors == [] and len(answers) > 5
    assert "glaciers.txt" in {s.source for s in assistant.sources()}


def test_a_second_build_refuses_while_one_runs(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    index = tmp_path / "index"
    with generations.build_lock(index):
        second = _cli("index", "--sources", str(sources), "--index", str(index))
        _, err = second.communicate(timeout=120)
    assert second.returncode == 1
    assert err.startswith("error: another `assistant index` is already building")
    assert str(os.getpid()) in err and "Traceback" not in err


def test_dry_run_lists_the_plan_and_changes_nothing(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    index = tmp_path / "index"
    Assistant(sources=sources, index=index).index()
    live = generations.live(index)
    (sources / "glaciers.txt").write_text(GLACIER, encoding="utf-8")
    (sources / "pakistan-reaps-what-it-sowed.txt").unlink()
    out, _ = _cli(
        "index", "--dry-run", "--sources", str(sources), "--index", str(index)
    ).communicate()
    assert "add: glaciers.txt" in out and "remove: pakistan-reaps-what-it-sowed.txt" in out
    assert "1 to add, 0 to re-embed, 1 to remove, 1 unchanged, 0 skipped" in out
    assert generations.live(index) == live
