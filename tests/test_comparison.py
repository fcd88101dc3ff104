"""Comparisons over the real index of the two articles."""

import re

import pytest

from assistant.api import Assistant
from tests.test_intents import FOES, REAPS


def test_a_comparison_quotes_each_source_under_its_title(built: Assistant) -> None:
    a = built.answer("How do the two articles differ on drone strikes?")
    assert a.intent == "comparison" and {c.source for c in a.citations} == {FOES, REAPS}
    titles = re.findall(r"^### (.+)$", a.text, flags=re.M)
    assert titles == [
        "Pakistan and the Afghan Taliban: Friends Becoming Foes",
        "Pakistan Reaps What It Sowed",
    ]
    assert all("drone" in c.excerpt.lower() or "strike" in c.excerpt.lower() for c in a.citations)
    assert not any(c.excerpt.rstrip().endswith("?") for c in a.citations)  # no rhetorical one


def test_a_source_with_nothing_on_the_topic_says_so(built: Assistant) -> None:
    a = built.answer("What do both articles say about the Peshawar school attack?")
    assert {c.source for c in a.citations} == {REAPS}
    foes, reaps = a.text.split("### ")[1:]
    assert "This source says nothing about" in foes and "Peshawar" in reaps


def test_a_topic_no_source_holds_is_the_calm_answer(built: Assistant) -> None:
    a = built.answer("Compare what the two articles say about banana exports")
    assert a.abstained and a.citations == [] and a.text.startswith("The sources don't say")


def test_with_no_topic_each_source_gives_its_central_sentences(built: Assistant) -> None:
    a = built.answer("Compare the two articles")
    assert [sum(c.source == s for c in a.citations) for s in (FOES, REAPS)] == [3, 3]


TITLES = {
    FOES: "Pakistan and the Afghan Taliban: Friends Becoming Foes",
    REAPS: "Pakistan Reaps What It Sowed",
}


@pytest.mark.parametrize("chosen", [FOES, REAPS])
@pytest.mark.parametrize(
    "question",
    [
        "Compare the two articles",
        "How do the two articles differ on drone strikes?",
        "What do both articles say about the Peshawar school attack?",
        "Compare Pakistan Reaps What It Sowed with Friends Becoming Foes",
    ],
)
def test_a_comparison_within_one_chosen_source_says_it_cannot_compare(
    built: Assistant, question: str, chosen: str
) -> None:
    assert built.answer(question).intent == "comparison"
    a = built.answer(question, sources=[chosen])
    assert a.intent == "comparison" and a.abstained and a.citations == []
    assert a.text.startswith(f"Only one source is chosen (“{TITLES[chosen]}”), so there is nothing")


def test_two_chosen_sources_are_compared(built: Assistant) -> None:
    question = "How do the two articles differ on drone strikes?"
    a = built.answer(question, sources=[REAPS, FOES])
    assert a.text == built.answer(question).text
    assert {c.source for c in a.citations} == {FOES, REAPS}


def test_what_the_articles_say_within_one_is_answered_from_it(built: Assistant) -> None:
    a = built.answer("What do the articles say about India?", sources=[REAPS])
    assert a.intent != "comparison" and a.citations
    assert {c.source for c in a.citations} == {REAPS}


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What do the articles say about India?", "summary"),  # what the chosen one says on it
        ("What do the two articles say about drone strikes?", "summary"),
        ("How do the two articles differ on India?", "comparison"),  # told it cannot compare
        ("Who do the articles say replaced Imran Khan?", "fact"),  # one fact, located
        ("What does the article say about India?", "fact"),  # names no sources at once
    ],
)
def test_within_one_source_naming_them_all_on_a_topic_is_a_summary_of_it(
    built: Assistant, question: str, intent: str
) -> None:
    """Not put to the answer model: a bare topic is not a question it was trained on."""
    a = built.answer(question, sources=[REAPS])
    assert a.intent == intent
    assert {c.source for c in a.citations} <= {REAPS}
