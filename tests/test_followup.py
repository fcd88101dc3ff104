import pytest

from assistant.answering.followup import leans_on_history, rewrite

GENERAL = "Which Pakistani general went to Kabul for talks with the TTP?"
HISTORY = [
    {"role": "user", "content": GENERAL},
    {
        "role": "assistant",
        "content": "“A senior Pakistani general … facilitated by the Afghan Taliban.” [1]",
    },
]


@pytest.mark.parametrize(
    ("question", "leans"),
    [
        ("Who facilitated those talks?", True),
        ("And what about India?", True),
        ("Why?", True),
        ("What did he say?", True),
        ("Who replaced Imran Khan as prime minister of Pakistan?", False),
        ("How many people died in the Peshawar school attack?", False),
    ],
)
def test_leans_on_history(question: str, leans: bool) -> None:
    assert leans_on_history(question) is leans


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
