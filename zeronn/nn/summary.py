"""A Keras-style table of a model's layers, output shapes and parameter counts.

The table has one row per direct sub-layer (``named_children()``), in the
order the model's own ``forward`` calls them, with the shape each returned
for one sample; a layer without sub-layers is a single row.  Any model
works, not only ``Sequential``: the model runs once, as it always does, and
each child's output shape is recorded on the way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from zeronn.grad_mode import no_grad

if TYPE_CHECKING:                      # layer.py imports this module: no import of it at run time
    from zeronn.nn.layer import Layer

__all__ = ["summarize"]

Row = tuple[str, str, tuple[int, ...], int]


@contextlib.contextmanager
def _recording(model: "Layer", rows: list[Row]) -> Iterator[None]:
    """Within the block, every call of one of ``model``'s children appends a row (name, args, shape, params)."""
    children = list(model.named_children())
    for name, child in children:
        original = child.forward

        def recorded(x: Any, _name: str = name, _child: Any = child, _forward: Any = original) -> Any:
            y = _forward(x)
            rows.append((f"{_name}: {type(_child).__name__}", _child.extra_repr(), tuple(np.shape(y)),
                         _child.num_parameters()))
            return y

        object.__setattr__(child, "forward", recorded)       # an instance attribute hides the method
    try:
        yield
    finally:
        for _, child in children:
            vars(child).pop("forward", None)


def _rows(model: "Layer", x: np.ndarray) -> list[Row]:
    rows: list[Row] = []
    if not list(model.named_children()):
        y = model(x)
        return [(type(model).__name__, model.extra_repr(), tuple(np.shape(y)), model.num_parameters())]
    with _recording(model, rows):
        model(x)
    return rows


def summarize(model: "Layer", input_shape: tuple[int, ...]) -> str:
    """Return the summary table for one sample of shape ``input_shape`` (no batch axis)."""
    dtype = model.dtype or np.float32
    x = np.zeros((1, *input_shape), dtype=dtype)               # (1, *input_shape)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            rows = _rows(model, x)
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
