"""Turn evaluation outcomes into the report `assistant eval` prints: product beside textbook RAG."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from assistant.api import Assistant
from assistant.core.errors import AssistantError
from assistant.evaluation.run import (
    BLIND,
    SETS,
    Outcome,
    by_kind,
    evaluate,
    load,
    record,
    summarise,
    write_jsonl,
)

TARGETS = {
    "accuracy": (">=", 0.90),
    "citation_validity": (">=", 1.0),
    "abstained_unanswerable": (">=", 0.90),
    "false_abstentions": ("<=", 0.05),
}


def run_report(
    assistant: Assistant, which: str, dump: Path | None = None, compare: bool = True
) -> dict[str, Any]:
    """Evaluate a two-article set (or a .jsonl path); `dump` also writes every outcome's
    `record()` as JSON Lines (refused for a blind set, whose answers nobody reads)."""
    if dump is not None and which in BLIND:
        raise AssistantError(f"{which} is blind: it reports figures only, so --dump is refused")
    path = SETS.get(which, Path(which))
    if not path.exists():
        raise AssistantError(f"no question set named {which!r} (use gold, dev or a .jsonl path)")
    started = time.perf_counter()
    assistant.ensure_index()
    questions = load(path)
    outcomes = evaluate(assistant, questions)
    metrics = summarise(outcomes)
    rules = rules_twin(assistant) if compare else None
    if rules is not None:
        metrics["rules"] = summarise(evaluate(rules, questions))["product"]
    kinds = by_kind(outcomes)
    seconds = time.perf_counter() - started
    if dump is not None:
        write_jsonl(dump, map(record, outcomes))
    return {
        **metrics,
        "by_kind": kinds,
        "seconds": seconds,
        "text": _text(path, metrics, kinds, [] if which in BLIND else outcomes, seconds),
    }


def _text(
    path: Path, metrics: dict[str, dict[str, float]], kinds: dict[str, float],
    outcomes: list[Outcome], seconds: float,
) -> str:  # fmt: skip
    p, t = metrics["product"], metrics["textbook"]
    lines = [f"Evaluation on {path.name}: {int(p['questions'])} questions in {seconds:.1f}s", ""]
    lines += metric_lines(p, t, TARGETS, metrics.get("rules"))
    lines += ["", "  accuracy by kind: " + ", ".join(f"{k} {v:.2f}" for k, v in kinds.items())]
    if "llm" in metrics:
        lines += ["", f"  written answers ({outcomes[0].answer.model}):"]
        for name, figure in metrics["llm"].items():
            check = ""
            if name == "unsupported_specifics":
                check = "  target 0: " + ("ok" if figure == 0 else "MISSED")
            lines.append(f"  {name:<26}{figure:>7.3f}{check}")
    wrong = [o for o in outcomes if not o.correct]
    if wrong:
        lines += ["", "  wrong:"]
        for o in wrong:
            said = "abstained" if o.answer.abstained else o.answer.citations[0].excerpt[:90]
            lines.append(f"    {o.item['id']}: {o.item['question']}  -> {said}")
    return "\n".join(lines)


def rules_twin(assistant: Assistant) -> Assistant | None:
    """The same assistant answering by the earlier rules (answer_model "rules"), over the same
    index, so that a run reports the answer model beside what it replaced; None when the
    assistant already answers by rules."""
    if assistant.settings.answer_model == "rules":
        return None
    return Assistant(replace(assistant.settings, answer_model="rules"))


def metric_lines(
    product: dict[str, float],
    textbook: dict[str, float],
    targets: dict[str, tuple[str, float]],
    rules: dict[str, float] | None = None,
) -> list[str]:
    """One line per product metric, with the textbook recipe's figure, the rules' (when
    measured) and the target beside it."""
    lines = []
    for name, value in product.items():
        if name == "questions":
            continue
        target = targets.get(name)
        verdict = ""
        if target:
            op, goal = target
            ok = value >= goal if op == ">=" else value <= goal
            verdict = f"  target {op} {goal:.2f}: {'ok' if ok else 'MISSED'}"
        baseline = f"  textbook {textbook[name]:.3f}" if name in textbook else ""
        if rules is not None and name in rules:
            baseline = f"  rules {rules[name]:.3f}{baseline}"
        lines.append(f"  {name:<24}{value:>7.3f}{baseline}{verdict}")
    return lines
