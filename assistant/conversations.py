"""Conversations kept on disk: a small SQLite store that the CLI and the web chat share.

One database file (the standard library's sqlite3, WAL mode, a connection per call so any thread
or process may use it). Its schema version is SQLite's `user_version`; `MIGRATIONS[n]` brings a
version-n file to n+1, so an older file is upgraded when it is opened. A conversation belongs to
one owner (a login, a browser's cookie id, "local" for the terminal): every call names the owner,
and a conversation of another owner is reported exactly as a missing one, so ids cannot be probed.
Each turn keeps the whole answer (text, citations with file, offsets and excerpt, mode, model) as
JSON, without the retrieved passages. Markdown and JSON exports are `export.py`'s.

Left out: sharing a conversation between owners, and a full-text index (search is a LIKE over
titles and questions, enough for one person's list).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.core.errors import AssistantError
from assistant.core.types import Answer, AnswerSentence, Citation

TITLE_CHARS = 80  # a title made from the first question is cut here, at a space
LOCAL = "local"  # the owner of the terminal's conversations

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE conversations (
        id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL DEFAULT '',
        created REAL NOT NULL, updated REAL NOT NULL, sources TEXT NOT NULL DEFAULT '[]');
    CREATE INDEX conversations_by_owner ON conversations (owner, updated);
    CREATE TABLE turns (
        conversation TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        n INTEGER NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, at REAL NOT NULL,
        PRIMARY KEY (conversation, n));
    """,
)
"""MIGRATIONS[n] takes the schema from version n to n + 1; append, never edit."""


class ConversationNotFound(AssistantError):
    """No conversation with that id belongs to this owner."""


class StateUnreadable(AssistantError):
    """The conversations database cannot be opened or is newer than this program."""


@dataclass(frozen=True)
class Turn:
    question: str
    answer: Answer
    at: float


@dataclass(frozen=True)
class Conversation:
    """A stored conversation; `turns` is empty in a listing (see `questions` for the count)."""

    id: str
    owner: str
    title: str
    created: float
    updated: float
    sources: tuple[str, ...] = ()
    questions: int = 0
    turns: tuple[Turn, ...] = ()

    def history(self) -> list[dict[str, str]]:
        """The turns as the plain messages a follow-up reads."""
        return [m for t in self.turns for m in (
            {"role": "user", "content": t.question},
            {"role": "assistant", "content": t.answer.text},
        )]  # fmt: skip


def title_of(question: str) -> str:
    """A conversation's title from its first question: one line, cut at a space."""
    line = " ".join(question.split())
    if len(line) <= TITLE_CHARS:
        return line
    cut = line[:TITLE_CHARS].rsplit(" ", 1)[0] or line[:TITLE_CHARS]
    return cut + "…"


class Conversations:
    """The store in the SQLite file `path` (made, with its folder, on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        with self._db() as db:
            _migrate(db, path)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StateUnreadable(f"cannot open the conversations file {self.path}: {exc}") from exc
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL: a killed process loses no commit
            yield db
        except sqlite3.DatabaseError as exc:
            raise StateUnreadable(
                f"the conversations file {self.path} is unreadable: {exc}"
            ) from exc
        finally:
            db.close()

    def start(self, owner: str, sources: Sequence[str] = ()) -> Conversation:
        """A new, empty conversation (untitled until its first question)."""
        now = time.time()
        conv = Conversation(uuid.uuid4().hex, owner, "", now, now, tuple(sources))
        with self._db() as db:
            db.execute(
                "INSERT INTO conversations (id, owner, title, created, updated, sources) "
                "VALUES (?, ?, '', ?, ?, ?)",
                (conv.id, owner, now, now, json.dumps(list(sources))),
            )
        return conv

    def add(self, owner: str, cid: str, question: str, answer: Answer) -> Turn:
        """Append a turn, in one transaction; the first question titles an untitled one."""
        turn = Turn(question, replace(answer, hits=[]), time.time())
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            self._owned(db, owner, cid)
            (n,) = db.execute(
                "SELECT COUNT(*) FROM turns WHERE conversation = ?", (cid,)
            ).fetchone()
            db.execute(
                "INSERT INTO turns (conversation, n, question, answer, at) VALUES (?, ?, ?, ?, ?)",
                (cid, n, question, json.dumps(turn.answer.to_dict()), turn.at),
            )
            db.execute(
                "UPDATE conversations SET updated = ?, "
                "title = CASE WHEN title = '' THEN ? ELSE title END WHERE id = ?",
                (turn.at, title_of(question), cid),
            )
            db.execute("COMMIT")
        return turn

    def get(self, owner: str, cid: str) -> Conversation:
        """The owner's conversation with its turns; ConversationNotFound otherwise."""
        with self._db() as db:
            return self._read(db, self._owned(db, owner, cid))

    def find(self, cid: str) -> Conversation:
        """Any owner's conversation: for the terminal, whose user holds the database file
        itself (`assistant export`); the web only ever calls `get`."""
        with self._db() as db:
            row = db.execute(f"SELECT {_COLUMNS} FROM conversations WHERE id = ?", (cid,))
            return self._read(db, _found(row.fetchone(), cid))

    def list_for(self, owner: str, search: str = "", limit: int = 200) -> list[Conversation]:
        """The owner's conversations, newest first; `search` matches titles and questions."""
        return self._list("owner = ?", (owner,), search, limit)

    def list_all(self, search: str = "", limit: int = 1000) -> list[Conversation]:
        """Every owner's conversations: the terminal's `assistant export --list` (see `find`)."""
        return self._list("1 = 1", (), search, limit)

    def _list(
        self, who: str, params: tuple[str, ...], search: str, limit: int
    ) -> list[Conversation]:
        text = search.strip()
        like = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        with self._db() as db:
            rows = db.execute(
                f"SELECT {_COLUMNS}, (SELECT COUNT(*) FROM turns WHERE conversation = c.id) "
                f"FROM conversations c WHERE {who} AND (? = '' OR title LIKE ? ESCAPE '\\' "
                "OR EXISTS (SELECT 1 FROM turns WHERE conversation = c.id "
                "AND question LIKE ? ESCAPE '\\')) ORDER BY updated DESC, created DESC LIMIT ?",
                (*params, text, like, like, limit),
            ).fetchall()
        return [replace(_conversation(r[:6]), questions=r[6]) for r in rows]

    def rename(self, owner: str, cid: str, title: str) -> None:
        line = " ".join(title.split())[:200]
        if not line:
            raise AssistantError("a conversation's title cannot be empty")
        self._update(owner, cid, "title = ?", line)

    def choose_sources(self, owner: str, cid: str, sources: Sequence[str]) -> None:
        """The sources this conversation's questions are asked within (empty: all)."""
        self._update(owner, cid, "sources = ?", json.dumps(list(sources)))

    def delete(self, owner: str, cid: str) -> None:
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            self._owned(db, owner, cid)
            db.execute("DELETE FROM conversations WHERE id = ?", (cid,))
            db.execute("COMMIT")

    def _update(self, owner: str, cid: str, assignment: str, value: str) -> None:
        with self._db() as db:
            db.execute("BEGIN IMMEDIATE")
            self._owned(db, owner, cid)
            db.execute(f"UPDATE conversations SET {assignment} WHERE id = ?", (value, cid))
            db.execute("COMMIT")

    @staticmethod
    def _owned(db: sqlite3.Connection, owner: str, cid: str) -> tuple[Any, ...]:
        row = db.execute(
            f"SELECT {_COLUMNS} FROM conversations WHERE id = ? AND owner = ?", (cid, owner)
        ).fetchone()
        return _found(row, cid)

    @staticmethod
    def _read(db: sqlite3.Connection, row: tuple[Any, ...]) -> Conversation:
        turns = tuple(
            Turn(q, answer_from(json.loads(a)), at)
            for q, a, at in db.execute(
                "SELECT question, answer, at FROM turns WHERE conversation = ? ORDER BY n",
                (row[0],),
            )
        )
        return replace(_conversation(row), questions=len(turns), turns=turns)


_COLUMNS = "id, owner, title, created, updated, sources"


def _found(row: tuple[Any, ...] | None, cid: str) -> tuple[Any, ...]:
    if row is None:
        raise ConversationNotFound(f"no conversation {cid!r}")
    return row


def _conversation(row: Sequence[Any]) -> Conversation:
    cid, owner, title, created, updated, sources = row
    return Conversation(cid, owner, title, created, updated, tuple(json.loads(sources)))


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > len(MIGRATIONS):
        raise StateUnreadable(
            f"the conversations file {path} is from a newer version (schema {version}); "
            "upgrade assistant to open it"
        )
    for n in range(version, len(MIGRATIONS)):
        db.executescript(f"BEGIN; {MIGRATIONS[n]} PRAGMA user_version = {n + 1}; COMMIT;")


def answer_from(data: dict[str, Any]) -> Answer:
    """An Answer back from its `to_dict()` form (without retrieved passages)."""
    return Answer(**{
        **data,
        "citations": [Citation(**c) for c in data.get("citations", [])],
        "sentences": [AnswerSentence(**s) for s in data.get("sentences", [])],
        "hits": [],
    })  # fmt: skip
