"""The shipped answer model (assistant/models/reader/), through the runtime reader, on the
bundled sources' own sentences: the real int8 ONNX model, no fakes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.answering.quoting.reader import FOLDER, reader, session_options
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


def test_int8_products_are_exact_on_this_cpu(tmp_path: Path) -> None:
    """The worst case for onnxruntime's uint8 x int8 kernel on x86 without VNNI: pairs of
    products near 255 x 127 summed past 16 bits. With the reader's session options the product
    is exact on any CPU; without them, on an AVX2-only EPYC, all 128 outputs came out wrong (by
    up to 170,760)."""
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    a = rng.integers(200, 256, size=(8, 64), dtype=np.uint8)
    w = rng.choice(np.array([-127, -100, 100, 127], dtype=np.int8), size=(64, 16))
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["a", "w", "az", "wz"], ["y"])], "g",
        [helper.make_tensor_value_info("a", TensorProto.UINT8, [8, 64])],
        [helper.make_tensor_value_info("y", TensorProto.INT32, [8, 16])],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.array(0, np.uint8), "az"),
         numpy_helper.from_array(np.zeros(16, np.int8), "wz")],
    )  # fmt: skip
    path = tmp_path / "m.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    session = onnxruntime.InferenceSession(str(path), session_options())
    y = session.run(None, {"a": a})[0]
    assert (y == a.astype(np.int64) @ w.astype(np.int64)).all()


def test_the_model_reads_the_same_on_every_cpu() -> None:
    """Measured where the floor was chosen (a VNNI CPU): this pair reads 0.0092, under the
    floor of 0.01. Without exact products an AVX2-only CPU read 0.0102 and quoted it."""
    question = "What's a good recipe for chicken biryani?"
    sentence = (
        "But since the fall of that government and the evaporation of Indian influence in "
        "Afghanistan, the Baloch groups seem to have only gained in strength, launching some of "
        "their most deadly attacks and even targeting the infrastructure projects of Pakistan’s "
        "close ally, China."
    )
    assert reader().probabilities(question, [sentence])[0] == pytest.approx(0.00922, abs=5e-5)


def test_no_sentences_no_scores() -> None:
    assert reader().probabilities("Who?", []).shape == (0,)


def test_a_missing_model_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFound, match="the answer model is missing from"):
        reader(tmp_path)
