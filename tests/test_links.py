"""Links in the sources folder: never read, each skipped with its one-line reason by `assistant
index` (and --dry-run), an upload's re-index and the web's listing; a link to a source inside the
folder does not index that file twice; removing a link leaves what it points at alone."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.core.errors import BadSource
from assistant.ingest.listing import scan
from assistant.ingest.readers import read_document
from assistant.web import files
from assistant.web.manage import SourceHandlers

NOTES = "Glacier notes\n\nThe Baltoro Glacier is about 63 kilometres long.\n"
DEEP = "# Monsoon notes\n\nThe monsoon reaches Lahore in early July.\n"
SECRET = "root:x:0:0:secret account line that must never be indexed\n"
SKIPPED = [
    "elsewhere: a link to a folder outside the sources folder",
    "gone.txt: a link to a missing file",
    "loop.txt: a link that cannot be followed",
    "notes-alias.txt: a link to notes.txt, which is read under its own name",
    "passwd.txt: a link to a file outside the sources folder",
]


def linked_folder(base: Path) -> Path:
    """Two sources, and links to an outside file, an outside folder, nothing, themselves, a
    source inside and a folder inside."""
    outside = base / "outside"
    outside.mkdir()
    (outside / "passwd.txt").write_text(SECRET, encoding="utf-8")
    (outside / "more.txt").write_text(SECRET, encoding="utf-8")
    folder = base / "sources"
    (folder / "sub").mkdir(parents=True)
    (folder / "notes.txt").write_text(NOTES, encoding="utf-8")
    (folder / "sub" / "deep.md").write_text(DEEP, encoding="utf-8")
    (folder / "passwd.txt").symlink_to(outside / "passwd.txt")
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    (folder / "gone.txt").symlink_to(base / "nothing.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "notes-alias.txt").symlink_to("notes.txt")  # relative, inside
    (folder / "inner").symlink_to(folder / "sub", target_is_directory=True)
    return folder


def test_only_regular_files_are_sources(tmp_path: Path) -> None:
    folder = linked_folder(tmp_path)
    found = scan(folder)
    assert found.names(folder) == ["notes.txt", "sub/deep.md"]
    assert found.skipped == SKIPPED


def test_a_link_swapped_in_after_the_listing_is_not_read(tmp_path: Path) -> None:
    folder = linked_folder(tmp_path)
    with pytest.raises(BadSource, match=r"^passwd\.txt: a link, not a regular file$"):
        read_document(folder, folder / "passwd.txt")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True, text=True, timeout=300, env=os.environ,
    )  # fmt: skip


def test_the_index_skips_links_with_their_reasons(tmp_path: Path) -> None:
    folder = linked_folder(tmp_path)
    paths = ["--sources", str(folder), "--index", str(tmp_path / "index")]
    planned = cli("index", "--dry-run", *paths)
    assert planned.returncode == 0, planned.stderr
    assert planned.stdout.splitlines() == [
        "add: notes.txt",
        "add: sub/deep.md",
        *[f"skip: {line}" for line in SKIPPED],
        "2 to add, 0 to re-embed, 0 to remove, 0 unchanged, 5 skipped",
    ]
    done = cli("index", "--quiet", *paths)
    assert done.returncode == 0, done.stderr
    head, *rest = done.stdout.splitlines()
    assert head.startswith("Indexed 2 files: 2 chunks added")
    assert rest == [f"skipped {line}" for line in SKIPPED]
    assistant = Assistant(sources=folder, index=tmp_path / "index")
    assert [s.source for s in assistant.sources()] == ["notes.txt", "sub/deep.md"]
    stored = [assistant.source_text(s.source) for s in assistant.sources()]
    assert not any("secret account" in text for text in stored)


def test_the_web_lists_links_and_an_upload_reports_them(tmp_path: Path) -> None:
    folder = linked_folder(tmp_path)
    manage = SourceHandlers(Assistant(sources=folder, index=tmp_path / "index"))
    upload = tmp_path / "upload" / "passwd.txt"  # the name a link holds
    upload.parent.mkdir()
    upload.write_text("Upload notes\n\nThe upload is a plain file.\n", encoding="utf-8")
    status, shown, choices = manage.upload([str(upload)])[:3]
    table = html.unescape(shown)
    assert "Renamed passwd.txt: passwd.txt exists, kept as passwd-2.txt" in status
    assert "skipped passwd.txt: a link to a file outside the sources folder" in status
    assert (folder / "passwd.txt").is_symlink()
    assert (tmp_path / "outside" / "passwd.txt").read_text(encoding="utf-8") == SECRET
    assert "not indexed: a link to a file outside the sources folder" in table
    assert "secret account" not in table and str(tmp_path) not in table
    assert choices["choices"] == sorted(
        ["notes.txt", "passwd-2.txt", "sub/deep.md", *[s.split(":")[0] for s in SKIPPED]]
    )


def test_removing_a_link_leaves_its_target(tmp_path: Path) -> None:
    folder = linked_folder(tmp_path)
    assert files.remove(folder, "notes-alias.txt") and files.remove(folder, "passwd.txt")
    assert not os.path.lexists(folder / "notes-alias.txt")
    assert not os.path.lexists(folder / "passwd.txt")
    assert (folder / "notes.txt").read_text(encoding="utf-8") == NOTES
    assert (tmp_path / "outside" / "passwd.txt").read_text(encoding="utf-8") == SECRET
    assert not files.remove(folder, "elsewhere/more.txt")  # inside a linked folder: not listed
    assert (tmp_path / "outside" / "more.txt").exists()
