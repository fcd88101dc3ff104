"""The conversations store (assistant/conversations.py) on a real SQLite file, its exports
(assistant/export.py), and the terminal's `chat --save / --resume` and `export`, with real
answers from the real model and index over the bundled sources."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.conversations import (
    MIGRATIONS,
    ConversationNotFound,
    Conversations,
    StateUnreadable,
    answer_from,
    title_of,
)
from assistant.core.errors import AssistantError
from assistant.core.types import Answer, AnswerSentence, Citation
from assistant.export import to_json, to_markdown
from tests.conftest import copy_sources
from tests.test_cli import chat, run

PESHAWAR = "How many people were killed in the attack on the army school in Peshawar?"
FOLLOW = "Who replaced Imran Khan as prime minister?"
BREAD = "What is a good recipe for banana bread?"


def _answer(text: str = "It says so [1].") -> Answer:
    cite = Citation("a.txt", "A", "It says so.", 10, 21, 0.5, page=2)
    sentence = AnswerSentence("It says so.", [0], True, "")
    return Answer(text, [cite], False, "q", "q", mode="llm", model="m", sentences=[sentence])


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    base = tmp_path_factory.mktemp("cli")
    return ["--sources", str(copy_sources(base / "sources")), "--index", str(base / "index")]


@pytest.fixture
def store(tmp_path: Path) -> Conversations:
    return Conversations(tmp_path / "state" / "conversations.sqlite")


def test_an_answer_survives_the_round_trip_without_its_passages() -> None:
    a = _answer()
    assert answer_from(json.loads(json.dumps(a.to_dict()))) == a


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("  Who   replaced\nImran Khan? ", "Who replaced Imran Khan?"),
        ("word " * 30, ("word " * 16).strip() + "…"),
        ("x" * 100, "x" * 80 + "…"),
    ],
)
def test_a_title_is_the_first_question_on_one_line(question: str, title: str) -> None:
    assert title_of(question) == title


def test_turns_titles_and_the_newest_first_list(store: Conversations) -> None:
    first = store.start("ann")
    second = store.start("ann", sources=["b.txt"])
    store.add("ann", first.id, "What is A?", _answer())
    store.add("ann", first.id, "And B?", _answer("B [1]."))
    got = store.get("ann", first.id)
    assert got.title == "What is A?" and [t.question for t in got.turns] == ["What is A?", "And B?"]
    assert got.turns[1].answer.text == "B [1]." and got.history()[2] == {
        "role": "user", "content": "And B?"}  # fmt: skip
    assert [c.id for c in store.list_for("ann")] == [first.id, second.id]  # updated last
    assert store.list_for("ann")[0].questions == 2 and store.get("ann", second.id).sources == (
        "b.txt",)  # fmt: skip
    store.rename("ann", first.id, "  Renamed\tone ")
    assert store.get("ann", first.id).title == "Renamed one"
    store.add("ann", first.id, "Third?", _answer())
    assert store.get("ann", first.id).title == "Renamed one"  # a question never retitles


@pytest.mark.parametrize(
    ("search", "found"),
    [("", 2), ("imran", 1), ("PESHAWAR", 1), ("school", 1), ("100%", 1), ("_", 0), ("nowhere", 0)],
)
def test_search_matches_titles_and_questions(store: Conversations, search: str, found: int) -> None:
    a, b = store.start("ann"), store.start("ann")
    store.add("ann", a.id, "Who replaced Imran Khan?", _answer())
    store.add("ann", b.id, "What happened in Peshawar?", _answer())
    store.add("ann", b.id, "Was the school 100% closed?", _answer())
    assert len(store.list_for("ann", search)) == found


def test_another_owner_sees_nothing_and_cannot_touch_it(store: Conversations) -> None:
    mine = store.start("ann")
    store.add("ann", mine.id, "Mine?", _answer())
    calls = [
        lambda: store.get("bob", mine.id), lambda: store.add("bob", mine.id, "x", _answer()),
        lambda: store.rename("bob", mine.id, "x"), lambda: store.delete("bob", mine.id),
        lambda: store.choose_sources("bob", mine.id, ["a.txt"]),
    ]  # fmt: skip
    for call in calls:
        with pytest.raises(ConversationNotFound, match=re.escape(repr(mine.id))):
            call()
    assert store.list_for("bob") == [] and store.get("ann", mine.id).questions == 1
    with pytest.raises(ConversationNotFound):  # missing and not-yours read the same
        store.get("ann", "no-such-id")


def test_delete_removes_the_turns_too(store: Conversations) -> None:
    conv = store.start("ann")
    store.add("ann", conv.id, "Q?", _answer())
    store.delete("ann", conv.id)
    assert store.list_for("ann") == []
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone() == (0,)


def test_an_empty_title_is_refused(store: Conversations) -> None:
    conv = store.start("ann")
    with pytest.raises(AssistantError, match="cannot be empty"):
        store.rename("ann", conv.id, "   ")


def test_the_file_is_wal_and_versioned_and_a_newer_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    Conversations(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StateUnreadable, match="newer version"):
        Conversations(path)


def test_a_file_that_is_no_database_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StateUnreadable, match="is unreadable"):
        Conversations(path)


WRITER = """
import sys
from assistant.conversations import Conversations
from assistant.core.types import Answer
store = Conversations(__import__("pathlib").Path(sys.argv[1]))
conv = store.start("ann")
print(conv.id, flush=True)
n = 0
while True:
    store.add("ann", conv.id, f"question {n}?", Answer("x " * 2000, [], False, "q"))
    n += 1
    print(n, flush=True)
"""


def test_a_kill_9_mid_write_loses_no_answered_turn(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    writer = subprocess.Popen([sys.executable, "-c", textwrap.dedent(WRITER), str(path)],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert writer.stdout is not None
    cid = writer.stdout.readline().strip()
    done = 0
    while done < 30:
        done = int(writer.stdout.readline())
    os.kill(writer.pid, signal.SIGKILL)  # somewhere inside a later write
    writer.wait()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    got = Conversations(path).get("ann", cid)
    assert got.questions >= done  # every turn it reported as written is there
    assert [t.question for t in got.turns] == [f"question {n}?" for n in range(got.questions)]


def test_the_markdown_export_lets_a_reader_check_every_quote(
    built: Assistant, tmp_path: Path
) -> None:
    store = Conversations(tmp_path / "c.sqlite")
    conv = store.start("ann")
    for q in (PESHAWAR, FOLLOW, BREAD):
        store.add("ann", conv.id, q, built.answer(q))
    md = to_markdown(store.get("ann", conv.id))
    assert md.startswith(f"# {PESHAWAR}\n") and f"## 2. {FOLLOW}" in md
    quotes = re.findall(r"^\[\d+\] .*? — `(.+?)`, characters (\d+)–(\d+)\n\n((?:>.*\n)+)", md, re.M)
    assert len(quotes) >= 2
    for source, start, end, block in quotes:
        excerpt = "\n".join(line[2:] for line in block.rstrip("\n").split("\n"))
        assert built.source_text(source)[int(start) : int(end)] == excerpt
    data = json.loads(to_json(store.get("ann", conv.id)))
    assert [t["question"] for t in data["turns"]] == [PESHAWAR, FOLLOW, BREAD]
    assert data["turns"][2]["answer"]["abstained"] is True


def test_chat_save_resume_and_export_from_the_terminal(
    paths: list[str],
    tmp_path: Path,
) -> None:
    state = ["--state", str(tmp_path / "c.sqlite")]
    saved = chat(PESHAWAR + "\n", *paths, "--save", *state)
    assert saved.returncode == 0, saved.stderr
    cid = re.search(r"conversation ([0-9a-f]{32}) \(saved\)", saved.stderr).group(1)  # type: ignore[union-attr]
    resumed = chat("And who replaced Imran Khan as prime minister?\n", *paths, "--resume", cid,
                   *state)  # fmt: skip
    assert resumed.returncode == 0 and "Shehbaz Sharif" in resumed.stdout, resumed.stderr
    listed = run("export", "--list", *state)
    assert cid in listed.stdout and "2 questions" in listed.stdout
    md = run("export", cid, *state)
    assert md.returncode == 0 and md.stdout.startswith(f"# {PESHAWAR}") and "## 2. " in md.stdout
    out = tmp_path / "c.json"
    run("export", cid, "--format", "json", "-o", str(out), *state)
    assert len(json.loads(out.read_text(encoding="utf-8"))["turns"]) == 2
    one = "pakistan-reaps-what-it-sowed.txt"
    within = chat(FOLLOW + "\n", *paths, "--save", "--source", one, *state)
    wid = re.search(r"conversation (\w+)", within.stderr).group(1)  # type: ignore[union-attr]
    assert json.loads(run("export", wid, "--format", "json", *state).stdout)["sources"] == [one]
    missing = run("export", "nope", *state)
    assert missing.returncode == 1 and missing.stderr == "error: no conversation 'nope'\n"
