"""Whose role: the owner a question names against the names around the role in a sentence,
with the real spaCy pipeline. Each row is a question, a sentence and whether the role is the
question's owner's (or cannot be told apart)."""

import pytest

from assistant.answering.reading.asks import analyse, holds
from assistant.answering.reading.entities import tag
from assistant.answering.reading.owner import owned, owner_of

PRESIDENTS = "Hamid Karzai and Ashraf Ghani, the Afghan presidents, were critical of Pakistan."
ZAWAHIRI = "A U.S. drone strike killed al-Qaida leader Ayman al-Zawahiri in Kabul."
YAQUB = "Mullah Yaqub, the all-powerful defense minister of the Taliban, offered to send troops."
SHARIF = "Shehbaz Sharif, Pakistan's prime minister, visited Kabul."


@pytest.mark.parametrize(
    ("question", "start", "owner"),
    [
        ("Who is the Taliban's foreign minister?", 2, ("taliban",)),
        ("Who is the president of Pakistan?", 2, ("pakistan",)),
        ("Who is the former ISI chief?", 2, ()),  # a name inside the phrase: what kind, not whose
        ("What was the name of the first Huguenot church?", 5, ()),
        ("Who is the foreign minister?", 2, ()),
    ],
)
def test_owner_of(question: str, start: int, owner: tuple[str, ...]) -> None:
    assert owner_of(tag(question), start) == owner


@pytest.mark.parametrize(
    ("question", "sentence", "ok"),
    [
        ("Who is the president of Pakistan?", PRESIDENTS, False),  # Afghan presidents
        ("Who is the president of Afghanistan?", PRESIDENTS, True),  # Afghan ~ Afghanistan
        ("What is the name of the Haqqani network's leader?", ZAWAHIRI, False),
        ("What is the name of al-Qaida's leader?", ZAWAHIRI, True),
        ("Who is the Taliban's defense minister?", YAQUB, True),  # "of the Taliban" after it
        ("Who is Pakistan's prime minister?", SHARIF, True),
        ("Who is India's prime minister?", SHARIF, False),
    ],
)
def test_a_role_of_another_owner_does_not_answer(question: str, sentence: str, ok: bool) -> None:
    q = tag(question)
    assert holds(analyse(q), q, tag(sentence)) is ok


def test_a_role_with_no_names_around_it_cannot_be_refused() -> None:
    assert owned(tag("He was the president then."), "president", ("pakistan",))
