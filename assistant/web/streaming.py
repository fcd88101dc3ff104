"""The chat turn that streams a written answer, for a web chat with an answer writer configured.

`ChatHandlers.write` is `Handlers.respond` as a Gradio generator over `Assistant.stream`: the
quotes appear at once with "Writing an answer…" beneath them, then the written answer grows
there, each sentence marked as it completes (written.py draws it), and the last message is final.
Only what changed travels, at most every MIN_INTERVAL: the question box is cleared once (a
question typed meanwhile stays), the evidence panel is sent when a new span is cited, the
conversation moves on at the end. A failure to write (the llm extra or the model file missing)
is the quotes with a one-line note, as the model's own errors and time-outs already are. "quotes
only" skips the model. What it leaves out: the page's side (assets.py) and every answering rule.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import gradio as gr

from assistant.core.types import Answer
from assistant.web import render, written
from assistant.web.handlers import (
    Conversation,
    Handlers,
    searched,
    turn_payload,
    whole_number,
    within,
)

MIN_INTERVAL = 0.1
"""Seconds between two updates of a message being written: each update re-sends the whole
message, and a model writing 40 tokens a second would otherwise send it 40 times; ten a second
reads as smooth. A sentence that cites a new span is sent at once; the final message always is."""


class ChatHandlers(Handlers):
    """The web chat's handlers, with the turn that writes."""

    def write(
        self,
        question: str,
        conv: Conversation,
        top_k: float,
        show_hits: bool,
        mode: str | None,
        chosen: list[str] | None = None,
        request: gr.Request | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Chat turn with a writer configured; its outputs are `respond`'s, sent as they change.
        `mode` "quotes only" answers as `respond` does without a writer. The final answer is
        saved as `respond` saves it."""
        conv = within(conv, chosen)
        q = self._question(question, conv)
        if isinstance(q, tuple):
            yield q
            return
        for outputs, answer in self._writing(q, conv, top_k, show_hits, mode):
            if answer is not None:  # the last outputs: the turn is complete
                outputs = (*outputs[:2], self.saved(outputs[2], q, answer, request), *outputs[3:])
            yield outputs

    def _writing(
        self, q: str, conv: Conversation, top_k: float, show_hits: bool, mode: str | None
    ) -> Iterator[tuple[tuple[Any, ...], Answer | None]]:
        """The turn's outputs, each with None but the last answered one, with its answer."""
        history, k = list(conv.history), whole_number(top_k)
        within = list(conv.sources) or None
        snapshots = self.assistant.stream(q, history, k, within)  # type: ignore[arg-type]
        try:
            quotes = self._guarded(q, lambda: next(snapshots))
            if isinstance(quotes, str):
                yield self._refused(q, quotes, conv), None
            elif mode == written.QUOTES_ONLY:
                yield self._shown(q, quotes, conv, show_hits), quotes
            else:
                yield from self._written(q, quotes, self._rest(q, quotes, snapshots), conv,
                                         show_hits)  # fmt: skip
        finally:  # a page gone or cleared mid-answer stops the model at its next token
            getattr(snapshots, "close", lambda: None)()

    def _rest(self, q: str, quotes: Answer, snapshots: Iterator[Answer]) -> Iterator[Answer]:
        """The snapshots after the quotes, the last one final; a failure ends them with the
        quotes and a note saying why. Notes name no server path."""
        try:
            for snapshot in snapshots:
                yield replace(snapshot, note=self.public(snapshot.note))
        except Exception as exc:
            yield replace(quotes, note=f"Showing quotes: {self._failure(q, exc).rstrip('.')}.")

    def _written(
        self, q: str, quotes: Answer, rest: Iterator[Answer], conv: Conversation, show_hits: bool
    ) -> Iterator[tuple[tuple[Any, ...], Answer | None]]:
        n, asked = conv.turns, searched(quotes, q)
        cards = written.Cards(list(quotes.citations))
        message = written.turn_message(quotes, None, n, asked, cards, done=False)
        yield ("", turn_payload(n, q, message), conv,
               self._panel(n, quotes, cards, show_hits)), None  # fmt: skip
        last, sent = quotes, time.monotonic()
        for last, final in _marked_last(rest):
            if final:  # sent once below, as final: a fallback note is never shown as streaming
                break
            known = len(cards.citations)
            now = written.turn_message(quotes, last, n, asked, cards, done=False)
            grew = len(cards.citations) > known
            soon = time.monotonic() - sent < MIN_INTERVAL
            if now != message and (grew or not soon):  # some pieces change nothing
                message, sent = now, time.monotonic()
                panel = self._panel(n, quotes, cards, show_hits) if grew else gr.skip()
                yield (gr.skip(), turn_payload(n, q, message), conv, panel), None
        cards = written.Cards(list(quotes.citations))  # afresh: a fallback keeps no written card
        message = written.turn_message(quotes, last, n, asked, cards, done=True)
        latest = self._latest(n, written.evidence_answer(quotes, cards))
        conv = self._next(conv, q, last, latest)
        panel = render.evidence_panel(latest, show_hits)
        yield (gr.skip(), turn_payload(n, q, message), conv, panel), last

    def _panel(self, n: int, quotes: Answer, cards: written.Cards, show_hits: bool) -> str:
        latest = self._latest(n, written.evidence_answer(quotes, cards))
        return render.evidence_panel(latest, show_hits)


def _marked_last(items: Iterator[Answer]) -> Iterator[tuple[Answer, bool]]:
    """Each item with whether it is the last one."""
    it = iter(items)
    previous = next(it, None)
    for item in it:
        yield previous, False  # type: ignore[misc]
        previous = item
    if previous is not None:
        yield previous, True
