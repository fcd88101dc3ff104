import numpy as np
import pytest

from assistant.answering.quoting.extractive import Sentence
from assistant.answering.quoting.grouped import Group, central, compose_groups, quotable


def sentence(text: str, start: int, vector: list[float], source: str = "a.txt") -> Sentence:
    return Sentence(0, source, "Title A", start, start + len(text), text, np.array(vector, "f4"))


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("The glacier lost a third of its mass in forty years.", True),
        ("“The ice will not come back,” she said.", True),
        ("Glaciers of the Karakoram", False),  # a heading
        ("Why does the ice hold on in a warming world?", False),  # a question states nothing
        ("It did.", False),  # a stub
    ],
)
def test_quotable(text: str, ok: bool) -> None:
    assert quotable(sentence(text, 0, [1.0, 0.0])) is ok


def test_central_picks_the_centre_then_covers_other_parts_in_document_order() -> None:
    sentences = [
        sentence("Alpha one is near the centre of all this.", 0, [1.0, 0.1]),
        sentence("Alpha two says nearly the same thing again.", 50, [1.0, 0.12]),
        sentence("Beta covers another side of the matter.", 100, [0.3, 1.0]),
        sentence("Gamma is far from everything said here.", 150, [-1.0, 0.0]),
    ]
    starts = [s.start for s in central(sentences, 2)]
    assert starts in ([0, 100], [50, 100])  # the centre, then another side: not both alphas
    assert central(sentences, 9) == sorted(sentences, key=lambda s: s.start)
    assert central([], 3) == []


def test_compose_groups_writes_a_title_line_per_source_and_markers_in_order() -> None:
    a = sentence("The glacier lost a third of its mass.", 10, [1.0, 0.0])
    b = sentence("The river carried the silt to the sea.", 40, [0.0, 1.0], source="b.txt")
    groups = [
        Group("a.txt", "Glaciers", [a]),
        Group("b.txt", "Rivers", [b]),
        Group("c.txt", "Monsoons", [], note="This source says nothing about “silt”."),
    ]
    answer = compose_groups("Compare?", "silt", groups, [], "comparison", 800)
    assert answer.text == (
        "### Glaciers\n\n- “The glacier lost a third of its mass.” [1]\n\n"
        "### Rivers\n\n- “The river carried the silt to the sea.” [2]\n\n"
        "### Monsoons\n\nThis source says nothing about “silt”."
    )
    assert [c.source for c in answer.citations] == ["a.txt", "b.txt"]
    assert answer.intent == "comparison" and not answer.abstained


def test_no_quote_anywhere_is_the_calm_answer() -> None:
    groups = [Group("a.txt", "Glaciers", [], note="nothing")]
    answer = compose_groups("Compare?", "silt", groups, [], "comparison", 800)
    assert answer.abstained and answer.citations == []
    assert answer.text.startswith("The sources don't say")
