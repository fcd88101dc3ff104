"""The labelled claims set (evaluation/claims.jsonl) and the figures `assistant eval --claims`
prints: every citation is a sentence of a bundled source, the split follows the rule, and
precision, recall and each kind's false "supported" rate count what they say."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assistant.answering.writing.verify import Verdict
from assistant.core.text import sentence_spans
from assistant.evaluation.claims import BUNDLED, Claim, figures, judged, load, table

KINDS = {"number", "name", "negation", "quantity", "cause", "appended", "wrong_excerpt"}
WRITTEN = {"qwen", "smollm2"}  # sentences of real written answers, labelled by reading


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
        assert c.reason and "\n" not in c.reason and len(c.reason) < 140, c.id
        assert c.split == _side(c), c.id
    constructed = [c for c in claims if c.kind not in WRITTEN]
    as_made = [c.label == (c.kind in ("paraphrase", "verbatim")) for c in constructed]
    assert sum(as_made) >= 0.97 * len(constructed)  # an edit may happen to stay true
    assert {c.split for c in load("fit")} == {"fit"}
    assert len(load("fit")) + len(load("report")) == len(claims)
    assert len(load("report")) >= 300


@pytest.mark.parametrize(("split", "others"), [("round5", ("all",)), ("next", ("all", "round5"))])
def test_a_later_round_is_apart_from_the_others_and_cites_source_sentences(
    split: str, others: tuple[str, ...]
) -> None:
    """claims_round5.jsonl and claims_next.jsonl (the report side of the next design pass): each
    its own file, kept out of "all" and of each other."""
    after = load(split)
    before = [c for other in others for c in load(other)]
    assert len(after) == 300 and {c.split for c in after} == {split}
    assert not {c.id for c in after} & {c.id for c in before}
    assert not {c.group for c in after} & {c.group for c in before}  # no question on two sides
    assert all(kinds >= 15 for kinds in Counter(c.kind for c in after).values())
    spans = {
        p.name: set(sentence_spans(p.read_text(encoding="utf-8"))) for p in BUNDLED.glob("*.txt")
    }
    for c in after:
        assert c.citations and all((a, b) in spans[s] for s, a, b in c.citations), c.id
        assert c.reason and "\n" not in c.reason and len(c.reason) < 200, c.id


def _side(c: Claim) -> str:
    """The sides are rounds: the checks were designed looking at every claim of the first three
    (c, n, m; the written answers to the dev, intents, gold, intents2 and holdout questions) and
    none of the fourth (r; the written answers to round4's questions), so no question is on
    both."""
    if c.kind in WRITTEN:
        return "report" if c.group.startswith("round4:") else "fit"
    return "report" if c.id.startswith("r") else "fit"


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


@pytest.mark.parametrize(
    ("supporting", "says", "kept", "asked"),
    [
        ((1,), {"A."}, (1,), 1),  # the judge agrees: kept
        ((1,), set(), (), 1),  # the judge says no: the support goes
        ((1, 2), {"B."}, (2,), 2),  # asked per supporting excerpt; a "no" removes only that one
        ((), {"A."}, (), 0),  # not shown as supported: never asked
    ],
)  # fmt: skip
def test_the_judge_is_asked_per_supporting_excerpt_and_only_removes_support(
    tmp_path: Path, supporting: tuple[int, ...], says: set[str], kept: tuple[int, ...], asked: int
) -> None:  # fmt: skip
    (tmp_path / "a.txt").write_text("A. B.", encoding="utf-8")
    claim = Claim("c", "g", "fit", "paraphrase", "x", (("a.txt", 0, 2), ("a.txt", 3, 5)), True, "")
    verdict = Verdict("x", (1, 2), supporting, "" if supporting else "no")
    questions: list[tuple[str, str]] = []

    def ask(sentence: str, excerpt: str) -> bool:
        questions.append((sentence, excerpt))
        return excerpt in says

    [after], _ = judged([claim], [verdict], [tmp_path], ask)
    assert after.supporting == kept
    assert len(questions) == asked
    assert after.supported or after.reason
