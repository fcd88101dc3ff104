"""What a summary or comparison is about: form words go, a topic is left, a source described."""

import pytest

from assistant.answering.quoting.summary import DROP
from assistant.answering.reading.naming import name_sources
from assistant.answering.reading.topic import described, plain, topic_of
from assistant.api import Assistant
from tests.test_intents import FOES, REAPS
from tests.test_naming import CATALOGUE, idf


@pytest.mark.parametrize(
    ("question", "left"),
    [
        ("Summarize the second one in three bullet points, please", "Summarize the second one"),
        ("What are the sources about, briefly?", "What are the sources about?"),
        ("Explain the first article in simple terms, like I'm five.", "Explain the first article."),
        ("Give me a 3 sentence summary in one paragraph", "Give me a 3 sentence summary"),
        ("pls sum it up for me", "sum it up"),
        ("Give me a three-sentence overview", "Give me a overview"),
        ("An abstract-style summary (around 150 words) of it", "An summary of it"),
        ("In short, what is it about, section by section?", "what is it about?"),
        ("What does it say about bullet wounds?", "What does it say about bullet wounds?"),
    ],
)  # fmt: skip
def test_plain_strips_how_the_answer_should_look(question: str, left: str) -> None:
    assert plain(question) == left


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Summarize each of the sources separately", ""),  # a manner, not a topic
        ("3 sentence summary of each source", ""),
        ("Summarize the article subtitled How the Ice Holds On in a Warming World", ""),
        ("Outline the main sections of the first article and what each one covers", ""),
        ("Summarize what the sources say about banana exports", "banana exports"),  # held nowhere
        ("Summarize what the sources say about Lahore", "Lahore"),
    ],
)
def test_topic_of_keeps_names_and_words_beyond_form(question: str, topic: str) -> None:
    assert topic_of(name_sources(plain(question), CATALOGUE, idf), DROP) == topic


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("Sum up the article about the Pakistani Taliban ramping up attacks after the Afghan "
         "Taliban's return", REAPS),
        ("Summarize the artcle on the Taliban's victory as Pakistan's victory", FOES),
        ("Summarize what the article says about India", None),  # a topic, not a description
        ("What is the article saying about India?", None),
        ("Summarize the article about bananas", None),  # a search for it finds no clear winner
    ],
)  # fmt: skip
def test_a_source_described_by_what_it_says(built: Assistant, question: str, source: str) -> None:
    found = described(question, built.library())
    assert (found[0] if found else None) == source
