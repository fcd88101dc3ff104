"""Saved conversations in a real headless Chromium: reload, new chat, rename, search, delete,
export, copy, asking within chosen sources and the source viewer.

One module-scoped server (with the owner cookie, as `serve` has it) runs over a copy of the
sources plus a third file that also answers the Peshawar question, so a choice of sources shows.
Each test has its own browser context, so its own cookie: its own conversations.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Server, indexed_copy, running_app
from tests.test_browser import INDIA, PESHAWAR, ask, settled_answer
from tests.test_web_conversations import NOTES

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore:::gradio.queueing")]

TALIBAN = "pakistan-and-the-afghan-taliban-friends-becoming-foes.txt"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("browser-conversations")
    assistant = indexed_copy(root, {"school-notes.txt": NOTES})
    assistant.answer("warm up")
    with running_app(assistant) as server:
        yield server


def answers(page: Any, count: int) -> Any:
    page.wait_for_function(
        "n => document.querySelectorAll('#chat .answer:not(.pending)').length === n", arg=count
    )
    return page.locator("#chat .answer")


def listed(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#conversations label").all_inner_texts()]


def wait_listed(page: Any, titles: list[str]) -> None:
    page.wait_for_function(
        "t => JSON.stringify([...document.querySelectorAll('#conversations label')]"
        ".map(l => l.innerText.trim())) === JSON.stringify(t)",
        arg=titles,
    )


def chip_opens_its_quote(page: Any, answer: Any, excerpt: str) -> None:
    answer.locator("a.cite-chip").first.click()
    mark = page.locator("#evidence-panel .ev-turn:not(.ev-hidden) .ev-card.selected mark")
    mark.wait_for(state="visible")
    assert mark.inner_text() == excerpt


def test_a_reload_brings_the_conversation_back_with_working_chips(
    page: Any, server: Server
) -> None:
    first, second = server.assistant.answer(PESHAWAR), server.assistant.answer(INDIA)
    ask(page, PESHAWAR)
    settled_answer(page)
    ask(page, INDIA)
    settled_answer(page)
    wait_listed(page, [PESHAWAR])
    page.reload()
    shown = answers(page, 2)
    assert "145" in shown.nth(0).inner_text()
    assert listed(page) == [PESHAWAR]
    chip_opens_its_quote(page, shown.nth(0), first.citations[0].excerpt)
    chip_opens_its_quote(page, shown.nth(1), second.citations[0].excerpt)
    ask(page, "Who does the TTP primarily target?")  # the conversation goes on after the reload
    assert settled_answer(page).locator("a.cite-chip").count() >= 1
    assert len(answers(page, 3).all()) == 3 and not page.dialogs


def test_new_chat_rename_search_and_delete(page: Any) -> None:
    ask(page, PESHAWAR)
    settled_answer(page)
    page.locator("#new-chat").click()
    page.wait_for_function("() => !document.querySelector('#chat .answer')")
    wait_listed(page, [PESHAWAR])  # the old one is in the list, none open
    ask(page, INDIA)
    settled_answer(page)
    wait_listed(page, [INDIA, PESHAWAR])  # newest first
    title = page.locator("#conv-title textarea")
    title.fill("India and the Taliban")
    page.locator("#rename").click()
    wait_listed(page, ["India and the Taliban", PESHAWAR])
    page.locator("#conv-search textarea").fill("Peshawar")  # a question's words
    wait_listed(page, [PESHAWAR])
    page.locator("#conv-search textarea").fill("")
    wait_listed(page, ["India and the Taliban", PESHAWAR])
    page.locator("#conversations label", has_text=PESHAWAR).click()
    page.wait_for_function("() => document.querySelector('#chat .answer').innerText.includes(145)")
    assert len(answers(page, 1).all()) == 1
    page.locator("#delete").click()
    confirm = page.locator("#confirm-delete")
    confirm.wait_for(state="visible")
    assert listed(page) == ["India and the Taliban", PESHAWAR]  # asked, not yet deleted
    confirm.click()
    wait_listed(page, ["India and the Taliban"])
    page.wait_for_function("() => !document.querySelector('#chat .answer')")
    confirm.wait_for(state="hidden")
    assert not page.dialogs


def test_export_markdown_quotes_reproduce_their_sources(page: Any, server: Server) -> None:
    ask(page, PESHAWAR)
    settled_answer(page)
    ask(page, "Summarize Pakistan Reaps What It Sowed")
    settled_answer(page)
    wait_listed(page, [PESHAWAR])
    with page.expect_download() as download:
        page.locator("#export-md").click()
    assert download.value.suggested_filename.endswith(".md")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    quotes = re.findall(r"^\[\d+\] .*? — `([^`]+)`, characters (\d+)–(\d+).*\n\n((?:>.*\n)+)",
                        text, re.M)  # fmt: skip
    assert len(quotes) >= 3 and text.startswith(f"# {PESHAWAR}")
    for source, start, end, block in quotes:
        excerpt = "\n".join(line[2:] for line in block.rstrip("\n").split("\n"))
        assert server.assistant.source_text(source)[int(start) : int(end)] == excerpt
    with page.expect_download() as download:
        page.locator("#export-json").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["turns"][0]["question"] == PESHAWAR
    assert data["turns"][0]["answer"]["citations"]


def test_copy_puts_the_answer_and_its_quotes_on_the_clipboard(page: Any, server: Server) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    expected = server.assistant.answer(PESHAWAR)
    ask(page, PESHAWAR)
    settled_answer(page).locator(".copy-answer").click()
    page.wait_for_selector(".copy-answer.copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "145" in copied and expected.citations[0].excerpt in copied
    assert expected.citations[0].source in copied


def test_with_two_sources_chosen_every_citation_comes_from_them(page: Any) -> None:
    chosen = ["school-notes.txt", TALIBAN]
    box = page.locator("#source-choice input")
    for name in chosen:
        box.click()
        page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")
    ask(page, PESHAWAR)  # at once: the turn reads the box, not the choice's own event
    settled_answer(page)
    files = page.locator("#evidence-panel .ev-card .ev-file").all_inner_texts()
    assert files and all(f.split(" · ")[0] in chosen for f in files), files
    page.reload()  # kept with the conversation
    answers(page, 1)
    page.wait_for_function("() => document.querySelectorAll('#source-choice .token').length === 2")


def test_a_citations_file_name_opens_the_viewer_at_the_span(page: Any, server: Server) -> None:
    expected = server.assistant.answer(INDIA).citations[0]
    ask(page, INDIA)
    settled_answer(page)
    page.locator("#evidence-panel .ev-card.selected a.open-source").click()
    mark = page.locator("#source-viewer mark#viewer-mark")
    mark.wait_for(state="visible")
    assert mark.inner_text() == expected.excerpt
    viewer = page.locator("#source-viewer")
    text = viewer.locator(".viewer-text").inner_text()
    assert len(text) > 5 * len(expected.excerpt)  # the whole source, not just the quote
    page.wait_for_function(
        "() => { const m = document.getElementById('viewer-mark').getBoundingClientRect();"
        " const v = document.getElementById('source-viewer').getBoundingClientRect();"
        " return m.top >= v.top - 1 && m.top <= v.bottom; }"
    )  # scrolled into view inside the viewer
    page.screenshot(path=str(ROOT / "test-artifacts" / "source-viewer.png"))
    assert not page.dialogs
