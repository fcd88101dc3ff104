"""The index manifest: which file (by content hash) produced which chunks, under which settings.

It makes indexing incremental (unchanged files are not re-embedded) and safe across settings changes
(a different fingerprint means a full rebuild). It is written atomically: a temporary file, then
one rename, so a crash leaves either the old or the new manifest, never half of one. Loading checks
the shape as well as the JSON, so a hand-edited or corrupt manifest is reported as damage (with the
field at fault) instead of failing later in whatever reads it; it does not check that the files and
chunks it lists exist (verify.py does).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.errors import IndexDamaged

_SHA = re.compile(r"[0-9a-f]{64}")


@dataclass
class FileEntry:
    sha256: str
    title: str
    chunk_ids: list[str]
    indexed_at: float
    pages: list[int] = field(default_factory=list)  # start offset of each PDF page
    note: str = ""  # how the file was read, when worth saying (a fallback encoding)


_TYPES: dict[str, type | tuple[type, ...]] = {
    "sha256": str, "title": str, "chunk_ids": list, "indexed_at": (int, float), "pages": list,
    "note": str,
}  # fmt: skip
_REQUIRED = {"sha256", "title", "chunk_ids", "indexed_at"}


class _Shape(ValueError):
    """The manifest parsed as JSON but is not a manifest; the message names what is wrong."""


@dataclass
class Manifest:
    fingerprint: str = ""
    files: dict[str, FileEntry] = field(default_factory=dict)
    recipe: dict[str, Any] = field(default_factory=dict)  # what the fingerprint hashes

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The manifest of a published generation; IndexDamaged when missing, corrupt or misshapen."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise IndexDamaged(f"{path.name} is missing", path.parent) from exc
        except (OSError, UnicodeError) as exc:
            raise IndexDamaged(f"{path.name} is unreadable: {exc}", path.parent) from exc
        except ValueError as exc:
            raise IndexDamaged(f"{path.name} is not valid JSON: {exc}", path.parent) from exc
        try:
            return cls._parse(data)
        except _Shape as exc:
            raise IndexDamaged(f"{path.name} is not a manifest: {exc}", path.parent) from exc

    @classmethod
    def _parse(cls, data: Any) -> Manifest:
        _expect(isinstance(data, dict), "it is not an object")
        # fingerprint and recipe may be absent: manifests from before they were recorded
        fingerprint, recipe = data.get("fingerprint", ""), data.get("recipe", {})
        files = data.get("files")
        _expect(isinstance(fingerprint, str), "fingerprint is not a string")
        _expect(isinstance(recipe, dict), "recipe is not an object")
        _expect(isinstance(files, dict), "files is not an object")
        return cls(fingerprint, {name: _entry(name, raw) for name, raw in files.items()}, recipe)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        data = {
            "fingerprint": self.fingerprint,
            "recipe": self.recipe,
            "files": {k: asdict(v) for k, v in self.files.items()},
        }
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)


def _entry(name: str, raw: Any) -> FileEntry:
    _expect(isinstance(raw, dict), f"the entry for {name} is not an object")
    bad = sorted(_REQUIRED - raw.keys()) + sorted(
        key for key, value in raw.items() if not isinstance(value, _TYPES.get(key, ()))
    )
    _expect(not bad, f"the entry for {name} has a missing or bad {', '.join(bad)}")
    _expect(bool(_SHA.fullmatch(raw["sha256"])), f"the entry for {name} has a bad sha256")
    _expect(all(isinstance(c, str) for c in raw["chunk_ids"]), f"bad chunk ids for {name}")
    _expect(all(type(p) is int for p in raw.get("pages", [])), f"bad page offsets for {name}")
    return FileEntry(**raw)


def _expect(condition: bool, problem: str) -> None:
    if not condition:
        raise _Shape(problem)
