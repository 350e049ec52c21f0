"""``lr_find``: Leslie Smith's learning-rate range test, as fastai runs it, with fastai's "valley" suggestion.

The test trains for a few steps while the learning rate grows exponentially
from ``start_lr`` to ``end_lr``::

    lr_i = start_lr * (end_lr / start_lr) ** (i / num_steps)          i = 0 .. num_steps - 1

and records the training loss of each step, smoothed as fastai does (an
exponential moving average with beta = 0.98, divided by 1 - beta^(i+1) so
the first values are not biased towards 0)::

    avg_i = beta * avg_(i-1) + (1 - beta) * loss_i,   smooth_i = avg_i / (1 - beta ** (i + 1))

It stops early when the smoothed loss exceeds 4 times the best smoothed loss
so far (the loss has blown up), or becomes NaN.

The suggestion is fastai's "valley" rule: leave out the first 10% of the
steps and the last 5 (the start is noise, the end is the blow-up), then find
the longest stretch over which the loss keeps falling (the longest
decreasing subsequence of the smoothed losses) and take the learning rate
found a little past the middle of it (at 1/3 + 1/6 of its length): fast
enough to learn quickly, well before the loss turns up.  When too few points
remain (a very short run), the suggestion is the rate of the lowest smoothed
loss divided by 10.

Afterwards the model (weights, buffers, gradients, training flags, random
generators) and the optimizer (its state and hyper-parameters) are put back
exactly, bit for bit: the test leaves no trace.

References: L. N. Smith, "Cyclical Learning Rates for Training Neural
Networks" (2017); fastai's ``Learner.lr_find`` and ``valley``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np

from zeronn._validation import check_positive_float, check_positive_int
from zeronn.data.loader import as_sample_array
from zeronn.nn.layer import Layer
from zeronn.random import global_rng
from zeronn.train.resolve import resolve_loss, resolve_optimizer
from zeronn.train.scoring import cast_batch, cast_target, input_dtype

if TYPE_CHECKING:                                   # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["lr_find", "LRFinderResult", "valley", "SMOOTHING_BETA", "DIVERGENCE_FACTOR"]

#: fastai's loss smoothing.
SMOOTHING_BETA = 0.98
#: Stop when the smoothed loss exceeds this many times its best.
DIVERGENCE_FACTOR = 4.0


@dataclass
class LRFinderResult:
    """The range test's curve and its suggestion.

    Attributes
    ----------
    lrs : list of float
        The learning rate of each step run.
    losses : list of float
        The smoothed loss of each step (what the plot shows and the suggestion uses).
    raw_losses : list of float
        The batch losses before smoothing.
    suggestion : float
        The suggested learning rate (fastai's "valley", see the module's docstring).
    suggestion_index : int
        Its position in ``lrs``.
    method : str
        "valley", or "min/10" when the run was too short for the valley rule.
    stopped_early : bool
        True when the loss blew up (> 4x its best, or NaN) before the last step.
    """

    lrs: list[float]
    losses: list[float]
    raw_losses: list[float]
    suggestion: float
    suggestion_index: int
    method: str = "valley"
    stopped_early: bool = False
    num_steps: int = field(default=0)

    def plot(self, path: Union[None, str, "os.PathLike[str]"] = None, *, dpi: float = 100) -> "Figure":
        """Draw loss against learning rate (log scale) with the suggestion marked; save it when ``path`` is given."""
        from zeronn.plot.lr_finder import plot_lr_finder

        return plot_lr_finder(self, path, dpi=dpi)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {"lrs": list(self.lrs), "losses": [v if math.isfinite(v) else None for v in self.losses],
                "raw_losses": [v if math.isfinite(v) else None for v in self.raw_losses],
                "suggestion": self.suggestion, "suggestion_index": self.suggestion_index, "method": self.method,
                "stopped_early": self.stopped_early, "num_steps": self.num_steps}

    def __repr__(self) -> str:
        return (f"LRFinderResult(suggestion={self.suggestion:.3g} ({self.method}), steps={len(self.lrs)}"
                f"{', stopped early' if self.stopped_early else ''})")


def valley(lrs: list[float], losses: list[float]) -> int:
    """Index of fastai's "valley" suggestion in ``lrs``: a little past the middle of the longest descent.

    ``best[i]`` is the length of the longest strictly decreasing subsequence
    of ``losses`` that ends at i; the longest one ends at ``end`` and starts
    ``best[end]`` steps earlier; the suggestion sits a third plus a sixth of
    the way along it.
    """
    n = len(losses)
    if n == 0:
        raise ValueError("valley needs at least one loss")
    best = [1] * n
    end = 0
    for i in range(1, n):
        for j in range(i):
            if losses[i] < losses[j] and best[i] < best[j] + 1:
                best[i] = best[j] + 1
        if best[i] > best[end]:
            end = i
    start = end - best[end]
    third = (end - start) / 3
    return max(0, start + int(third) + int(third / 2))


class _SavedState:
    """The model's and optimizer's complete state, to put back bit for bit."""

    def __init__(self, model: Layer, optimizer: Any) -> None:
        self.model, self.optimizer = model, optimizer
        self.weights = model.state_dict()
        self.grads = [(p, None if p.grad is None else p.grad.copy()) for p in model.parameters()]
        self.training = [(layer, layer.training) for layer in model.modules()]
        self.generators = [(value, value.bit_generator.state) for layer in model.modules()
                           for value in vars(layer).values() if isinstance(value, np.random.Generator)]
        self.global_state = global_rng().bit_generator.state
        self.optimizer_state = None if optimizer is None else optimizer.state_dict()

    def restore(self) -> None:
        self.model.load_state_dict(self.weights)
        for parameter, grad in self.grads:
            parameter.grad = grad
        for layer, training in self.training:
            layer.training = training
        for generator, state in self.generators:
            generator.bit_generator.state = state
        global_rng().bit_generator.state = self.global_state
        if self.optimizer is not None:
            self.optimizer.load_state_dict(self.optimizer_state)
        self.model.clear_saved()


def _set_lr(optimizer: Any, lr: float) -> None:
    for group in optimizer.param_groups:
        group["lr"] = lr


def _suggest(lrs: list[float], losses: list[float]) -> tuple[int, str]:
    n = len(lrs)
    lo, hi = n // 10, n - 5
    window = losses[lo:hi]
    finite = [math.isfinite(v) for v in window]
    if False in finite:
        window = window[: finite.index(False)]
    if len(window) >= 3:
        return lo + valley(lrs[lo:lo + len(window)], window), "valley"
    usable = [i for i, v in enumerate(losses) if math.isfinite(v)]
    if not usable:
        raise RuntimeError("lr_find: every loss was NaN or infinite, even at the smallest learning rate; "
                           "check the data and the model (zeronn.doctor.check_data)")
    lowest = min(usable, key=lambda i: losses[i])
    target = lrs[lowest] / 10
    return int(np.argmin(np.abs(np.log(np.asarray(lrs)) - math.log(target)))), "min/10"


def lr_find(
    model: Layer,
    x: Any,
    y: Any,
    *,
    loss: Any,
    optimizer: Any = "sgd",
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_steps: int = 100,
    batch_size: int = 64,
    seed: Optional[int] = None,
) -> LRFinderResult:
    """Run the learning-rate range test on ``(x, y)`` and suggest a learning rate.

    >>> result = zeronn.lr_find(model, x, y, loss="cross_entropy", optimizer="sgd")   # doctest: +SKIP
    >>> zeronn.fit(model, x, y, loss="cross_entropy", optimizer="sgd", lr=result.suggestion, epochs=1)  # doctest: +SKIP

    Parameters
    ----------
    model : Layer
        Trained for ``num_steps`` steps, then restored bit for bit.
    x, y : array_like of shape (n_samples, ...)
        Training data; batches are drawn from a shuffled order (repeated if
        ``num_steps * batch_size`` exceeds it).
    loss : str or Loss
    optimizer : str or Optimizer, default "sgd"
        A name (a fresh optimizer with default hyper-parameters) or your
        optimizer object (its state and learning rates are restored afterwards).
    start_lr, end_lr : float, default 1e-7 and 10
    num_steps : int, default 100
    batch_size : int, default 64
    seed : int, optional
        Seed of the batch order.

    Returns
    -------
    LRFinderResult
        ``.lrs``, ``.losses``, ``.suggestion``, ``.plot(path)``.
    """
    if not isinstance(model, Layer):
        raise TypeError(f"lr_find: model must be a zeronn Layer, got {type(model).__name__}")
    start_lr = check_positive_float("start_lr", start_lr)
    end_lr = check_positive_float("end_lr", end_lr)
    if end_lr <= start_lr:
        raise ValueError(f"lr_find: end_lr ({end_lr:g}) must be larger than start_lr ({start_lr:g})")
    num_steps = check_positive_int("num_steps", num_steps)
    if num_steps < 2:
        raise ValueError(f"lr_find needs num_steps >= 2, got {num_steps}")
    batch_size = check_positive_int("batch_size", batch_size)
    x, y = as_sample_array("x", x), as_sample_array("y", y)
    if len(x) != len(y):
        raise ValueError(f"lr_find: x has {len(x)} samples, y has {len(y)}")
    if len(x) == 0:
        raise ValueError("lr_find needs at least one training sample, got 0")
    loss_fn = resolve_loss(loss)
    own_optimizer = not isinstance(optimizer, str)
    opt = resolve_optimizer(optimizer, model, None if own_optimizer else start_lr)
    saved = _SavedState(model, opt if own_optimizer else None)
    try:
        lrs, raw, smoothed, stopped = _run(model, x, y, loss_fn, opt, start_lr, end_lr, num_steps, batch_size,
                                           np.random.default_rng(seed))
    finally:
        saved.restore()
    index, method = _suggest(lrs, smoothed)
    return LRFinderResult(lrs, smoothed, raw, float(lrs[index]), index, method, stopped, num_steps)


def _run(model: Layer, x: np.ndarray, y: np.ndarray, loss_fn: Any, optimizer: Any, start_lr: float,
         end_lr: float, num_steps: int, batch_size: int,
         rng: np.random.Generator) -> tuple[list[float], list[float], list[float], bool]:
    dtype = input_dtype(model)
    model.train()
    order = rng.permutation(len(x))
    position = 0
    lrs: list[float] = []
    raw: list[float] = []
    smoothed: list[float] = []
    average, best = 0.0, math.inf
    with np.errstate(all="ignore"):
        for step in range(num_steps):
            if position >= len(order):
                order, position = rng.permutation(len(x)), 0
            rows = order[position:position + batch_size]       # (batch,)
            position += batch_size
            lr = start_lr * (end_lr / start_lr) ** (step / num_steps)
            _set_lr(optimizer, lr)
            xb, yb = cast_batch(x[rows], dtype), cast_target(y[rows], dtype)
            value = float(loss_fn(model(xb), yb))
            average = SMOOTHING_BETA * average + (1 - SMOOTHING_BETA) * value
            smooth = average / (1 - SMOOTHING_BETA ** (step + 1))
            lrs.append(lr)
            raw.append(value)
            smoothed.append(smooth)
            if not math.isfinite(smooth) or smooth > DIVERGENCE_FACTOR * best:
                return lrs, raw, smoothed, step < num_steps - 1
            best = min(best, smooth)
            optimizer.zero_grad()
            model.backward(loss_fn.backward())                  # the data needs no gradient: dx is skipped
            optimizer.step()
    return lrs, raw, smoothed, False
