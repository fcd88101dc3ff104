"""The float weights of a shipped int8 answer model, to train on from where it stands.

`state_dict(onnx_file)` reads model.onnx as export.py wrote it (onnxruntime dynamic quantisation,
weights per channel) and gives back a CrossEncoder state dict: each int8 weight dequantised
((q - zero point) x scale), the float parameters as they are. A later stage can then start from
the model the package ships when its training checkpoint is gone. The dequantised weights are
the int8 model's, not the float model it came from: the two differ by the quantisation's
rounding. Left out: any other ONNX layout.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import torch


def _follow_to_bias(start: str, consumers: dict[str, list[Any]], floats: set[str]) -> str:
    """The bias initializer added downstream of a MatMulInteger output (a few steps on)."""
    frontier = [start]
    for _ in range(6):
        nxt = []
        for name in frontier:
            for node in consumers.get(name, []):
                if node.op_type == "Add":
                    bias = [i for i in node.input if i in floats and i.endswith(".bias")]
                    if bias:
                        return bias[0]
                nxt.extend(node.output)
        frontier = nxt
    raise ValueError(f"no bias follows {start}")


def state_dict(onnx_file: Path) -> dict[str, torch.Tensor]:
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(onnx_file)).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    floats = {n for n, a in arrays.items() if a.dtype == np.float32}
    consumers: dict[str, list[Any]] = defaultdict(list)
    for node in graph.node:
        for i in node.input:
            consumers[i].append(node)
    out: dict[str, torch.Tensor] = {}

    def dequantised(base: str) -> np.ndarray:
        q = arrays[base + "_quantized"].astype(np.float32)
        return (q - arrays[base + "_zero_point"].astype(np.float32)) * arrays[base + "_scale"]

    for name in arrays:
        if not name.endswith("_quantized"):
            continue
        base = name[: -len("_quantized")]
        if base.startswith("encoder.embeddings."):
            out[base] = torch.from_numpy(dequantised(base).copy())
            continue
        matmul = next(n for n in consumers[name] if n.op_type == "MatMulInteger")
        bias = _follow_to_bias(matmul.output[0], consumers, floats)
        weight = dequantised(base)  # [in, out]: the linear layer's weight transposed
        out[bias[: -len(".bias")] + ".weight"] = torch.from_numpy(weight.T.copy())
    for name in floats:
        if not name.endswith("_scale"):
            out[name] = torch.from_numpy(arrays[name].copy())
    return out
