"""The LangChain face on the real model and the real index of the bundled sources."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.runnables import RunnableLambda, RunnableParallel

from assistant.api import Assistant
from assistant.core.errors import (
    AssistantError,
    BadHistory,
    BadQuestion,
    BadTopK,
    EmptyQuestion,
    QuestionTooLong,
    UnknownSource,
)
from assistant.core.types import Answer
from assistant.langchain import AssistantChain, AssistantRetriever
from tests.conftest import ROOT
from tests.test_intents import FOES, REAPS

SCHOOL = "How many people did the attack on the army school in Peshawar kill?"
GENERAL = "Which Pakistani general went to Kabul for talks with the TTP?"
FOLLOW_UP = "Who facilitated those talks?"
QUESTIONS = [
    SCHOOL,
    GENERAL,
    "What did the Taliban warn Pakistan of after the drone strike in Kabul?",
    "Who replaced Imran Khan?",
]


def reproduces(assistant: Assistant, source: str, start: int, end: int, text: str) -> bool:
    return assistant.source_text(source)[start:end] == text


@pytest.mark.parametrize("question", QUESTIONS)
def test_documents_are_the_retrieved_passages_at_their_offsets(
    built: Assistant, question: str
) -> None:
    docs = AssistantRetriever(assistant=built).invoke(question)
    hits, _ = built.retrieve(question)
    assert [d.id for d in docs] == [h.chunk.id for h in hits]
    assert len(docs) == built.settings.top_k
    for doc, hit in zip(docs, hits, strict=True):
        m = doc.metadata
        assert reproduces(built, m["source"], m["start"], m["end"], doc.page_content)
        assert m["title"] == built.source_text(m["source"]).strip().splitlines()[0]
        assert m["score"] == hit.score and m["page"] is None  # the bundled sources are text


def test_the_passage_count_is_a_setting(built: Assistant) -> None:
    docs = AssistantRetriever(assistant=built, k=2).invoke(SCHOOL)
    assert len(docs) == 2 and any("145 people" in d.page_content for d in docs)


def test_the_retriever_keeps_to_the_sources_given(built: Assistant) -> None:
    every = AssistantRetriever(assistant=built).invoke(SCHOOL)
    assert {d.metadata["source"] for d in every} == {FOES, REAPS}
    docs = AssistantRetriever(assistant=built, sources=[FOES]).invoke(SCHOOL)
    assert docs and {d.metadata["source"] for d in docs} == {FOES}
    with pytest.raises(UnknownSource, match=r"^unknown source 'nope\.txt'"):
        AssistantRetriever(assistant=built, sources=["nope.txt"]).invoke(SCHOOL)


@pytest.mark.parametrize(
    ("query", "error"),
    [("   ", EmptyQuestion), (None, EmptyQuestion), ("x" * 2001, QuestionTooLong)],
)
def test_bad_queries_raise_the_library_errors(built: Assistant, query: Any, error: type) -> None:
    with pytest.raises(error):
        AssistantRetriever(assistant=built).invoke(query)


def test_a_query_without_words_finds_nothing(built: Assistant) -> None:
    assert AssistantRetriever(assistant=built).invoke("?!") == []


@pytest.mark.parametrize("make", [AssistantRetriever, AssistantChain])
@pytest.mark.parametrize("k", [0, 101, "3", True])
def test_an_out_of_range_count_is_bad_top_k(built: Assistant, make: Any, k: object) -> None:
    field = "k" if make is AssistantRetriever else "top_k"
    with pytest.raises(BadTopK):
        make(assistant=built, **{field: k})


def check_citations(assistant: Assistant, answer: Answer) -> None:
    for c in answer.citations:
        assert reproduces(assistant, c.source, c.start, c.end, c.excerpt)


def test_the_chain_answers_with_citations_that_reproduce(built: Assistant) -> None:
    a = AssistantChain(assistant=built).invoke(SCHOOL)
    assert isinstance(a, Answer) and not a.abstained and "145 people" in a.text
    assert a.citations
    check_citations(built, a)
    assert a == built.answer(SCHOOL)  # the chain is the pipeline, not another one


def test_the_chain_abstains_as_the_assistant_does(built: Assistant) -> None:
    a = AssistantChain(assistant=built).invoke({"question": "Who won the 2022 FIFA World Cup?"})
    assert a.abstained and a.citations == [] and a.text.startswith("The sources don't say")


HISTORIES = {
    "chat messages": lambda first: [
        {"role": "user", "content": GENERAL},
        {"role": "assistant", "content": first},
    ],
    "langchain messages": lambda first: [
        SystemMessage("You answer from the sources."),
        HumanMessage(GENERAL),
        AIMessage(first),
    ],
    "a (user, assistant) pair": lambda first: [(GENERAL, first)],
}


@pytest.mark.parametrize("kind", list(HISTORIES))
def test_a_follow_up_is_searched_with_the_history(built: Assistant, kind: str) -> None:
    chain = AssistantChain(assistant=built)
    first = chain.invoke(GENERAL)
    a = chain.invoke({"question": FOLLOW_UP, "history": HISTORIES[kind](first.text)})
    assert a.query != a.question and "TTP" in a.query
    assert "facilitated by the Afghan Taliban" in a.text
    check_citations(built, a)
    without = chain.invoke({"question": FOLLOW_UP, "history": None})
    assert without.query == FOLLOW_UP


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ({"question": "  "}, EmptyQuestion),
        ({"history": []}, EmptyQuestion),
        (42, BadQuestion),
        ({"question": SCHOOL, "histroy": []}, BadQuestion),
        ({"question": SCHOOL, "history": "earlier turns"}, BadHistory),
        ({"question": SCHOOL, "history": [ToolMessage("42", tool_call_id="t")]}, BadHistory),
        ({"question": SCHOOL, "history": [{"role": "user"}, 3]}, BadHistory),
    ],
)
def test_bad_chain_input_raises_the_library_errors(
    built: Assistant, given: object, error: type
) -> None:
    with pytest.raises(error):
        AssistantChain(assistant=built).invoke(given)


def test_batch_stream_and_async_follow_the_runnable_protocol(built: Assistant) -> None:
    chain = AssistantChain(assistant=built)
    expected = [built.answer(q) for q in QUESTIONS]
    assert chain.batch([QUESTIONS[0], *({"question": q} for q in QUESTIONS[1:])]) == expected
    assert list(chain.stream(SCHOOL)) == [expected[0]]
    assert asyncio.run(chain.ainvoke(GENERAL)) == expected[1]
    docs = asyncio.run(AssistantRetriever(assistant=built).ainvoke(SCHOOL))
    assert [d.id for d in docs] == [h.chunk.id for h in built.retrieve(SCHOOL)[0]]


def test_a_bad_item_in_a_batch_is_a_typed_error(built: Assistant) -> None:
    chain = AssistantChain(assistant=built)
    with pytest.raises(EmptyQuestion):
        chain.batch([SCHOOL, ""])
    good, bad = chain.batch([SCHOOL, ""], return_exceptions=True)
    assert isinstance(good, Answer) and isinstance(bad, EmptyQuestion)


def numbered(docs: list[Document]) -> str:
    return "\n".join(
        f"[{i}] {d.metadata['source']}:{d.metadata['start']}-{d.metadata['end']} {d.page_content}"
        for i, d in enumerate(docs, start=1)
    )


def test_composed_chains(built: Assistant) -> None:
    context = AssistantRetriever(assistant=built, k=3) | RunnableLambda(numbered)
    text = context.invoke(SCHOOL)
    heads = re.findall(r"^\[(\d+)\] [\w.-]+\.txt:\d+-\d+ ", text, flags=re.M)
    assert heads == ["1", "2", "3"] and "145 people" in text

    both = RunnableParallel(
        answer=AssistantChain(assistant=built) | RunnableLambda(lambda a: a.text),
        context=RunnableLambda(lambda x: x["question"]) | context,
    )
    out = both.invoke({"question": GENERAL})
    assert out["answer"] == built.answer(GENERAL).text and out["context"].startswith("[1] ")


def test_errors_pass_through_a_composed_chain(built: Assistant) -> None:
    chain = RunnableLambda(lambda q: q.strip()) | AssistantChain(assistant=built)
    with pytest.raises(AssistantError) as caught:
        chain.invoke("   ")
    assert type(caught.value) is EmptyQuestion


LAZY = """
import sys
from assistant.api import Assistant
a = Assistant(sources=sys.argv[1], index=sys.argv[2])
assert not a.answer(sys.argv[3]).abstained
print(sorted(m for m in ("assistant.langchain", "langchain_core.retrievers") if m in sys.modules))
"""


def test_answering_never_imports_the_langchain_face(built: Assistant) -> None:
    s = built.settings
    done = subprocess.run(
        [sys.executable, "-c", LAZY, str(s.sources), str(s.index), SCHOOL],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_an_assistant_the_shared_default_answers(
    built: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.api as api

    monkeypatch.setattr(api, "_default", built)
    assert AssistantRetriever().assistant is built and AssistantChain().assistant is built


def pdf_pages(folder: Path, topics: list[str]) -> None:
    """A PDF whose page n is about topics[n - 1], long enough to be a chunk of its own."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for topic in topics:
        pdf.add_page()
        lines = [
            f"Fact {i} about the {topic}: it was recorded in year {1900 + i}." for i in range(9)
        ]
        pdf.multi_cell(0, 8, " ".join(lines))
    folder.mkdir()
    (folder / "notes.pdf").write_bytes(bytes(pdf.output()))


def test_a_pdf_passage_names_its_page(tmp_path: Path) -> None:
    pdf_pages(tmp_path / "sources", ["glacier survey", "harbour lighthouse", "orchard harvest"])
    built = Assistant(sources=tmp_path / "sources", index=tmp_path / "index")
    built.index()
    docs = AssistantRetriever(assistant=built, k=3).invoke(
        "When was the harbour lighthouse fact 4?"
    )
    pages = {d.metadata["page"]: d for d in docs}
    assert sorted(pages) == [1, 2, 3] and "harbour lighthouse" in docs[0].page_content
    assert pages[2] is docs[0]
    for d in docs:
        m = d.metadata
        assert reproduces(built, m["source"], m["start"], m["end"], d.page_content)
