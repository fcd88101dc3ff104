"""Comparisons over the real index of the two articles."""

import re

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
