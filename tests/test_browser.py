"""The web chat in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright).

One module-scoped server runs over a temporary copy of the sources plus a file whose title and text
carry HTML and script payloads, with the real model and Chroma index. The tests ask questions, click
citation chips, upload and index a new source, check that payloads stay inert text, and measure the
time from pressing Enter to the first visible words of an answer (written to
test-artifacts/first-words.json, not asserted). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ARTIFACTS, Server, indexed_copy, running_app

PESHAWAR = "How many people were killed in the attack on the army school in Peshawar?"
INDIA = "What role did India play in Pakistan's decision to back the Taliban?"
SUMMARY = "Summarize Pakistan Reaps What It Sowed"
PAYLOAD = """Harbour festival notice <script>alert('title')</script>

The harbour festival banner read <script>alert('xss')</script> in tall red letters above the pier.

The poster beside the ticket booth showed <img src=x onerror=alert('img')> and a drawing of a gull.
"""
UPLOAD = (
    "Lighthouse keeper's notes\n\n"
    "The Skerry Point lighthouse was painted with green and white stripes in 1911, after the old "
    "red paint had faded.\n\n"
    "The lamp at Skerry Point can be seen from 23 nautical miles away on a clear night.\n\n"
    + "\n\n".join(
        f"Tide log, day {day}. The water at dawn stood at {80 + 7 * day % 150} centimetres and "
        f"{day % 9 + 1} fishing boats left the basin before noon."
        for day in range(1, 400)
    )  # enough text that the rebuild takes a few seconds, so questions can overlap it
)
TIMED_QUESTIONS = [
    PESHAWAR,
    INDIA,
    "Why did the Taliban restore relations with Pakistan while U.S. forces were still in "
    "Afghanistan?",
    "For how long did Imran Khan rule Pakistan?",
    "Who does the TTP primarily target?",
    "Out of which provinces of British India was Pakistan created?",
    "What did Pakistan's own Pashtun nationalists call for?",
    "Who inside Pakistan gives the Afghan militants political backing?",
    "What kind of coalition does Shehbaz Sharif head?",
    "To what does Pakistan now attribute its security woes?",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:::gradio.queueing"),  # pandas deprecations inside gradio
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    assistant = indexed_copy(tmp_path_factory.mktemp("browser"), {"festival-notice.txt": PAYLOAD})
    assistant.answer("warm up")
    with running_app(assistant) as server:
        yield server


def ask(page: Any, question: str) -> None:
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")


def settled_answer(page: Any, timeout: float = 20.0) -> Any:
    """The last answer once it stops changing (streaming done)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        answers = page.locator("#chat .answer:not(.pending)")
        if answers.count():
            text = answers.last.inner_text()
            if text and text == last and not page.locator("#chat .answer.pending").count():
                return answers.last
            last = text
        time.sleep(0.25)
    raise AssertionError("no answer appeared")


def test_answer_chips_and_highlighted_evidence(page: Any, server: Server) -> None:
    expected = server.assistant.answer(PESHAWAR)
    ask(page, PESHAWAR)
    answer = settled_answer(page)
    assert "145" in answer.inner_text()
    chips = answer.locator("a.cite-chip")
    assert chips.count() == len(expected.citations) >= 1
    page.screenshot(path=ARTIFACTS / "chat-answer.png")
    chips.first.click()
    mark = page.locator("#evidence-panel .ev-card.selected mark")
    mark.wait_for(state="visible")
    assert mark.inner_text() == expected.citations[0].excerpt
    card = page.locator("#evidence-panel .ev-card.selected")
    assert expected.citations[0].source in card.inner_text()
    assert len(card.locator(".ev-context").inner_text()) > len(expected.citations[0].excerpt)

    second = server.assistant.answer(INDIA)
    ask(page, INDIA)
    answer = settled_answer(page)
    chips = answer.locator("a.cite-chip")
    assert chips.count() == len(second.citations)
    chips.last.click()
    selected = page.locator("#evidence-panel .ev-card.selected mark")
    assert selected.inner_text() == second.citations[-1].excerpt
    page.wait_for_timeout(400)  # let the smooth scroll finish before the screenshot
    page.screenshot(path=ARTIFACTS / "chat.png")
    # a chip of the earlier answer brings that answer's evidence back
    page.locator("#chat a.cite-chip").first.click()
    assert page.locator("#evidence-panel .ev-card.selected mark").inner_text() == (
        expected.citations[0].excerpt
    )


def test_a_summary_is_grouped_under_its_title_with_working_chips(page: Any, server: Server) -> None:
    expected = server.assistant.answer(SUMMARY)
    assert expected.intent == "summary" and len(expected.citations) >= 3
    ask(page, SUMMARY)
    answer = settled_answer(page)
    assert answer.locator(".group-title").all_inner_texts() == [expected.citations[0].title]
    quotes = answer.locator("ul.group-quotes li")
    assert quotes.count() == len(expected.citations)
    chips = answer.locator("a.cite-chip")
    assert chips.count() == len(expected.citations)
    page.screenshot(path=ARTIFACTS / "chat-summary.png")
    chips.nth(2).click()
    mark = page.locator("#evidence-panel .ev-card.selected mark")
    mark.wait_for(state="visible")
    assert mark.inner_text() == expected.citations[2].excerpt
    card = page.locator("#evidence-panel .ev-card.selected")
    assert expected.citations[2].source in card.inner_text()


def test_retrieved_passages_switch(page: Any) -> None:
    ask(page, PESHAWAR)
    settled_answer(page)
    page.locator("#settings").get_by_text("Settings", exact=True).click()
    page.get_by_label("Show retrieved passages with scores").check()
    hits = page.locator("#evidence-panel .hit")
    hits.first.wait_for(state="visible")
    assert hits.count() >= 1
    assert "score" in hits.first.inner_text()


def test_upload_indexes_by_itself_and_remove_stops_citing(
    page: Any, server: Server, tmp_path: Path
) -> None:
    upload = tmp_path / "Lighthouse notes.txt"
    upload.write_text(UPLOAD, encoding="utf-8")
    page.get_by_role("tab", name="Sources").click()
    page.locator("#upload input[type=file]").set_input_files(str(upload))
    status = page.locator("#status textarea")
    page.get_by_role("tab", name="Chat").click()
    ask(page, PESHAWAR)  # questions keep working while the new source is indexed
    page.locator("#chat .answer:not(.pending)").first.wait_for()
    indexed_before_answer = status.input_value().startswith("Added")
    assert "145" in settled_answer(page).inner_text()

    page.get_by_role("tab", name="Sources").click()
    page.wait_for_function(
        "() => document.querySelector('#status textarea').value.startsWith('Added')",
        timeout=120_000,
    )
    assert "Lighthouse-notes.txt" in status.input_value()
    assert "\nIndexed " in status.input_value()
    assert (server.folder / "Lighthouse-notes.txt").exists()
    table = page.locator("#sources-table")
    table.get_by_text("Lighthouse keeper's notes").wait_for()
    assert "rebuild to index" not in table.inner_text()
    assert str(server.folder) not in table.inner_text()  # no server paths
    page.wait_for_timeout(500)  # let the progress overlay fade before the screenshot
    page.screenshot(path=ARTIFACTS / "sources.png")

    page.get_by_role("tab", name="Chat").click()
    lighthouse = "What colours was the Skerry Point lighthouse painted?"
    ask(page, lighthouse)
    answer = settled_answer(page)
    assert "green and white stripes" in answer.inner_text()
    answer.locator("a.cite-chip").first.click()
    card = page.locator("#evidence-panel .ev-card.selected")
    assert "Lighthouse-notes.txt" in card.inner_text()
    page.screenshot(path=ARTIFACTS / "chat-uploaded-source.png")

    page.get_by_role("tab", name="Sources").click()
    page.locator("#remove input").click()
    page.get_by_role("option", name="Lighthouse-notes.txt").click()
    page.get_by_role("button", name="Remove source").click()
    confirm = page.get_by_role("button", name="Yes, move it to the trash")
    confirm.wait_for()  # the first click only asks
    assert (server.folder / "Lighthouse-notes.txt").exists()
    confirm.click()
    page.wait_for_function(
        "() => document.querySelector('#status textarea').value.startsWith('Removed')",
        timeout=120_000,
    )
    assert not (server.folder / "Lighthouse-notes.txt").exists()
    assert list((server.folder / ".assistant-trash").rglob("Lighthouse-notes.txt"))  # kept
    assert "Lighthouse" not in page.locator("#sources-table").inner_text()
    page.get_by_role("tab", name="Chat").click()
    ask(page, lighthouse)
    assert "green and white stripes" not in settled_answer(page).inner_text()
    assert not indexed_before_answer, "the answer should arrive while the new source is indexed"


def test_html_and_script_in_a_source_render_as_text(page: Any) -> None:
    ask(page, "What did the harbour festival banner read?")
    answer = settled_answer(page)
    assert "<script>alert('xss')</script>" in answer.inner_text()
    ask(page, "What did the poster beside the ticket booth show?")
    answer = settled_answer(page)
    assert "<img src=x onerror=alert('img')>" in answer.inner_text()
    shown = page.locator("#evidence-panel .ev-turn:not(.ev-hidden) .ev-card")
    assert "<img src=x onerror=alert('img')>" in shown.first.inner_text()
    page.get_by_role("tab", name="Sources").click()
    table = page.locator("#sources-table")
    table.get_by_text("festival-notice.txt").wait_for()
    assert "<script>alert('title')</script>" in table.inner_text()
    page.get_by_role("tab", name="Chat").click()
    page.wait_for_timeout(500)
    page.screenshot(path=ARTIFACTS / "payload-inert.png")
    injected = "#chat script, #chat img[onerror], #evidence-panel script, #sources-table script"
    assert page.locator(injected).count() == 0
    assert page.evaluate("() => document.querySelectorAll('img[onerror]').length") == 0
    assert page.dialogs == []


FIRST_WORDS_JS = """() => {
  const box = document.querySelector('#question textarea');
  const chat = document.querySelector('#chat');
  window.__fw = { enter: null, first: null, seen: 0 };
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      window.__fw.enter = performance.now();
      window.__fw.first = null;
      window.__fw.seen = chat.querySelectorAll('.answer:not(.pending)').length;
    }
  }, true);
  new MutationObserver(() => {
    const fw = window.__fw;
    if (fw.enter === null || fw.first !== null) return;
    const answers = chat.querySelectorAll('.answer:not(.pending)');
    if (answers.length > fw.seen && answers[answers.length - 1].textContent.trim()) {
      fw.first = performance.now();
    }
  }).observe(chat, { subtree: true, childList: true, characterData: true });
}"""


def test_a_question_shows_at_once_escaped_and_only_once(page: Any) -> None:
    """The page's own echo of a question (before the server has it), run in Chromium: markup in
    the question stays text, the reply is pending, and a second question while one is pending
    adds nothing (the server ignores it too)."""
    from assistant.web import assets

    echo = f"({assets.ECHO_QUESTION})"
    question = "<img src=x onerror=alert(1)> *bold* 5 < 6 — Peshawar?"
    chat = page.evaluate(f"{echo}([], {json.dumps(question)})")[0]
    assert [m["role"] for m in chat] == ["user", "assistant"]
    html = chat[0]["content"][0]["text"]
    assert "<img" not in html and "*" not in html and "Peshawar" in html
    shown = page.evaluate("(h) => { const d = document.createElement('div'); d.innerHTML = h; "
                          "return d.textContent; }", html)  # fmt: skip
    assert shown == question
    assert "answer pending" in chat[1]["content"][0]["text"]
    assert page.evaluate(f"{echo}({json.dumps(chat)}, 'another')")[0] == chat
    assert page.evaluate(f"{echo}([], '   ')")[0] == []


def test_time_to_first_words(page: Any) -> None:
    page.evaluate(FIRST_WORDS_JS)
    samples = []
    for question in TIMED_QUESTIONS:
        ask(page, question)
        page.wait_for_function("() => window.__fw.first !== null", timeout=20_000)
        samples.append(page.evaluate("() => window.__fw.first - window.__fw.enter"))
        settled_answer(page)
    ordered = sorted(samples)
    report = {
        "questions": len(samples),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
        "samples_ms": [round(s, 1) for s in samples],
        "method": "In the page: performance.now() at the Enter keydown on the question box, and "
        "when a MutationObserver on the chatbot first sees a new non-pending answer with text; "
        "headless Debian chromium, server on 127.0.0.1, model warmed up, one conversation.",
    }
    (ARTIFACTS / "first-words.json").write_text(json.dumps(report, indent=2) + "\n")
