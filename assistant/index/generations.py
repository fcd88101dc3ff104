"""The index folder's layout: immutable generations, one pointer to the live one, and a lock.

    index/
      CURRENT          the name of the live generation (replaced in one rename)
      gen-<ns>/        one complete index: manifest.json, keyword/, texts/, chroma/ (embedded mode)
      .lock            held by the one process that is building

A build writes a new generation beside the live one and publishes it by replacing CURRENT, so a
crash at any moment leaves the previous generation live and complete; readers open whatever
CURRENT names and keep using it until they look again. Published generations are never modified.
What this leaves out: the Chroma data itself (see store.py; with a Chroma server each generation
is a collection prefix) and any coordination between machines sharing one server.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from assistant.core.errors import IndexBusy

POINTER = "CURRENT"
_PREFIX = "gen-"
_LEGACY = ("chroma", "manifest.json", "manifest.tmp")  # the single-folder layout of format 1


def live(index: Path) -> Path | None:
    """The live generation's folder, or None when nothing was ever published."""
    try:
        name = (index / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    folder = index / name
    return folder if name.startswith(_PREFIX) and folder.is_dir() else None


def create(index: Path) -> Path:
    """A fresh, empty generation folder (not yet live)."""
    folder = index / f"{_PREFIX}{time.time_ns()}"
    folder.mkdir(parents=True)
    return folder


def publish(index: Path, folder: Path) -> None:
    """Make folder the live generation in one atomic step."""
    _fsync_tree(folder)
    tmp = index / f"{POINTER}.tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        out.write(folder.name)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, index / POINTER)
    _fsync_dir(index)


def stale(index: Path, keep: int = 1) -> list[Path]:
    """Generations that may go: all but the live one and the `keep` newest before it.

    The previous generation is kept because a reader in another process may still be answering
    from it; it only goes once a newer one has been published after it.
    """
    current = live(index)
    folders = sorted(p for p in index.glob(f"{_PREFIX}*") if p.is_dir())
    if current is None:
        return folders
    older = [p for p in folders if p.name < current.name]
    newer = [p for p in folders if p.name > current.name]  # left by a build that died
    return older[: max(0, len(older) - keep)] + newer


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def remove_legacy(index: Path) -> None:
    for name in _LEGACY:
        path = index / name
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()


@contextlib.contextmanager
def build_lock(index: Path) -> Iterator[None]:
    """Hold the index's build lock, or raise IndexBusy at once when another process holds it.

    An flock dies with its process, so a build killed with -9 never leaves a stale lock behind.
    """
    index.mkdir(parents=True, exist_ok=True)
    with open(index / ".lock", "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise IndexBusy(
                f"another `assistant index` is already building {index} (pid {holder}); "
                "try again when it ends"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_tree(folder: Path) -> None:
    """Flush a generation's small files (manifest, keyword index, texts) before publishing."""
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".txt", ".npz", ".npy", ".pkl"}:
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
