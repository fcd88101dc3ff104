"""End to end with the real model and a real Chroma index over the bundled sources."""

import re
from pathlib import Path

import pytest

import assistant.api as api
from assistant import Answer, answer
from assistant.api import Assistant
from assistant.core.errors import BadSources, EmptyQuestion, UnknownSource
from assistant.evaluation.run import SETS, by_kind, evaluate, load, summarise
from assistant.index import generations
from tests.conftest import copy_sources
from tests.test_intents import FOES, REAPS

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
        "What's a good recipe for chicken biryani?",  # the floor's case: 0.0092 < 0.01
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


@pytest.mark.parametrize(
    ("question", "intent", "chosen"),
    [
        ("What did the Taliban warn Pakistan of after the drone strike in Kabul?", "fact", FOES),
        ("What did the Taliban warn Pakistan of after the drone strike in Kabul?", "fact", REAPS),
        ("Summarize the articles", "summary", FOES),
        ("Summarize the articles", "summary", REAPS),
        ("Why did Pakistan support the Taliban?", "why", FOES),
        ("How did the TTP attack Pakistan?", "how", FOES),
        ("How did the TTP attack Pakistan?", "how", REAPS),
    ],
)
def test_an_answer_within_one_source_cites_it_alone(
    built: Assistant, question: str, intent: str, chosen: str
) -> None:
    everywhere = {c.source for c in built.answer(question).citations}
    assert everywhere - {chosen}  # asked of every source, it cites another one too
    a = built.answer(question, sources=[chosen])
    assert a.intent == intent and not a.abstained
    assert {c.source for c in a.citations} == {chosen}
    for c in a.citations:
        text = (built.settings.sources / c.source).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.excerpt


@pytest.mark.parametrize(
    "question",
    ["How many terrorist attacks has the TTP launched?", "What happened in Peshawar in 2014?"],
)
def test_what_only_the_other_source_says_is_abstained_from(built: Assistant, question: str) -> None:
    assert {c.source for c in built.answer(question).citations} == {REAPS}
    a = built.answer(question, sources=[FOES])
    assert a.abstained and a.citations == [] and a.text.startswith("The sources don't say")
    assert built.answer(question, sources=[REAPS]).citations


def test_a_source_named_outside_the_choice_is_not_read(built: Assistant) -> None:
    a = built.answer("Summarize Pakistan Reaps What It Sowed", sources=[FOES])
    assert {c.source for c in a.citations} <= {FOES}
    assert built.answer("Summarize Pakistan Reaps What It Sowed").citations


def test_no_source_chosen_is_every_source(built: Assistant) -> None:
    question = "What did the Taliban warn Pakistan of after the drone strike in Kabul?"
    every = built.answer(question)
    for sources in (None, [], [FOES, REAPS]):
        assert built.answer(question, sources=sources).text == every.text


def test_the_decision_and_the_stream_keep_to_the_choice(built: Assistant) -> None:
    question = "What did the Taliban warn Pakistan of after the drone strike in Kabul?"
    _, hits, chosen = built.decision(question, sources=[REAPS])
    assert hits and {h.chunk.source for h in hits} == {REAPS}
    assert {s.sentence.source for s in chosen.chosen} <= {REAPS}
    *_, last = built.stream(question, sources=(REAPS,))
    assert {c.source for c in last.citations} == {REAPS}


@pytest.mark.parametrize("sources", [["nope.txt"], [FOES, "nope.txt"], "nope.txt"])
def test_an_unknown_source_is_a_typed_error_naming_the_known_ones(
    built: Assistant, sources: object
) -> None:
    with pytest.raises(UnknownSource) as caught:
        built.answer("What is the Durand Line?", sources=sources)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message and message.startswith("unknown source 'nope.txt'")
    assert FOES in message and REAPS in message
    with pytest.raises(UnknownSource):
        built.decision("What is the Durand Line?", sources=["nope.txt"])


def test_sources_that_are_not_names_are_a_typed_error(built: Assistant) -> None:
    with pytest.raises(BadSources, match=r"^sources must be a list of source file names, not 3$"):
        built.answer("What is the Durand Line?", sources=3)  # type: ignore[arg-type]


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
    within = answer("What did the Taliban warn Pakistan of after the drone strike in Kabul?",
                    sources=[REAPS])  # fmt: skip
    assert within.citations and {c.source for c in within.citations} == {REAPS}
