"""The web chat's event handlers: one `Handlers` holds the Assistant and its sources folder.

Each method backs one event that `app.build_app` wires up. `ask` and `list_sources` are the public
API endpoints, so their signatures and docstrings are what `gradio_client` users see; the rest
feed the page. A library error never escapes: it becomes one clear line in the chat or status box.
The server's log gets one line per failure: an expected refusal (an empty or over-long question)
never with a traceback, an unexpected error with its traceback when the log level is DEBUG.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api import Assistant
from assistant.core.errors import AssistantError, BadQuestion, EmptyQuestion, IndexDamaged
from assistant.core.inputs import clean_question, shown
from assistant.core.types import Answer
from assistant.web import render
from assistant.web.owner import owner_of
from assistant.web.store import Store

log = logging.getLogger(__name__)

HISTORY_MESSAGES = 12  # earlier messages kept for follow-ups; the rewrite reads only recent ones
Messages = list[dict[str, Any]]


def _log_failure(level: int, exc: Exception, question: str) -> None:
    """One line with the stage, the error's kind and the question's length, never its text
    (nor the error's message, which may quote it). An expected refusal (a library error: a
    question too long or empty, a bad top_k) is that line alone, whatever the level; an
    unexpected error adds its traceback when DEBUG is on."""
    source = getattr(exc, "source", "")
    unexpected = not isinstance(exc, AssistantError)
    log.log(level, "stage=answer error=%s question_chars=%d%s", type(exc).__name__,
            len(question), f" source={source}" if source else "",
            exc_info=unexpected and log.isEnabledFor(logging.DEBUG))  # fmt: skip


def whole_number(value: object) -> object:
    """The slider's number as an int when it is whole; anything else goes on to be refused."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class Public:
    """A message as a remote user may see it: the server's folders named, not their paths."""

    def __init__(self, *folders: Path) -> None:
        paths = {str(p) for f in folders for p in (f.expanduser().absolute(), f.resolve())}
        self.paths = sorted(((p, Path(p).name) for p in paths), key=lambda p: -len(p[0]))

    def __call__(self, text: str) -> str:
        for path, name in self.paths:
            text = text.replace(path, name)
        return text


def damaged(exc: IndexDamaged, read_only: bool) -> str:
    """What a chat user is told while the index is broken, and who can mend it."""
    mend = (
        "the server's administrator can rebuild it with `assistant index`"
        if read_only
        else "press Rebuild index on the Sources tab to rebuild it from the sources"
    )
    return f"The index is damaged ({exc.problem}): {mend}. Answers resume after the rebuild."


def _message(role: str, content: str) -> dict[str, Any]:
    return {"role": role, "content": content}


def _shown(role: str, html: str) -> dict[str, Any]:
    """A chat message in the form the page's Chatbot holds, so the browser can append it as is."""
    return {"role": role, "metadata": None, "content": [{"type": "text", "text": html}],
            "options": None}  # fmt: skip


@dataclass(frozen=True)
class Conversation:
    """One browser session's chat as the server keeps it (in a gr.State, never sent to the page):
    the plain-text history follow-ups need, how many turns were shown, the latest evidence, the
    stored conversation's id ("" until its first answer is saved) and the sources it asks within
    (empty: all). The id is only ever set by the server, after checking the owner."""

    history: tuple[dict[str, str], ...] = ()
    turns: int = 0
    latest: render.Turn | None = None
    id: str = ""
    sources: tuple[str, ...] = ()


def searched(answer: Answer, q: str) -> str:
    """The search actually run, when it is not the question itself (a rewritten follow-up)."""
    return answer.query if answer.query.strip().lower() != q.lower() else ""


def within(conv: Conversation, chosen: list[str] | None) -> Conversation:
    """conv asking within the sources the page shows chosen (None: as conv keeps them). A turn
    reads the box itself: a pick made just before Enter then counts even when its own event
    (saved.choose) has not yet reached the conversation's state."""
    return conv if chosen is None else replace(conv, sources=tuple(str(n) for n in chosen))


def turn_payload(number: int, question: str, reply: str) -> dict[str, Any]:
    """What one chat turn sends to the page: its number and its two messages (see assets.JS)."""
    asked = _shown("user", render.user_message(question))
    return {"turn": number, "messages": [asked, _shown("assistant", reply)]}


class Handlers:
    """The event handlers of one web chat over `assistant`."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.folder = assistant.settings.sources
        s = assistant.settings
        kind, _, model = s.llm.partition(":")
        gguf = [Path(model).expanduser().parent] if kind == "gguf" else []  # in "no GGUF file at"
        self.public = Public(s.sources, s.index, *gguf)
        self.store = Store(s)

    def respond(
        self,
        question: str,
        conv: Conversation,
        top_k: float,
        show_hits: bool,
        chosen: list[str] | None = None,
        request: gr.Request | None = None,
    ) -> tuple[Any, ...]:
        """Chat turn: the answer, in one message (the page has already shown the question with
        a pending reply, assets.ECHO_QUESTION; this turn's messages take their places).

        Outputs: the question box, this turn's messages, the conversation state, the evidence panel.
        Only this turn travels to the page; the page keeps the earlier ones. A question that
        cannot be asked gets one calm line in its place, and the conversation goes on. An answer
        is saved to the requester's conversation (owner.py); a direct call (no request) is not."""
        conv = within(conv, chosen)
        q = self._question(question, conv)
        if isinstance(q, tuple):
            return q
        answer = self._answer(q, list(conv.history), whole_number(top_k), conv.sources)
        if isinstance(answer, str):
            return self._refused(q, answer, conv)
        shown = self._shown(q, answer, conv, show_hits)
        return (*shown[:2], self.saved(shown[2], q, answer, request), *shown[3:])

    def saved(
        self, conv: Conversation, q: str, answer: Answer, request: gr.Request | None
    ) -> Conversation:
        """conv after its newest turn is stored under the request's owner (none: unchanged)."""
        owner = owner_of(request)
        if owner is None:
            return conv
        return replace(conv, id=self.store.record(owner, conv.id, conv.sources, q, answer))

    def _question(self, question: str, conv: Conversation) -> str | tuple[Any, ...]:
        """The question, clean; or the turn's outputs when there is nothing to answer."""
        limit = self.assistant.settings.max_question_chars
        try:
            return clean_question(question, limit)
        except EmptyQuestion as exc:
            _log_failure(logging.INFO, exc, str(question))
            return gr.skip(), gr.skip(), conv, gr.skip()
        except BadQuestion as exc:
            _log_failure(logging.INFO, exc, str(question))
            return self._refused(shown(str(question), limit), str(exc), conv)

    @staticmethod
    def _refused(q: str, line: str, conv: Conversation) -> tuple[Any, ...]:
        """The turn with one line in place of an answer; the history is left as it was."""
        n = conv.turns
        return (
            "",
            turn_payload(n, q, render.error_message(line)),
            replace(conv, turns=n + 1),
            gr.skip(),
        )

    def _answer(
        self, q: str, history: Messages, top_k: object, sources: tuple[str, ...] = ()
    ) -> Answer | str:
        """The answer, or the one line to show in its place when answering fails; `sources`
        limits retrieval (empty: every source)."""
        within = list(sources) or None
        return self._guarded(q, lambda: self.assistant.answer(q, history, top_k, within))  # type: ignore[arg-type]

    def _guarded(self, q: str, answering: Callable[[], Answer]) -> Answer | str:
        try:
            return answering()
        except Exception as exc:
            return self._failure(q, exc)

    def _failure(self, q: str, exc: Exception) -> str:
        """The one line a chat user sees for a failure, logged without the question's text."""
        if isinstance(exc, IndexDamaged):  # worded for the page: the remedy is a button
            _log_failure(logging.WARNING, exc, q)
            return self.public(damaged(exc, self.assistant.settings.read_only))
        if isinstance(exc, AssistantError):
            _log_failure(logging.INFO, exc, q)
            return self.public(str(exc))
        _log_failure(logging.ERROR, exc, q)  # a bug, not the user's doing: one calm line
        return "Something went wrong while answering; the error is in the server's log."

    def _latest(self, n: int, answer: Answer) -> render.Turn:
        evidence = render.evidence_turn(n, answer, self.assistant.source_window)
        return render.Turn(n, evidence, render.hits_turn(answer.hits))

    @staticmethod
    def _next(conv: Conversation, q: str, answer: Answer, latest: render.Turn) -> Conversation:
        """The conversation after this turn: its question and answer kept for follow-ups."""
        history = (*conv.history, _message("user", q), _message("assistant", answer.text))
        return replace(conv, history=history[-HISTORY_MESSAGES:], turns=conv.turns + 1,
                       latest=latest)  # fmt: skip

    def _shown(
        self, q: str, answer: Answer, conv: Conversation, show_hits: bool
    ) -> tuple[Any, ...]:
        """The whole answer at once: an extractive answer is complete when it exists, and
        replaying it word by word only cost every user more messages and wait under load."""
        n = conv.turns
        latest = self._latest(n, answer)
        content = render.answer_message(
            answer.text,
            n,
            len(answer.citations),
            answer.abstained,
            searched(answer, q),
            answer.intent,
        )
        conv = self._next(conv, q, answer, latest)
        return "", turn_payload(n, q, content), conv, render.evidence_panel(latest, show_hits)

    @staticmethod
    def reset() -> tuple[Conversation, str]:
        return Conversation(), render.evidence_panel(None, False)

    @staticmethod
    def panel(conv: Conversation, show_hits: bool) -> str:
        return render.evidence_panel(conv.latest, show_hits)

    @staticmethod
    def pick_example(event: gr.SelectData) -> str:
        value = event.value
        return str(value.get("text", "")) if isinstance(value, dict) else str(value)

    def ask(self, question: str, top_k: int = 0) -> dict[str, Any]:
        """Answer a question: text, citations with offsets, abstained, query, retrieved passages;
        with a writer configured, the written answer (mode, model, sentences, note).

        top_k: passages to retrieve, 1 to 100; 0 means the server's setting."""
        try:
            # Anything but 0 goes as given, so a bad value is refused in one line, not bent.
            k = None if top_k == 0 and not isinstance(top_k, bool) else top_k
            answer = self.assistant.answer(question, None, k)
        except Exception as exc:  # logged once, by _failure; Gradio must not print a traceback
            failure = self._failure(str(question), exc)
            line = self.public(str(exc)) if isinstance(exc, AssistantError) else failure
            raise gr.Error(line, print_exception=False) from None
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
