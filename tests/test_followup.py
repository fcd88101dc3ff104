import pytest

from assistant.answering.reading.entities import tag
from assistant.answering.reading.followup import leaning, leans_on_history, rewrite

GENERAL = "Which Pakistani general went to Kabul for talks with the TTP?"
HISTORY = [
    {"role": "user", "content": GENERAL},
    {
        "role": "assistant",
        "content": "“A senior Pakistani general … facilitated by the Afghan Taliban.” [1]",
    },
]


STANDALONE = [
    "Who replaced Imran Khan as prime minister of Pakistan?",
    "How many people died in the Peshawar school attack?",
    "Why did Islamabad support the insurgents in the first place?",  # "why" is no connective
    "What did the defence minister say after he visited Kabul?",  # "he" has "minister" before it
    "When did the Taliban say they would reopen the schools?",  # "they": "Taliban"
    "Why is it hard for the army to stop them?",  # "it ... to stop": no referent; "them": army
    "How long did it take the militants to capture the capital?",
    "Is it true that the border fence was finished?",
    "Is there a fence along the border?",  # existential "there"
    "Who is the commander that leads the group?",  # relative "that"
    "What did the report say that the army wanted?",  # "that" opening a clause
    "What happened to the economy this year?",  # "this year" is now, not the conversation
    "Who is Sharif?",  # short, but whole
]
DEPENDENT = [
    ("And in 2014?", "ellipsis"),
    ("What about the border with Iran?", "ellipsis"),
    ("So who pays for the fence?", "ellipsis"),
    ("Under which law?", "fragment"),
    ("Why?", "fragment"),
    ("How did she react?", "pronoun"),
    ("Where did they train?", "pronoun"),
    ("Why was it so important?", "pronoun"),
    ("Who paid for that?", "demonstrative"),
    ("How many died in those raids?", "demonstrative"),
    ("Who facilitated those talks?", "demonstrative"),
    ("What happened there afterwards?", "pointing"),
    ("Who was in charge then?", "pointing"),
    ("Did the same group attack again?", "pointing"),
]


@pytest.mark.parametrize("question", STANDALONE)
def test_a_standalone_question_is_searched_as_it_is(question: str) -> None:
    assert leaning(tag(question)) == ""
    assert rewrite(question, HISTORY) == question


@pytest.mark.parametrize(("question", "cue"), DEPENDENT)
def test_a_question_leaning_on_the_conversation_carries_its_subject(
    question: str, cue: str
) -> None:
    assert leaning(tag(question)) == cue and leans_on_history(question)
    query = rewrite(question, HISTORY)
    assert query.startswith(question) and "TTP" in query


def test_follow_up_carries_the_earlier_subject() -> None:
    query = rewrite("Who facilitated those talks?", HISTORY)
    assert query.startswith("Who facilitated those talks?")
    for word in ("general", "Kabul", "TTP"):
        assert word in query


def test_standalone_question_and_empty_history_are_left_alone() -> None:
    assert rewrite("Who replaced Imran Khan as prime minister?", HISTORY) == (
        "Who replaced Imran Khan as prime minister?"
    )
    assert rewrite("Who facilitated those talks?", None) == "Who facilitated those talks?"


def test_common_words_can_be_filtered_out() -> None:
    query = rewrite("Who facilitated those talks?", HISTORY, is_rare=lambda w: w != "Kabul")
    assert "Kabul" not in query and "TTP" in query


def test_gradio_content_parts_are_read() -> None:
    history = [{"role": "user", "content": [{"type": "text", "text": GENERAL}]}]
    assert "TTP" in rewrite("Who facilitated those talks?", history)
