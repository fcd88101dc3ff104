"""The labelled claims set (evaluation/claims.jsonl) and the figures `assistant eval --claims`
prints: every citation is a sentence of a bundled source, the split follows the rule, and
precision, recall and each kind's false "supported" rate count what they say."""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest

from assistant.answering.writing.verify import Verdict
from assistant.core.text import sentence_spans
from assistant.evaluation.claims import BUNDLED, Claim, figures, load, table

KINDS = {"number", "name", "negation", "quantity", "cause", "appended", "wrong_excerpt"}


def test_the_set_holds_every_kind_and_its_citations_are_source_sentences() -> None:
    claims = load("all")
    assert len(claims) >= 400
    kinds = Counter(c.kind for c in claims)
    assert all(kinds[k] >= 25 for k in [*KINDS, "paraphrase"])
    spans = {
        p.name: set(sentence_spans(p.read_text(encoding="utf-8"))) for p in BUNDLED.glob("*.txt")
    }
    for c in claims:
        assert c.citations and all((a, b) in spans[s] for s, a, b in c.citations), c.id
        assert c.label == (c.kind in ("paraphrase", "verbatim")), c.id
        assert c.reason and "\n" not in c.reason and len(c.reason) < 140, c.id
        side = hashlib.sha256(c.group.encode()).digest()[0] % 2
        assert c.split == ("fit", "report")[side], c.id
    assert {c.split for c in load("fit")} == {"fit"}
    assert len(load("fit")) + len(load("report")) == len(claims)


def _claim(kind: str, label: bool) -> Claim:
    return Claim("c", "g", "fit", kind, "x", (("a.txt", 0, 1),), label, "why")


def _verdict(supported: bool) -> Verdict:
    return Verdict("x", (1,), (1,) if supported else (), "" if supported else "no")


@pytest.mark.parametrize(
    ("rows", "precision", "recall", "false_by_kind"),
    [
        # (kind, label, shown supported)
        ([("paraphrase", True, True), ("number", False, False)], 1.0, 1.0, {"number": 0.0}),
        ([("paraphrase", True, True), ("number", False, True)], 0.5, 1.0, {"number": 1.0}),
        (
            [("paraphrase", True, False), ("verbatim", True, True), ("cause", False, True),
             ("cause", False, False), ("name", False, False)],
            0.5, 0.5, {"cause": 0.5, "name": 0.0},
        ),
        ([("number", False, False)], None, None, {"number": 0.0}),
    ],
)  # fmt: skip
def test_figures_count_precision_recall_and_false_support_by_kind(
    rows: list[tuple[str, bool, bool]], precision: float | None, recall: float | None,
    false_by_kind: dict[str, float],
) -> None:  # fmt: skip
    found = figures([_claim(k, lab) for k, lab, _ in rows], [_verdict(s) for *_, s in rows])
    assert found["overall"]["precision"] == precision
    assert found["overall"]["recall"] == recall
    for kind, rate in false_by_kind.items():
        assert found["by_kind"][kind]["false_supported"] == rate
    assert "| overall |" in table("fit", found)


def test_an_unknown_split_is_refused() -> None:
    with pytest.raises(Exception, match="unknown split"):
        load("holdout")
