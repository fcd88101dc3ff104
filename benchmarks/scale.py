"""Scale benchmark: build and query indexes of about 1k, 10k and 100k chunks of real prose.

For each size, in a fresh subprocess (so peak memory belongs to that size alone): generate the
corpus (`benchmarks/corpus.py`) in a temporary folder; measure the embedding model's raw
throughput on the sentences of the corpus's first 1024 chunks, which are the texts the build
embeds (`model.encode`, one call, torch threads = all cores, the best of batch sizes 32/64/128);
build the index through the public API (`Assistant.index`); then time warm queries with dev-set
questions: `Assistant.retrieve` (query embedding, dense + BM25 fusion) and the whole
`Assistant.answer`. It also times the BM25 keyword index alone: save, load, search (top 20) and
the exact-term lookups. Reports build chunks/s and its share of the raw throughput, query
p50/p95, peak RSS (ru_maxrss) and index size on disk; writes JSON, rewrites the table in
docs/scale.md and prints it. `--keyword-only` skips embeddings and times just the keyword index.

Not a test: timings on a shared machine are noisy, so this reports and never asserts. It leaves out
concurrency, and times the first question (which opens the index) apart from the warm ones.
Run: .venv/bin/python benchmarks/scale.py --sizes 1000 --queries 50
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from corpus import chunks_of, generate
from tqdm import tqdm

from assistant.api import Assistant
from assistant.core.settings import Settings
from assistant.core.text import sentence_spans
from assistant.evaluation.run import SETS, load
from assistant.index.keyword import FILENAME, KeywordIndex
from assistant.retrieve.hybrid import exact_terms

ROOT = Path(__file__).resolve().parents[1]
BATCH_SIZES = (32, 64, 128)
BEGIN, END = "<!-- scale:begin -->", "<!-- scale:end -->"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency(seconds: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in seconds]
    return {
        "n": len(ms),
        "p50": round(statistics.median(ms), 1),
        "p95": round(percentile(ms, 0.95), 1),
    }


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def dev_questions(count: int) -> list[str]:
    """count questions of the dev set, in order, starting over when it runs out."""
    dev = [item["question"] for item in load(SETS["dev"])]
    return [dev[i % len(dev)] for i in range(count)]


def chunk_texts(folder: Path, chunk_words: int, sample: int) -> tuple[list[list[str]], int]:
    """The sentences of the first `sample` chunks, chunk by chunk; all chunks' sentence count."""
    sample_sentences: list[list[str]] = []
    sentences = 0
    for path in sorted(folder.glob("*.txt")):
        for chunk in chunks_of(path.name, path.read_text(encoding="utf-8"), chunk_words):
            spans = sentence_spans(chunk.text)
            sentences += len(spans)
            if len(sample_sentences) < sample:
                sample_sentences.append([chunk.text[a:b] for a, b in spans])
    return sample_sentences, sentences


def raw_throughput(assistant: Assistant, chunks: list[list[str]]) -> dict[str, Any]:
    """The model alone on the same sentences the build embeds (all of the sample's sentences in
    one `encode` call per batch size, all cores), in chunks/s; the best batch size is the figure
    the build is compared with. Whole chunk texts are timed too, for reference."""
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    model = assistant.embeddings.model
    sentences = [s for chunk in chunks for s in chunk]
    whole = [" ".join(chunk) for chunk in chunks]
    model.encode(sentences[:64], batch_size=32, show_progress_bar=False)  # warm up
    rates: dict[int, float] = {}
    for size in tqdm(BATCH_SIZES, desc="model alone", unit="batch size", leave=False):
        started = time.perf_counter()
        model.encode(sentences, batch_size=size, normalize_embeddings=True, show_progress_bar=False)
        rates[size] = round(len(chunks) / (time.perf_counter() - started), 1)
    best = max(rates, key=lambda s: rates[s])
    started = time.perf_counter()
    model.encode(whole, batch_size=16, normalize_embeddings=True, show_progress_bar=False)
    whole_rate = round(len(chunks) / (time.perf_counter() - started), 1)
    return {"chunks": len(chunks), "sentences": len(sentences), "chunks_per_s": rates,
            "best_batch": best, "best": rates[best],
            "whole_chunks_per_s_batch16": whole_rate}  # fmt: skip


def build(assistant: Assistant) -> tuple[float, int]:
    bar = tqdm(desc="index", unit="chunk", leave=False)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    summary = assistant.index(progress)
    bar.close()
    return summary.seconds, summary.added


def query_times(assistant: Assistant, questions: list[str]) -> dict[str, Any]:
    first = timed(lambda: assistant.answer(questions[0]))  # opens the index
    retrieve: list[float] = []
    answer: list[float] = []
    for question in tqdm(questions, desc="queries", unit="q", leave=False):
        retrieve.append(timed(lambda: assistant.retrieve(question)))  # noqa: B023 (called now)
        answer.append(timed(lambda: assistant.answer(question)))  # noqa: B023
    return {"first_answer_s": round(first, 2), "retrieve_ms": latency(retrieve),
            "answer_ms": latency(answer)}  # fmt: skip


def keyword_times(keyword: KeywordIndex, folder: Path, questions: list[str]) -> dict[str, Any]:
    """Save, load, then per question: search (top 20), and containing(term, limit=1) for each
    of its exact terms, as the retriever's exact-term guarantee calls it."""
    save = timed(lambda: keyword.save(folder))
    started = time.perf_counter()
    loaded = KeywordIndex.load(folder)
    load_s = time.perf_counter() - started
    search = [timed(lambda: loaded.search(q, 20)) for q in questions]  # noqa: B023
    lookups = [timed(lambda: [loaded.containing(t, limit=1) for t in exact_terms(q)])  # noqa: B023
               for q in questions]  # fmt: skip
    return {"save_s": round(save, 2), "load_s": round(load_s, 3),
            "file_mb": round((folder / FILENAME).stat().st_size / 2**20, 1),
            "search_ms": latency(search), "containing_ms": latency(lookups)}  # fmt: skip


def keyword_only(size: int, queries: int, seed: int) -> dict[str, Any]:
    """The BM25 index alone, no embeddings: build from the corpus's chunks, save, load, query."""
    with tempfile.TemporaryDirectory(prefix=f"keyword-{size}-") as tmp:
        sources = Path(tmp) / "sources"
        generate(sources, size, seed)
        chunks = [c for p in sorted(sources.glob("*.txt"))
                  for c in chunks_of(p.name, p.read_text(encoding="utf-8"), 160)]  # fmt: skip
        started = time.perf_counter()
        index = KeywordIndex(chunks)
        built = time.perf_counter() - started
        result = keyword_times(index, Path(tmp) / "keyword", dev_questions(queries))
    return {"chunks": len(chunks), "build_s": round(built, 1), **result}


def run_size(size: int, queries: int, seed: int, sample: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"scale-{size}-"))
    try:
        settings = Settings.from_env(sources=work / "sources", index=work / "index")
        corpus = generate(settings.sources, size, seed, settings.chunk_words)
        sample_chunks, sentences = chunk_texts(settings.sources, settings.chunk_words, sample)
        assistant = Assistant(settings)
        raw = raw_throughput(assistant, sample_chunks)
        seconds, added = build(assistant)
        questions = dev_questions(queries)
        result = {
            "chunks": added, "documents": corpus.documents,
            "words_per_chunk": round(corpus.words / max(corpus.chunks, 1), 1),
            "sentences": sentences,
            "build_s": round(seconds, 1), "build_chunks_per_s": round(added / seconds, 1),
            "raw": raw, "share_of_raw": round(added / seconds / raw["best"], 3),
            "index_mb": folder_mb(settings.index),
            **query_times(assistant, questions),
            "keyword": keyword_times(assistant.view().keyword, work / "keyword", questions),
        }  # fmt: skip
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def folder_mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20, 1)


def in_subprocess(size: int, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        options = {"--single": size, "--queries": args.queries, "--seed": args.seed,
                   "--raw-sample": args.raw_sample, "--out": out}  # fmt: skip
        command = [sys.executable, __file__, *(str(x) for kv in options.items() for x in kv)]
        subprocess.run(command, check=True)
        result: dict[str, Any] = json.loads(out.read_text())
        return result


def table(runs: list[dict[str, Any]]) -> str:
    head = (
        "| chunks | build chunks/s | model alone on the same sentences, chunks/s (batch) | share "
        "| retrieve p50/p95 ms "
        "| answer p50/p95 ms | BM25 load s / search p95 ms | peak RSS MB | index MB |"
    )
    lines = [head, "|" + "---|" * 9]
    for r in runs:
        kw, raw = r["keyword"], r["raw"]
        lines.append(
            f"| {r['chunks']:,} | {r['build_chunks_per_s']} | {raw['best']} ({raw['best_batch']}) "
            f"| {r['share_of_raw']:.0%} | {r['retrieve_ms']['p50']} / {r['retrieve_ms']['p95']} "
            f"| {r['answer_ms']['p50']} / {r['answer_ms']['p95']} "
            f"| {kw['load_s']} / {kw['search_ms']['p95']} | {r['peak_rss_mb']:,} "
            f"| {r['index_mb']:,.0f} |"
        )
    return "\n".join(lines)


def keyword_table(runs: list[dict[str, Any]]) -> str:
    head = (
        "| chunks | build s | save s | load s | file MB | search p50/p95 ms | lookups p50/p95 ms |"
    )
    lines = [head, "|" + "---|" * 7]
    for r in runs:
        s, c = r["search_ms"], r["containing_ms"]
        lines.append(
            f"| {r['chunks']:,} | {r['build_s']} | {r['save_s']} | {r['load_s']} | {r['file_mb']} "
            f"| {s['p50']} / {s['p95']} | {c['p50']} / {c['p95']} |"
        )
    return "\n".join(lines)


def update_doc(doc: Path, report: dict[str, Any]) -> None:
    """Replace the table between the markers in doc, if it has them."""
    if not doc.is_file() or BEGIN not in (text := doc.read_text(encoding="utf-8")):
        return
    sizes = ", ".join(f"{r['chunks']:,}" for r in report["runs"])
    body = f"{BEGIN}\nMeasured {report['date']} ({sizes} chunks), {report['machine']}."
    if max(r["chunks"] for r in report["runs"]) < 100_000:
        body += " A development run: the 100k row comes with the full run."
    body += "\n\n" + table(report["runs"]) + f"\n{END}"
    doc.write_text(re.sub(f"{BEGIN}.*?{END}", lambda _: body, text, flags=re.S), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000,100000", help="target chunk counts")
    ap.add_argument("--queries", type=int, default=97, help="warm questions per size (dev set)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--raw-sample", type=int, default=1024, help="chunks for raw throughput")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "scale.json")
    ap.add_argument("--doc", type=Path, default=ROOT / "docs" / "scale.md", help="table to update")
    ap.add_argument("--keyword-only", action="store_true", help="time the BM25 index alone")
    ap.add_argument("--single", type=int, help=argparse.SUPPRESS)  # one size, in this process
    args = ap.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.keyword_only:
        runs = [keyword_only(size, args.queries, args.seed) for size in sizes]
        print(json.dumps(runs, indent=2), keyword_table(runs), sep="\n")
        return
    if args.single:
        result = run_size(args.single, args.queries, args.seed, args.raw_sample)
        args.out.write_text(json.dumps(result, indent=2))
        return
    runs = [in_subprocess(size, args) for size in sizes]
    machine = f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"
    report = {"date": time.strftime("%Y-%m-%d"), "machine": machine, "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    if args.doc:
        update_doc(args.doc, report)
    print(table(runs))


if __name__ == "__main__":
    main()
