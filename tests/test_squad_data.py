"""SQuAD articles as sources and questions, and the gold matching (pure: no model, no index)."""

from __future__ import annotations

import pytest

from assistant.core.errors import AssistantError
from assistant.evaluation.squad.data import (
    FIT,
    REPORT,
    SPLITS,
    Article,
    context,
    items,
    load_articles,
    normalise,
    source_text,
    squad_contains,
)

ARTICLE = Article(
    "1973_oil_crisis",
    (
        {
            "context": "The crisis began in October 1973.  ",
            "qas": [
                {
                    "id": "q1",
                    "question": "When did the crisis begin?",
                    "answers": [
                        {"text": "October 1973", "answer_start": 20},
                        {"text": "October 1973", "answer_start": 20},
                        {"text": "in October 1973", "answer_start": 17},
                    ],
                    "is_impossible": False,
                }
            ],
        },
        {
            "context": "Prices rose fourfold.",
            "qas": [
                {
                    "id": "q2",
                    "question": "When did prices fall fourfold?",
                    "answers": [],
                    "plausible_answers": [{"text": "fourfold", "answer_start": 12}],
                    "is_impossible": True,
                }
            ],
        },
    ),
)


def test_an_article_is_a_title_line_then_its_paragraphs() -> None:
    assert source_text(ARTICLE) == (
        "1973 oil crisis\n\nThe crisis began in October 1973.\n\nPrices rose fourfold.\n"
    )
    assert ARTICLE.source == "1973_oil_crisis.txt"


def test_questions_become_question_set_items() -> None:
    assert items(ARTICLE) == [
        {
            "id": "q1",
            "kind": "squad",
            "question": "When did the crisis begin?",
            "history": [],
            "answers": ["October 1973", "in October 1973"],
            "evidence": [
                {"source": "1973_oil_crisis.txt", "quote": "The crisis began in October 1973."}
            ],
        },
        {
            "id": "q2",
            "kind": "squad",
            "question": "When did prices fall fourfold?",
            "history": [],
            "answers": [],  # unanswerable: plausible answers are not gold
            "evidence": [{"source": "1973_oil_crisis.txt", "quote": "Prices rose fourfold."}],
        },
    ]


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("The Normans", "normans"),
        ("  an   Apple, a pear  ", "apple pear"),
        ("Rollo's arrival", "rollo s arrival"),
        ("Jin dynasty (1115–1234)", "jin dynasty 1115 1234"),
        ("afrikaans-speaking", "afrikaans speaking"),
        ("Theatre and anthems", "theatre and anthems"),  # articles only as whole words
        ("“Quoted”—dash", "quoted dash"),
    ],
)
def test_normalise(text: str, normalised: str) -> None:
    assert normalise(text) == normalised


@pytest.mark.parametrize(
    ("text", "answers", "found"),
    [
        ("Normandy, a region in France.", ["France"], True),
        ("the normans came", ["The Normans"], True),
        ("before Rollo's arrival", ["Rollo"], True),
        ("the Jin dynasty (1115–1234)", ["1115"], True),
        ("It began in 1973.", ["1"], False),  # a whole word, not part of one
        ("It began in 1973.", ["19", "1973"], True),  # any gold string will do
        ("the war ended", ["warfare"], False),
        ("The answer", ["the"], False),  # a gold that normalises to nothing
        ("anything at all", [], False),  # unanswerable: nothing to find
    ],
)
def test_squad_contains(text: str, answers: list[str], found: bool) -> None:
    assert squad_contains(text, {"answers": answers}) is found


def test_the_split_covers_the_shipped_articles_in_file_order() -> None:
    articles = load_articles(SPLITS["all"])
    assert [a.title for a in articles] == [*FIT, *REPORT]
    assert not set(FIT) & set(REPORT)
    questions = [q for a in articles for q in items(a)]
    assert len(questions) == 2828
    assert sum(not q["answers"] for q in questions) == 1529
    assert len({q["id"] for q in questions}) == 2828


def test_every_gold_answer_is_found_in_its_own_paragraph() -> None:
    """A perfect quote can always score: the matching never misses a gold in its own text."""
    for article in load_articles(SPLITS["all"]):
        text = source_text(article)
        for q in items(article):
            quote = q["evidence"][0]["quote"]
            assert quote in text
            assert not q["answers"] or squad_contains(quote, q), q["id"]


def test_limit_keeps_the_first_paragraphs() -> None:
    (article,) = load_articles(("Normans",), limit=3)
    full = load_articles(("Normans",))[0]
    assert article.paragraphs == full.paragraphs[:3]
    assert source_text(article).count("\n\n") == 3
    assert context(article.paragraphs[0]).startswith("The Normans")


def test_an_unknown_article_is_one_error() -> None:
    with pytest.raises(AssistantError, match="no SQuAD article named Nope"):
        load_articles(("Nope",))
