"""Finding where a loss that became NaN or infinite went wrong.

When a training batch gives a non-finite loss, the trainer calls
:func:`diagnose_non_finite`.  It re-runs that batch through the model with
every layer watched, in the order the layers run, and reports the first layer
whose output contains NaN or inf (and whether that layer's own parameters had
already become non-finite).  The model, its buffers and its random generators
are left as they were.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from zeronn.grad_mode import no_grad
from zeronn.nn.layer import Layer

__all__ = ["NonFiniteLossError", "diagnose_non_finite", "first_non_finite_layer"]


class NonFiniteLossError(FloatingPointError):
    """The training loss became NaN or infinite; the message says where and what to try."""


def _non_finite_parameters(layer: Layer) -> list[str]:
    return [name for name, parameter in layer._own_parameters() if not np.all(np.isfinite(parameter.data))]


def _snapshot(model: Layer) -> tuple[dict[str, np.ndarray], list[tuple[np.random.Generator, Any]]]:
    buffers = {name: np.array(value, copy=True) for name, value in model.named_buffers()}
    generators = []
    for layer in model.modules():
        for value in vars(layer).values():
            if isinstance(value, np.random.Generator):
                generators.append((value, value.bit_generator.state))
    return buffers, generators


def _restore(model: Layer, snapshot: tuple[dict[str, np.ndarray], list[tuple[np.random.Generator, Any]]]) -> None:
    buffers, generators = snapshot
    for path, layer in model.named_modules():
        for name in layer.buffer_names:
            key = f"{path}.{name}" if path else name
            if key in buffers:
                setattr(layer, name, buffers[key])
    for generator, state in generators:
        generator.bit_generator.state = state


def first_non_finite_layer(model: Layer, x: np.ndarray) -> Optional[tuple[str, Layer]]:
    """Run ``x`` through ``model`` and return ``(dotted name, layer)`` of the first layer to output NaN/inf.

    "First" is in the order the layers finish their forward pass, so in a
    nested model it is the innermost layer that produced the bad values.
    Returns None when every output is finite (or the forward pass fails).
    """
    return _watched_forward(model, x)[0]


def _watched_forward(model: Layer, x: np.ndarray) -> tuple[Optional[tuple[str, Layer]], Optional[np.ndarray]]:
    """Forward ``x`` with every layer watched; return (first non-finite layer or None, the model's output)."""
    found: list[tuple[str, Layer]] = []
    watched = []

    def watch(name: str, layer: Layer) -> None:
        original = layer.forward

        def forward(inputs: np.ndarray) -> np.ndarray:
            output = original(inputs)
            if not found and isinstance(output, np.ndarray) and not np.all(np.isfinite(output)):
                found.append((name, layer))
            return output

        object.__setattr__(layer, "forward", forward)    # an instance attribute shadows the method
        watched.append(layer)

    snapshot = _snapshot(model)
    output = None
    try:
        for name, layer in model.named_modules():
            watch(name, layer)
        with no_grad(), np.errstate(all="ignore"):
            output = model(x)
    except Exception:                                # the diagnosis must never hide the original problem
        pass
    finally:
        for layer in watched:
            del layer.forward
        _restore(model, snapshot)
    return (found[0] if found else None), output


def _describe_layer(name: str, layer: Layer) -> str:
    where = f"layer '{name}' ({layer!r})" if name else f"the model ({type(layer).__name__})"
    bad = _non_finite_parameters(layer)
    if bad:
        return f"{where}, whose parameters {', '.join(repr(b) for b in bad)} already hold NaN/inf"
    return where


def diagnose_non_finite(
    model: Layer,
    x: np.ndarray,
    y: Any,
    loss_value: float,
    *,
    epoch: int,
    epochs: int,
    batch: int,
    batches: int,
    lr: Optional[float] = None,
    loss_name: str = "the loss",
) -> NonFiniteLossError:
    """Build the error to raise when batch ``batch`` of epoch ``epoch`` (both from 0) gave a non-finite loss.

    The message names the epoch, the batch, the first layer whose output
    became non-finite (found by re-running the batch layer by layer) and
    suggests a lower learning rate.
    """
    kind = "NaN" if np.isnan(loss_value) else "infinite"
    head = f"The loss became {kind} at epoch {epoch + 1}/{epochs}, batch {batch + 1}/{batches}."
    if not np.all(np.isfinite(x)):
        cause = "The input batch itself contains NaN or inf values: clean the data (e.g. np.nan_to_num or drop rows)."
        return NonFiniteLossError(f"{head} {cause}")
    located, output = _watched_forward(model, x)
    if located is not None:
        cause = f"The first non-finite output came from {_describe_layer(*located)}."
    elif isinstance(y, np.ndarray) and y.dtype.kind == "f" and not np.all(np.isfinite(y)):
        return NonFiniteLossError(f"{head} The targets of this batch contain NaN or inf values: clean the data.")
    else:
        largest = f" (largest magnitude {float(np.max(np.abs(output))):.3g})" if isinstance(output, np.ndarray) \
            and output.size and output.dtype.kind == "f" else ""
        cause = (f"Every layer's output is finite{largest}, so {loss_name} itself overflowed: outputs too large "
                 "for it, or log(0) in a loss on probabilities (use a loss on logits such as BCEWithLogitsLoss "
                 "or CrossEntropyLoss).")
    rate = f" (now {lr:g})" if lr is not None else ""
    hint = (f"Try a lower learning rate{rate}, gradient clipping (clip_grad_norm=1.0), "
            "or inputs scaled to about [-1, 1].")
    return NonFiniteLossError(f"{head} {cause} {hint}")
