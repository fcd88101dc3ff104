"""Removing a source never deletes it: it moves to `<sources>/.assistant-trash`, is never indexed
there, and comes back with restore (the web's Restore, `assistant sources --restore`); only
`--empty-trash` deletes. The web's Remove asks first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.core.errors import NotInTrash
from assistant.ingest import trash
from assistant.ingest.listing import scan
from assistant.web import files
from assistant.web.manage import SourceHandlers


def folder_with(base: Path, *names: str) -> Path:
    folder = base / "sources"
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(f"Notes on {name}\n\nText of {name}.\n", encoding="utf-8")
    return folder


def test_remove_moves_to_a_trash_that_is_never_indexed(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "a.txt", "sub/b.md")
    assert files.remove(folder, "sub/b.md")
    assert not (folder / "sub" / "b.md").exists()
    [removed] = trash.items(folder)
    assert removed.source == "sub/b.md" and removed.item.endswith("/sub/b.md")
    kept = folder / ".assistant-trash" / removed.item
    assert kept.read_text(encoding="utf-8") == "Notes on sub/b.md\n\nText of sub/b.md.\n"
    assert scan(folder).names(folder) == ["a.txt"] and scan(folder).skipped == []
    assert not files.remove(folder, f".assistant-trash/{removed.item}")  # not a source


def test_restore_puts_it_back_without_overwriting(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "a.txt")
    files.remove(folder, "a.txt")
    (folder / "a.txt").write_text("A new a.txt\n", encoding="utf-8")  # the name, taken since
    files.remove(folder, "a.txt")
    latest, first = trash.items(folder)  # the latest removal first
    assert latest.removed_at >= first.removed_at
    assert trash.restore(folder, first.item) == "a.txt"
    assert trash.restore(folder, latest.item) == "a-2.txt"
    assert (folder / "a.txt").read_text(encoding="utf-8").startswith("Notes on a.txt")
    assert (folder / "a-2.txt").read_text(encoding="utf-8") == "A new a.txt\n"
    assert trash.items(folder) == [] and list((folder / ".assistant-trash").iterdir()) == []
    with pytest.raises(NotInTrash, match="is not in the trash"):
        trash.restore(folder, "../../etc/passwd")


def test_a_removed_link_is_restored_as_a_link(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "a.txt")
    outside = tmp_path / "outside.txt"
    outside.write_text("outside", encoding="utf-8")
    (folder / "out.txt").symlink_to(outside)
    assert files.remove(folder, "out.txt")
    assert outside.read_text(encoding="utf-8") == "outside"
    [removed] = trash.items(folder)
    assert trash.restore(folder, removed.item) == "out.txt"
    assert (folder / "out.txt").is_symlink() and outside.exists()
    assert files.remove(folder, "out.txt") and trash.empty(folder) == 1
    assert outside.read_text(encoding="utf-8") == "outside"  # emptying never follows a link


def test_the_web_asks_before_it_removes(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "a.txt")
    manage = SourceHandlers(Assistant(sources=folder, index=tmp_path / "index", auto_index=False))
    status, button, pending = manage.ask_remove("a.txt")
    assert status.startswith("Remove a.txt? It moves to the trash, and Restore brings it back.")
    assert button["visible"] is True and pending == "a.txt"
    assert (folder / "a.txt").exists()  # one click moves nothing
    assert manage.ask_remove("nope.txt")[0] == "Not removed: nope.txt is not a source file."
    status, _, _, trashed = manage.remove(pending)
    assert status.startswith("Removed a.txt: it is in the trash until restored.")
    [(label, item)] = trashed["choices"]
    assert label.startswith("a.txt · removed ") and item == trash.items(folder)[0].item
    assert manage.restore(item)[0].startswith("Restored a.txt.")
    assert (folder / "a.txt").exists() and trash.items(folder) == []
    assert manage.restore(item)[0] == f"Not restored: {item} is not in the trash " + (
        "(assistant sources --trash lists it)"
    )


def sources_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", "sources", *args],
        capture_output=True, text=True, timeout=60, env=os.environ,
    )  # fmt: skip


def test_the_sources_command_lists_restores_and_empties_the_trash(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "a.txt", "b.txt")
    (folder / "link.txt").symlink_to(tmp_path / "nowhere.txt")
    at = ["--sources", str(folder)]
    assert sources_cli(*at).stdout.splitlines() == [
        "a.txt",
        "b.txt",
        "skip: link.txt: a link to a missing file",
        f"2 sources, 1 skipped, 0 in the trash ({folder})",
    ]
    assert (
        sources_cli("--trash", *at).stdout == f"The trash is empty ({folder}/.assistant-trash).\n"
    )
    files.remove(folder, "a.txt")
    files.remove(folder, "b.txt")
    listed = sources_cli("--trash", *at).stdout.splitlines()
    items = [r.item for r in trash.items(folder)]
    assert [line.split()[0] for line in listed[:-1]] == items
    assert all(" removed 20" in line for line in listed[:-1])
    assert listed[-1] == (
        f"2 in the trash ({folder}/.assistant-trash); assistant sources --restore ITEM"
    )
    restored = sources_cli("--restore", items[0], *at)
    assert restored.stdout == "Restored b.txt; run `assistant index` to index it again.\n"
    assert sources_cli("--empty-trash", *at).stdout == "Deleted 1 removed files from the trash.\n"
    assert sorted(p.name for p in folder.iterdir()) == ["b.txt", "link.txt"]
    wrong = sources_cli("--restore", "nope", *at)
    assert wrong.returncode == 1
    assert wrong.stderr == "error: nope is not in the trash (assistant sources --trash lists it)\n"


def test_the_sources_command_explains_the_trash() -> None:
    done = sources_cli("--help")
    assert done.returncode == 0
    for words in ("--trash", "--restore ITEM", "--empty-trash", ".assistant-trash", "restored"):
        assert words in done.stdout
