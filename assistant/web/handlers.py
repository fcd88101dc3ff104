"""The web chat's event handlers: one `Handlers` holds the Assistant and its sources folder.

Each method backs one event that `app.build_app` wires up. `ask` and `list_sources` are the public
API endpoints, so their signatures and docstrings are what `gradio_client` users see; the rest
feed the page. A library error never escapes: it becomes one clear line in the chat or status box.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api import Assistant
from assistant.core.errors import AssistantError
from assistant.core.types import Answer
from assistant.web import files, render

log = logging.getLogger(__name__)

STREAM_STEP_SECONDS = 0.02  # pause between streamed pieces of three words
Messages = list[dict[str, Any]]
Turns = list[dict[str, str]]


def _message(role: str, content: str) -> dict[str, Any]:
    return {"role": role, "content": content}


class Handlers:
    """The event handlers of one web chat over `assistant`."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.folder = assistant.settings.sources

    def respond(
        self,
        question: str,
        chat: Messages,
        history: Messages,
        turns: Turns,
        top_k: float,
        show_hits: bool,
    ) -> Iterator[tuple[Any, ...]]:
        """Chat turn: show the question at once with a pending reply, then stream the answer."""
        q = (question or "").strip()
        if not q:
            yield gr.skip(), chat, history, turns, gr.skip()
            return
        chat = [*chat, _message("user", render.user_message(q))]
        pending = _message("assistant", render.pending_message())
        yield "", [*chat, pending], history, turns, gr.skip()
        answer = self._answer(q, history, int(top_k))
        if isinstance(answer, str):
            chat.append(_message("assistant", render.error_message(answer)))
            yield gr.skip(), chat, history, turns, gr.skip()
            return
        yield from self._stream(q, answer, chat, history, turns, show_hits)

    def _answer(self, q: str, history: Messages, top_k: int) -> Answer | str:
        """The answer, or the one line to show in its place when answering fails."""
        try:
            return self.assistant.answer(q, history, top_k)
        except AssistantError as exc:
            return str(exc)
        except Exception as exc:  # a bug, not the user's doing: log it, show one line
            log.exception("answer failed")
            return f"Something went wrong: {exc}"

    def _stream(
        self,
        q: str,
        answer: Answer,
        chat: Messages,
        history: Messages,
        turns: Turns,
        show_hits: bool,
    ) -> Iterator[tuple[Any, ...]]:
        turn = len(turns)
        evidence = render.evidence_turn(turn, answer, self.assistant.source_text)
        turns = [*turns, {"evidence": evidence, "hits": render.hits_turn(answer.hits)}]
        history = [*history, _message("user", q), _message("assistant", answer.text)]
        searched = answer.query if answer.query.strip().lower() != q.lower() else ""
        panel = render.evidence_panel(turns, show_hits)
        for i, prefix in enumerate(render.stream_prefixes(answer.text)):
            if i:
                time.sleep(STREAM_STEP_SECONDS)
            content = render.answer_message(
                prefix, turn, len(answer.citations), answer.abstained, searched
            )
            # The evidence is final before the text streams, so only the first piece carries it.
            update = panel if i == 0 else gr.skip()
            yield gr.skip(), [*chat, _message("assistant", content)], history, turns, update

    @staticmethod
    def reset() -> tuple[Messages, Turns, str]:
        return [], [], render.evidence_panel([], False)

    @staticmethod
    def pick_example(event: gr.SelectData) -> str:
        value = event.value
        return str(value.get("text", "")) if isinstance(value, dict) else str(value)

    def sources_view(self) -> tuple[str, Any]:
        """The sources table and the remove dropdown's choices, from the folder and the index."""
        listed = files.listed(self.folder)
        try:
            indexed = self.assistant.sources()
        except (AssistantError, OSError, ValueError) as exc:
            # A missing or broken index must not hide the files: show them as not indexed.
            log.warning("cannot read the index manifest: %s", exc)
            indexed = []
        table = render.sources_table(indexed, listed, self.folder)
        return table, gr.update(choices=listed, value=None)

    def upload(self, paths: list[str] | None) -> tuple[Any, ...]:
        # The trailing None empties the uploader: its files are now in the folder or rejected.
        try:
            outcome = files.add(self.folder, [Path(p) for p in paths or []])
        except OSError as exc:
            return (f"Not added: {exc.strerror or exc}", *self.sources_view(), None)
        lines = []
        if outcome.added:
            lines.append(f"Added {', '.join(outcome.added)}. Rebuild the index to answer from it.")
        lines += [f"Not added: {reason}" for reason in outcome.rejected]
        return ("\n".join(lines), *self.sources_view(), None)

    def remove(self, name: str | None) -> tuple[Any, ...]:
        if not name:
            return ("Choose a source to remove.", *self.sources_view())
        try:
            removed = files.remove(self.folder, name)
        except OSError as exc:
            return (f"Not removed: {exc.strerror or exc}", *self.sources_view())
        if not removed:
            return (f"Not removed: {name} is not a source file.", *self.sources_view())
        return (f"Removed {name}. Rebuild the index to drop its passages.", *self.sources_view())

    def rebuild(self, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        # Gradio sees this default and passes in a live tracker, shown over the status box.
        def report(done: int, total: int) -> None:
            progress((done, max(total, 1)), desc="Embedding passages", unit="passages")

        progress(0, desc="Reading sources")
        try:
            line = self.assistant.index(progress=report).line()
        except AssistantError as exc:
            line = f"Index not rebuilt: {exc}"
        return line

    def ask(self, question: str, top_k: int = 0) -> dict[str, Any]:
        """Answer a question: text, citations with offsets, abstained, query, retrieved passages."""
        try:
            answer = self.assistant.answer(question, None, top_k or None)
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None
        data = answer.to_dict()
        data["hits"] = [
            {"source": h.chunk.source, "title": h.chunk.title, "start": h.chunk.start,
             "end": h.chunk.end, "score": h.score, "dense_rank": h.dense_rank,
             "keyword_rank": h.keyword_rank}
            for h in answer.hits
        ]  # fmt: skip
        return data

    def list_sources(self) -> list[dict[str, Any]]:
        """The indexed sources: file, title, number of passages, indexing time (unix seconds)."""
        return [
            {"source": s.source, "title": s.title, "chunks": s.chunks, "indexed_at": s.indexed_at}
            for s in self.assistant.sources()
        ]
