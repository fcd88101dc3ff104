"""Written answers from a stream: sentence splitting, snapshots, marks, citation mapping, fallbacks.

The model here is a script of text pieces (the thing under test is the writer, not a model); the
real models are in test_llm.py. Everything else is real: MiniLM, spaCy, the verifier, the index.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

import numpy as np
import pytest

from assistant.answering.quoting import fact
from assistant.answering.reading.understand import understand
from assistant.answering.writing.prompt import NOT_FOUND, Excerpt, excerpts_from
from assistant.answering.writing.written import Writer, Writing, split_sentences
from assistant.api import Assistant
from assistant.core.errors import LLMFailure
from assistant.core.types import PENDING, Answer
from assistant.llm.base import timed

QUESTION = "How many people did the attack on the army school in Peshawar kill?"


@pytest.mark.parametrize(
    ("text", "finished", "done", "tail"),
    [
        ("One [1]. Two [2", False, ["One [1]."], "Two [2"),
        ("One [1]. Two [2].", True, ["One [1].", "Two [2]."], ""),
        ("One. [1] Two", False, ["One. [1]"], "Two"),
        ("One. ", False, [], "One."),  # a marker may still come
        ("The U.S. army left [1]. It", False, ["The U.S. army left [1]."], "It"),
        ("- First [1]\n- Second [2]", True, ["First [1]", "Second [2]"], ""),
        ("1. First [1]\n2. Sec", False, ["First [1]"], "Sec"),
        ("It cost 3.5 million [1]. Then", False, ["It cost 3.5 million [1]."], "Then"),
    ],
)
def test_split_sentences(text: str, finished: bool, done: list[str], tail: str) -> None:
    assert split_sentences(text, finished) == (done, tail)


class Script:
    """A backend that writes fixed pieces: the writer's input, not the thing under test."""

    name = "script:test"

    def __init__(self, pieces: Sequence[str], error: Exception | None = None, pause: float = 0):
        self.pieces, self.error, self.pause = pieces, error, pause

    def stream(self, messages: Sequence[dict[str, str]], free: bool = False) -> Iterator[str]:
        for piece in self.pieces:
            time.sleep(self.pause)
            yield piece
        if self.error:
            raise self.error


def candidates(assistant: Assistant, question: str) -> tuple[str, list[Excerpt]]:
    """The query and the excerpts `Assistant.stream` gives the model for question."""
    library = assistant.library()
    q = understand(question, [], library)
    return q.query, excerpts_from(fact.choosing(q, library).scored, 8)


def _write(
    built: Assistant, pieces: Sequence[str], **kw: object
) -> tuple[list[Answer], list[Excerpt]]:
    query, excerpts = candidates(built, QUESTION)
    quotes = built.answer(QUESTION)
    error = kw.pop("error", None)
    writing = Writing(**kw)  # type: ignore[arg-type]
    embed = built.embeddings.embed_query
    writer = Writer(Script(pieces, error), lambda t: np.asarray(embed(t), np.float32), timed,
                    writing)  # fmt: skip
    return list(writer.write(QUESTION, query, [], quotes, excerpts)), excerpts


def _school(excerpts: list[Excerpt]) -> int:
    return next(e.number for e in excerpts if "145 people" in e.sentence.text)


def test_snapshots_grow_and_citations_map_to_exact_source_sentences(built: Assistant) -> None:
    n = 0
    snaps, excerpts = _write(built, [])  # to learn the excerpt numbers
    n = _school(excerpts)
    pieces = ["The attack on an army ", "school in Peshawar killed 145 ", f"people [{n}]. ",
              "It was carried out by ", "Martians [", f"{n}]."]  # fmt: skip
    snaps, _ = _write(built, pieces)
    assert [s.mode for s in snaps[:-1]] == ["llm"] * len(pieces)
    assert snaps[0].sentences[-1].reason == PENDING  # the unfinished tail, unverified
    final = snaps[-1]
    assert final.mode == "llm" and final.model == "script:test" and not final.note
    first, second = final.sentences
    assert first.supported and first.citations == [0]
    assert not second.supported and "Martians" in second.reason
    assert "(not found in the sources)" in final.text and "[1]" in final.text
    c = final.citations[0]
    assert built.source_text(c.source)[c.start : c.end] == c.excerpt
    assert "145 people" in c.excerpt
    assert final.stats["sentences"] == 2 and final.stats["supported"] == 1


def test_drop_leaves_unsupported_sentences_out(built: Assistant) -> None:
    _, excerpts = _write(built, [])
    n = _school(excerpts)
    text = f"The attack on an army school in Peshawar killed 145 people [{n}]. Martians did it."
    final = _write(built, [text], unsupported="drop")[0][-1]
    assert [s.supported for s in final.sentences] == [True]
    assert "Martians" not in final.text


@pytest.mark.parametrize(
    ("pieces", "error", "note"),
    [
        ([NOT_FOUND], None, "the model found no answer in the excerpts"),
        (["Martians did it [1]."], None, "no written sentence was supported"),
        (["The attack "], LLMFailure("ConnectionError: refused"), "the model failed: Connection"),
    ],
)
def test_falls_back_to_quotes_with_a_note(
    built: Assistant, pieces: list[str], error: Exception | None, note: str
) -> None:
    snaps, _ = _write(built, pieces, error=error)
    final = snaps[-1]
    quotes = built.answer(QUESTION)
    assert final.mode == "extractive" and final.text == quotes.text
    assert note in final.note and "\n" not in final.note
    assert final.stats["fallback"] == 1


def test_when_the_quotes_abstain_the_model_is_not_asked(built: Assistant) -> None:
    question = "How many moons does Neptune have?"
    quotes = built.answer(question)
    assert quotes.abstained
    asked: list[object] = []

    class Recording(Script):
        def stream(self, messages: Sequence[dict[str, str]], free: bool = False) -> Iterator[str]:
            asked.append(messages)
            yield "Neptune has 16 moons [1]."

    writer = Writer(Recording([]), lambda t: np.zeros(384, np.float32), timed, Writing())
    query, excerpts = candidates(built, question)
    final = list(writer.write(question, query, [], quotes, excerpts))[-1]
    assert not asked and final.abstained and final.text == quotes.text
    assert final.note == "Showing quotes: the sources do not answer this, so no answer was written."
