"""Exports a training checkpoint to the shipped model: int8 ONNX, its tokenizer and settings.

The float graph is traced with torch's ONNX exporter (dynamic batch and length), then its weights
are quantised to int8 by onnxruntime's dynamic quantisation: the answer model's only runtime is
onnxruntime, on one thread (answering/quoting/reader.py). Writes into `folder` (default: the
package's assistant/models/reader/): model.onnx, tokenizer.json, reader.json and data.json. The
model card (CARD.md) is written by hand from the figures (figures.py), not here.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import torch

from assistant.training import model as m
from assistant.training.plan import Plan

PACKAGE_FOLDER = Path(__file__).resolve().parent.parent / "models" / "reader"


def export(
    checkpoint: Path, plan: Plan, folder: Path = PACKAGE_FOLDER, data: Path | None = None
) -> Path:
    """The checkpoint as folder/model.onnx; data's counts.json (what was trained on, article by
    article) goes beside it as data.json."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    base = m.base_folder()
    net = m.build(base, plan.layers, attention="eager")
    net.load_state_dict(torch.load(checkpoint, weights_only=False)["model"])
    net.eval()
    tok = m.tokenizer(base, plan.max_tokens)
    x = m.encode(tok, [("What is it?", "It is an example."), ("Who?", "Nobody at all, here.")])
    inputs = tuple(
        torch.from_numpy(x[k]) for k in ("input_ids", "token_type_ids", "attention_mask")
    )
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "float.onnx"
        axes = {0: "batch", 1: "tokens"}
        torch.onnx.export(
            net, inputs, str(plain), dynamo=False, opset_version=17,
            input_names=["input_ids", "token_type_ids", "attention_mask"], output_names=["logit"],
            dynamic_axes={"input_ids": axes, "token_type_ids": axes, "attention_mask": axes,
                          "logit": {0: "batch"}},
        )  # fmt: skip
        quantize_dynamic(
            str(plain), str(folder / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True
        )
    shutil.copyfile(base / "tokenizer.json", folder / "tokenizer.json")
    settings = {"max_tokens": plan.max_tokens, "layers": plan.layers, "base": "all-MiniLM-L6-v2",
                "context": plan.context}  # fmt: skip
    (folder / "reader.json").write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")
    if data is not None and (data / "counts.json").exists():
        shutil.copyfile(data / "counts.json", folder / "data.json")
    return folder / "model.onnx"
