"""The trained answer model at answer time: does this sentence answer this question?

A small cross-encoder (all-MiniLM-L6-v2 cut to 4 layers, fine-tuned on SQuAD by
assistant/training/; its card: assistant/models/reader/CARD.md) shipped as int8 ONNX inside the
package. `Reader.probabilities(question, sentences, previous)` scores every (question, sentence)
pair on one thread and returns the probability that each sentence answers the question; a model
trained with context (its reader.json says so) also reads the sentence before each one. It loads
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


def pair_text(sentence: str, previous: str) -> str:
    """What a context model reads as a pair's second part: the sentence, then the one before it
    (after it, so that truncation cuts the context first). Training uses the same join."""
    return f"{sentence} [SEP] {previous}" if previous else sentence


@dataclass(frozen=True)
class Reader:
    folder: Path
    session: Any  # onnxruntime.InferenceSession
    tokenizer: Any  # tokenizers.Tokenizer, truncating pairs longest-first
    context: bool = False  # the model reads the sentence before each candidate too

    def probabilities(
        self, question: str, sentences: Sequence[str], previous: Sequence[str] = ()
    ) -> np.ndarray:
        """Each sentence's probability of answering the question; `previous` holds the sentence
        before each ("" where none is known), read only by a context model. Pairs run one by one,
        unpadded: as fast here as one padded batch, and each probability is the sentence's own
        (dynamic int8 quantises a call's activations together, so in a batch the others would
        move it by a few hundredths)."""
        if self.context and previous:
            sentences = [pair_text(s, b) for s, b in zip(sentences, previous, strict=True)]
        logits = np.zeros(len(sentences), dtype=np.float64)
        for i, e in enumerate(self.tokenizer.encode_batch([(question, s) for s in sentences])):
            feed = {
                "input_ids": np.asarray([e.ids], dtype=np.int64),
                "token_type_ids": np.asarray([e.type_ids], dtype=np.int64),
                "attention_mask": np.ones((1, len(e.ids)), dtype=np.int64),
            }
            logits[i] = float(self.session.run(None, feed)[0][0])
        return (1.0 / (1.0 + np.exp(-logits))).astype(np.float32)


def reader(folder: Path = FOLDER) -> Reader:
    """The shared reader of the model in folder, loaded on first use."""
    with _LOCK:
        if folder not in _LOADED:
            _LOADED[folder] = _load(folder)
        return _LOADED[folder]


def session_options(exact: bool = True) -> Any:
    """One thread, and exact integer products on every CPU (unless `exact` is off, to measure).
    On x86 without VNNI, onnxruntime multiplies uint8 activations by int8 weights with an
    instruction that saturates each pair of products at 16 bits: there the shipped model read up
    to 0.13 away from itself on a VNNI CPU (where the floor and thresholds were chosen), and
    "What's a good recipe for chicken biryani?" passed the floor. x64quantprecision has such
    weights multiplied as uint8 x uint8 there (exact, a little slower); with VNNI, or off x86,
    nothing changes."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # one per question: more collapse on a busy machine
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry("session.x64quantprecision", "1" if exact else "0")
    return options


def _load(folder: Path) -> Reader:
    model, tokenizer_file, settings = (
        folder / "model.onnx", folder / "tokenizer.json", folder / "reader.json",
    )  # fmt: skip
    if not (model.is_file() and tokenizer_file.is_file() and settings.is_file()):
        raise ModelNotFound(f"the answer model is missing from {folder} (reinstall the assistant)")
    import onnxruntime
    from tokenizers import Tokenizer

    try:
        session = onnxruntime.InferenceSession(
            str(model), session_options(), providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        given = json.loads(settings.read_text(encoding="utf-8"))
        max_tokens, context = int(given["max_tokens"]), bool(given.get("context", False))
    except Exception as exc:  # onnxruntime and tokenizers raise their own types
        raise ModelNotFound(f"cannot load the answer model in {folder}: {exc}") from exc
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens, strategy="longest_first")
    return Reader(folder, session, tokenizer, context)
