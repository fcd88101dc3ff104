"""Bring the index in line with the sources folder, embedding only what changed, crash-safely.

`plan` compares the sources with the live generation's manifest: which files to add, re-embed,
remove or keep, which to skip (a bad file is skipped with its one-line reason; if it was indexed
before, its chunks are kept; a link is never read: ingest/listing.py), and whether the settings
fingerprint forces a full rebuild. `refresh` carries the plan out in a new generation beside the
live one (kept chunks are copied with their vectors, never re-embedded), checks it as a reader
will open it and publishes it in one step; see generations.py and verify.py. A live generation
that fails its check is rebuilt from the sources alone, and the summary says what was wrong with
it. Only sentences are embedded: a chunk's vector is the length-weighted mean of its sentences'
vectors, which retrieved as well as embedding the chunk on the dev questions and halves the
embedding work.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.core.errors import BadSource
from assistant.core.settings import fingerprint_of
from assistant.core.text import MAX_SENTENCE_CHARS, sentence_spans
from assistant.core.types import Chunk, Document, page_at
from assistant.index import generations, verify
from assistant.index.keyword import KeywordIndex
from assistant.index.manifest import FileEntry, Manifest
from assistant.index.store import ChromaStore, Embedded
from assistant.index.verify import Opened, text_path
from assistant.ingest.chunking import chunk_document
from assistant.ingest.readers import MAX_SOURCE_BYTES, read_document, require_folder, scan

Progress = Callable[[int, int], None]
"""Called as progress(chunks_done, chunks_total) while embedding."""
Planned = Callable[["Plan"], None]
"""Called once with what a refresh is about to do, before it reads or embeds anything more."""
Embed = Callable[[list[str]], np.ndarray]
"""Texts to L2-normalised vectors, one row per text."""


@dataclass(frozen=True)
class Limits:
    """What bounds the text a build reads and stores (Settings: chunk_words, max_sentence_chars,
    max_source_mb)."""

    chunk_words: int = 160
    sentence_chars: int = MAX_SENTENCE_CHARS
    source_bytes: int = MAX_SOURCE_BYTES


# Chunks per embedding call. The model sorts each call's sentences by length before batching,
# so bigger calls pad less: 64 chunks a call ran at 39 chunks/s, 256 at 45, 1024 at 50 (the
# model alone on the same sentences in one call: 50). The progress bar moves once per call, so
# a smaller build takes tenths of it, down to _MIN_GROUP, to show its progress (the web's status
# line, the server log's one line per tenth).
_GROUP, _MIN_GROUP = 1024, 256


class Stores(verify.Stores, Protocol):
    """How a generation folder maps to a Chroma store (store.StoreFactory)."""

    def clone(
        self, source: Path, target: Path, keep: list[str], drop: list[str]
    ) -> ChromaStore: ...

    def discard(self, folder: Path) -> None: ...


@dataclass
class Plan:
    documents: dict[str, Document] = field(default_factory=dict)  # readable files, by source
    add: list[str] = field(default_factory=list)
    change: list[str] = field(default_factory=list)
    remove: list[str] = field(default_factory=list)
    keep: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one line each: "path: reason"
    notes: list[str] = field(default_factory=list)  # one line each, about files that were read
    rebuild_because: str = ""
    repair: str = ""  # what is wrong with the live generation, which is then rebuilt

    @property
    def changes(self) -> bool:
        return bool(self.add or self.change or self.remove or self.rebuild_because or self.repair)

    def lines(self) -> list[str]:
        """What a dry run prints."""
        out = [f"full rebuild: {self.rebuild_because}"] if self.rebuild_because else []
        if self.repair:
            out.append(f"full rebuild: the live index is damaged ({self.repair})")
        for label, names in (("add", self.add), ("re-embed", self.change), ("remove", self.remove)):
            out += [f"{label}: {name}" for name in names]
        out += [f"skip: {line}" for line in self.skipped] + [f"note: {n}" for n in self.notes]
        out.append(
            f"{len(self.add)} to add, {len(self.change)} to re-embed, {len(self.remove)} to "
            f"remove, {len(self.keep)} unchanged, {len(self.skipped)} skipped"
        )
        return out


@dataclass(frozen=True)
class IndexSummary:
    files: int
    added: int
    kept: int
    removed: int
    seconds: float
    rebuilt_because: str = ""
    skipped: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    repaired: str = ""  # what was wrong with the live generation this build replaced

    def line(self) -> str:
        why = f" (full rebuild: {self.rebuilt_because})" if self.rebuilt_because else ""
        head = (
            f"Indexed {self.files} files: {self.added} chunks added, {self.kept} kept, "
            f"{self.removed} removed in {self.seconds:.1f}s{why}"
        )
        tail = [f"rebuilt from the sources: the live index was damaged ({self.repaired})"]
        tail = (tail if self.repaired else []) + [f"skipped {s}" for s in self.skipped]
        return "\n".join([head, *tail, *[f"note: {n}" for n in self.notes]])


def plan(
    manifest: Manifest, sources: Path, recipe: dict[str, Any], max_bytes: int = MAX_SOURCE_BYTES
) -> Plan:
    p = Plan()
    if manifest.files and manifest.fingerprint != fingerprint_of(recipe):
        p.rebuild_because = _why(manifest.recipe, recipe)
    old = {} if p.rebuild_because else manifest.files
    listing = scan(sources)  # links are never read: each is a skip line (listing.py)
    listed = listing.files
    for path in listed:
        name = path.relative_to(sources).as_posix()
        try:
            doc = read_document(sources, path, max_bytes)
        except BadSource as exc:
            p.skipped.append(str(exc))
            if name in old:
                p.keep.append(name)  # a file that was fine before keeps its chunks
            continue
        p.documents[name] = doc
        if doc.note:
            p.notes.append(f"{name}: {doc.note}")
        entry = old.get(name)
        if entry is None:
            p.add.append(name)
        elif entry.sha256 == doc.sha256:
            p.keep.append(name)
        else:
            p.change.append(name)
    present = {path.relative_to(sources).as_posix() for path in listed}
    p.remove = sorted(name for name in old if name not in present)
    p.skipped = sorted(p.skipped + listing.skipped)
    return p


def _why(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What changed, key by key; a key only one side has counts as "none" (an index built with
    the answer_scorer setting, removed in issue 21, records a key that recipes no longer hold)."""
    keys = sorted(set(old) | set(new)) if old else []
    changed = [f"{k} {old.get(k, 'none')} -> {new.get(k, 'none')}" for k in keys
               if old.get(k) != new.get(k)]  # fmt: skip
    if not changed:  # an index from before recipes were recorded
        return "the embedding model, chunking or index format changed"
    return "changed " + ", ".join(changed)


def refresh(
    index: Path,
    sources: Path,
    recipe: dict[str, Any],
    chunk_words: int,
    stores: Stores,
    embed: Embed,
    progress: Progress | None = None,
    limits: Limits | None = None,
    planned: Planned | None = None,
) -> IndexSummary:
    """Build a new generation when anything changed (or the live one is damaged: then from the
    sources alone), check it, publish it, and clear out old ones."""
    limits = limits or Limits()
    started = time.perf_counter()
    require_folder(sources)  # before the lock makes the index folder: a typo creates nothing
    with generations.build_lock(index):
        current, opened, damage = verify.live(index, stores)
        if current is None:
            generations.remove_legacy(index)
        manifest = opened.manifest if opened else Manifest()
        p = plan(manifest, sources, recipe, limits.source_bytes)
        p.repair = damage
        if planned:
            planned(p)
        _sweep(index, stores)
        old = {} if p.rebuild_because else manifest.files
        kept = sum(len(old[name].chunk_ids) for name in p.keep)
        removed = sum(len(old[n].chunk_ids) for n in p.remove + p.change)
        if current is not None and not p.changes:
            return _summary(p, 0, kept, 0, started)
        folder = generations.create(index)
        try:
            shape = replace(limits, chunk_words=chunk_words)
            added = _build(folder, opened, p, old, recipe, shape, stores, embed, progress)
            verify.before_publishing(folder, stores)
            generations.publish(index, folder)
        except BaseException:
            generations.remove(folder)  # a failed build leaves nothing behind (kill -9 aside)
            raise
        if damage and current is not None:
            _drop(current, stores)  # useless to any reader, unlike a whole previous generation
        _sweep(index, stores)
        if p.rebuild_because:
            removed = sum(len(e.chunk_ids) for e in manifest.files.values())
        return _summary(p, added, kept, removed, started)


def preview(
    index: Path,
    sources: Path,
    recipe: dict[str, Any],
    stores: Stores,
    max_bytes: int = MAX_SOURCE_BYTES,
) -> Plan:
    """What `refresh` would do, without doing it."""
    _, opened, damage = verify.live(index, stores)
    p = plan(opened.manifest if opened else Manifest(), sources, recipe, max_bytes)
    p.repair = damage
    return p


def _summary(p: Plan, added: int, kept: int, removed: int, started: float) -> IndexSummary:
    files = len(p.keep) + len(p.add) + len(p.change)
    return IndexSummary(
        files, added, kept, removed, time.perf_counter() - started, p.rebuild_because,
        tuple(p.skipped), tuple(p.notes), p.repair,
    )  # fmt: skip


def _build(
    folder: Path,
    live: Opened | None,
    p: Plan,
    old: dict[str, FileEntry],
    recipe: dict[str, Any],
    limits: Limits,
    stores: Stores,
    embed: Embed,
    progress: Progress | None,
) -> int:
    manifest = Manifest(fingerprint_of(recipe), {name: old[name] for name in p.keep}, recipe)
    (folder / "texts").mkdir()
    if live is not None and p.keep:
        keep = [cid for name in p.keep for cid in old[name].chunk_ids]
        gone = [cid for name in p.remove + p.change for cid in old[name].chunk_ids]
        store = stores.clone(live.folder, folder, keep, gone)
        for name in p.keep:
            _link(text_path(live.folder, old[name].sha256), folder / "texts")
        keyword = live.keyword  # opened for this build alone, so it may change
        keyword.remove(gone)
    else:
        store, keyword = stores.open(folder), KeywordIndex([])
    todo = [p.documents[name] for name in p.add + p.change]
    for doc in todo:
        text_path(folder, doc.sha256).write_text(doc.text, encoding="utf-8")
    added = _embed_all(store, keyword, manifest, todo, limits, embed, progress)
    keyword.save(folder / "keyword")
    manifest.save(folder / "manifest.json")
    return added


def _embed_all(
    store: ChromaStore,
    keyword: KeywordIndex,
    manifest: Manifest,
    todo: list[Document],
    limits: Limits,
    embed: Embed,
    progress: Progress | None,
) -> int:
    words, chars = limits.chunk_words, limits.sentence_chars
    pending = [(doc, _paged(doc, chunk_document(doc, words, chars))) for doc in todo]
    chunks = [(doc, c) for doc, cs in pending for c in cs]
    if progress:
        progress(0, len(chunks))
    step = _group(len(chunks))
    for i in range(0, len(chunks), step):
        group = chunks[i : i + step]
        items = embed_chunks([(doc.text, c) for doc, c in group], embed, chars)
        store.add(items)
        keyword.add([c for _, c in group])
        if progress:
            progress(i + len(group), len(chunks))
    for doc, cs in pending:
        manifest.files[doc.source] = FileEntry(
            doc.sha256, doc.title, [c.id for c in cs], time.time(), list(doc.pages), doc.note
        )
    return len(chunks)


def _group(chunks: int) -> int:
    return min(_GROUP, max(_MIN_GROUP, -(-chunks // 10)))


def embed_chunks(
    group: list[tuple[str, Chunk]], embed: Embed, max_sentence_chars: int = MAX_SENTENCE_CHARS
) -> list[Embedded]:
    """Embed every sentence of the chunks in one call, each distinct text once (a file of one
    phrase repeated needs a handful of model passes, not thousands); each chunk gets the
    length-weighted mean of its sentences' vectors."""
    spans = [
        sentence_spans(text, c.start, c.end, max_sentence_chars) or [(c.start, c.end)]
        for text, c in group
    ]
    texts = [text[a:b] for (text, _), ss in zip(group, spans, strict=True) for a, b in ss]
    distinct = list(dict.fromkeys(texts))
    index = {t: i for i, t in enumerate(distinct)}
    where = [index[t] for t in texts]
    vectors = embed(distinct)[where]
    items, row = [], 0
    for (_, chunk), ss in zip(group, spans, strict=True):
        rows = vectors[row : row + len(ss)]
        weights = np.array([b - a for a, b in ss], dtype=np.float32)
        mean = weights @ rows
        items.append(Embedded(chunk, mean / (np.linalg.norm(mean) or 1.0), ss, rows))
        row += len(ss)
    return items


def _paged(doc: Document, chunks: list[Chunk]) -> list[Chunk]:
    if not doc.pages:
        return chunks
    return [replace(c, page=page_at(doc.pages, c.start)) for c in chunks]


def _link(path: Path, folder: Path) -> None:
    """Share an unchanged file's stored text with the new generation (a copy if links fail)."""
    target = folder / path.name
    if target.exists() or not path.exists():
        return
    try:
        os.link(path, target)
    except OSError:
        shutil.copy2(path, target)


def _sweep(index: Path, stores: Stores) -> None:
    for folder in generations.stale(index):
        _drop(folder, stores)


def _drop(folder: Path, stores: Stores) -> None:
    with contextlib.suppress(Exception):  # cleaning up must never fail a build
        stores.discard(folder)
    generations.remove(folder)
