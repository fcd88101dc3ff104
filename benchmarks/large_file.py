"""Indexing throughput on one large `.txt` file: time per stage, MB/minute, peak memory, ETA.

Writes one N-MB text file to a temporary sources folder and indexes it with the product's own code
(`Assistant.index`, a fresh index), in a subprocess so that its peak RSS is the build's alone. The
text recombines the sentences of the bundled articles (`sources/`) and of the SQuAD contexts in
`assistant/evaluation/squad` (8 Wikipedia articles): paragraphs of 2-8 sentences with a numbered
heading now and then, and in every sentence about one word in six swapped for a random word of
the same pool, so that (almost) no sentence repeats and the builder's "embed each distinct text
once" cannot make the embedding cheaper than on a real file. Same seed and size, same bytes.

Stages are timed by wrapping the functions the builder calls (exclusive time: a stage nested in
another, sentence splitting inside chunking, counts once, as itself): reading, chunking, sentence
splitting, sentence embedding (the model's `encode`; the build embeds sentences only, a chunk's
vector is their weighted mean), chunk vectors (the rest of `embed_chunks`: slicing, dedup, means),
Chroma metadata packing, Chroma writes, BM25 (add and save), verify + publish; "other" is the rest.
The ratio the issue asks about is total / sentence embedding. The progress bar is the CLI's own
(`cli_common.progress_bar`, tqdm writing to a buffer here): at the first update past 10%, 25% and
50% of the chunks its predicted time left is compared with the time the build actually took from
then on. `--profile FILE` also writes cProfile statistics of the build.

Not a test: it reports, never asserts; a shared machine makes absolute timings noisy, so compare
shares within one run. Run: .venv/bin/python benchmarks/large_file.py --mb 2 [--out result.json]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.text import paragraph_spans, sentence_spans

ROOT = Path(__file__).resolve().parents[1]
SQUAD = ROOT / "assistant" / "evaluation" / "squad" / "squad2-dev-8-articles.json"
_SWAP = 6  # one word in this many is swapped for a random one
_MARKS = (25, 50, 10)  # percent of chunks done at which the bar's time left is checked


def sentence_pool() -> list[str]:
    """Every sentence of 6+ words of the bundled articles and the SQuAD contexts."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "sources").glob("*.txt"))]
    data = json.loads(SQUAD.read_text(encoding="utf-8"))["data"]
    texts += [p["context"] for article in data for p in article["paragraphs"]]
    pool = []
    for text in texts:
        for start, end in paragraph_spans(text):
            pool += [
                s for a, b in sentence_spans(text, start, end) if len((s := text[a:b]).split()) >= 6
            ]
    return pool


def varied(rng: random.Random, sentence: str, vocabulary: list[str]) -> str:
    """sentence with about one inner word in _SWAP replaced by a random word of the pool."""
    words = sentence.split()
    for i in range(1, len(words) - 1):
        if rng.randrange(_SWAP) == 0:
            words[i] = rng.choice(vocabulary)
    return " ".join(words)


def write_text(path: Path, megabytes: float, seed: int = 0) -> int:
    """Write about `megabytes` MB of varied prose to path; returns its size in bytes."""
    rng = random.Random(seed)
    pool = sentence_pool()
    vocabulary = sorted({w for s in pool for w in re.findall(r"[a-z]{3,}", s)})
    target, size, section = int(megabytes * 2**20), 0, 0
    with path.open("w", encoding="utf-8") as out:
        while size < target:
            if rng.randrange(12) == 0:
                section += 1
                heading = " ".join(rng.choice(pool).split()[:5]).rstrip(",.;:")
                line = f"Section {section}: {heading}\n\n"
            else:
                chosen = rng.choices(pool, k=rng.randint(2, 8))
                line = " ".join(varied(rng, s, vocabulary) for s in chosen) + "\n\n"
            out.write(line)
            size += len(line.encode())
    return size


class Stages:
    """Exclusive wall time per stage: entering a stage pauses the one it was called from."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._stack: list[list[Any]] = []  # [stage, started]

    def wrap(self, owner: Any, name: str, stage: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            now = time.perf_counter()
            if self._stack:
                outer = self._stack[-1]
                self._add(outer[0], now - outer[1])
            self._stack.append([stage, now])
            try:
                return original(*args, **kwargs)
            finally:
                end = time.perf_counter()
                self._add(stage, end - self._stack.pop()[1])
                self.calls[stage] = self.calls.get(stage, 0) + 1
                if self._stack:
                    self._stack[-1][1] = end

        setattr(owner, name, timed)

    def _add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds


def instrument(stages: Stages, assistant: Any) -> None:
    from assistant.index import builder, generations, store, verify
    from assistant.index.keyword import KeywordIndex
    from assistant.ingest import chunking

    for owner, name, stage in (
        (builder, "read_document", "reading"),
        (builder, "chunk_document", "chunking"),
        (builder, "sentence_spans", "sentence splitting"),
        (chunking, "sentence_spans", "sentence splitting"),
        (builder, "embed_chunks", "chunk vectors (slicing, dedup, means)"),
        (assistant.embeddings, "encode", "sentence embedding (model)"),
        (store, "_meta", "Chroma metadata packing"),
        (store.ChromaStore, "add", "Chroma writes"),
        (KeywordIndex, "add", "BM25 add"),
        (KeywordIndex, "save", "BM25 save"),
        (verify, "before_publishing", "verify + publish"),
        (generations, "publish", "verify + publish"),
    ):
        stages.wrap(owner, name, stage)


class Memory:
    """Samples this process's RSS every 0.2 s (ru_maxrss gives the peak; this, when it was)."""

    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Memory:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.samples.append((time.perf_counter(), self.process.memory_info().rss))


def recording_bar() -> tuple[Callable[[int, int], None], list[tuple[float, int, int, float]]]:
    """The CLI's progress callback, its tqdm bar drawn into a buffer; each call is recorded as
    (time, done, total, the bar's predicted seconds left, computed as tqdm prints it)."""
    import tqdm

    from assistant.cli_common import progress_bar

    made: list[Any] = []
    original = tqdm.tqdm

    class Recorded(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["file"] = io.StringIO()
            super().__init__(*args, **kwargs)
            made.append(self)

    tqdm.tqdm = Recorded
    progress, _ = progress_bar("Embedding", "chunk")
    record: list[tuple[float, int, int, float]] = []

    def recorded(done: int, total: int) -> None:
        progress(done, total)
        if made and 0 < done < total:
            meter = made[0].format_dict
            rate = meter["rate"] or (meter["n"] / meter["elapsed"] if meter["elapsed"] else 0)
            left = (total - done) / rate if rate else float("nan")
            record.append((time.perf_counter(), done, total, left))

    return recorded, record


def eta_accuracy(record: list[tuple[float, int, int, float]], end: float) -> list[dict[str, Any]]:
    out = []
    for mark in sorted(_MARKS):
        hit = next((r for r in record if r[1] * 100 >= mark * r[2]), None)
        if hit is None:
            continue
        actual = end - hit[0]
        out.append({"at_percent": round(100 * hit[1] / hit[2], 1), "predicted_s": round(hit[3], 1),
                    "actual_s": round(actual, 1),
                    "error": round((hit[3] - actual) / actual, 3) if actual else None})  # fmt: skip
    return out


def fake_encode(texts: list[str]) -> np.ndarray:
    """Random unit vectors in place of the model (--fake-model), to time everything else."""
    rng = np.random.default_rng(len(texts))
    vectors = rng.standard_normal((len(texts), 384)).astype(np.float32)
    return np.asarray(vectors / np.linalg.norm(vectors, axis=1, keepdims=True), dtype=np.float32)


def build(work: Path, profile: Path | None, fake: bool = False) -> dict[str, Any]:
    """Index work/sources into work/index, instrumented; the result's figures. With `fake`, the
    model is loaded (its memory counts) but random vectors stand in for its output."""
    from assistant.api import Assistant
    from assistant.core.settings import Settings

    settings = Settings.from_env(sources=work / "sources", index=work / "index")
    assistant = Assistant(settings)
    assistant.embeddings.encode(["warm up the model"])  # loading is not indexing
    model = fake_encode if fake else assistant.embeddings.encode
    embedded = [0]

    def counted(texts: list[str]) -> np.ndarray:
        embedded[0] += len(texts)
        return model(texts)

    assistant.embeddings.encode = counted  # type: ignore[method-assign]
    stages = Stages()
    instrument(stages, assistant)
    progress, record = recording_bar()
    profiler = cProfile.Profile() if profile else None
    with Memory() as memory:
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        summary = assistant.index(progress)
        if profiler:
            profiler.disable()
        end = time.perf_counter()
    if profiler and profile:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(40)
        profile.write_text(out.getvalue())
    total = end - started
    peak_at = max(memory.samples, key=lambda s: s[1])[0] - started if memory.samples else 0.0
    return {
        "chunks": summary.added, "sentences": embedded[0], "total_s": round(total, 1),
        "stages_s": {k: round(v, 2) for k, v in stages.seconds.items()},
        "calls": stages.calls,
        "eta": eta_accuracy(record, end),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_at_s": round(peak_at, 1),
        "progress_first_at_s": round(record[0][0] - started, 1) if record else None,
    }  # fmt: skip


def report(result: dict[str, Any]) -> str:
    total = result["total_s"]
    stages = dict(result["stages_s"])
    stages["other"] = round(total - sum(stages.values()), 2)
    embed = stages.get("sentence embedding (model)", 0.0)
    ratio = total / embed if embed else float("nan")
    head = (
        f"{result['mb']} MB, {result['chunks']:,} chunks, {result['sentences']:,} sentences "
        f"embedded, {total:.1f} s, {result['mb'] / total * 60:.2f} MB/minute, total / embedding "
        f"{ratio:.2f}, peak RSS {result['peak_rss_mb']:,} MB (at {result['peak_at_s']} s)"
    )
    lines = [head, "", "| stage | s | share |", "|---|---|---|"]
    for stage, seconds in sorted(stages.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {stage} | {seconds:.1f} | {seconds / total:.1%} |")
    lines += ["", "| bar at | predicted left s | actual left s | error |", "|---|---|---|---|"]
    for e in result["eta"]:
        lines.append(
            f"| {e['at_percent']}% | {e['predicted_s']} | {e['actual_s']} | {e['error']:+.0%} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=2.0, help="size of the one text file")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, help="write the result as JSON here")
    ap.add_argument("--profile", type=Path, help="write cProfile statistics of the build here")
    ap.add_argument("--fake-model", action="store_true", help="random vectors for the model's")
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)  # the subprocess's folder
    args = ap.parse_args()
    if args.work:
        result = build(args.work, args.profile, args.fake_model)
        (args.work / "result.json").write_text(json.dumps(result))
        return
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="large-file-") as tmp:
        work = Path(tmp)
        (work / "sources").mkdir()
        size = write_text(work / "sources" / "large.txt", args.mb, args.seed)
        command = [sys.executable, __file__, "--work", str(work)]
        command += ["--profile", str(args.profile.resolve())] if args.profile else []
        command += ["--fake-model"] if args.fake_model else []
        subprocess.run(command, check=True)
        result = json.loads((work / "result.json").read_text())
    result |= {"mb": round(size / 2**20, 2), "date": time.strftime("%Y-%m-%d"),
               "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python "
               f"{platform.python_version()}", "load_before": load,
               "fake_model": args.fake_model}  # fmt: skip
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(report(result))


if __name__ == "__main__":
    main()
