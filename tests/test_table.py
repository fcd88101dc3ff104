"""The Sources tab's table (web/table.py): each row's badge says what the index still owes the
file, as the user's step or, while a build runs, as what that build is doing."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from assistant.api import SourceInfo
from assistant.web.render import esc
from assistant.web.table import sources_table

HOUR = 3600.0


def _row(html: str, name: str) -> str:
    return next(r for r in html.split("<tr>") if f"<code>{name}</code>" in r)


@pytest.mark.parametrize(
    ("state", "building", "badge"),
    [
        ("new", False, "new · rebuild to index"),
        ("new", True, "new · being indexed"),
        ("changed", False, "changed · rebuild to update"),
        ("changed", True, "changed · being re-indexed"),
        ("removed", False, "removed · rebuild to drop"),
        ("removed", True, "removed · being dropped"),
        ("indexed", False, ""),
        ("indexed", True, ""),
    ],
)
def test_a_rows_badge_says_what_the_index_owes_the_file(
    tmp_path: Path, state: str, building: bool, badge: str
) -> None:
    name = "notes.txt"
    now = time.time()
    if state != "removed":
        (tmp_path / name).write_text("Some notes.", encoding="utf-8")
        os.utime(tmp_path / name, (now, now))
    indexed_at = now + HOUR if state == "indexed" else now - HOUR
    indexed = [] if state == "new" else [SourceInfo(name, "Notes", 3, indexed_at)]
    files = [] if state == "removed" else [name]
    row = _row(sources_table(indexed, files, tmp_path, building=building), name)
    if badge:
        assert f'<span class="badge">{esc(badge)}</span>' in row
    else:
        assert "badge" not in row


def test_a_file_the_index_does_not_read_gives_its_reason_whether_or_not_a_build_runs(
    tmp_path: Path,
) -> None:
    (tmp_path / "link.txt").write_text("x", encoding="utf-8")
    for building in (False, True):
        table = sources_table([], [], tmp_path, {"link.txt": "a link"}, building)
        assert esc("not indexed: a link") in _row(table, "link.txt")
