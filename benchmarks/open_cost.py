"""What checking a generation costs when it is opened: the open before the checks, the open with
them (`verify.open_generation`), each check alone, and the per-question stat check.

For each size it writes the synthetic corpus (`benchmarks/corpus.py`), builds an index with
stand-in vectors (random unit vectors: the checks never look at them, and the model would make a
100k build take half an hour), then, in a fresh subprocess per measurement so nothing is cached
in memory from the build, times: the old open (manifest load, Chroma client, keyword load), the
checked open, and its parts (manifest parse with shape checks, stored texts stat, keyword load,
database header and Chroma open, Chroma count and get), best of `--repeat` fresh processes; plus
`Opened.unchanged()` and a no-change `refresh` in one process. Not a test: reports, never asserts.
Left out: a Chroma server (one more HTTP round trip per query) and the OS page cache (the index
files were just written, so they are warm, as they are for a server that keeps running).

Run: .venv/bin/python benchmarks/open_cost.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from corpus import generate

from assistant.core.settings import Settings
from assistant.index import generations, verify
from assistant.index.builder import refresh
from assistant.index.embeddings import LocalEmbeddings
from assistant.index.keyword import KeywordIndex
from assistant.index.manifest import Manifest
from assistant.index.store import StoreFactory


def stand_in(texts: list[str]) -> np.ndarray:
    rng = np.random.default_rng(len(texts))
    vectors = rng.standard_normal((len(texts), 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def factory(settings: Settings) -> StoreFactory:
    return StoreFactory(LocalEmbeddings(settings.model, 1, settings.batch_size))


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return round((time.perf_counter() - started) * 1000, 2)


def chroma_open(folder: Path, stores: StoreFactory) -> None:
    verify._check_database(folder / "chroma" / "chroma.sqlite3", folder)
    stores.open(folder)


def measure(index: Path, what: str) -> float:
    """One measurement in this (fresh) process, in ms."""
    folder = generations.live(index)
    assert folder is not None
    stores = factory(Settings.from_env(index=index))
    manifest = Manifest.load(folder / "manifest.json")
    ids = [cid for entry in manifest.files.values() for cid in entry.chunk_ids]
    steps: dict[str, Callable[[], Any]] = {
        "old open": lambda: (Manifest.load(folder / "manifest.json"), stores.open(folder),
                             KeywordIndex.load(folder / "keyword")),
        "checked open": lambda: verify.open_generation(folder, stores),
        "manifest": lambda: Manifest.load(folder / "manifest.json"),
        "texts": lambda: verify._check_texts(folder, manifest),
        "keyword": lambda: verify._keyword(folder, len(set(ids))),
        "chroma open": lambda: chroma_open(folder, stores),
    }  # fmt: skip
    if what == "chroma count and get":
        store = stores.open(folder)
        return timed(lambda: store.problem(ids))
    return timed(steps[what])


def in_process(index: Path, sources: Path) -> dict[str, float]:
    settings = Settings.from_env(index=index, sources=sources)
    stores = factory(settings)
    folder = generations.live(index)
    assert folder is not None
    opened = verify.open_generation(folder, stores)
    runs = 1000
    per_call = timed(lambda: [opened.unchanged() for _ in range(runs)]) / runs
    args = (index, sources, settings.recipe(), settings.chunk_words, stores, stand_in)
    return {"unchanged() per question": round(per_call, 4),
            "refresh with no changes": timed(lambda: refresh(*args))}  # fmt: skip


WHAT = ["old open", "checked open", "manifest", "texts", "keyword", "chroma open",
        "chroma count and get"]  # fmt: skip


def run_size(size: int, base: Path, repeat: int) -> dict[str, Any]:
    sources, index = base / "sources", base / "index"
    corpus = generate(sources, size)
    settings = Settings.from_env(index=index, sources=sources)
    summary = refresh(index, sources, settings.recipe(), settings.chunk_words,
                      factory(settings), stand_in)  # fmt: skip
    row: dict[str, Any] = {"chunks": summary.added, "files": corpus.documents}
    for what in WHAT:
        command = [sys.executable, __file__, "--measure", str(index), what]
        times = [float(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
                 for _ in range(repeat)]  # fmt: skip
        row[what] = min(times)
    row.update(in_process(index, sources))
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(measure(Path(args.measure[0]), args.measure[1]))
        return
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            print(json.dumps(run_size(size, Path(tmp), args.repeat)), flush=True)


if __name__ == "__main__":
    main()
