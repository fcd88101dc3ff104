"""Bring the index in line with the sources folder, embedding only what changed.

A file whose content hash is in the manifest keeps its chunks; a new or changed file is chunked and
embedded; a file that left the folder takes its chunks with it. When the settings fingerprint
differs from the manifest's (another model, other chunk sizes, a new format), everything is rebuilt
and the summary says why. The manifest is saved after each file, so an interrupted run resumes
where it stopped instead of starting over.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.core.text import sentence_spans
from assistant.core.types import Chunk, Document
from assistant.index.manifest import FileEntry, Manifest
from assistant.index.store import ChromaStore
from assistant.ingest.chunking import chunk_document
from assistant.ingest.readers import read_document, source_files

Progress = Callable[[int, int], None]
"""Called as progress(chunks_done, chunks_total) while embedding."""

_GROUP = 16  # chunks per store call: small enough for a smooth progress bar


@dataclass(frozen=True)
class IndexSummary:
    files: int
    added: int
    kept: int
    removed: int
    seconds: float
    rebuilt_because: str = ""

    def line(self) -> str:
        why = f" (full rebuild: {self.rebuilt_because})" if self.rebuilt_because else ""
        return (
            f"Indexed {self.files} files: {self.added} chunks added, {self.kept} kept, "
            f"{self.removed} removed in {self.seconds:.1f}s{why}"
        )


def refresh(
    store: ChromaStore,
    manifest_path: Path,
    sources: Path,
    chunk_words: int,
    fingerprint: str,
    progress: Progress | None = None,
) -> IndexSummary:
    started = time.perf_counter()
    manifest = Manifest.load(manifest_path)
    reason = _rebuild_reason(manifest, fingerprint)
    if reason or (not manifest.files and store.count()):
        store.reset()  # also clears chunks orphaned by a run that died before its first file
        manifest = Manifest()
    manifest.fingerprint = fingerprint
    manifest.save(manifest_path)
    documents = [read_document(sources, path) for path in source_files(sources)]
    current = {doc.source for doc in documents}

    removed = 0
    for name in [n for n in manifest.files if n not in current]:
        removed += _forget(store, manifest, manifest_path, name)
    todo: list[tuple[Document, list[Chunk]]] = []
    kept = 0
    for doc in documents:
        entry = manifest.files.get(doc.source)
        if entry and entry.sha256 == doc.sha256:
            kept += len(entry.chunk_ids)
            continue
        if entry:
            removed += _forget(store, manifest, manifest_path, doc.source)
        todo.append((doc, chunk_document(doc, chunk_words)))

    added = _embed(store, manifest, manifest_path, todo, progress)
    return IndexSummary(
        len(documents), added, kept, removed, time.perf_counter() - started, reason
    )


def _rebuild_reason(manifest: Manifest, fingerprint: str) -> str:
    if manifest.fingerprint == fingerprint:
        return ""
    if not manifest.files:
        return ""
    return "the embedding model, chunking or index format changed"


def _forget(store: ChromaStore, manifest: Manifest, path: Path, name: str) -> int:
    entry = manifest.files.pop(name)
    store.delete(entry.chunk_ids)
    manifest.save(path)
    return len(entry.chunk_ids)


def _embed(
    store: ChromaStore,
    manifest: Manifest,
    manifest_path: Path,
    todo: list[tuple[Document, list[Chunk]]],
    progress: Progress | None,
) -> int:
    total = sum(len(chunks) for _, chunks in todo)
    done = 0
    if progress:
        progress(0, total)
    for doc, chunks in todo:
        for i in range(0, len(chunks), _GROUP):
            group = chunks[i : i + _GROUP]
            store.add([(c, sentence_spans(doc.text, c.start, c.end)) for c in group])
            done += len(group)
            if progress:
                progress(done, total)
        manifest.files[doc.source] = FileEntry(
            doc.sha256, doc.title, [c.id for c in chunks], time.time()
        )
        manifest.save(manifest_path)
    return done
