"""Where does the time go?  A per-layer breakdown of forward and backward time.

Two ways to use it:

1. ``profile(model, x, y, loss_fn, optimizer)`` trains a few steps and returns
   a ``Profiler`` whose ``table()`` lists, per layer, the milliseconds per step
   spent in forward and in backward, plus the loss and the optimizer step::

       >>> report = profile(model, x, y, CrossEntropyLoss(), SGD(model.parameters(), lr=0.01))
       >>> print(report.table())                                   # doctest: +SKIP

2. As a context manager around any code of your own::

       >>> with Profiler(model) as prof:                           # doctest: +SKIP
       ...     for xb, yb in batches:
       ...         loss = loss_fn(model(xb), yb)
       ...         with prof.section("loss backward"):
       ...             grad = loss_fn.backward()
       ...         model.backward(grad)
       ...         prof.step()                                     # count steps for the per-step averages
       >>> print(prof.table())

Inside the ``with`` block each leaf layer (a layer without sub-layers) has its
``forward`` and ``backward`` wrapped by a timer; leaving the block removes the
timers.  Every call is synchronous (NumPy returns when BLAS is done), so wall
clock times add up.  Timing costs about a microsecond per call.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from zeronn._validation import check_nonnegative_int, check_positive_int
from zeronn.nn.layer import Layer

__all__ = ["Profiler", "LayerTime", "profile"]


@dataclass
class LayerTime:
    """Accumulated wall time of one layer (or one named section)."""

    name: str                   # dotted name in the model ("0", "block.conv"), or a section's label
    description: str            # the layer's repr, or "" for a section
    forward: float = 0.0        # seconds in forward, summed over calls
    backward: float = 0.0       # seconds in backward, summed over calls
    calls: int = 0              # number of forward calls (or section entries)

    @property
    def total(self) -> float:
        """forward + backward, in seconds."""
        return self.forward + self.backward


def _timed(function: Callable[..., Any], entry: LayerTime, field: str) -> Callable[..., Any]:
    """Wrap ``function`` so that its wall time is added to ``entry.<field>``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            setattr(entry, field, getattr(entry, field) + time.perf_counter() - start)
            if field == "forward":
                entry.calls += 1

    return wrapper


class Profiler:
    """Time each leaf layer's forward and backward while the ``with`` block runs.

    Parameters
    ----------
    model : Layer
        The model; all its leaf layers are timed.

    Attributes
    ----------
    layers : list of LayerTime
        One entry per leaf layer, in model order.
    sections : list of LayerTime
        Extra timed sections (``with prof.section(label):``), in first-use order.
    steps : int
        Training steps counted by ``step()``; the table divides by it.
    wall : float
        Seconds between the first and the last ``step()``-separated work
        (measured from entering the block, or the last ``reset()``).
    """

    def __init__(self, model: Layer) -> None:
        if not isinstance(model, Layer):
            raise TypeError(f"Profiler takes a zeronn Layer, got {type(model).__name__}")
        self.model = model
        self.layers = [
            LayerTime(name or type(layer).__name__, repr(layer))
            for name, layer in model.named_modules()
            if not any(True for _ in layer.children())
        ]
        self._leaves = [layer for _, layer in model.named_modules() if not any(True for _ in layer.children())]
        self.sections: list[LayerTime] = []
        self.steps = 0
        self.wall = 0.0
        self._started: Optional[float] = None
        self._installed = False

    # ------------------------------------------------------------------ timers on and off
    def __enter__(self) -> "Profiler":
        for layer, entry in zip(self._leaves, self.layers):
            if "forward" in vars(layer) or "backward" in vars(layer):
                raise RuntimeError(f"{layer!r} is already being profiled")
            layer.forward = _timed(layer.forward, entry, "forward")        # type: ignore[method-assign]
            layer.backward = _timed(layer.backward, entry, "backward")     # type: ignore[method-assign]
        self._installed = True
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        if self._started is not None:
            self.wall += time.perf_counter() - self._started
            self._started = None
        for layer in self._leaves:
            vars(layer).pop("forward", None)
            vars(layer).pop("backward", None)
        self._installed = False

    # ------------------------------------------------------------------ recording
    @contextlib.contextmanager
    def section(self, label: str) -> Iterator[None]:
        """Time the code in the ``with`` block under ``label`` (e.g. "loss", "optimizer step")."""
        entry = next((s for s in self.sections if s.name == label), None)
        if entry is None:
            entry = LayerTime(label, "")
            self.sections.append(entry)
        start = time.perf_counter()
        try:
            yield
        finally:
            entry.forward += time.perf_counter() - start
            entry.calls += 1

    def step(self) -> None:
        """Count one training step (the table reports milliseconds per step)."""
        self.steps += 1

    def reset(self) -> None:
        """Zero every timer and the step count (e.g. after warm-up steps)."""
        for entry in self.layers + self.sections:
            entry.forward = entry.backward = 0.0
            entry.calls = 0
        self.steps = 0
        self.wall = 0.0
        if self._started is not None:
            self._started = time.perf_counter()

    # ------------------------------------------------------------------ reporting
    def _elapsed(self) -> float:
        running = time.perf_counter() - self._started if self._started is not None else 0.0
        return self.wall + running

    def table(self, *, sort: bool = False) -> str:
        """Return the breakdown as text: ms per step for forward, backward and both, and the share of the time.

        ``sort=True`` lists the slowest entries first (model order otherwise).
        The last rows give the sum over layers and sections, the wall time
        and the rest ("other": Python glue, batching, anything not timed).
        """
        per = 1e3 / max(self.steps, 1)
        wall = self._elapsed()
        rows = list(self.layers) + list(self.sections)
        if sort:
            rows.sort(key=lambda entry: entry.total, reverse=True)
        timed = sum(entry.total for entry in rows)
        total = max(wall, timed, 1e-12)
        header = ("layer", "", "forward ms", "backward ms", "total ms", "share")
        lines = [(entry.name, entry.description[:48], f"{entry.forward * per:.3f}",
                  f"{entry.backward * per:.3f}" if entry.description else "", f"{entry.total * per:.3f}",
                  f"{entry.total / total:.1%}") for entry in rows]
        lines.append(("all timed", "", "", "", f"{timed * per:.3f}", f"{timed / total:.1%}"))
        if wall > 0:
            lines.append(("other", "(Python glue, batching, not timed)", "", "", f"{(wall - timed) * per:.3f}",
                          f"{max(wall - timed, 0.0) / total:.1%}"))
            lines.append(("wall", "", "", "", f"{wall * per:.3f}", "100.0%"))
        widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]
        steps = f"{self.steps} step(s)" if self.steps else "no steps counted: totals, not per step"
        out = [f"Time per training step, {steps}:"]
        for row in [header, *lines]:
            cells = [str(cell).ljust(width) if i < 2 else str(cell).rjust(width)
                     for i, (cell, width) in enumerate(zip(row, widths))]
            out.append("  ".join(cells).rstrip())
            if row is header:
                out.append("-" * (sum(widths) + 2 * (len(widths) - 1)))
        return "\n".join(out)

    def __str__(self) -> str:
        return self.table()


def profile(
    model: Layer,
    x: np.ndarray,
    y: np.ndarray,
    loss_fn: Any,
    optimizer: Any = None,
    *,
    batch_size: Optional[int] = None,
    steps: int = 20,
    warmup: int = 3,
) -> Profiler:
    """Train ``steps`` steps on (x, y) while timing every layer; return the ``Profiler``.

    Each step takes the next ``batch_size`` samples (all of x when None),
    wrapping around: loss = loss_fn(model(xb), yb); zero_grad; backward; step.
    The first ``warmup`` steps are run but not counted (caches, allocations).
    ``optimizer`` may be None to time forward and backward only.
    """
    check_positive_int("steps", steps)
    check_nonnegative_int("warmup", warmup)
    x, y = np.asarray(x), np.asarray(y)
    size = len(x) if batch_size is None else check_positive_int("batch_size", batch_size)
    starts = [(k * size) % max(len(x) - size + 1, 1) for k in range(warmup + steps)]
    model.train()
    with Profiler(model) as prof:
        for k, start in enumerate(starts):
            if k == warmup:
                prof.reset()
            xb, yb = x[start:start + size], y[start:start + size]
            prediction = model(xb)
            with prof.section("loss forward"):
                loss_fn(prediction, yb)
            with prof.section("loss backward"):
                grad = loss_fn.backward()
            if optimizer is not None:
                with prof.section("optimizer zero_grad"):
                    optimizer.zero_grad()
            else:
                model.zero_grad()
            model.backward(grad)
            if optimizer is not None:
                with prof.section("optimizer step"):
                    optimizer.step()
            prof.step()
    return prof
