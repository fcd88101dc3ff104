"""Answer-stage scorers: which model's sentence vectors the answer compares with the question.

Retrieval always uses the index's own model (MiniLM) and BM25. The answer stage then scores each
candidate sentence by its cosine to the question, with one of these scorers (`answer_scorer`):

- "minilm": the retrieval model's sentence vectors, already stored with every chunk, and the
  retrieval query vector: nothing more is embedded or stored;
- "mpnet": all-mpnet-base-v2 (mpnet.py), whose sentence vectors the index stores beside MiniLM's
  under their own metadata key (the recipe names it, so choosing it rebuilds the index) and whose
  query vector is one more model pass per question, on `query_threads` threads.

A scorer is a row of the table `KINDS`; its model loads lazily, once, on first use. Left out: the
answer-or-abstain fit for each scorer (answering's business) and ONNX for mpnet (none at hand).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.index.embeddings import LocalEmbeddings
from assistant.index.mpnet import model_folder
from assistant.index.store import ANSWER_VECTORS

Embed = Callable[[list[str]], np.ndarray]

RETRIEVAL_KEY = "vectors"  # the chunk metadata key of the retrieval model's sentence vectors


@dataclass
class _Lazy:
    """Sentence-transformers embeddings whose folder is found (and unpacked) on first use."""

    folder: Callable[[], Path]
    threads: int
    batch_size: int
    _loaded: LocalEmbeddings | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def embeddings(self) -> LocalEmbeddings:
        with self._lock:
            if self._loaded is None:
                self._loaded = LocalEmbeddings(
                    str(self.folder()), self.threads, self.batch_size, "torch"
                )
            return self._loaded

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.embeddings.encode(texts)

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self.embeddings.embed_query(text), dtype=np.float32)


@dataclass(frozen=True)
class AnswerScorer:
    name: str
    stored: str  # the chunk metadata key its sentence vectors are stored under
    model: _Lazy | None = None  # None: the retrieval model's vectors serve

    @property
    def embed(self) -> Embed | None:
        """What embeds sentences for the index beside the retrieval model (None: nothing)."""
        return self.model.encode if self.model else None

    def query_vector(self, query: str, retrieval_vector: np.ndarray) -> np.ndarray:
        """The question's vector to score sentences against."""
        return self.model.query(query) if self.model else retrieval_vector

    def text_vector(self, text: str, retrieval: Callable[[str], np.ndarray]) -> np.ndarray:
        """Any text's vector in this scorer's space (a written answer's claim, checked against
        quoted sentences); `retrieval` embeds with the index's model, used when that is the space."""
        return self.model.query(text) if self.model else retrieval(text)

    def load(self) -> None:
        """Load the model now (a warm-up), not on the first question."""
        if self.model:
            self.model.embeddings.model  # noqa: B018


def _mpnet(threads: int, batch_size: int) -> AnswerScorer:
    return AnswerScorer("mpnet", ANSWER_VECTORS, _Lazy(model_folder, threads, batch_size))


KINDS: dict[str, Callable[[int, int], AnswerScorer]] = {
    "minilm": lambda threads, batch_size: AnswerScorer("minilm", RETRIEVAL_KEY),
    "mpnet": _mpnet,
}


def answer_scorer(name: str, threads: int = 1, batch_size: int = 64) -> AnswerScorer:
    """The scorer named by the `answer_scorer` setting (Settings checks the name)."""
    return KINDS[name](threads, batch_size)
