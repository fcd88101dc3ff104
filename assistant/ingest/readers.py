"""Read source files into Documents: UTF-8 text, a title, a content hash.

Reads `.txt` and `.md` files under a folder (recursively, skipping hidden files). The title is the
first non-empty line, with any leading Markdown heading marks removed. Other formats are left out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from assistant.core.errors import BadSource, SourcesNotFound
from assistant.core.types import Document

SUFFIXES = (".txt", ".md")


def source_files(folder: Path) -> list[Path]:
    """Readable source files under folder, sorted by relative path."""
    if not folder.is_dir():
        raise SourcesNotFound(f"sources folder not found: {folder}")
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def read_document(folder: Path, path: Path) -> Document:
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadSource(f"cannot read {path.relative_to(folder)} as UTF-8 text: {exc}") from exc
    return Document(
        source=path.relative_to(folder).as_posix(),
        title=title_of(text) or path.stem,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def read_documents(folder: Path) -> Iterator[Document]:
    for path in source_files(folder):
        yield read_document(folder, path)


def title_of(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()
    return ""
