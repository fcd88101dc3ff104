"""The ONNX query encoder: agrees with the torch model the index is built with, loads once, and
gives the same vectors from many threads at once."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from assistant.core.errors import ModelNotFound
from assistant.core.settings import Settings
from assistant.index.embeddings import LocalEmbeddings

QUESTIONS = [
    "Who replaced Imran Khan as prime minister?",
    "How many people did the attack on the army school in Peshawar kill?",
    "Who facilitated those talks? TTP Kabul ISI",
    "Durand Line",
]


def test_onnx_query_vectors_agree_with_torch() -> None:
    onnx = LocalEmbeddings(query_encoder="onnx")
    torch = LocalEmbeddings(query_encoder="torch")
    for question in QUESTIONS:
        a, b = np.asarray(onnx.embed_query(question)), np.asarray(torch.embed_query(question))
        assert a.shape == b.shape == (384,)
        assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
        assert float(a @ b) > 0.998


def test_the_encoder_is_loaded_once_and_shared_by_threads() -> None:
    embeddings = LocalEmbeddings(query_encoder="onnx")
    assert embeddings.onnx is LocalEmbeddings(query_encoder="onnx").onnx
    alone = [embeddings.embed_query(q) for q in QUESTIONS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(embeddings.embed_query, QUESTIONS * 8))
    for i, vector in enumerate(together):
        assert np.allclose(vector, alone[i % len(QUESTIONS)], atol=1e-6)


def test_the_setting_chooses_the_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.from_env().query_encoder == "onnx"
    monkeypatch.setenv("ASSISTANT_QUERY_ENCODER", "torch")
    assert Settings.from_env().query_encoder == "torch"
    with pytest.raises(ModelNotFound, match="unknown query encoder 'tensorflow'"):
        LocalEmbeddings(query_encoder="tensorflow")
