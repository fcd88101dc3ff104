"""`assistant eval --set squad` end to end on a small slice: the real model, index and textbook
recipe over the first 3 paragraphs of one FIT article, in a temporary work folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.evaluation.squad.data import items, load_articles
from assistant.evaluation.squad.run import run_squad

SLICE = {"split": "fit", "titles": ("Normans",), "limit": 3}


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    base = tmp_path_factory.mktemp("squad")
    seen: list[tuple[int, int]] = []
    report = run_squad(
        **SLICE,  # type: ignore[arg-type]
        workdir=base / "work",
        dump=base / "outcomes.jsonl",
        question_progress=lambda done, total: seen.append((done, total)),
    )
    lines = (base / "outcomes.jsonl").read_text(encoding="utf-8").splitlines()
    assert seen[-1] == (len(lines), len(lines))
    return report, [json.loads(line) for line in lines]


def test_every_question_of_the_slice_is_asked_and_dumped(ran: Any) -> None:
    report, records = ran
    expected = items(load_articles(("Normans",), limit=3)[0])
    assert [r["id"] for r in records] == [q["id"] for q in expected]
    assert report["product"]["questions"] == len(expected) == 21
    assert {r["article"] for r in records} == {"Normans"}
    answerable = [r for r in records if r["answerable"]]
    assert {"abstained", "citations", "correct", "rank", "textbook_rank"} <= records[0].keys()
    gold = sum(r["correct"] for r in answerable) / len(answerable)
    assert report["product"]["answer_gold"] == pytest.approx(gold)
    assert report["articles"]["Normans"]["answer_gold"] == pytest.approx(gold)


def test_metrics_are_computed_beside_the_textbook_recipe(ran: Any) -> None:
    report, _ = ran
    p, t = report["product"], report["textbook"]
    assert p["citation_validity"] == 1.0
    # Three paragraphs: the gold passage is nearly always among the first four, for both.
    assert p["hit@4"] >= 0.8 and t["hit@4"] >= 0.8
    assert p["answer_gold"] > 0.5  # the quoted sentences hold most gold answers
    for name in ("answer_gold", "abstained_unanswerable", "false_abstentions", "cited_gold"):
        assert 0.0 <= p[name] <= 1.0
    text = report["text"]
    assert "FIT articles: Normans (first 3 paragraphs of each)" in text
    assert "textbook" in text and "answer_gold" in text


def test_cited_excerpts_reproduce_from_the_written_sources(ran: Any) -> None:
    report, records = ran
    source = Path(report["workdir"]) / "sources" / "Normans.txt"
    text = source.read_text(encoding="utf-8")
    assert text.startswith("Normans\n\nThe Normans")
    citations = [c for r in records for c in r["citations"]]
    assert citations
    for c in citations:
        assert text[c["start"] : c["end"]] == c["excerpt"] and c["valid"]


def test_a_second_run_reuses_the_index(ran: Any) -> None:
    report, _ = ran
    workdir = Path(report["workdir"]).parent
    again = run_squad(**SLICE, workdir=workdir)  # type: ignore[arg-type]
    assert again["workdir"] == report["workdir"]
    assert " 0 chunks added, " in again["text"]
    assert again["product"] == report["product"]
