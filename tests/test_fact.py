"""The fact path over the real index of the bundled sources."""

import pytest

from assistant.answering.quoting import fact
from assistant.answering.reading.understand import understand
from assistant.api import Assistant
from assistant.core.text import terms


@pytest.mark.parametrize(
    "text",
    [
        "巴基斯坦为什么支持塔利班？",  # no name or number the sources hold
        "Почему Пакистан поддерживал талибов?",
        "¿Por qué Pakistán apoyó a los talibanes?",
        "¿Quién reemplazó a Imran Khan como primer ministro?",  # one name finds, not answers
        "Imran Khan什么时候被Shehbaz Sharif取代？",  # no one sentence holds both names
    ],
)
def test_a_question_in_another_language_gets_the_calm_answer(built: Assistant, text: str) -> None:
    a = built.answer(text)
    assert a.abstained and a.citations == [] and a.text.startswith("The sources don't say")


@pytest.mark.parametrize(
    "text",
    [
        "¿Cuántas personas murieron en Peshawar en 2014?",
        "Wie viele Menschen starben 2014 in Peshawar?",
        "2014年白沙瓦 Peshawar 袭击中有多少人死亡？",
    ],
)
def test_another_language_is_answered_when_one_sentence_holds_its_names_and_numbers(
    built: Assistant, text: str
) -> None:
    q = understand(text, None, built.library())
    assert q.language != "en" and set(q.exact) == {"2014", "Peshawar"}
    a = built.answer(text)
    [c] = a.citations
    assert {"2014", "peshawar"} <= set(terms(c.excerpt)) and "145 people" in c.excerpt


def test_an_english_question_takes_the_usual_path(built: Assistant) -> None:
    q = understand("How many people did the attack in Peshawar kill?", None, built.library())
    hits, chosen = fact.decision(q, built.library())
    assert q.language == "en" and hits and chosen.features  # the abstain model was consulted
