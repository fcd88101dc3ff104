"""The web chat's saved conversations: open, start, list, search, rename, delete, export, and the
sources a conversation asks within.

Every handler takes the owner from the request (owner.py), never from the page: an id the page
sends (the list's choice, the one the browser remembers) is only read through the store's owner
check, so another owner's id opens nothing, exactly like a missing one. Opening a conversation
rebuilds its messages, every turn's evidence (so every chip works) and the history follow-ups
read, all from the database. What it leaves out: the layout and wiring (side.py), answering
(handlers.py) and the export formats (assistant/export.py).
"""

from __future__ import annotations

import contextlib
import logging
import re
from typing import Any

import gradio as gr

from assistant import export
from assistant.conversations import Conversation as Stored
from assistant.conversations import ConversationNotFound, Conversations, StateUnreadable
from assistant.core.errors import AssistantError
from assistant.web import render
from assistant.web.handlers import HISTORY_MESSAGES, Conversation, Handlers, searched
from assistant.web.owner import owner_of

log = logging.getLogger(__name__)
UNTITLED = "Untitled conversation"
MIME = {"md": "text/markdown", "json": "application/json"}
UNSAVED = "The conversations cannot be read or saved just now; the server's log says why."


def _message(role: str, html: str) -> dict[str, str]:
    return {"role": role, "content": html}


def file_name(title: str, fmt: str) -> str:
    """A download's name from the conversation's title: letters, digits and dashes only."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:60].rstrip("-")
    return f"{stem or 'conversation'}.{fmt}"


class SavedChats:
    """The side list's handlers, over the chat's own store and assistant."""

    def __init__(self, handlers: Handlers) -> None:
        self.assistant = handlers.assistant
        self.store = handlers.store
        self.public = handlers.public  # messages name the server's folders, never their paths

    def _warn(self, exc: AssistantError) -> None:
        """One line for the page; the database's own errors name its path, so they stay in the
        log."""
        if isinstance(exc, StateUnreadable):
            log.warning("stage=conversations error=%s", type(exc).__name__)
            gr.Warning(UNSAVED)
        else:
            gr.Warning(self.public(str(exc)))

    def _db(self) -> Conversations | None:
        try:
            return self.store()
        except AssistantError as exc:
            log.warning("stage=conversations error=%s", type(exc).__name__)
            return None

    def _get(self, owner: str | None, cid: str) -> Stored | None:
        """The owner's conversation cid, or None (missing, another owner's, or no database)."""
        db = self._db()
        if not cid or owner is None or db is None:
            return None
        try:
            return db.get(owner, str(cid))
        except ConversationNotFound:
            return None
        except AssistantError as exc:
            self._warn(exc)
            return None

    def load(self, remembered: Any, search: str, request: gr.Request) -> tuple[Any, ...]:
        """On page load: the conversation this browser had open, if it is still the owner's."""
        owner = owner_of(request)
        return self._opened(self._get(owner, str(remembered or "")), owner, search)

    def open(self, cid: Any, search: str, request: gr.Request) -> tuple[Any, ...]:
        owner = owner_of(request)
        return self._opened(self._get(owner, str(cid or "")), owner, search)

    def new(self, search: str, request: gr.Request) -> tuple[Any, ...]:
        return self._opened(None, owner_of(request), search)

    def _opened(self, stored: Stored | None, owner: str | None, search: str) -> tuple[Any, ...]:
        """Outputs: the chat, the state, the evidence panel, the list, the title box, the
        sources choice and the id the browser remembers."""
        chat: list[dict[str, str]] = []
        turns: list[render.Turn] = []
        for n, t in enumerate(stored.turns if stored else ()):
            a = t.answer
            message = render.answer_message(a.text, n, len(a.citations), a.abstained,
                                             searched(a, t.question), a.intent)  # fmt: skip
            chat += [_message("user", render.user_message(t.question)),
                     _message("assistant", message)]  # fmt: skip
            turns.append(
                render.Turn(n, render.evidence_turn(n, a, self.assistant.source_window), "")
            )
        history = tuple(stored.history()[-HISTORY_MESSAGES:]) if stored else ()
        cid, sources = (stored.id, stored.sources) if stored else ("", ())
        conv = Conversation(history, len(turns), turns[-1] if turns else None, cid, sources)
        listing, title = self._listing(owner, search, cid)
        return (chat, conv, render.evidence_history(turns), listing, title,
                self._choice(sources), cid)  # fmt: skip

    def _listing(self, owner: str | None, search: str, cid: str) -> tuple[Any, str]:
        """The list's update (newest first, the open one selected) and the open one's title."""
        db = self._db()
        try:
            found = db.list_for(owner, str(search or "")) if db and owner else []
        except AssistantError as exc:
            self._warn(exc)
            found = []
        choices = [(c.title or UNTITLED, c.id) for c in found]
        title = next((c.title for c in found if c.id == cid), "")
        if cid and not title and (stored := self._get(owner, cid)):
            title = stored.title  # searched away from the list, but still open
        value = cid if any(c.id == cid for c in found) else None
        return gr.update(choices=choices, value=value), title

    def _choice(self, sources: tuple[str, ...]) -> Any:
        names = [s.source for s in self.assistant.sources()]
        return gr.update(choices=names, value=[s for s in sources if s in names])

    def listing(self, search: str, conv: Conversation, request: gr.Request) -> tuple[Any, ...]:
        """After a turn or a search: the list, the title and the id the browser remembers."""
        listing, title = self._listing(owner_of(request), search, conv.id)
        return listing, title, conv.id

    def rename(
        self, conv: Conversation, title: str, search: str, request: gr.Request
    ) -> tuple[Any, ...]:
        owner, db = owner_of(request), self._db()
        if conv.id and owner and db:
            try:
                db.rename(owner, conv.id, str(title or ""))
            except AssistantError as exc:  # an empty title, or deleted in another tab
                self._warn(exc)
        return self.listing(search, conv, request)

    def delete(self, conv: Conversation, search: str, request: gr.Request) -> tuple[Any, ...]:
        """Deletes the open conversation (the confirm button's event) and opens a new one."""
        owner, db = owner_of(request), self._db()
        if conv.id and owner and db:
            with contextlib.suppress(ConversationNotFound):  # already deleted in another tab
                db.delete(owner, conv.id)
        return self.new(search, request)

    def export(self, conv: Conversation, fmt: str, request: gr.Request) -> dict[str, str] | None:
        """The open conversation as a file for the browser to save: name, type and text."""
        stored = self._get(owner_of(request), conv.id)
        if stored is None or not stored.turns:
            gr.Warning("Ask a question first: there is nothing to export yet.")
            return None
        text = export.export(stored, fmt)
        return {"name": file_name(stored.title, fmt), "type": MIME[fmt], "text": text}

    def markdown(self, conv: Conversation, request: gr.Request) -> dict[str, str] | None:
        return self.export(conv, "md", request)

    def json(self, conv: Conversation, request: gr.Request) -> dict[str, str] | None:
        return self.export(conv, "json", request)

    def choose(self, conv: Conversation, names: Any, request: gr.Request) -> Conversation:
        """The sources this conversation asks within (none chosen: all), kept with it."""
        chosen = tuple(str(n) for n in (names or []))
        try:
            self.assistant.chosen_sources(chosen)
        except AssistantError as exc:  # removed since the list was shown
            self._warn(exc)
            return conv
        owner, db = owner_of(request), self._db()
        if conv.id and owner and db:
            # Deleted in another tab: the next question starts a new one with these sources.
            with contextlib.suppress(ConversationNotFound):
                db.choose_sources(owner, conv.id, chosen)
        return Conversation(conv.history, conv.turns, conv.latest, conv.id, chosen)
