"""Follow-ups of a summary or comparison, over the real index of the two articles: each row is a
first question, the follow-up, and the intent the follow-up gets."""

import pytest

from assistant.answering.library import SourceEntry
from assistant.answering.quoting.sequel import grouped_sources
from assistant.answering.reading.understand import understand
from assistant.api import Assistant
from tests.test_intents import FOES, REAPS

CATALOGUE = [
    SourceEntry("a.txt", "Glaciers of the Karakoram"),
    SourceEntry("b.md", "Monsoon Notes"),
]


@pytest.mark.parametrize(
    ("content", "sources"),
    [
        ("### Glaciers of the Karakoram\n\n- “Ice.” [1]", ("a.txt",)),
        ("### Monsoon Notes\n\n- “Rain.” [1]\n\n### Glaciers of the Karakoram\n\nNothing.",
         ("a.txt", "b.md")),  # catalogue order
        ("“Ice holds on.” [1]", ()),  # a fact answer is grouped under nothing
        ("### Some Other Title\n\n- “x” [1]", ()),
    ],
)  # fmt: skip
def test_grouped_sources_reads_the_last_answers_headings(
    content: str, sources: tuple[str, ...]
) -> None:
    history = [{"role": "user", "content": "q"}, {"role": "assistant", "content": content}]
    assert grouped_sources(history, CATALOGUE) == sources


@pytest.mark.parametrize(
    ("first", "then", "name", "sources", "topic"),
    [
        ("What is the first article about?", "And the second?", "summary", (REAPS,), ""),
        ("Summarize the first article", "what about the other one?", "summary", (REAPS,), ""),
        ("Summarize the Friends Becoming Foes piece", "What does it say about India?", "summary",
         (FOES,), "India"),
        ("Who replaced Imran Khan?", "And the second?", "fact", (), ""),  # no summary before
        ("Summarize the first article", "Who replaced Imran Khan?", "fact", (), ""),
        ("Compare the two articles", "What does it say about India?", "fact", (), ""),
        # "it" after two sources is not guessed: the question is left to the rest of the table
    ],
)  # fmt: skip
def test_a_follow_up_of_a_summary(
    built: Assistant, first: str, then: str, name: str, sources: tuple[str, ...], topic: str
) -> None:
    earlier = built.answer(first)
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": earlier.text}]
    intent = understand(then, history, built.library()).intent
    assert (intent.name, intent.sources, intent.topic) == (name, sources, topic)
