"""Do the ONNX query vectors agree with the torch ones the index was built with? And what do the
evaluation figures say with each?

Embeds every question of the shipped evaluation sets (and the earlier turns of follow-ups) with
both query encoders (`ASSISTANT_QUERY_ENCODER` onnx and torch, one thread each) and prints the
cosine between the two vectors of each question (min, 5th percentile, mean), each encoder's load
time and per-query time; with --eval, runs `assistant eval --set S --json` once per set and
encoder in a fresh process and prints the main metrics side by side. Not a test: reports, never
asserts. Left out: vectors of stored texts (always torch) and machines other than this one.

Run: .venv/bin/python benchmarks/query_encoders.py [--eval] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.evaluation.run import SETS, load
from assistant.index.embeddings import LocalEmbeddings

METRICS = ("accuracy", "cited_gold", "best_quote_gold", "abstained_unanswerable", "hit@4")


def questions() -> list[str]:
    found: dict[str, None] = {}
    for path in SETS.values():
        for item in load(path):
            for text in [*item.get("history", []), item["question"]]:
                found[text] = None
    return list(found)


def vectors(encoder: str, texts: list[str]) -> tuple[np.ndarray, float, float]:
    """The texts' vectors, the load time (first query included) and the mean ms per query."""
    embeddings = LocalEmbeddings(query_threads=1, query_encoder=encoder)
    started = time.perf_counter()
    embeddings.embed_query("warm up")
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    rows = [embeddings.embed_query(t) for t in texts]
    per_query = (time.perf_counter() - started) / len(texts) * 1000
    return np.asarray(rows, dtype=np.float32), loaded, per_query


def agreement(texts: list[str]) -> dict[str, Any]:
    onnx, onnx_load, onnx_ms = vectors("onnx", texts)
    torch, torch_load, torch_ms = vectors("torch", texts)
    cosine = (onnx * torch).sum(axis=1)
    return {
        "questions": len(texts),
        "cosine_min": round(float(cosine.min()), 5),
        "cosine_p5": round(float(np.percentile(cosine, 5)), 5),
        "cosine_mean": round(float(cosine.mean()), 5),
        "load_s": {"onnx": round(onnx_load, 3), "torch": round(torch_load, 3)},
        "ms_per_query": {"onnx": round(onnx_ms, 2), "torch": round(torch_ms, 2)},
    }


def evaluation(name: str, encoder: str) -> dict[str, float]:
    env = {**os.environ, "ASSISTANT_QUERY_ENCODER": encoder}
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "--set", name, "--json"],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    product = json.loads(done.stdout)["product"]
    return {m: product[m] for m in METRICS if m in product}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--eval", action="store_true", help="also run assistant eval with each")
    p.add_argument("--json", type=Path, help="write the figures here")
    args = p.parse_args()
    report: dict[str, Any] = {"agreement": agreement(questions())}
    a = report["agreement"]
    print(f"{a['questions']} questions: cosine(onnx, torch) min {a['cosine_min']}, "
          f"p5 {a['cosine_p5']}, mean {a['cosine_mean']}")  # fmt: skip
    for encoder in ("onnx", "torch"):
        print(f"{encoder:5}: loads in {a['load_s'][encoder]} s (first query included), "
              f"{a['ms_per_query'][encoder]} ms a query")  # fmt: skip
    if args.eval:
        report["eval"] = {}
        for name in SETS:
            for encoder in ("onnx", "torch"):
                figures = evaluation(name, encoder)
                report["eval"][f"{name}/{encoder}"] = figures
                print(
                    f"{name:8} {encoder:5} " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items())
                )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
