"""Self-repair with the real model, real Chroma and a real index: a live generation whose manifest,
Chroma database, keyword index or stored texts are corrupt or gone is reported as IndexDamaged (one
line that says what is wrong and to run `assistant index`), `assistant index` rebuilds it from the
sources and says so, a build that fails its check is never published, and a running Assistant
recovers from a rebuild by another process without a restart."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.core.errors import BuildRejected, IndexDamaged
from assistant.index import generations
from tests.conftest import copy_sources

QUESTION = "How many terrorist attacks has the TTP launched since the Taliban returned?"
ANSWER = "124"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sources plus a built index, copied by each test (building once saves seconds a test)."""
    base = tmp_path_factory.mktemp("template")
    Assistant(sources=copy_sources(base / "sources"), index=base / "index").index()
    return base


@pytest.fixture
def copy(template: Path, tmp_path: Path) -> Path:
    shutil.copytree(template, tmp_path, dirs_exist_ok=True)
    return tmp_path


def live(base: Path) -> Path:
    folder = generations.live(base / "index")
    assert folder is not None
    return folder


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(max(path.stat().st_size, 4096)))


def _garbage_after(path: Path, keep: int) -> None:
    """Garbage past the header, so Chroma's own reads, not the header check, find it."""
    with path.open("r+b") as handle:
        handle.seek(keep)
        handle.write(os.urandom(path.stat().st_size - keep))


def _delete_rows(generation: Path) -> None:
    """A database that opens and answers but lacks chunks the manifest lists."""
    with contextlib.closing(sqlite3.connect(generation / "chroma" / "chroma.sqlite3")) as db:
        db.execute("DELETE FROM embeddings WHERE id IN (SELECT id FROM embeddings LIMIT 3)")
        db.commit()


Damage = Callable[[Path], None]
DAMAGE: dict[str, tuple[Damage, str]] = {
    "manifest not JSON": (
        lambda g: (g / "manifest.json").write_text('{"files": {', encoding="utf-8"),
        "manifest.json is not valid JSON",
    ),
    "manifest of the wrong shape": (
        lambda g: (g / "manifest.json").write_text('{"files": [1, 2]}', encoding="utf-8"),
        "manifest.json",
    ),
    "manifest gone": (lambda g: (g / "manifest.json").unlink(), "manifest.json is missing"),
    "chroma.sqlite3 garbage": (
        lambda g: _garbage(g / "chroma" / "chroma.sqlite3"),
        "chroma/chroma.sqlite3 is not an SQLite database",
    ),
    "chroma.sqlite3 truncated": (
        lambda g: (g / "chroma" / "chroma.sqlite3").write_bytes(b""),
        "chroma/chroma.sqlite3 is empty",
    ),
    "chroma.sqlite3 garbage after its header": (
        lambda g: _garbage_after(g / "chroma" / "chroma.sqlite3", 100),
        "the Chroma store",
    ),
    "chroma rows deleted": (_delete_rows, "the Chroma store holds"),
    "chroma folder gone": (
        lambda g: shutil.rmtree(g / "chroma"),
        "chroma/chroma.sqlite3 is missing",
    ),
    "keyword index garbage": (lambda g: _garbage(g / "keyword" / "keyword.npz"), "keyword"),
    "texts gone": (lambda g: shutil.rmtree(g / "texts"), "texts/"),
}


def _one_line(message: str) -> None:
    assert len(message.strip().splitlines()) == 1 and "Traceback" not in message


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damage_is_reported_then_index_rebuilds_from_the_sources(copy: Path, damage: str) -> None:
    hurt, says = DAMAGE[damage]
    broken = live(copy)
    hurt(broken)
    assistant = Assistant(sources=copy / "sources", index=copy / "index")
    with pytest.raises(IndexDamaged) as caught:
        assistant.answer(QUESTION)
    message = str(caught.value)
    _one_line(message)
    assert says in message and "run `assistant index` to rebuild it" in message
    summary = assistant.index()
    assert summary.kept == 0 and summary.added > 0  # everything re-embedded
    assert f"rebuilt from the sources: the live index was damaged ({says}" in summary.line()
    assert live(copy) != broken and not broken.exists()  # the damaged generation is gone
    answer = assistant.answer(QUESTION)
    assert ANSWER in answer.text
    for c in answer.citations:
        assert assistant.source_text(c.source)[c.start : c.end] == c.excerpt


def test_cli_index_repairs_a_corrupt_manifest_and_ask_answers(copy: Path) -> None:
    (live(copy) / "manifest.json").write_text("{not json", encoding="utf-8")
    paths = ["--sources", str(copy / "sources"), "--index", str(copy / "index")]
    asked = run("ask", QUESTION, *paths)
    assert asked.returncode == 1 and asked.stderr.startswith("error: the index in ")
    _one_line(asked.stderr)
    assert "manifest.json is not valid JSON" in asked.stderr
    assert "run `assistant index` to rebuild it" in asked.stderr
    built = run("index", "--quiet", *paths)
    assert built.returncode == 0, built.stderr
    lines = built.stdout.splitlines()
    assert lines[0].startswith("Indexed 2 files: ") and " 0 kept" in lines[0]
    assert lines[1].startswith(
        "rebuilt from the sources: the live index was damaged (manifest.json is not valid JSON"
    )
    dry = run("index", "--dry-run", *paths)
    assert dry.returncode == 0 and "full rebuild" not in dry.stdout
    asked = run("ask", QUESTION, *paths)
    assert asked.returncode == 0 and ANSWER in asked.stdout


def test_dry_run_names_the_damage(copy: Path) -> None:
    shutil.rmtree(live(copy) / "texts")
    plan = Assistant(sources=copy / "sources", index=copy / "index").plan()
    assert plan.changes and len(plan.add) == 2
    assert plan.lines()[0].startswith("full rebuild: the live index is damaged (texts/")


def test_a_running_assistant_reports_damage_and_recovers_after_a_rebuild_elsewhere(
    copy: Path,
) -> None:
    running = Assistant(sources=copy / "sources", index=copy / "index")
    assert ANSWER in running.answer(QUESTION).text
    _garbage(live(copy) / "chroma" / "chroma.sqlite3")  # under the open store
    for _ in range(2):  # the same clear line each time, not a crash and then silence
        with pytest.raises(IndexDamaged, match="run `assistant index` to rebuild it"):
            running.answer(QUESTION)
    other = run(
        "index", "--quiet", "--sources", str(copy / "sources"), "--index", str(copy / "index")
    )
    assert other.returncode == 0 and "rebuilt from the sources" in other.stdout, other.stderr
    answer = running.answer(QUESTION)
    assert ANSWER in answer.text and running.source_text(answer.citations[0].source)


@pytest.mark.parametrize("damage", ["texts gone", "manifest not JSON", "keyword index garbage"])
def test_damage_under_a_running_assistant_surfaces_and_its_own_index_repairs(
    copy: Path, damage: str
) -> None:
    running = Assistant(sources=copy / "sources", index=copy / "index")
    answer = running.answer(QUESTION)
    DAMAGE[damage][0](live(copy))
    with pytest.raises(IndexDamaged):
        running.answer(QUESTION)
    with pytest.raises(IndexDamaged):
        running.source_text(answer.citations[0].source)
    assert "rebuilt from the sources" in running.index().line()
    again = running.answer(QUESTION)
    assert ANSWER in again.text
    assert running.source_text(again.citations[0].source)


def test_a_missing_stored_text_is_damage_not_a_changed_file(copy: Path) -> None:
    running = Assistant(sources=copy / "sources", index=copy / "index")
    source = running.answer(QUESTION).citations[0].source
    for text in (live(copy) / "texts").iterdir():
        text.unlink()
    with pytest.raises(IndexDamaged, match=r"texts/[0-9a-f]{64}\.txt is missing"):
        running.source_text(source)


def test_a_build_that_fails_its_check_is_not_published(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.index.keyword import KeywordIndex

    before = live(copy)
    (copy / "sources" / "glaciers.txt").write_text(
        "Glaciers\n\nThe Baltoro Glacier is about 63 kilometres long.\n", encoding="utf-8"
    )
    save = KeywordIndex.save

    def save_then_corrupt(self: KeywordIndex, folder: Path) -> None:
        save(self, folder)
        _garbage(folder / "keyword.npz")  # as a failing disk would leave it

    monkeypatch.setattr(KeywordIndex, "save", save_then_corrupt)
    assistant = Assistant(sources=copy / "sources", index=copy / "index")
    with pytest.raises(BuildRejected) as caught:
        assistant.index()
    _one_line(str(caught.value))
    assert "keyword" in str(caught.value) and "not published" in str(caught.value)
    assert live(copy) == before and sorted((copy / "index").glob("gen-*")) == [before]
    assert ANSWER in assistant.answer(QUESTION).text


def test_the_web_chat_says_the_index_is_damaged_and_answers_again_after_rebuild(
    copy: Path,
) -> None:
    """Through the page's own events on a real server: one clear line naming the Rebuild button
    while the index is broken, the conversation going on, and answers again after Rebuild, with
    no restart."""
    import asyncio

    from benchmarks.pageclient import Call, PageSession, open_page
    from tests.conftest import running_app

    running = Assistant(sources=copy / "sources", index=copy / "index")

    async def session(url: str) -> list[Call]:
        client, events = await open_page(url)
        page = PageSession(client, events)
        calls = [await page.ask(QUESTION)]
        shutil.rmtree(live(copy) / "texts")
        calls += [await page.ask(QUESTION), await page.rebuild(), await page.ask(QUESTION)]
        await client.aclose()
        return calls

    with running_app(running) as server:
        before, broken, rebuilt, after = asyncio.run(session(server.url))
    assert all(c.ok for c in (before, broken, rebuilt, after))
    said = _turn_html(broken)
    assert "The index is damaged (texts/" in said and "press Rebuild index" in said, said
    assert str(copy) not in said and "\n" not in said
    assert ANSWER in _turn_html(before) and ANSWER in _turn_html(after)
    turns = [v["turn"] for c in (before, broken, after) for v in c.outputs if _is_turn(v)]
    assert turns == [0, 1, 2]  # one conversation throughout


def _is_turn(value: object) -> bool:
    return isinstance(value, dict) and "turn" in value


def _turn_html(call: object) -> str:
    """The assistant's message of the last chat turn a page call returned, unescaped."""
    import html

    turn = next(v for v in call.outputs if _is_turn(v))  # type: ignore[attr-defined]
    return html.unescape(str(turn["messages"][1]["content"][0]["text"]))
