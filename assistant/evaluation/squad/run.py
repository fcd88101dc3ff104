"""`assistant eval --set squad`: the SQuAD 2.0 articles indexed as sources, every question asked.

Writes the chosen articles (REPORT by default, FIT or all) as source files into a work folder,
builds a real index there with the product's own `Assistant`, converts the questions
(`squad.data`) and runs them through `evaluation.run.evaluate()`/`summarise()`, so the metrics and
the textbook recipe beside them are the two-article sets' own. Gold answers match by SQuAD's
normalisation (`squad.data.squad_contains`). The work folder is
`<root>/<split>[-p<limit>]-<key>`, the root being `--workdir` or `~/.cache/assistant/squad`
(`$XDG_CACHE_HOME` is honoured) and the key a hash of the index recipe, the data and the
selection: a second run reuses the index, and another recipe (model, chunking) gets its own
folder instead of rebuilding this one. Old folders are left for the user to delete. This module
reports and dumps; it never prints (the CLI draws the progress bars and prints the text).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.api import Assistant
from assistant.core.errors import AssistantError
from assistant.core.settings import Settings, fingerprint_of
from assistant.evaluation.report import metric_lines, rules_twin
from assistant.evaluation.run import Outcome, evaluate, record, summarise, write_jsonl
from assistant.evaluation.squad.data import (
    SPLITS,
    Article,
    data_hash,
    items,
    load_articles,
    source_text,
    squad_contains,
)
from assistant.index.builder import Progress

# The acceptance targets for SQuAD (issue 12); they are only a verdict on REPORT articles.
TARGETS = {
    "answer_gold": (">=", 0.85),
    "citation_validity": (">=", 1.0),
    "abstained_unanswerable": (">=", 0.50),
    "false_abstentions": ("<=", 0.10),
}
ARTICLE_COLUMNS = ("answer_gold", "abstained_unanswerable", "false_abstentions", "hit@4")


def cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "assistant" / "squad"


def workdir_for(
    root: Path, settings: Settings, split: str, titles: tuple[str, ...], limit: int | None
) -> Path:
    """The folder for these articles of the data under one index recipe."""
    key = fingerprint_of(
        {"recipe": settings.recipe(), "data": data_hash(), "articles": titles, "limit": limit}
    )
    return root / f"{split}{f'-p{limit}' if limit else ''}-{key}"


def write_sources(folder: Path, articles: list[Article]) -> None:
    """One file per article; a file already holding the same text is left alone."""
    folder.mkdir(parents=True, exist_ok=True)
    for article in articles:
        path, text = folder / article.source, source_text(article)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def run_squad(
    split: str = "report",
    *,
    workdir: Path | None = None,
    limit: int | None = None,
    titles: tuple[str, ...] | None = None,
    dump: Path | None = None,
    settings: Settings | None = None,
    index_progress: Progress | None = None,
    question_progress: Callable[[int, int], None] | None = None,
    compare: bool = True,
) -> dict[str, Any]:
    """Index the split's articles (first `limit` paragraphs of each), ask every question, and
    return the metrics, by article too, with the report's text; `dump` writes every outcome.
    `titles` picks articles of the split by name (a test's small slice)."""
    if split not in SPLITS:
        raise AssistantError(f"no SQuAD article split {split!r} (use {', '.join(SPLITS)})")
    if limit is not None and limit < 1:
        raise AssistantError("--limit must be a whole number of paragraphs, at least 1")
    base = settings or Settings.from_env()
    titles = titles or SPLITS[split]
    if not set(titles) <= set(SPLITS[split]):
        raise AssistantError(f"not all of {', '.join(titles)} are {split.upper()} articles")
    folder = workdir_for(workdir or cache_root(), base, split, titles, limit)
    articles = load_articles(titles, limit)
    write_sources(folder / "sources", articles)
    assistant = Assistant(replace(base, sources=folder / "sources", index=folder / "index"))
    summary = assistant.index(index_progress)
    started = time.perf_counter()
    outcomes = evaluate(
        assistant, [q for a in articles for q in items(a)], match=squad_contains,
        progress=question_progress,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if dump is not None:
        write_jsonl(dump, ({"article": article_of(o), **record(o)} for o in outcomes))
    metrics = squad_metrics(outcomes)
    rules = rules_twin(assistant) if compare else None
    if rules is not None:
        questions = [q for a in articles for q in items(a)]
        before = evaluate(rules, questions, match=squad_contains, progress=question_progress)
        metrics["rules"] = squad_metrics(before)["product"]
    by_article = {
        a.title: squad_metrics([o for o in outcomes if article_of(o) == a.title])["product"]
        for a in articles
    }
    head = [
        f"SQuAD 2.0 dev, {split.upper()} articles: {', '.join(a.title for a in articles)}"
        + (f" (first {limit} paragraphs of each)" if limit else ""),
        f"  work folder {folder}",
        *("  " + line for line in summary.line().splitlines()),
    ]
    return {
        **metrics,
        "split": split,
        "articles": by_article,
        "workdir": str(folder),
        "index_seconds": summary.seconds,
        "seconds": seconds,
        "text": "\n".join(head + _text(metrics, by_article, outcomes, seconds)),
    }


def article_of(o: Outcome) -> str:
    return str(o.item["evidence"][0]["source"]).removesuffix(".txt")


def squad_metrics(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """`summarise()`, plus answer_gold: the share of answerable questions whose answer holds a
    gold string (accuracy mixes in the unanswerable ones)."""
    metrics = summarise(outcomes)
    answerable = [o for o in outcomes if o.answerable]
    gold = sum(o.correct for o in answerable) / len(answerable) if answerable else 0.0
    metrics["product"] = {"answer_gold": gold, **metrics["product"]}
    return metrics


def _text(
    metrics: dict[str, dict[str, float]], by_article: dict[str, dict[str, float]],
    outcomes: list[Outcome], seconds: float,
) -> list[str]:  # fmt: skip
    answerable = sum(o.answerable for o in outcomes)
    lines = [
        f"  {len(outcomes)} questions ({answerable} answerable, "
        f"{len(outcomes) - answerable} unanswerable) in {seconds:.1f}s",
        "",
        *metric_lines(metrics["product"], metrics["textbook"], TARGETS, metrics.get("rules")),
        "",
        f"  {'by article':<24}{'questions':>10}" + "".join(f"{c:>24}" for c in ARTICLE_COLUMNS),
    ]
    for title, p in by_article.items():
        cells = "".join(f"{p[c]:>24.3f}" for c in ARTICLE_COLUMNS)
        lines.append(f"  {title:<24}{int(p['questions']):>10}{cells}")
    return lines
