"""The web chat's server, started for real and driven with gradio_client.

One module-scoped server runs over a temporary copy of the sources and a temporary index, with the
real embedding model and Chroma store. Questions go through the public `/ask` endpoint and the
answers' citations are checked against the source files by their offsets.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.web import files, render
from tests.conftest import Server, running_app
from tests.test_word import ole_file, word_file, write

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas deprecations

SOURCES = Path(__file__).resolve().parents[1] / "sources"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("web")
    folder = root / "sources"
    shutil.copytree(SOURCES, folder)
    assistant = Assistant(sources=folder, index=root / "index")
    assistant.index()
    with running_app(assistant) as server:
        yield server


@pytest.fixture(scope="module")
def client(server: Server) -> Any:
    from gradio_client import Client

    return Client(server.url, verbose=False)


def test_answer_citations_reproduce_the_sources_by_offsets(server: Server, client: Any) -> None:
    question = "How many people were killed in the attack on the army school in Peshawar?"
    answer = client.predict(question, 0, api_name="/ask")
    assert not answer["abstained"]
    assert "145" in answer["text"]
    assert answer["citations"]
    for i, citation in enumerate(answer["citations"], start=1):
        text = (server.folder / citation["source"]).read_text(encoding="utf-8")
        assert text[citation["start"] : citation["end"]] == citation["excerpt"]
        assert f"[{i}]" in answer["text"]


def test_passages_to_retrieve_is_passed_through(client: Any) -> None:
    question = "Why did the Taliban restore relations with Pakistan?"
    for k in (2, 6):
        answer = client.predict(question, k, api_name="/ask")
        assert len(answer["hits"]) == k
        assert all(h["score"] > 0 for h in answer["hits"])


def test_unanswerable_question_abstains_calmly(client: Any) -> None:
    answer = client.predict("How many moons does Jupiter have?", 0, api_name="/ask")
    assert answer["abstained"]
    assert answer["text"].startswith("The sources don't say.")
    assert answer["citations"] == []


def test_empty_question_is_one_clean_line(client: Any, capfd: pytest.CaptureFixture[str]) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as raised:
        client.predict("   ", 0, api_name="/ask")
    assert "question is empty" in str(raised.value)
    assert "Traceback" not in str(raised.value)
    assert "Traceback" not in capfd.readouterr().err  # nor in the server's own output


@pytest.mark.parametrize(
    ("question", "top_k", "message"),
    [
        ("x" * 1_000_000, 0, "the question is 1000000 characters long; the limit is 2000"),
        ("Who replaced Imran Khan?", -1, "top_k must be a whole number from 1 to 100, not -1"),
        ("Who replaced Imran Khan?", 1000, "top_k must be a whole number from 1 to 100, not 1000"),
    ],
)
def test_bad_input_to_the_api_is_one_line(
    client: Any, question: str, top_k: int, message: str
) -> None:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as raised:
        client.predict(question, top_k, api_name="/ask")
    assert message in str(raised.value)
    assert "Traceback" not in str(raised.value) and "\n" not in str(raised.value)


def test_a_bad_question_is_a_calm_line_and_the_conversation_goes_on(server: Server) -> None:
    """Driven over HTTP as the browser drives it: a broken character and a question past the cap
    each get one line in the chat; the follow-up after them still knows the first question, so
    the conversation was neither lost on the server nor cut on the page. (Gradio itself refuses a
    slider value out of the slider's range.)"""
    from benchmarks.pageclient import Call, PageSession, open_page

    general = "Which Pakistani general went to Kabul for talks with the TTP?"

    async def conversation() -> list[Call]:
        client, events = await open_page(server.url)
        session = PageSession(client, events)
        calls = [await session.ask(general), await session.ask("Who \ud800 went?"),
                 await session.ask("x" * 1_000_000),
                 await session.ask("Who facilitated those talks?")]  # fmt: skip
        await client.aclose()
        return calls

    calls = asyncio.run(conversation())
    assert all(c.ok for c in calls), [c.error for c in calls if not c.ok]
    turns = [_latest(c) for c in calls]
    assert [t["turn"] for t in turns] == [0, 1, 2, 3]
    replies = [t["messages"][1]["content"][0]["text"] for t in turns]
    assert all('class="answer error"' in r for r in replies[1:3])
    assert "broken character" in replies[1] and "1000000 characters long" in replies[2]
    assert len(turns[2]["messages"][0]["content"][0]["text"]) < 3000  # the question, cut to show
    assert "facilitated by the Afghan Taliban" in replies[3]


def _latest(call: Any) -> dict[str, Any]:
    """The chat turn an event sent to the page (the hidden `latest` JSON output)."""
    return next(v for v in call.outputs if isinstance(v, dict) and "turn" in v)


def test_the_question_box_stops_at_the_cap(server: Server) -> None:
    import httpx

    config = httpx.get(server.url + "config").json()
    box = next(c for c in config["components"] if c["props"].get("elem_id") == "question")
    assert box["props"]["max_length"] == server.assistant.settings.max_question_chars


def test_without_a_writer_the_switch_is_off_and_the_turn_is_one_message(server: Server) -> None:
    import html

    import httpx

    from benchmarks.pageclient import PageEvents

    config = httpx.get(server.url + "config").json()
    props = {c["props"].get("elem_id"): c["props"] for c in config["components"]}
    assert "Answer writer: <code>none</code>" in html.unescape(props["writer"]["value"])
    assert props["answer-mode"]["value"] == "quotes only"
    assert props["answer-mode"]["interactive"] is False
    assert PageEvents.read(config).chat_inputs == [
        "textbox", "state", "slider", "checkbox", "dropdown",
    ]  # fmt: skip


def test_sources_endpoint_lists_the_indexed_files(server: Server, client: Any) -> None:
    listed = client.predict(api_name="/sources")
    assert {s["source"] for s in listed} == set(files.listed(server.folder))
    assert all(s["chunks"] > 0 and s["title"] for s in listed)


def test_upload_names_cannot_leave_the_sources_folder(tmp_path: Path) -> None:
    assert files.safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert files.safe_name("..\\..\\evil.MD") == "evil.md"
    assert files.safe_name(".hidden.txt") == "hidden.txt"
    assert files.safe_name("Notes (final) ünïcode.txt") == "Notes-final-unicode.txt"
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    good = uploads / "My notes.txt"
    good.write_text("Hello.", encoding="utf-8")
    binary = uploads / "data.txt"
    binary.write_bytes(b"\x00\x01\x02\x03bad" * 50)
    script = uploads / "run.sh"
    script.write_text("echo hi", encoding="utf-8")
    folder = tmp_path / "sources"
    outcome = files.add(folder, [good, binary, script])
    assert outcome.added == ["My-notes.txt"]
    assert len(outcome.rejected) == 2
    assert "data.txt: binary file, not text" in outcome.rejected
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and p.parent == folder) == [
        "My-notes.txt"
    ]
    assert not good.exists() and binary.exists()  # the accepted one moved, the others stay
    assert not files.remove(folder, "../uploads/data.txt")
    assert binary.exists()
    assert files.remove(folder, "My-notes.txt")


def test_upload_takes_word_files_and_refuses_unusable_ones(tmp_path: Path) -> None:
    uploads = tmp_path / "uploads"
    good = write(uploads, "Glacier notes.docx", word_file())
    broken = write(uploads, "x.docx", b"\x07not a zip" * 100)
    locked = write(uploads, "locked.docx", ole_file("EncryptionInfo", "EncryptedPackage"))
    old = write(uploads, "old.doc", ole_file("WordDocument"))
    folder = tmp_path / "sources"
    outcome = files.add(folder, [good, broken, locked, old])
    assert outcome.added == ["Glacier-notes.docx"] and files.listed(folder) == outcome.added
    assert outcome.rejected == [
        "x.docx: corrupt Word file (not a zip package)",
        "locked.docx: encrypted Word file (needs a password)",
        "old.doc: only .txt, .md, .html, .htm, .pdf, .docx files are accepted",
    ]


def test_source_text_never_becomes_markup() -> None:
    payload = "<script>alert(1)</script> <img src=x onerror=alert(2)> *bold* [7] $$x$$"
    html = render.esc(payload)
    assert "<" not in html and ">" not in html and "*" not in html and "$" not in html
    message = render.answer_message(f"“{payload}” [1]", 0, 1, False, "")
    assert message.count("<a ") == 1  # only the real marker became a chip
    assert "<script" not in message and "<img" not in message


def test_a_summary_shows_its_quotes_under_escaped_source_titles() -> None:
    text = (
        "### Glaciers <b>of</b> the Karakoram\n\n"
        "- “The ice holds on.” [1]\n- “It melts *fast*.” [2]\n\n"
        "### Monsoon Notes\n\nThis source says nothing about “silt”."
    )
    message = render.answer_message(text, 3, 2, False, "", "summary")
    assert message.startswith('<div class="answer grouped">')
    assert message.count('<div class="group-title">') == 2 and "<b>" not in message
    assert message.count("<li>") == 2 and message.count('<a class="cite-chip"') == 2
    assert 'href="#ev-3-2"' in message and "###" not in message and "*" not in message
    fact = render.answer_message(text, 3, 2, False, "", "fact")  # only grouped intents list
    assert "group-title" not in fact and fact.count("<p>") == 4


def test_a_chat_turn_sends_only_itself(server: Server) -> None:
    """The page's chat event, driven over HTTP as the browser drives it, for 50 turns: the 50th
    turn's outputs are no larger than the 1st's once numbers are set aside (the turn number is
    in every chip and card id: ev-49-1 against ev-0-1), its bytes differing by those digits."""
    from benchmarks.pageclient import Call, PageSession, open_page

    question = "How many people were killed in the attack on the army school in Peshawar?"

    async def conversation() -> list[Call]:
        client, events = await open_page(server.url)
        session = PageSession(client, events)
        calls = [await session.ask(question) for _ in range(50)]
        await client.aclose()
        return calls

    calls = asyncio.run(conversation())
    assert all(c.ok for c in calls), [c.error for c in calls if not c.ok]
    turns = [v["turn"] for c in calls for v in c.outputs if isinstance(v, dict) and "turn" in v]
    assert turns == list(range(50))  # one conversation, kept on the server
    first, last = calls[0], calls[-1]
    print(f"turn payload: 1st {first.payload} bytes, 50th {last.payload}")
    assert last.sent <= first.sent
    assert last.shape <= first.shape
    assert last.payload <= first.payload + 20  # measured: 4,124 and 4,133 (nine ids, one digit)


def test_a_busy_port_is_one_line_naming_the_way_out(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        folder = tmp_path / "sources"
        shutil.copytree(SOURCES, folder)
        run = subprocess.run(
            [sys.executable, "-m", "assistant", "serve", "--port", str(port),
             "--sources", str(folder), "--index", str(tmp_path / "index")],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [
        f"error: port {port} is in use: choose another with --port N (make chat PORT=N)"
    ]
    assert "Web chat on" not in run.stdout
    assert not (tmp_path / "index").exists()  # it stopped before any set-up
