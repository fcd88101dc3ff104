"""Source files for the web chat: list, add (uploads) and remove, never outside the sources folder.

An upload is accepted only with a suffix the index reads, at most `upload_limit` bytes (the
smaller of `MAX_UPLOAD_BYTES` and the max_source_mb setting), and when the indexer would read it.
Its name is reduced to a plain file name of letters, digits, dots, dashes and underscores, so it
cannot name a folder, a hidden file or anything outside the sources folder; a name held by
anything, a link included, is taken. An accepted upload is moved in, not copied: nothing of it
stays where it was uploaded (a rejected one is left to the caller). Removing never deletes: it
moves the listed entry itself (a link, not what it points at) to the trash (ingest/trash.py),
where it can be restored. Indexing is left to the caller; these functions only move files.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from assistant.core.errors import AssistantError, BadSource
from assistant.ingest.listing import Listing, scan
from assistant.ingest.readers import MAX_SOURCE_BYTES, SUFFIXES, read_document
from assistant.ingest.trash import discard, free_name, numbered

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def upload_limit(max_source_bytes: int) -> int:
    """The largest upload: the web's own cap, or the size limit on sources when it is lower."""
    return min(MAX_UPLOAD_BYTES, max_source_bytes)


@dataclass(frozen=True)
class Outcome:
    added: list[str]
    rejected: list[str]  # one line per rejected file: "name: reason"
    renamed: list[str] = field(default_factory=list)  # "name: kept as name-2.txt" lines


def safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dot, only [A-Za-z0-9._-], suffix lower-case."""
    base = re.split(r"[\\/]", name)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = suffix, ""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_.")[:100] or "source"
    suffix = re.sub(r"[^A-Za-z0-9]", "", suffix).lower()
    return f"{stem}.{suffix}" if suffix else stem


def listing(folder: Path) -> Listing:
    """The folder's sources and unread links (listing.py); empty when there is no folder."""
    try:
        return scan(folder)
    except AssistantError:
        return Listing([], {})


def listed(folder: Path) -> list[str]:
    """Source files in folder as the index sees them: relative paths with an accepted suffix;
    never a link."""
    return listing(folder).names(folder)


def removable(folder: Path) -> list[str]:
    """What the Sources tab may remove: the sources and the links listed beside them."""
    found = listing(folder)
    return sorted([*found.names(folder), *found.links])


def inside(folder: Path, name: str) -> Path | None:
    """folder/name when it resolves to a file strictly inside folder, else None."""
    root = folder.resolve()
    path = (root / name).resolve()
    return path if path != root and path.is_relative_to(root) else None


def add(folder: Path, uploads: list[Path], max_bytes: int = MAX_SOURCE_BYTES) -> Outcome:
    """Move uploaded files into folder under safe names, never over an existing source: the same
    bytes again are refused, other bytes under a taken name get a free one (notes-2.txt).
    max_bytes is the size limit on sources; a larger upload is refused with the reader's reason."""
    added, rejected, renamed = [], [], []
    folder.mkdir(parents=True, exist_ok=True)
    for upload in uploads:
        name = safe_name(upload.name)
        if os.path.lexists(folder / name):  # a link holds its name too, whatever it points at
            if twin := _twin(folder, name, upload.read_bytes()):
                rejected.append(f"{upload.name}: already a source, as {twin}")
                continue
            name = free_name(folder, name)
            renamed.append(f"{upload.name}: {safe_name(upload.name)} exists, kept as {name}")
        target = inside(folder, name)
        if Path(name).suffix.lower() not in SUFFIXES:
            rejected.append(f"{upload.name}: only {', '.join(SUFFIXES)} files are accepted")
        elif upload.stat().st_size > MAX_UPLOAD_BYTES:
            rejected.append(f"{upload.name}: larger than {MAX_UPLOAD_BYTES // 2**20} MB")
        elif reason := _unreadable(upload, max_bytes):
            rejected.append(f"{upload.name}: {reason}")
        elif target is None:
            rejected.append(f"{upload.name}: not a valid file name")
        else:
            move(upload, target)
            added.append(name)
    return Outcome(added, rejected, [r for r in renamed if r.rsplit(" ", 1)[-1] in added])


def move(upload: Path, target: Path) -> None:
    """Move upload to target, never over anything there: on one disk a hard link and an unlink;
    across disks a copy (with the upload's mode) and an unlink, as `mv` does."""
    try:
        os.link(upload, target)  # FileExistsError when target is taken
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EMLINK):
            raise
        with open(upload, "rb") as src, open(target, "xb") as out:  # x: never overwrite
            shutil.copyfileobj(src, out)
        shutil.copymode(upload, target)
    os.unlink(upload)


def _twin(folder: Path, name: str, data: bytes) -> str:
    """The existing name, or numbered variant of it, that holds exactly these bytes, or ''."""
    for candidate in numbered(name):
        path = folder / candidate
        if not os.path.lexists(path):
            return ""
        info = path.lstat()
        if stat.S_ISREG(info.st_mode) and info.st_size == len(data) and path.read_bytes() == data:
            return candidate
    return ""


def remove(folder: Path, name: str) -> bool:
    """Move one listed source file, or listed link (not what it points at), to the trash;
    anything else is refused."""
    if name not in removable(folder):
        return False
    discard(folder, name)
    return True


def _unreadable(path: Path, max_bytes: int) -> str:
    """Why the indexer would skip this file (too large, binary, empty, no text layer...), or ''."""
    try:
        read_document(path.parent, path, max_bytes)
    except BadSource as exc:
        return str(exc).split(": ", 1)[-1]
    return ""
