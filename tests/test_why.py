"""Why and how questions over the real index of the two articles."""

import pytest

from assistant.answering.quoting.why import MARKERS
from assistant.api import Assistant


@pytest.mark.parametrize(
    ("kind", "text", "states"),
    [
        ("why", "Islamists backed them because of their shared belief system.", True),
        ("why", "Ties were restored out of political expediency.", True),
        ("why", "The TTP attacked the army school in 2014.", False),
        ("how", "Pakistan sought to suppress the movement by funding its rivals.", True),
        ("how", "It holds sway through material support.", True),
        ("how", "The general visited Kabul last year.", False),
    ],
)
def test_markers_of_a_cause_and_a_manner(kind: str, text: str, states: bool) -> None:
    assert bool(MARKERS[kind].search(text)) is states


def test_a_why_answer_leads_with_a_sentence_stating_a_cause(built: Assistant) -> None:
    a = built.answer("Why did Pakistan back the Taliban in the first place?")
    assert a.intent == "why" and MARKERS["why"].search(a.citations[0].excerpt)


def test_a_how_answer_quotes_the_manner(built: Assistant) -> None:
    a = built.answer("How did Pakistan try to suppress Pashtun nationalism?")
    assert a.intent == "how" and "pan-Islamist ideology" in a.text
