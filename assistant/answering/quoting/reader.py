"""The trained answer model at answer time: does this sentence answer this question?

A small cross-encoder (all-MiniLM-L6-v2 cut to 4 layers, fine-tuned on SQuAD by
assistant/training/; its card: assistant/models/reader/CARD.md) shipped as int8 ONNX inside the
package. `Reader.probabilities(question, sentences)` scores every (question, sentence) pair in one
batch on one thread and returns the probability that each sentence answers the question. It loads
once, on first use, and is shared between threads (onnxruntime sessions and tokenizers may be
called from several at once). Left out: which sentences to put to it and what to do with the
scores (fact.py), and training (assistant/training/, which needs torch; this needs only
onnxruntime and tokenizers).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.core.errors import ModelNotFound

FOLDER = Path(__file__).resolve().parents[2] / "models" / "reader"
_LOCK = threading.Lock()
_LOADED: dict[Path, Reader] = {}


@dataclass(frozen=True)
class Reader:
    folder: Path
    session: Any  # onnxruntime.InferenceSession
    tokenizer: Any  # tokenizers.Tokenizer, truncating pairs longest-first

    def probabilities(self, question: str, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        encoded = self.tokenizer.encode_batch([(question, s) for s in sentences])
        width = max(len(e.ids) for e in encoded)
        feed = {k: np.zeros((len(encoded), width), dtype=np.int64) for k in _INPUTS}
        for i, e in enumerate(encoded):
            n = len(e.ids)
            feed["input_ids"][i, :n] = e.ids
            feed["token_type_ids"][i, :n] = e.type_ids
            feed["attention_mask"][i, :n] = 1
        logits = self.session.run(None, feed)[0].astype(np.float64)
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)


_INPUTS = ("input_ids", "token_type_ids", "attention_mask")


def reader(folder: Path = FOLDER) -> Reader:
    """The shared reader of the model in folder, loaded on first use."""
    with _LOCK:
        if folder not in _LOADED:
            _LOADED[folder] = _load(folder)
        return _LOADED[folder]


def _load(folder: Path) -> Reader:
    model, tokenizer_file, settings = (
        folder / "model.onnx", folder / "tokenizer.json", folder / "reader.json",
    )  # fmt: skip
    if not (model.is_file() and tokenizer_file.is_file() and settings.is_file()):
        raise ModelNotFound(f"the answer model is missing from {folder} (reinstall the assistant)")
    import onnxruntime
    from tokenizers import Tokenizer

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # one per question: more collapse on a busy machine
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        session = onnxruntime.InferenceSession(
            str(model), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        max_tokens = int(json.loads(settings.read_text(encoding="utf-8"))["max_tokens"])
    except Exception as exc:  # onnxruntime and tokenizers raise their own types
        raise ModelNotFound(f"cannot load the answer model in {folder}: {exc}") from exc
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens, strategy="longest_first")
    return Reader(folder, session, tokenizer)
