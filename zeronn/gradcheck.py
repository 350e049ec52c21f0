"""Check analytic gradients against central finite differences, in float64.

For a layer f with input x and parameters θ, pick a fixed random array r of the
output's shape and study the scalar  S = sum(f(x) * r).  Then

    analytic:  dS/dx = f.backward(r) (``input_grad=True`` for a Sequential),  dS/dθ = θ.grad after it
    numeric:   dS/dv[i] ≈ (S(v[i] + eps) - S(v[i] - eps)) / (2 * eps)   for v in x, θ

For a loss, S is the loss itself (or sum(loss * r) with reduction="none") and
only the prediction is varied.  For each tensor the report gives the worst
relative error

    max_i |analytic_i - numeric_i| / max(max_i |analytic_i|, max_i |numeric_i|, 1e-3)

Central differences in float64 with eps = 1e-6 are accurate to about 1e-10 on
smooth functions, so the default tolerance 1e-6 leaves a wide margin while
still catching any real mistake in a backward.  The floor 1e-3 in the
denominator keeps a gradient that is truly zero (a bias right before batch
norm) from turning rounding noise into a large "relative" error; below that
scale the error is measured in absolute terms.  Inputs should avoid kinks
(ReLU at exactly 0, ties in max pooling), where the derivative is undefined.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np

from zeronn.losses.loss import Loss
from zeronn.nn.layer import Layer
from zeronn.nn.sequential import Sequential

__all__ = ["gradcheck", "GradcheckResult", "GradcheckError", "input_gradient"]


class GradcheckError(AssertionError):
    """Raised by ``gradcheck`` when an analytic gradient disagrees with the numeric one."""


@dataclass
class GradcheckResult:
    """Worst relative error of each checked tensor, and whether all are within tolerance."""

    name: str
    errors: dict[str, float] = field(default_factory=dict)
    checked: dict[str, int] = field(default_factory=dict)
    tolerance: float = 1e-6

    @property
    def passed(self) -> bool:
        """True when every error is within the tolerance."""
        return all(error <= self.tolerance for error in self.errors.values())

    def __str__(self) -> str:
        lines = [f"Gradient check of {self.name} (float64, tolerance {self.tolerance:.0e}):"]
        for key, error in self.errors.items():
            verdict = "ok" if error <= self.tolerance else "WRONG"
            lines.append(
                f"  {key}: worst relative error {error:.2e} over {self.checked[key]} entries ... {verdict}"
            )
        lines.append("  all gradients agree." if self.passed else "  some gradients disagree: backward has a bug.")
        return "\n".join(lines)


def _generators(layer: Layer) -> list[np.random.Generator]:
    """Every random generator held by the layer tree (dropout masks must repeat between calls)."""
    found: list[np.random.Generator] = []
    for module in layer.modules():
        for value in vars(module).values():
            if isinstance(value, np.random.Generator) and all(value is not g for g in found):
                found.append(value)
    return found


def input_gradient(layer: Layer, grad_out: np.ndarray) -> np.ndarray:
    """dL/dx from ``layer.backward``: a ``Sequential`` is asked for it (``input_grad=True``), as it
    skips it by default; any other layer returns it anyway."""
    if isinstance(layer, Sequential):
        dx = layer.backward(grad_out, input_grad=True)
    else:
        dx = layer.backward(grad_out)
    if dx is None:
        raise TypeError(f"{layer!r}: backward() returned None instead of the input gradient")
    return dx


def _relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    scale = max(float(np.max(np.abs(analytic), initial=0.0)), float(np.max(np.abs(numeric), initial=0.0)), 1e-3)
    return float(np.max(np.abs(analytic - numeric), initial=0.0)) / scale


def _indices(size: int, max_entries: int, rng: np.random.Generator) -> np.ndarray:
    if size <= max_entries:
        return np.arange(size)
    return np.sort(rng.choice(size, max_entries, replace=False))


def _numeric_gradient(
    scalar: Callable[[], float], values: np.ndarray, indices: np.ndarray, eps: float
) -> np.ndarray:
    """Central differences of ``scalar()`` w.r.t. the chosen flat entries of ``values`` (changed in place, restored)."""
    flat = values.reshape(-1)
    if not np.shares_memory(flat, values):
        raise ValueError("gradcheck needs contiguous arrays")
    numeric = np.empty(len(indices))
    for k, i in enumerate(indices):
        original = flat[i]
        flat[i] = original + eps
        plus = scalar()
        flat[i] = original - eps
        minus = scalar()
        flat[i] = original
        numeric[k] = (plus - minus) / (2 * eps)
    return numeric


def _check_layer(layer: Layer, x: np.ndarray, result: GradcheckResult, eps: float, max_entries: int,
                 rng: np.random.Generator) -> None:
    layer = copy.deepcopy(layer).to(np.float64)
    x = np.array(x, dtype=np.float64, copy=True, order="C")
    generators = _generators(layer)
    states = [g.bit_generator.state for g in generators]

    def output() -> np.ndarray:
        for g, state in zip(generators, states):
            g.bit_generator.state = state
        return layer.forward(x)

    weights = rng.standard_normal(output().shape)

    def scalar() -> float:
        return float(np.sum(output() * weights))

    layer.zero_grad()
    output()
    analytic = {"input": np.asarray(input_gradient(layer, weights.copy()))}
    for name, parameter in layer.named_parameters():
        analytic[name] = np.zeros_like(parameter.data) if parameter.grad is None else parameter.grad.copy()
    targets = {"input": x, **{name: p.data for name, p in layer.named_parameters()}}
    for key, values in targets.items():
        chosen = _indices(values.size, max_entries, rng)
        numeric = _numeric_gradient(scalar, values, chosen, eps)
        result.errors[key] = _relative_error(analytic[key].reshape(-1)[chosen], numeric)
        result.checked[key] = len(chosen)


def _check_loss(loss: Loss, prediction: np.ndarray, target: Any, result: GradcheckResult, eps: float,
                max_entries: int, rng: np.random.Generator) -> None:
    prediction = np.array(prediction, dtype=np.float64, copy=True, order="C")
    target = np.asarray(target)
    if target.dtype.kind == "f":
        target = target.astype(np.float64)
    first = loss(prediction, target)
    weights = rng.standard_normal(np.shape(first)) if loss.reduction == "none" else 1.0

    def scalar() -> float:
        return float(np.sum(np.asarray(loss(prediction, target)) * weights))

    loss(prediction, target)
    analytic = np.asarray(loss.backward(weights))
    chosen = _indices(prediction.size, max_entries, rng)
    numeric = _numeric_gradient(scalar, prediction, chosen, eps)
    result.errors["prediction"] = _relative_error(analytic.reshape(-1)[chosen], numeric)
    result.checked["prediction"] = len(chosen)


def gradcheck(
    target: Union[Layer, Loss],
    inputs: Any,
    *,
    eps: float = 1e-6,
    tolerance: float = 1e-6,
    max_entries: int = 500,
    seed: int = 0,
    raise_on_failure: bool = True,
) -> GradcheckResult:
    """Compare ``backward`` with central finite differences in float64.

    Parameters
    ----------
    target : Layer or Loss
        What to check. A layer is deep-copied and converted to float64, so the
        original is untouched.
    inputs : ndarray, or (prediction, target) for a loss
        The point at which to check.
    eps : float, default 1e-6
        Finite-difference step.
    tolerance : float, default 1e-6
        Largest acceptable worst relative error.
    max_entries : int, default 500
        At most this many entries of each tensor are checked (chosen at random).
    seed : int, default 0
        Seed for the random output weights and the choice of entries.
    raise_on_failure : bool, default True
        Raise ``GradcheckError`` (with the report) when a gradient disagrees.

    Returns
    -------
    GradcheckResult
        ``print(result)`` reports each tensor's worst relative error in plain words.

    Examples
    --------
    >>> import numpy as np, zeronn
    >>> layer = zeronn.nn.Linear(3, 2)
    >>> print(zeronn.gradcheck(layer, np.random.default_rng(0).normal(size=(4, 3))))  # doctest: +SKIP
    """
    rng = np.random.default_rng(seed)
    result = GradcheckResult(name=repr(target), tolerance=tolerance)
    if isinstance(target, Loss):
        if not isinstance(inputs, (tuple, list)) or len(inputs) != 2:
            raise TypeError("gradcheck of a loss needs inputs=(prediction, target)")
        _check_loss(target, inputs[0], inputs[1], result, eps, max_entries, rng)
    elif isinstance(target, Layer):
        _check_layer(target, np.asarray(inputs), result, eps, max_entries, rng)
    else:
        raise TypeError(f"gradcheck takes a zeronn Layer or Loss, got {type(target).__name__}")
    if raise_on_failure and not result.passed:
        raise GradcheckError(str(result))
    return result
