"""The index manifest: which file (by content hash) produced which chunks, under which settings.

It makes indexing incremental (unchanged files are not re-embedded) and safe across settings changes
(a different fingerprint means a full rebuild). It is written atomically: a temporary file, then
one rename, so a crash leaves either the old or the new manifest, never half of one.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.core.errors import IndexFailure


@dataclass
class FileEntry:
    sha256: str
    title: str
    chunk_ids: list[str]
    indexed_at: float
    pages: list[int] = field(default_factory=list)  # start offset of each PDF page
    note: str = ""  # how the file was read, when worth saying (a fallback encoding)


@dataclass
class Manifest:
    fingerprint: str = ""
    files: dict[str, FileEntry] = field(default_factory=dict)
    recipe: dict[str, Any] = field(default_factory=dict)  # what the fingerprint hashes

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            files = {name: FileEntry(**entry) for name, entry in data.get("files", {}).items()}
        except (OSError, ValueError, TypeError) as exc:
            raise IndexFailure(f"the index manifest {path} is unreadable: {exc}") from exc
        return cls(data.get("fingerprint", ""), files, data.get("recipe", {}))

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
