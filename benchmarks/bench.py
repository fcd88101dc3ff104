"""Benchmark: index build, no-change re-index, warm answer() latency, peak memory.

Not a test: timings on a shared 2-core machine are noisy, so this reports and never asserts.
Builds a fresh index over a copy of ./sources in a temporary folder, then answers every gold and
dev question (warm, one thread) `--rounds` times, then the summaries and comparisons below (they
read whole sources, so they are timed apart). Run: .venv/bin/python benchmarks/bench.py
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from assistant.api import Assistant
from assistant.evaluation.run import SETS, load

ROOT = Path(__file__).resolve().parents[1]
GROUPED = [  # summaries and comparisons, written for this benchmark
    "Summarize the first article",
    "What is Pakistan Reaps What It Sowed about?",
    "What are the key takeaways?",
    "Summarize what the articles say about India",
    "How do the two articles differ on the TTP?",
    "Compare the two articles",
    "What do both articles say about drone strikes?",
    "Sum up the article that argues Pakistan is now less safe",  # named by a search
    "Give an overview of the article with the section 'The Way Ahead'",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp())
    shutil.copytree(ROOT / "sources", work / "sources")
    assistant = Assistant(sources=work / "sources", index=work / "index")
    assistant.embeddings.model  # load outside the timed build  # noqa: B018

    build = assistant.index()
    view = assistant.view()
    sentences = len(view.store.sentences_of([c for e in view.manifest.files.values()
                                             for c in e.chunk_ids]))  # fmt: skip
    again = assistant.index()
    questions = [item["question"] for item in load(SETS["gold"]) + load(SETS["dev"])]
    assistant.answer(questions[0])  # warm: keyword index, caches
    latencies = timed(assistant, questions, args.rounds)
    assistant.answer(GROUPED[0])
    grouped = timed(assistant, GROUPED, args.rounds)
    report = {
        "build_seconds": round(build.seconds, 2),
        "chunks": build.added,
        "chunks_per_second": round(build.added / build.seconds, 1),
        "sentences": sentences,
        "sentences_per_second": round(sentences / build.seconds, 1),
        "reindex_no_change": {"added": again.added, "seconds": round(again.seconds, 3)},
        "answer_ms": {
            "n": len(latencies),
            "p50": round(statistics.median(latencies), 1),
            "p95": round(percentile(latencies, 0.95), 1),
        },
        "summary_and_comparison_ms": {
            "n": len(grouped),
            "p50": round(statistics.median(grouped), 1),
            "p95": round(percentile(grouped, 0.95), 1),
        },
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(report, indent=2))
    shutil.rmtree(work)


def timed(assistant: Assistant, questions: list[str], rounds: int) -> list[float]:
    latencies = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            assistant.answer(question)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


if __name__ == "__main__":
    main()
