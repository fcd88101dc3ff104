"""The Sources tab's table: per file its title, size, date, passages and whether it is indexed,
with a badge for what the index still owes it (new, changed, removed: the user's step, or that a
running build takes it) and the links or files the index does not read, with their reason.
Everything shown is escaped (render.esc); the folder is named, never its server path."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path

from assistant.api import SourceInfo
from assistant.web.render import esc, shown_title


def sources_table(
    indexed: list[SourceInfo],
    files: list[str],
    folder: Path,
    skipped: Mapping[str, str] | None = None,
    building: bool = False,
) -> str:
    """Indexed sources, files waiting for a rebuild (new, changed or removed), and the links the
    index does not read, each with its reason."""
    known = {s.source: s for s in indexed}
    skipped = skipped or {}
    rows = [
        _source_row(name, known.get(name), name in files, folder, skipped.get(name, ""), building)
        for name in sorted(set(files) | set(known) | set(skipped))
    ]
    total = sum(s.chunks for s in indexed)
    summary = (
        f'<div class="src-summary">{len(indexed)} indexed sources · {total} passages · '
        f"folder <code>{esc(folder.name)}</code></div>"  # its name only: never a server path
    )
    if not rows:
        return (
            summary
            + '<div class="ev-empty">No sources yet: upload .txt, .md, .html, .pdf or .docx '
            "files.</div>"
        )
    return (
        f'{summary}<table class="src-table"><thead><tr><th>Title</th><th>File</th>'
        f'<th class="num">Size</th><th>Modified</th>'
        f'<th class="num">Passages</th><th>Indexed</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# What a row's badge says the index still owes a file: the user's step, or that a running build
# is taking it (uploads and removals start one, or queue one after the running build).
_OWED = {
    False: {
        "new": "rebuild to index",
        "removed": "rebuild to drop",
        "changed": "rebuild to update",
    },
    True: {"new": "being indexed", "removed": "being dropped", "changed": "being re-indexed"},
}


def _source_row(
    name: str, info: SourceInfo | None, present: bool, folder: Path, skipped: str,
    building: bool = False,
) -> str:  # fmt: skip
    """One row: the title, the file, its size and date, its passages and when it was indexed
    ("no" when it is not), with a state badge; `building`: a build is running now."""
    owed = _OWED[building]
    stat = _stat(folder / name) if present else None
    size = _size(stat.st_size) if stat else "–"
    modified = _date(stat.st_mtime) if stat else "–"
    if info is None:
        title, chunks, when = name, "–", "no"
        state = f"not indexed: {skipped}" if skipped else f"new · {owed['new']}"
    else:
        title, chunks = shown_title(info.title), str(info.chunks)
        when = _date(info.indexed_at)
        state = ""
        if skipped:
            state = f"not indexed: {skipped} · rebuild to drop"
        elif not present:
            state = f"removed · {owed['removed']}"
        elif stat and stat.st_mtime > info.indexed_at:
            state = f"changed · {owed['changed']}"
    badge = f' <span class="badge">{esc(state)}</span>' if state else ""
    return (
        f"<tr><td>{esc(title)}{badge}</td><td><code>{esc(name)}</code></td>"
        f'<td class="num">{size}</td><td>{modified}</td>'
        f'<td class="num">{chunks}</td><td>{when}</td></tr>'
    )


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except OSError:  # a broken link, or removed since the folder was listed
        return None


def _date(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


def _size(n: int) -> str:
    """Bytes as the table shows them: 812 B, 14.2 KB, 3.1 MB."""
    if n < 1024:
        return f"{n} B"
    return f"{n / 1024:.1f} KB" if n < 2**20 else f"{n / 2**20:.1f} MB"
