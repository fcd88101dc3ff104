"""Read source files into Documents: text, a title, a content hash, page starts and a note.

Lists `.txt`, `.md`, `.html`/`.htm`, `.pdf` and `.docx` files under a folder (listing.py:
recursively, skipping hidden files and folders, never following a link) and reads each into a
`Document`; a file is opened without following a link, so one swapped in after the listing is
refused too. Plain text is UTF-8, with a detected fallback encoding reported in `note`; HTML, PDF
and Word go through `assistant.ingest.html`, `.pdf` and `.word`. Files that cannot be used raise
`BadSource` with one line "<relative path>: <reason>", a file over the size limit among them
(before it is read). A plain-text file's title is its first line when that reads as a heading
(extracted.heading_of), else its file name made readable; titles are at most MAX_TITLE_CHARS
long. Other formats (old binary .doc, EPUB, images) and OCR are left out.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from assistant.core.errors import BadSource
from assistant.core.types import Document
from assistant.ingest.extracted import (
    Extracted,
    Unreadable,
    heading_of,
    looks_binary,
    one_line,
    readable_name,
    short_title,
    title_of,
)
from assistant.ingest.html import read_html
from assistant.ingest.listing import SUFFIXES, require_folder, scan
from assistant.ingest.pdf import read_pdf
from assistant.ingest.word import read_docx

__all__ = [
    "MAX_SOURCE_BYTES",
    "SUFFIXES",
    "read_document",
    "read_documents",
    "require_folder",
    "scan",
    "source_files",
    "title_of",
    "too_large",
]

_HTML = frozenset({".html", ".htm"})
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Short Western text is often misjudged (as cp1257, cp1006...) by charset detection; cp1252 wins
# when it reads the bytes nearly as cleanly as the best guess, since it is by far the most common.
_PREFERRED_FALLBACK = "cp1252"
_CHAOS_MARGIN = 0.1
MAX_SOURCE_BYTES = 50 * 2**20
"""The default size limit (the setting max_source_mb)."""


def source_files(folder: Path) -> list[Path]:
    """The source files under folder (regular files, never links), sorted by relative path."""
    return scan(folder).files


def read_document(folder: Path, path: Path, max_bytes: int = MAX_SOURCE_BYTES) -> Document:
    """Read one source file; BadSource with "<relative path>: <reason>" when it cannot be used,
    or when it holds more than max_bytes."""
    source = _relative(folder, path)
    try:
        data = _read_bytes(path, max_bytes)
        extracted = _extract(path.suffix.lower(), data)
    except Unreadable as exc:
        raise BadSource(f"{source}: {exc}") from exc
    return Document(
        source=source,
        title=short_title(extracted.title) or readable_name(path.stem),
        text=extracted.text,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=extracted.pages,
        note=extracted.note,
    )


def read_documents(folder: Path, max_bytes: int = MAX_SOURCE_BYTES) -> Iterator[Document]:
    for path in source_files(folder):
        yield read_document(folder, path, max_bytes)


def too_large(size: int, max_bytes: int) -> str:
    """The reason a file of size bytes is refused, or ''."""
    if size <= max_bytes:
        return ""
    return f"larger than the {max_bytes / 2**20:g} MB limit (ASSISTANT_MAX_SOURCE_MB)"


def _relative(folder: Path, path: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a pipe must not block
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(errno.EISDIR, "is a folder")
            if not stat.S_ISREG(info.st_mode):
                raise Unreadable("not a regular file")
            if reason := too_large(info.st_size, max_bytes):
                raise Unreadable(reason)
            data = handle.read()
    except FileNotFoundError as exc:
        raise Unreadable("file vanished before it could be read") from exc
    except PermissionError as exc:
        raise Unreadable("permission denied") from exc
    except IsADirectoryError as exc:
        raise Unreadable("is a folder, not a file") from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a link
            raise Unreadable("a link, not a regular file") from exc
        raise Unreadable(f"cannot read ({one_line(exc.strerror or str(exc))})") from exc
    if not data.strip():
        raise Unreadable("empty file")
    return data


def _extract(suffix: str, data: bytes) -> Extracted:
    if suffix == ".pdf":
        return read_pdf(data)
    if suffix == ".docx":
        return read_docx(data)
    if b"\x00" in data and not data.startswith(_UTF16_BOMS):
        raise Unreadable("binary file, not text")
    if suffix in _HTML:
        return read_html(data)
    return _read_text(data)


def _read_text(data: bytes) -> Extracted:
    text, note = _decode(data)
    if looks_binary(text):
        raise Unreadable("binary file, not text")
    if not text.strip():
        raise Unreadable("empty file")
    return Extracted(text=text, title=heading_of(text), note=note)


def _decode(data: bytes) -> tuple[str, str]:
    """Text and a note: UTF-8 without its BOM, else the detected encoding and a note saying so."""
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace"), "not UTF-8; decoded as utf-16"
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    encoding = _guess_encoding(data)
    return data.decode(encoding, errors="replace"), f"not UTF-8; decoded as {encoding}"


def _guess_encoding(data: bytes) -> str:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return "latin-1"  # decodes any bytes; looks_binary then catches real binary content
    best = min(match.chaos for match in matches)
    for match in matches:
        if (
            _PREFERRED_FALLBACK in match.could_be_from_charset
            and match.chaos <= best + _CHAOS_MARGIN
        ):
            return _PREFERRED_FALLBACK
    return str(matches[0].encoding)
