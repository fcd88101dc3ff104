"""What a format reader returns, and the checks every format shares.

`Extracted` is one file's text with its optional title, page starts and reading note; `Unreadable`
carries the reason a file cannot be used, without the path (the caller adds it). Nothing here does
I/O or knows any particular format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.core.text import shorten

# Text files never hold these; a file with many of them is binary whatever its suffix says.
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_CONTROL_SHARE = 0.1
# Binary content shows up early; sampling keeps the check cheap on large text files.
_SAMPLE = 65536
MAX_TITLE_CHARS = 200
"""The longest title: a file's first line can be a whole book on one line."""
HEADING_CHARS = 100
"""A plain-text file's first line is its title only when shorter than this (and heading-like)."""
_VISIBLE = re.compile(r"\S")
# A sentence ends inside the line ("It rained. Then..."), or the line ends as a sentence does
# ("The glacier is long."); after a single capital ("U.S. Policy", "Mr. Smith") it does not.
_SENTENCE_END = re.compile(r"(?<=[a-z0-9]{2})(?:[.!?…]+[\"'”’)\]]*\s+\S|\.+[\"'”’)\]]*$)")
_SEPARATORS = re.compile(r"[-_.\s]+")


class Unreadable(Exception):
    """A file cannot be turned into text; the message is the short reason."""


@dataclass(frozen=True)
class Extracted:
    """A file's text as read, plus what the format knows about it."""

    text: str
    title: str = ""
    pages: tuple[int, ...] = ()
    note: str = ""


def looks_binary(text: str) -> bool:
    """True for NUL bytes or a high share of control characters."""
    if "\x00" in text:
        return True
    sample = text[:_SAMPLE]
    if not sample:
        return False
    controls = sum(
        1 for ch in sample if ch not in _ALLOWED_CONTROLS and unicodedata.category(ch) == "Cc"
    )
    return controls / len(sample) > _CONTROL_SHARE


def title_of(text: str) -> str:
    """The first non-empty line, without leading Markdown heading marks, shortened to
    MAX_TITLE_CHARS; only the start of that line is read, however long it is."""
    return short_title(_first_line(text).lstrip("#").strip())


def heading_of(text: str) -> str:
    """A plain-text file's title: its first non-empty line when that reads as a heading (a
    Markdown heading, or a line shorter than HEADING_CHARS in which no sentence ends), else ''
    (the caller then titles the file by its name, readable_name)."""
    line = _first_line(text)
    if line.startswith("#"):
        return short_title(line.lstrip("#").strip())
    if len(line) >= HEADING_CHARS or _SENTENCE_END.search(line):
        return ""
    return short_title(line)


def readable_name(stem: str) -> str:
    """A file name as a title: dashes, underscores and dots read as spaces and the first letter
    a capital ("pakistan-reaps-what-it-sowed" -> "Pakistan reaps what it sowed")."""
    words = _SEPARATORS.sub(" ", stem).strip() or stem
    return short_title(words[:1].upper() + words[1:])


def _first_line(text: str) -> str:
    """The first non-empty line, stripped; only its start is read, however long it is."""
    match = _VISIBLE.search(text)
    if match is None:
        return ""
    head = text[match.start() : match.start() + MAX_TITLE_CHARS * 2 + 1]
    return head.splitlines()[0].strip()


def short_title(title: str) -> str:
    """A title on one line, at most MAX_TITLE_CHARS long."""
    return shorten(title, MAX_TITLE_CHARS)


def one_line(text: str, limit: int = 120) -> str:
    """Collapse whitespace so a reason from a library fits on one short line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
