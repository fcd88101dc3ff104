"""Open a published index generation and check that it is whole before anything reads from it.

Whole means: the manifest parses and has a manifest's shape; every file it lists has its stored
text (present, not empty); the keyword index loads and holds as many chunks as the manifest lists;
and the Chroma store answers a count and a two-id get that agree with the manifest. The first
problem found raises IndexDamaged. It runs on every open and on every new generation before it is
published, so it stays cheap: stats, a header read, two small queries, and the keyword load an
open needs anyway (measured in docs/repair.md).

`Opened.unchanged` is the check made before each question: a few stats of the files this package
writes, since published generations are never modified and any change to them means damage.
Chroma's own files are left out (Chroma rewrites them as it reads) except the database's inode;
damage inside them shows as a failed read, which the caller turns into a call of `open_generation`.
Left out: corrupt pages deep in Chroma's SQLite file that the count and get do not touch (a full
integrity check reads the whole database), and the content of stored texts (only their presence).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from assistant.core.errors import BuildRejected, IndexDamaged, IndexFailure
from assistant.index import generations
from assistant.index.keyword import FILENAME, KeywordIndex
from assistant.index.manifest import Manifest
from assistant.index.store import ChromaStore

_SQLITE = b"SQLite format 3\x00"  # the first bytes of every SQLite database
_ZIP = b"PK\x03\x04"  # and of every .npz

Stamp = tuple[tuple[int, ...] | None, ...]


class Stores(Protocol):
    """How a generation folder maps to its Chroma store (store.StoreFactory)."""

    def open(self, folder: Path) -> ChromaStore: ...

    def database(self, folder: Path) -> Path | None: ...


@dataclass(frozen=True)
class Opened:
    """A generation that passed its checks, with what an answer reads from it."""

    folder: Path
    manifest: Manifest
    store: ChromaStore
    keyword: KeywordIndex
    stamp: Stamp
    database: Path | None

    def unchanged(self) -> bool:
        """True while the checked files are as they were when opened (a few stats)."""
        return stamp(self.folder, self.database) == self.stamp


def open_generation(folder: Path, stores: Stores) -> Opened:
    """The generation in folder, checked; IndexDamaged naming the first problem found.

    IndexFailure (not damage) when a Chroma server cannot be reached: rebuilding would not help.
    """
    database = stores.database(folder)
    before = stamp(folder, database)  # taken first: a change during the checks shows next time
    manifest = Manifest.load(folder / "manifest.json")
    chunk_ids = [cid for entry in manifest.files.values() for cid in entry.chunk_ids]
    _check_texts(folder, manifest)
    keyword = _keyword(folder, len(set(chunk_ids)))
    store = _store(folder, chunk_ids, stores, database)
    return Opened(folder, manifest, store, keyword, before, database)


def live(index: Path, stores: Stores) -> tuple[Path | None, Opened | None, str]:
    """The live generation's folder, the generation opened, or what is wrong with it ("" when
    nothing): a damaged one is not opened, so a build copies nothing of it."""
    current = generations.live(index)
    if current is None:
        return None, None, ""
    try:
        return current, open_generation(current, stores), ""
    except IndexDamaged as exc:
        return current, None, exc.problem


def before_publishing(folder: Path, stores: Stores) -> None:
    """Open a new generation as a reader will; BuildRejected when it fails, so it is never
    published and whatever was live stays live."""
    try:
        open_generation(folder, stores)
    except IndexDamaged as exc:
        raise BuildRejected(
            f"the index just built failed its check ({exc.problem}), so it was not published; "
            "the live index is unchanged"
        ) from exc


def stamp(folder: Path, database: Path | None) -> Stamp:
    """Identity, size and time of the files this package writes, and the database's identity."""
    out: list[tuple[int, ...] | None] = []
    for path in (folder / "manifest.json", folder / "keyword" / FILENAME, folder / "texts"):
        try:
            s = path.stat()
            out.append((s.st_ino, s.st_size, s.st_mtime_ns))
        except OSError:
            out.append(None)
    if database is not None:
        try:
            out.append((database.stat().st_ino,))
        except OSError:
            out.append(None)
    return tuple(out)


def text_path(folder: Path, sha256: str) -> Path:
    return folder / "texts" / f"{sha256}.txt"


def _check_texts(folder: Path, manifest: Manifest) -> None:
    for entry in manifest.files.values():
        path = text_path(folder, entry.sha256)
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            raise IndexDamaged(f"texts/{path.name} is missing", folder) from None
        except OSError as exc:
            raise IndexDamaged(f"texts/{path.name} is unreadable: {exc}", folder) from exc
        if size == 0 and entry.chunk_ids:
            raise IndexDamaged(f"texts/{path.name} is empty", folder)


def _keyword(folder: Path, chunks: int) -> KeywordIndex:
    if _head(folder / "keyword" / FILENAME, len(_ZIP)) not in (_ZIP, b""):
        # numpy would take it for a pickle and say so, which only confuses
        raise IndexDamaged(f"keyword/{FILENAME} is not an .npz file", folder)
    try:
        keyword = KeywordIndex.load(folder / "keyword")
    except IndexFailure as exc:
        cause = exc.__cause__
        why = f"is unreadable: {_first_line(cause)}" if cause else "is missing"
        raise IndexDamaged(f"keyword/{FILENAME} {why}", folder) from exc
    if len(keyword) != chunks:
        raise IndexDamaged(
            f"the keyword index holds {len(keyword)} chunks where the manifest lists {chunks}",
            folder,
        )
    return keyword


def _store(
    folder: Path, chunk_ids: list[str], stores: Stores, database: Path | None
) -> ChromaStore:
    if database is not None:
        _check_database(database, folder)
    try:
        store = stores.open(folder)
    except IndexFailure as exc:
        if database is None:
            raise  # a server that cannot be reached
        why = _first_line(exc.__cause__ or exc)
        raise IndexDamaged(f"the Chroma store does not open: {why}", folder) from exc
    problem = store.problem(chunk_ids)
    if problem:
        if database is None:
            store.ping()  # IndexFailure when the server went away, rather than its data
        raise IndexDamaged(problem, folder)
    return store


def _check_database(database: Path, folder: Path) -> None:
    """Read the header before Chroma opens the file: Chroma turns an empty file into a fresh,
    empty database (writing into a published generation) instead of failing."""
    name = database.relative_to(folder).as_posix()
    if not database.is_file():
        raise IndexDamaged(f"{name} is missing", folder)
    head = _head(database, len(_SQLITE))
    if head != _SQLITE:
        raise IndexDamaged(f"{name} is {'empty' if not head else 'not an SQLite database'}", folder)


def _head(path: Path, size: int) -> bytes:
    """A file's first bytes; b"" when it is missing or unreadable (the load then says which)."""
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def _first_line(exc: BaseException) -> str:
    line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return line if len(line) <= 120 else line[:119] + "…"
