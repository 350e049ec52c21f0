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
       ...         prof.step()                                     # closes one step's timings
       >>> print(prof.table())

Inside the ``with`` block each leaf layer (a layer without sub-layers) has its
``forward`` and ``backward`` wrapped by a timer; leaving the block removes the
timers.  Every call is synchronous (NumPy returns when BLAS is done), so wall
clock times add up.  Timing costs about a microsecond per call.

The table reports the median over steps by default: on a machine shared with
other work a few steps can take many times longer, and the median ignores them
where the mean (``statistic="mean"``) would not.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

from zeronn._validation import check_choice, check_nonnegative_int, check_positive_int
from zeronn.nn.layer import Layer

__all__ = ["Profiler", "LayerTime", "profile"]

STATISTICS = ("median", "mean", "min")


@dataclass
class LayerTime:
    """Wall time of one layer (or one named section), per step."""

    name: str                                   # dotted name in the model ("0", "block.conv"), or a section label
    description: str                            # the layer's repr, or "" for a section
    forward: float = 0.0                        # seconds in forward during the current step
    backward: float = 0.0                       # seconds in backward during the current step
    calls: int = 0                              # forward calls (or section entries) since the last reset
    forward_steps: list[float] = field(default_factory=list)    # seconds in forward, one entry per finished step
    backward_steps: list[float] = field(default_factory=list)   # seconds in backward, one entry per finished step
    running: bool = field(default=False, repr=False)            # inside a timed call (nested calls not re-counted)

    def close_step(self) -> None:
        """Move the current step's times into the per-step lists."""
        self.forward_steps.append(self.forward)
        self.backward_steps.append(self.backward)
        self.forward = self.backward = 0.0

    def per_step(self, statistic: str) -> tuple[float, float]:
        """(forward, backward) seconds per step; the totals so far when no step has finished."""
        if not self.forward_steps:
            return self.forward, self.backward
        reduce: Any = {"median": np.median, "mean": np.mean, "min": np.min}[statistic]
        return float(reduce(self.forward_steps)), float(reduce(self.backward_steps))


def _timed(function: Callable[..., Any], entry: LayerTime, field_name: str) -> Callable[..., Any]:
    """Wrap ``function`` so that its wall time is added to ``entry.<field_name>``."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if entry.running:                       # e.g. Linear.backward calling its backward_parameters
            return function(*args, **kwargs)
        entry.running = True
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            entry.running = False
            setattr(entry, field_name, getattr(entry, field_name) + time.perf_counter() - start)
            if field_name == "forward":
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
    wall : LayerTime
        Whole steps: the wall time between consecutive ``step()`` calls.
    """

    def __init__(self, model: Layer) -> None:
        if not isinstance(model, Layer):
            raise TypeError(f"Profiler takes a zeronn Layer, got {type(model).__name__}")
        self.model = model
        self._leaves = [(name, layer) for name, layer in model.named_modules() if next(layer.children(), None) is None]
        self.layers = [LayerTime(name or type(layer).__name__, repr(layer)) for name, layer in self._leaves]
        self.sections: list[LayerTime] = []
        self.wall = LayerTime("wall", "")
        self._step_started = time.perf_counter()

    @property
    def steps(self) -> int:
        """Number of finished steps."""
        return len(self.wall.forward_steps)

    # ------------------------------------------------------------------ timers on and off
    def __enter__(self) -> "Profiler":
        for _, layer in self._leaves:
            if any(name in vars(layer) for name in ("forward", "backward", "backward_parameters")):
                raise RuntimeError(f"{layer!r} is already being profiled")
        for (_, layer), entry in zip(self._leaves, self.layers):
            layer.forward = _timed(layer.forward, entry, "forward")        # type: ignore[method-assign]
            layer.backward = _timed(layer.backward, entry, "backward")     # type: ignore[method-assign]
            layer.backward_parameters = _timed(                              # type: ignore[method-assign]
                layer.backward_parameters, entry, "backward")                # a model's first layer
        self._step_started = time.perf_counter()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        for _, layer in self._leaves:
            for name in ("forward", "backward", "backward_parameters"):
                vars(layer).pop(name, None)

    # ------------------------------------------------------------------ recording
    @contextlib.contextmanager
    def section(self, label: str) -> Iterator[None]:
        """Time the code in the ``with`` block under ``label`` (e.g. "loss", "optimizer step")."""
        entry = next((s for s in self.sections if s.name == label), None)
        if entry is None:
            entry = LayerTime(label, "", forward_steps=[0.0] * self.steps, backward_steps=[0.0] * self.steps)
            self.sections.append(entry)
        start = time.perf_counter()
        try:
            yield
        finally:
            entry.forward += time.perf_counter() - start
            entry.calls += 1

    def step(self) -> None:
        """End one training step: its times become one sample of the per-step statistics."""
        now = time.perf_counter()
        self.wall.forward = now - self._step_started
        self._step_started = now
        for entry in [*self.layers, *self.sections, self.wall]:
            entry.close_step()

    def reset(self) -> None:
        """Forget everything measured so far (e.g. after warm-up steps)."""
        for entry in [*self.layers, *self.sections, self.wall]:
            entry.forward = entry.backward = 0.0
            entry.calls = 0
            entry.forward_steps.clear()
            entry.backward_steps.clear()
        self._step_started = time.perf_counter()

    # ------------------------------------------------------------------ reporting
    def table(self, *, statistic: str = "median", sort: bool = False) -> str:
        """Return the breakdown as text: ms per step in forward, backward and both, and each one's share.

        ``statistic`` is "median" (default), "mean" or "min" over the steps.
        ``sort=True`` lists the slowest entries first (model order otherwise).
        The last rows give the sum of the rows, the whole step ("wall") and
        the rest ("other": Python glue, batching, anything not timed).
        """
        check_choice("statistic", statistic, STATISTICS)
        rows = [(entry, *entry.per_step(statistic)) for entry in [*self.layers, *self.sections]]
        if sort:
            rows.sort(key=lambda row: row[1] + row[2], reverse=True)
        timed = sum(forward + backward for _, forward, backward in rows)
        wall = self.wall.per_step(statistic)[0] if self.steps else 0.0
        total = max(wall, timed, 1e-12)
        lines = [("layer", "", "forward ms", "backward ms", "total ms", "share")]
        for entry, forward, backward in rows:
            lines.append((entry.name, entry.description[:48], f"{forward * 1e3:.3f}",
                          f"{backward * 1e3:.3f}" if entry.description else "", f"{(forward + backward) * 1e3:.3f}",
                          f"{(forward + backward) / total:.1%}"))
        lines.append(("all rows", "", "", "", f"{timed * 1e3:.3f}", f"{timed / total:.1%}"))
        if wall:
            lines.append(("other", "(Python glue, batching, not timed)", "", "", f"{(wall - timed) * 1e3:.3f}",
                          f"{max(wall - timed, 0.0) / total:.1%}"))
            lines.append(("wall", "(whole step)", "", "", f"{wall * 1e3:.3f}", "100.0%"))
        widths = [max(len(line[i]) for line in lines) for i in range(6)]
        title = (f"Time per training step, {statistic} of {self.steps} step(s):" if self.steps
                 else "Total time (no step() counted):")
        out = [title]
        for k, line in enumerate(lines):
            cells = [cell.ljust(width) if i < 2 else cell.rjust(width)      # names left, numbers right
                     for i, (cell, width) in enumerate(zip(line, widths))]
            out.append("  ".join(cells).rstrip())
            if k == 0:
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
    The first ``warmup`` steps run but are not counted (first-call allocations).
    ``optimizer`` may be None to time forward and backward only.
    """
    check_positive_int("steps", steps)
    check_nonnegative_int("warmup", warmup)
    x, y = np.asarray(x), np.asarray(y)
    size = len(x) if batch_size is None else min(check_positive_int("batch_size", batch_size), len(x))
    batches = max(len(x) // size, 1)
    model.train()
    with Profiler(model) as prof:
        for k in range(warmup + steps):
            if k == warmup:
                prof.reset()
            start = (k % batches) * size
            xb, yb = x[start:start + size], y[start:start + size]
            prediction = model(xb)
            with prof.section("loss forward"):
                loss_fn(prediction, yb)
            with prof.section("loss backward"):
                grad = loss_fn.backward()
            if optimizer is not None:
                optimizer.zero_grad()
            else:
                model.zero_grad()
            model.backward(grad)
            if optimizer is not None:
                with prof.section("optimizer step"):
                    optimizer.step()
            prof.step()
    return prof
