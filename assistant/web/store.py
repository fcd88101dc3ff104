"""The web chat's handle on the conversations database (assistant/conversations.py).

`Store` opens the SQLite file on first use, once for all threads, so a chat whose state folder
cannot be written still answers: saving then fails with one log line and the turn is shown
anyway. `record` appends one answered turn, starting the conversation on its first question.
What it leaves out: who the owner is (owner.py) and what the page shows (saved.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from assistant.conversations import ConversationNotFound, Conversations
from assistant.core.errors import AssistantError
from assistant.core.settings import Settings
from assistant.core.types import Answer

log = logging.getLogger(__name__)


class Store:
    """The settings' conversations file, opened lazily (building the app must not touch it)."""

    def __init__(self, settings: Settings) -> None:
        self.path = settings.state_path
        self._lock = threading.Lock()
        self._db: Conversations | None = None

    def __call__(self) -> Conversations:
        """The open store; StateUnreadable when the file cannot be opened."""
        with self._lock:  # two first calls must not both create the schema
            if self._db is None:
                self._db = Conversations(self.path)
            return self._db

    def record(
        self, owner: str, cid: str, sources: Sequence[str], question: str, answer: Answer
    ) -> str:
        """Append a turn to the owner's conversation cid (started when cid is "" or was deleted
        meanwhile); its id, or cid unchanged when the database failed (logged, never raised)."""
        try:
            return self._append(self(), owner, cid, sources, question, answer)
        except AssistantError as exc:
            log.warning("stage=save error=%s", type(exc).__name__)
            return cid

    @staticmethod
    def _append(
        db: Conversations, owner: str, cid: str, sources: Sequence[str], q: str, answer: Answer
    ) -> str:
        if cid:
            try:
                db.add(owner, cid, q, answer)
                return cid
            except ConversationNotFound:  # deleted in another tab meanwhile: start another
                pass
        cid = db.start(owner, sources).id
        db.add(owner, cid, q, answer)
        return cid
