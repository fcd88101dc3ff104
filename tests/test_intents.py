"""Which part of the intent table a question reaches, over the real index of the two articles."""

import pytest

from assistant.answering.intents import PARTS, recognise
from assistant.answering.reading.understand import understand
from assistant.api import Assistant

FOES = "pakistan-and-the-afghan-taliban-friends-becoming-foes.txt"
REAPS = "pakistan-reaps-what-it-sowed.txt"


@pytest.mark.parametrize(
    ("question", "name", "sources", "topic"),
    [
        ("Summarize the first article", "summary", (FOES,), ""),  # the Sources tab's order
        ("Can you give me the gist of Pakistan Reaps What It Sowed?", "summary", (REAPS,), ""),
        ("What is the Friends Becoming Foes piece about?", "summary", (FOES,), ""),
        ("Tell me what the second article is about", "summary", (REAPS,), ""),
        ("What are the key takeaways?", "summary", (), ""),  # no source named: all of them
        ("Sum up what both articles say about India", "summary", (), "India"),
        ("How do the two articles differ on the TTP?", "comparison", (FOES, REAPS), "TTP"),
        ("What does each article say about drone strikes?", "comparison", (FOES, REAPS),
         "drone strikes"),
        ("Compare the two articles", "comparison", (FOES, REAPS), ""),
        ("Summarize the second one in three bullet points, please", "summary", (REAPS,), ""),
        ("What are the sources about, briefly?", "summary", (), ""),
        ("Sum up the article that argues Pakistan is now less safe", "summary", (REAPS,), ""),
        ("What conclusions does Pakistan Reaps What It Sowed reach?", "summary", (REAPS,), ""),
        ("what do both say about India", "comparison", (FOES, REAPS), "India"),
        ("Compare the first and second article", "comparison", (FOES, REAPS), ""),
        ("Is there anything the two articles actually disagree on?", "comparison", (FOES, REAPS),
         ""),
        ("What is the upshot of the second piece?", "summary", (REAPS,), ""),
        ("For my book club I need an outline of the Friends Becoming Foes piece, point by point",
         "summary", (FOES,), ""),  # the words before "outline" frame the request
        ("What does the first article argue about India?", "summary", (FOES,), "India"),
        ("Give an overview of the article with the section 'The Way Ahead'", "summary", (FOES,),
         ""),  # a quoted heading only one source holds
        ("Not the Friends Becoming Foes one, the other one: summarize that", "summary", (REAPS,),
         ""),
        ("What problems does the second article point to?", "fact", (), ""),  # a verb, no summary
        ("What does the second article claim Pakistan should do?", "fact", (), ""),  # a claim
        ("What claims does the first article make?", "summary", (FOES,), ""),
        ("What treaty did the two countries sign?", "fact", (), ""),  # two countries, not sources
        ("How do the two differ on India?", "comparison", (FOES, REAPS), "India"),
        ("which of the two is more critical of Pakistan?", "comparison", (FOES, REAPS),
         "critical of Pakistan"),
        ("Why did Islamabad back the insurgents?", "why", (), ""),
        ("What led Pakistan to fence the border?", "why", (), ""),
        ("How did the Taliban return to power?", "how", (), ""),
        ("In what way did Pakistan help the militants?", "how", (), ""),
        ("How many attacks has the TTP launched?", "fact", (), ""),  # a count, not a manner
        ("What is the Durand Line about?", "fact", (), ""),  # a thing, not a source
        ("What is the main point of contention between Kabul and Islamabad?", "fact", (), ""),
        ("Compare the Taliban and the TTP", "fact", (), ""),  # two things, not two sources
        ("Which faction within the Taliban is named in the articles?", "fact", (), ""),
        ("Who is blamed in the two articles?", "fact", (), ""),  # "in the articles" only locates
        ("Which of the two pieces is more critical of Pakistan?", "comparison", (FOES, REAPS),
         "critical of Pakistan"),
        ("¿Por qué Pakistán apoyó a los talibanes?", "foreign", (), ""),
    ],
)  # fmt: skip
def test_recognise(
    built: Assistant, question: str, name: str, sources: tuple[str, ...], topic: str
) -> None:
    intent = understand(question, None, built.library()).intent
    assert (intent.name, intent.sources, intent.topic) == (name, sources, topic)


def test_the_table_ends_with_fact_which_takes_every_question(built: Assistant) -> None:
    assert PARTS[-1].name == "fact" and PARTS[0].name == "foreign"
    q = understand("Who replaced Imran Khan?", None, built.library())
    assert recognise(q, built.library()).name == "fact"


@pytest.mark.parametrize(
    "question",
    [
        "Summarize the second article",
        "How do the two articles differ on India?",
        "Why did Pakistan back the Taliban in the first place?",
        "Who replaced Imran Khan as prime minister?",
    ],
)
def test_every_intent_answers_with_citations_that_reproduce(
    built: Assistant, question: str
) -> None:
    a = built.answer(question)
    assert (
        a.citations
        and not a.abstained
        and a.intent == understand(question, None, built.library()).intent.name
    )
    for n, c in enumerate(a.citations, start=1):
        text = (built.settings.sources / c.source).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.excerpt and f"“{c.excerpt}” [{n}]" in a.text
