"""The verifier on constructed answers: the issue's seven cases, with the real MiniLM and spaCy."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answering.quoting.extractive import Sentence
from assistant.answering.writing.prompt import Excerpt
from assistant.answering.writing.verify import Checks, facts, missing_fact, split_markers, verify
from assistant.index.embeddings import LocalEmbeddings

SCHOOL = (
    "The TTP attacked the headquarters of the Pakistan military in 2009 and claimed "
    "responsibility for an attack on an army school in Peshawar that killed 145 people, mainly "
    "schoolchildren, in 2014."
)
SHARIF = (
    "He has been replaced by Shehbaz Sharif, who heads an uneasy coalition of rival parties that "
    "banded together to unseat Khan."
)
DRONE = (
    "Following the U.S. drone strike that killed al-Qaida leader Ayman al-Zawahiri in Kabul last "
    "year, the Taliban emphasized that Pakistan was allowing the use of its airspace for such "
    "strikes and was thus complicit."
)


@pytest.fixture(scope="module")
def embed() -> LocalEmbeddings:
    return LocalEmbeddings("", 1, 16, "onnx")


@pytest.fixture(scope="module")
def given(embed: LocalEmbeddings) -> dict[int, Excerpt]:
    texts = [SCHOOL, SHARIF, DRONE]
    return {
        i: Excerpt(i, Sentence(0, "a.txt", "A", 100 * i, 100 * i + len(t), t,
                               np.asarray(embed.embed_query(t), dtype=np.float32)), 1.0)
        for i, t in enumerate(texts, start=1)
    }  # fmt: skip


CASES = [
    # (sentence, supporting excerpts, words the reason must hold)
    ("The attack on an army school in Peshawar killed 145 people in 2014 [1].", (1,), ""),
    ("The attack on an army school in Peshawar killed 150 people in 2014 [1].", (), "150"),
    ("Imran Khan was replaced by Nawaz Sharif [2].", (), "Nawaz"),
    ("The attack on an army school in Peshawar killed 145 people [9].", (), "cites [9]"),
    ("The attack on an army school in Peshawar killed 145 people.", (), "cites no excerpt"),
    ("The school attack killed many children in the north [2].", (), "says something else"),
    ("The attack on an army school in Peshawar killed 145 people in 2014 [3][1].", (1,), ""),
]


@pytest.mark.parametrize(("sentence", "supporting", "reason"), CASES)
def test_constructed_answers(
    sentence: str, supporting: tuple[int, ...], reason: str, given: dict[int, Excerpt],
    embed: LocalEmbeddings,
) -> None:  # fmt: skip
    def vector(text: str) -> np.ndarray:
        return np.asarray(embed.embed_query(text), dtype=np.float32)

    verdict = verify(sentence, given, vector, Checks())
    assert verdict.supporting == supporting
    assert verdict.supported == bool(supporting)
    assert reason in verdict.reason
    assert verdict.reason or verdict.supported


@pytest.mark.parametrize(
    ("sentence", "text", "cited"),
    [
        ("Killed 145 people [1].", "Killed 145 people.", (1,)),
        ("Killed 145 people. [1]", "Killed 145 people.", (1,)),
        ("Two halves [1, 3] of one [Excerpt 3].", "Two halves of one.", (1, 3)),
        ("Nothing cited.", "Nothing cited.", ()),
        ("Both [2][1].", "Both.", (2, 1)),
    ],
)
def test_split_markers(sentence: str, text: str, cited: tuple[int, ...]) -> None:
    assert split_markers(sentence) == (text, cited)


@pytest.mark.parametrize(
    ("sentence", "span", "missing"),
    [
        ("In 2014 the TTP killed 145 people.", SCHOOL, ""),
        ("In 2015 the TTP killed 145 people.", SCHOOL, "2015"),
        ("Shehbaz Sharif replaced Khan.", SHARIF, ""),
        ("Shehbaz Sharif replaced Khan in Lahore.", SHARIF, "Lahore"),
        ("The strike killed Ayman al-Zawahiri in Kabul.", DRONE, ""),
        ("The strike killed 1,200 people.", "It killed 1200 people.", ""),
    ],
)
def test_every_number_and_name_must_be_in_the_span(sentence: str, span: str, missing: str) -> None:
    assert missing_fact(sentence, [span]) == missing


def test_facts_reads_numbers_dates_and_names() -> None:
    found = facts("In March 2023, Pakistan's army said 145 TTP fighters had crossed.")
    assert {"145", "TTP", "Pakistan's"} <= set(found) or {"145", "TTP"} <= set(found)
    assert any("2023" in f for f in found)
