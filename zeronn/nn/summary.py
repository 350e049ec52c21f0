"""A Keras-style table of a model's layers, output shapes and parameter counts."""

from __future__ import annotations

import numpy as np

from zeronn.grad_mode import no_grad
from zeronn.nn.layer import Layer

__all__ = ["summarize"]


def _leaf_rows(model: Layer, x: np.ndarray) -> list[tuple[str, str, tuple[int, ...], int]]:
    """Run ``x`` through the model's top-level children, recording each output shape."""
    children = list(model.named_children())
    if not children or not hasattr(model, "layers"):
        y = model(x)
        return [(type(model).__name__, model.extra_repr(), y.shape, model.num_parameters())]
    rows = []
    for name, layer in children:
        x = layer(x)
        rows.append((f"{name}: {type(layer).__name__}", layer.extra_repr(), x.shape, layer.num_parameters()))
    return rows


def summarize(model: Layer, input_shape: tuple[int, ...]) -> str:
    """Return the summary table for one sample of shape ``input_shape`` (no batch axis)."""
    dtype = model.dtype or np.float32
    x = np.zeros((1, *input_shape), dtype=dtype)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            rows = _leaf_rows(model, x)
    finally:
        model.train(was_training)
    header = ("Layer", "Arguments", "Output shape", "Params")
    table = [header] + [(name, args, str(("batch",) + tuple(shape[1:])).replace("'", ""), f"{count:,}")
                        for name, args, shape, count in rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    rule = "-" * (sum(widths) + 6)
    lines = [rule, "  ".join(cell.ljust(width) for cell, width in zip(header, widths)), rule]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)) for row in table[1:]]
    total = model.num_parameters()
    lines += [rule, f"Total parameters: {total:,}   input: (batch, {', '.join(map(str, input_shape))})"]
    return "\n".join(lines)
