"""Removed sources: moved to a trash folder inside the sources folder, listed, restored, emptied.

Removing a source never deletes it: the file (or link, never followed) is renamed to
`<sources>/.assistant-trash/<when>/<its relative path>`, `<when>` being the removal time to the
microsecond. The trash is a hidden folder, so it is never indexed (listing.py), and it sits inside
the sources folder so that a removal is one rename on the same disk and needs no rights an upload
does not. Restoring renames an item back under its old name, or the next free one (notes-2.txt)
when that name has been taken since; nothing is overwritten. Only `empty` deletes, and only what
is in the trash. Left out: indexing (the caller re-indexes) and any limit on the trash's size.
"""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from assistant.core.errors import NotInTrash

TRASH = ".assistant-trash"
_STAMP = "%Y%m%d-%H%M%S-%f"  # 20261207-153012-481516: sorts by time


@dataclass(frozen=True)
class Removed:
    """One item in the trash."""

    item: str  # "<when>/<relative path>", what `restore` takes
    source: str  # the relative path it had in the sources folder
    removed_at: float  # unix seconds


def trash_folder(sources: Path) -> Path:
    return sources / TRASH


def numbered(name: str) -> Iterator[str]:
    """name, then name-2, name-3... (sub/notes.txt, sub/notes-2.txt), for a taken name."""
    yield name
    path = PurePosixPath(name)
    for n in itertools.count(2):
        yield path.with_name(f"{path.stem}-{n}{path.suffix}").as_posix()


def free_name(folder: Path, name: str) -> str:
    """name, or its first numbered variant, that nothing in folder holds, a link included."""
    return next(n for n in numbered(name) if not os.path.lexists(folder / n))


def discard(sources: Path, name: str) -> Removed:
    """Move sources/name, a relative path the caller has checked, into the trash."""
    when = time.time()
    batch = _new_batch(trash_folder(sources), when)
    target = batch / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(sources / name, target)  # renames a link itself, never what it points at
    except OSError:
        _prune(batch, trash_folder(sources))
        raise
    return Removed(f"{batch.name}/{name}", name, when)


def items(sources: Path) -> list[Removed]:
    """What the trash holds, the latest removal first."""
    trash = trash_folder(sources)
    if not trash.is_dir() or trash.is_symlink():
        return []
    found = []
    for batch in sorted(trash.iterdir(), reverse=True):
        when = _when(batch.name)
        if when is None or batch.is_symlink() or not batch.is_dir():
            continue
        for top, dirs, names in os.walk(batch):  # a removed link to a folder is not walked
            links = [d for d in dirs if (Path(top) / d).is_symlink()]
            for name in sorted([*names, *links]):
                relative = (Path(top) / name).relative_to(batch).as_posix()
                found.append(Removed(f"{batch.name}/{relative}", relative, when))
    return found


def restore(sources: Path, item: str) -> str:
    """Move an item back into the sources folder; the name it now has (its own, or the next
    free one). NotInTrash when the trash holds no such item."""
    removed = {r.item: r for r in items(sources)}.get(item)
    if removed is None:
        raise NotInTrash(f"{item} is not in the trash (assistant sources --trash lists it)")
    name = free_name(sources, removed.source)
    target = sources / name
    target.parent.mkdir(parents=True, exist_ok=True)
    os.rename(trash_folder(sources) / item, target)
    _prune((trash_folder(sources) / item).parent, trash_folder(sources))
    return name


def empty(sources: Path) -> int:
    """Delete everything in the trash for good; how many items it held."""
    count = len(items(sources))
    trash = trash_folder(sources)
    if trash.is_dir() and not trash.is_symlink():
        shutil.rmtree(trash)  # deletes links, never what they point at
    return count


def _new_batch(trash: Path, when: float) -> Path:
    """A new, empty folder for one removal, named by its time."""
    trash.mkdir(exist_ok=True)
    stamp = datetime.fromtimestamp(when).strftime(_STAMP)
    for n in itertools.count(1):
        batch = trash / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            batch.mkdir()
            return batch
        except FileExistsError:
            continue
    raise AssertionError("unreachable")


def _when(name: str) -> float | None:
    try:
        return datetime.strptime(name[:22], _STAMP).timestamp()
    except ValueError:
        return None


def _prune(folder: Path, trash: Path) -> None:
    """Remove folder and its parents up to the trash while they are empty."""
    while folder != trash and folder.is_relative_to(trash):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
