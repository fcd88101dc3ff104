"""The shipped answer model (assistant/models/reader/), through the runtime reader, on the
bundled sources' own sentences: the real int8 ONNX model, no fakes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.answering.quoting.reader import FOLDER, reader
from assistant.core.errors import ModelNotFound

SCHOOL = (
    "The TTP attacked the headquarters of the Pakistan military in 2009 and claimed "
    "responsibility for an attack on an army school in Peshawar that killed 145 people, mainly "
    "schoolchildren, in 2014."
)
OTHERS = [
    "Pakistan’s media have suggested that these strikes have the tacit support of Kabul’s "
    "Taliban rulers.",
    "The Taliban emphasized that Pakistan was allowing the use of its airspace for such strikes.",
    "Imran Khan was removed from office in April 2022.",
]


def test_the_model_is_small_and_shipped_inside_the_package() -> None:
    assert (FOLDER / "model.onnx").stat().st_size <= 30 * 1024 * 1024
    assert (FOLDER / "CARD.md").read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize(
    "question",
    [
        "How many people did the attack on the army school in Peshawar kill?",
        "When did the TTP attack an army school in Peshawar?",
        "Who attacked the headquarters of the Pakistan military in 2009?",
    ],
)
def test_the_sentence_that_answers_scores_highest(question: str) -> None:
    probs = reader().probabilities(question, [*OTHERS, SCHOOL])
    assert int(np.argmax(probs)) == len(OTHERS)
    assert ((probs >= 0) & (probs <= 1)).all()


def test_a_sentence_scores_the_same_alone_or_among_others() -> None:
    question = "How many people did the attack on the army school kill?"
    alone = reader().probabilities(question, [SCHOOL])[0]
    among = reader().probabilities(question, [*OTHERS, SCHOOL])[-1]
    assert alone == pytest.approx(among, abs=1e-6)


def test_no_sentences_no_scores() -> None:
    assert reader().probabilities("Who?", []).shape == (0,)


def test_a_missing_model_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="the answer model is missing from"):
        reader(tmp_path)
