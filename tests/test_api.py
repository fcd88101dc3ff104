"""End to end with the real model and a real Chroma index over the bundled sources."""

import re
from pathlib import Path

import pytest

import assistant.api as api
from assistant import Answer, answer
from assistant.api import Assistant
from assistant.core.errors import EmptyQuestion
from assistant.evaluation.run import SETS, by_kind, evaluate, load, summarise
from assistant.index import generations
from tests.conftest import copy_sources

GENERAL = "Which Pakistani general went to Kabul for talks with the TTP?"


@pytest.fixture(scope="module")
def outcomes(built: Assistant) -> list:
    return evaluate(built, load(SETS["gold"]) + load(SETS["dev"]))


def test_every_evaluation_citation_reproduces_its_source(built: Assistant, outcomes: list) -> None:
    citations = [c for o in outcomes for c in o.answer.citations]
    assert len(citations) > 50
    for c in citations:
        text = (built.settings.sources / c.source).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.excerpt
        assert c.title == text.strip().splitlines()[0]


def test_every_marker_maps_to_a_citation(outcomes: list) -> None:
    for o in outcomes:
        markers = [int(m) for m in re.findall(r"\[(\d+)\]", o.answer.text)]
        assert markers == list(range(1, len(o.answer.citations) + 1))
        assert o.answer.abstained == (not o.answer.citations)


def test_gold_quality_floor(outcomes: list) -> None:
    gold = [o for o in outcomes if not o.item["id"].startswith("dev-")]
    metrics = summarise(gold)["product"]
    assert metrics["citation_validity"] == 1.0
    assert metrics["false_abstentions"] <= 0.05
    assert by_kind(gold)["fact"] >= 0.9


@pytest.mark.parametrize(
    "question",
    [
        "Who won the 2022 FIFA World Cup?",
        "What is a good recipe for banana bread?",
        "How many moons does Neptune have?",
    ],
)
def test_abstains_plainly_when_the_sources_do_not_say(built: Assistant, question: str) -> None:
    a = built.answer(question)
    assert a.abstained and a.citations == [] and a.text.startswith("The sources don't say")


def test_follow_up_retrieves_with_the_earlier_subject(built: Assistant) -> None:
    first = built.answer(GENERAL)
    history = [{"role": "user", "content": GENERAL}, {"role": "assistant", "content": first.text}]
    follow = built.answer("Who facilitated those talks?", history)
    assert follow.query != follow.question and "TTP" in follow.query
    assert "facilitated by the Afghan Taliban" in follow.text


@pytest.mark.parametrize(("fillers", "carried"), [(19, True), (20, False)])
def test_answer_reads_only_the_latest_turns(built: Assistant, fillers: int, carried: bool) -> None:
    """The earlier subject counts while its turn is among the latest max_history_turns (20)."""
    first = built.answer(GENERAL)
    filler = [{"role": "user", "content": "ok"}, {"role": "assistant", "content": "ok"}]
    history = [
        {"role": "user", "content": GENERAL},
        {"role": "assistant", "content": first.text + " x" * 200_000},  # cut, not refused
        *filler * fillers,
    ]
    follow = built.answer("Who facilitated those talks?", history)
    assert ("TTP" in follow.query) is carried
    assert follow.query == follow.question or carried


@pytest.mark.parametrize(
    ("question", "needle"),
    [
        ("What happened in 1896?", "1896"),
        ("What did Ashraf Ghani do?", "Ashraf Ghani"),
        (
            "Who said the Afghans had “broken the shackles of slavery”?",
            "broken the shackles of slavery",
        ),
        ("What about the Haqqani network?", "Haqqani network"),
    ],
)
def test_numbers_names_and_phrases_are_retrieved(
    built: Assistant, question: str, needle: str
) -> None:
    hits, _ = built.retrieve(question)
    assert any(needle.lower() in h.chunk.text.lower() for h in hits)


def test_empty_question_is_a_typed_error(built: Assistant) -> None:
    with pytest.raises(EmptyQuestion):
        built.answer("   ")


def test_module_level_answer_uses_environment_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_SOURCES", str(copy_sources(tmp_path / "sources")))
    monkeypatch.setenv("ASSISTANT_INDEX", str(tmp_path / "index"))
    monkeypatch.setattr(api, "_default", None)
    a = answer(
        "What did the Taliban warn Pakistan of after the drone strike in Kabul?", history=None
    )
    assert isinstance(a, Answer) and not a.abstained
    assert a.query == a.question
    c = a.citations[0]
    text = (tmp_path / "sources" / c.source).read_text(encoding="utf-8")
    assert text[c.start : c.end] == c.excerpt and c.score > 0 and c.title
    assert generations.live(tmp_path / "index") is not None
