"""Summaries over the real index of the two articles."""

import re

from assistant.answering.quoting.grouped import quotable
from assistant.api import Assistant
from tests.test_intents import FOES, REAPS


def test_a_named_source_is_summarised_by_its_own_sentences_in_document_order(
    built: Assistant,
) -> None:
    a = built.answer("Summarize Pakistan Reaps What It Sowed")
    assert a.intent == "summary" and 3 <= len(a.citations) <= 6
    assert {c.source for c in a.citations} == {REAPS}
    starts = [c.start for c in a.citations]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert a.text.startswith("### Pakistan Reaps What It Sowed\n\n- “")


def test_no_source_named_summarises_each_under_its_title(built: Assistant) -> None:
    a = built.answer("What are the main points?")
    titles = re.findall(r"^### (.+)$", a.text, flags=re.M)
    assert len(titles) == 2 and {c.source for c in a.citations} == {FOES, REAPS}
    assert all(sum(c.source == s for c in a.citations) >= 3 for s in (FOES, REAPS))


def test_a_summary_quotes_no_heading_and_no_question(built: Assistant) -> None:
    sentences = built.library().document(FOES, 200)
    assert any(not quotable(s) for s in sentences)  # the article has headings and questions
    a = built.answer("Summarize the Friends Becoming Foes article")
    quoted = {c.start for c in a.citations}
    assert all(quotable(s) for s in sentences if s.start in quoted)


def test_a_summary_on_a_topic_quotes_what_each_source_says_on_it(built: Assistant) -> None:
    a = built.answer("Summarize what the articles say about the Baloch separatists")
    assert {c.source for c in a.citations} == {REAPS}
    assert "This source says nothing about “Baloch separatists”." in a.text
