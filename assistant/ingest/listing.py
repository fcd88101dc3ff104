"""Which files under a sources folder are sources, and why a link among them is not read.

Sources are the regular files with an accepted suffix under the folder, found by a walk that
never follows a link and leaves out hidden files and folders (the trash, `.assistant-trash`,
among them). A link is never a source, so nothing outside the folder is read through one and no
file is read twice: a link to a file or a folder outside the folder, to nothing, or to a file
inside it (read once, under its own name) is listed with a one-line reason, as is a special
file (a pipe, a device) with a source's suffix. Left out: reading files (readers.py).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from assistant.core.errors import SourcesNotFound

SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
OUTSIDE_FILE = "a link to a file outside the sources folder"
OUTSIDE_FOLDER = "a link to a folder outside the sources folder"
MISSING = "a link to a missing file"


@dataclass(frozen=True)
class Listing:
    """One walk of a sources folder."""

    files: list[Path]  # the sources, sorted by relative path
    links: dict[str, str]  # relative name -> why it is not read (links and special files)

    @property
    def skipped(self) -> list[str]:
        """One "name: reason" line per entry that is not read, sorted by name."""
        return [f"{name}: {reason}" for name, reason in sorted(self.links.items())]

    def names(self, folder: Path) -> list[str]:
        """The sources' relative paths."""
        return [p.relative_to(folder).as_posix() for p in self.files]


def require_folder(folder: Path) -> None:
    """SourcesNotFound naming the folder and the setting when folder is not a folder."""
    if not folder.is_dir():
        raise SourcesNotFound(
            f"sources folder not found: {folder} (set ASSISTANT_SOURCES or --sources)"
        )


def is_source_name(relative: str) -> bool:
    """An accepted suffix and no hidden part."""
    parts = Path(relative).parts
    return Path(relative).suffix.lower() in SUFFIXES and not any(p.startswith(".") for p in parts)


def scan(folder: Path) -> Listing:
    """The sources under folder and the links (and special files) that are not read."""
    require_folder(folder)
    root = folder.resolve()
    files: list[Path] = []
    links: dict[str, str] = {}
    for top, dirs, names in os.walk(folder):  # a link to a folder is listed, never walked
        here = Path(top)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in [*dirs, *names]:
            path = here / name
            relative = path.relative_to(folder).as_posix()
            if name.startswith("."):
                continue
            reason = _not_read(root, path, relative)
            if reason is None:
                files.append(path)
            elif reason:
                links[relative] = reason
    return Listing(sorted(files, key=lambda p: p.relative_to(folder).parts), links)


def _not_read(root: Path, path: Path, relative: str) -> str | None:
    """None for a source; why an entry is not read; '' for one that is not worth a line (a
    folder, a file of another format, a link to a folder inside the sources folder)."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:  # gone since the walk saw it
        return ""
    if stat.S_ISDIR(mode):
        return ""
    if stat.S_ISLNK(mode):
        return _link(root, path, relative)
    if not is_source_name(relative):
        return ""
    return None if stat.S_ISREG(mode) else "not a regular file"


def _link(root: Path, path: Path, relative: str) -> str:
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        return MISSING if is_source_name(relative) else ""
    except (OSError, RuntimeError):  # a loop of links (RuntimeError before Python 3.13)
        return "a link that cannot be followed" if is_source_name(relative) else ""
    inside = target.is_relative_to(root)
    if target.is_dir():
        return "" if inside else OUTSIDE_FOLDER
    if not is_source_name(relative):
        return ""
    if not inside:
        return OUTSIDE_FILE
    own = target.relative_to(root).as_posix()
    if is_source_name(own) and target.is_file():
        return f"a link to {own}, which is read under its own name"
    return f"a link to {own}, which is not a source"
