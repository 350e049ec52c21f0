"""``check_layer``: the checks every ZeroNN layer passes, open to anyone writing a new layer.

It plays the part of scikit-learn's ``check_estimator``: call it in a test with
a layer and an input shape and it verifies, in order,

1. the forward output has the expected shape and keeps float32 as float32;
2. a float64 finite-difference gradient check of the input and every parameter;
3. ``backward`` leaves the incoming gradient untouched;
4. ``get_config`` survives a JSON round trip and, with ``state_dict``,
   rebuilds a layer that computes the same outputs;
5. ``backward`` before ``forward`` (and after a forward under ``no_grad``)
   raises ``RuntimeError``;
6. a batch of 0 samples gives an empty batch forward and backward (as in PyTorch);
7. a gradient of the wrong shape given to ``backward`` raises ``ValueError``
   naming the layer and both shapes;
8. a wrongly shaped input raises ``ValueError`` naming the layer.

A ``Sequential`` is asked for its input gradient with ``input_grad=True``.
"""

from __future__ import annotations

import copy
import json
from typing import Any, Optional

import numpy as np

from zeronn._validation import format_shape
from zeronn.grad_mode import no_grad
from zeronn.gradcheck import GradcheckResult, gradcheck, input_gradient
from zeronn.nn.layer import Layer, layer_from_spec, layer_to_spec

__all__ = ["check_layer"]


class LayerCheckError(AssertionError):
    """A layer failed one of the checks of ``check_layer``."""


def _fail(layer: Layer, what: str) -> None:
    raise LayerCheckError(f"{layer!r}: {what}")


def _check_forward(layer: Layer, x: np.ndarray, expected_shape: Optional[tuple[int, ...]]) -> np.ndarray:
    layer = copy.deepcopy(layer).to(np.float32)
    y = layer(x.astype(np.float32))
    if expected_shape is not None and y.shape != tuple(expected_shape):
        _fail(layer, f"output shape {y.shape}, expected {tuple(expected_shape)}")
    if y.dtype != np.float32:
        _fail(layer, f"float32 input and parameters gave a {y.dtype} output")
    return y


def _check_grad_untouched(layer: Layer, x: np.ndarray, rng: np.random.Generator) -> None:
    layer = copy.deepcopy(layer).to(np.float64)
    y = layer(x)
    grad = rng.standard_normal(y.shape)
    kept = grad.copy()
    input_gradient(layer, grad)
    if not np.array_equal(grad, kept):
        _fail(layer, "backward() modified the incoming gradient in place")


def _check_config_round_trip(layer: Layer, x: np.ndarray) -> None:
    spec = json.loads(json.dumps(layer_to_spec(layer)))
    rebuilt = layer_from_spec(spec).to(layer.dtype or np.float64)
    rebuilt.load_state_dict(layer.state_dict())
    original = copy.deepcopy(layer).eval()
    rebuilt.eval()
    with no_grad():
        same = np.array_equal(original(x), rebuilt(x))
    if not same:
        _fail(layer, "a layer rebuilt from get_config() + state_dict() computes different outputs")


def _check_order_errors(layer: Layer, x: np.ndarray) -> None:
    fresh = copy.deepcopy(layer)
    fresh.clear_saved()
    for situation in ("before forward()", "after a forward() under no_grad()"):
        if situation.startswith("after"):
            with no_grad():
                y = fresh(x)
        else:
            y = None
        grad = np.ones(y.shape if y is not None else (1,), dtype=x.dtype)
        try:
            fresh.backward(grad)
        except RuntimeError:
            continue
        _fail(layer, f"backward() {situation} did not raise RuntimeError")


def _check_empty_batch(layer: Layer, x: np.ndarray) -> None:
    layer = copy.deepcopy(layer).to(np.float64)
    full = layer(x)
    empty = x[:0]
    y = layer(empty)
    if y.shape != (0, *full.shape[1:]):
        _fail(layer, f"a batch of 0 gave an output of shape {y.shape}, expected {(0, *full.shape[1:])}")
    dx = input_gradient(layer, np.zeros(y.shape))
    if np.shape(dx) != empty.shape:
        _fail(layer, f"backward() of a batch of 0 gave a gradient of shape {np.shape(dx)}, expected {empty.shape}")


def _check_wrong_grad_shape(layer: Layer, x: np.ndarray) -> None:
    layer = copy.deepcopy(layer).to(np.float64)
    y = layer(x)
    bad = (*y.shape[:-1], y.shape[-1] + 1)
    try:
        input_gradient(layer, np.zeros(bad))
    except ValueError as error:
        names = {type(module).__name__ for module in layer.modules()}
        text = str(error)
        if not any(name in text for name in names):
            _fail(layer, f"the error for a wrongly shaped gradient does not name the layer: {error}")
        if format_shape(bad) not in text or format_shape(y.shape) not in text:
            _fail(layer, f"the error for a wrongly shaped gradient does not give both shapes: {error}")
        return
    _fail(layer, f"backward() with a gradient of shape {bad} for an output of shape {y.shape} did not raise "
                 "ValueError")


def _check_bad_shape(layer: Layer, bad_shape: tuple[int, ...]) -> None:
    bad = np.zeros(bad_shape, dtype=layer.dtype or np.float32)
    try:
        copy.deepcopy(layer)(bad)
    except ValueError as error:
        names = {type(module).__name__ for module in layer.modules()}
        if not any(name in str(error) for name in names):
            _fail(layer, f"the error for a wrong input shape does not name the layer: {error}")
        return
    _fail(layer, f"an input of shape {bad_shape} did not raise ValueError")


def check_layer(
    layer: Layer,
    input_shape: tuple[int, ...],
    *,
    expected_output_shape: Optional[tuple[int, ...]] = None,
    bad_shape: Optional[tuple[int, ...]] = None,
    inputs: Optional[np.ndarray] = None,
    seed: int = 0,
    tolerance: float = 1e-6,
    **gradcheck_options: Any,
) -> GradcheckResult:
    """Run all layer checks; raise ``AssertionError`` describing the first failure.

    Parameters
    ----------
    layer : Layer
        The layer to check (it is copied, never modified).
    input_shape : tuple of int
        Shape of a test input, batch axis included.
    expected_output_shape : tuple of int, optional
        The output shape the layer must produce for that input.
    bad_shape : tuple of int, optional
        An input shape the layer must reject with a ``ValueError`` naming it.
    inputs : ndarray, optional
        A specific input (e.g. one away from kinks); standard normal otherwise.
    seed : int
        Seed of the random input and gradients.
    tolerance : float
        Gradient-check tolerance (worst relative error).

    Returns
    -------
    GradcheckResult
        The gradient-check report.
    """
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(input_shape) if inputs is None else np.asarray(inputs, dtype=np.float64)
    _check_forward(layer, x, expected_output_shape)
    # seed + 1: the output weights must not equal the input (for shape-preserving layers
    # such as batch norm that would make dL/dx vanish and the check meaningless)
    result = gradcheck(layer, x, tolerance=tolerance, seed=seed + 1, **gradcheck_options)
    _check_grad_untouched(layer, x, rng)
    _check_config_round_trip(copy.deepcopy(layer).to(np.float64), x)
    _check_order_errors(copy.deepcopy(layer).to(np.float64), x)
    _check_empty_batch(layer, x)
    _check_wrong_grad_shape(layer, x)
    if bad_shape is not None:
        _check_bad_shape(layer, bad_shape)
    return result
