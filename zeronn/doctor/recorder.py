"""What the doctor records while a model trains, cheaply.

Every step costs one float (the loss).  Every ``every``-th step (a *sampled*
step) also records, per layer:

- the statistics of its output (``zeronn.doctor.stats``, computed on the
  first ``STATS_ROWS`` samples of the batch, except the dead-unit mask, which
  looks at all of them) and a few hundred of its values for the histograms,
  taken from the forward pass that training runs anyway (each layer's
  ``forward`` is watched during that one pass);
- for layers with parameters: the gradient norm ``|g| = sqrt(sum of g^2)``
  over the layer's own parameters, and the update/weight ratio
  ``|W_after - W_before| / |W_before|`` of that step's optimizer update
  (the parameters are copied before the update on sampled steps only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np

from zeronn.doctor.stats import alive_units, output_stats, value_sample
from zeronn.nn.layer import Layer

__all__ = ["LayerInfo", "TrainingRecord", "Recorder", "layer_label", "STATS_ROWS"]

#: Samples of a batch whose outputs the statistics are computed on (plenty for a mean or a share,
#: and it halves the doctor's work on batches of 128).
STATS_ROWS = 64


def layer_label(name: str, layer: Layer) -> str:
    """How findings and pictures name a layer: ``"2 (ReLU)"``, ``"block.conv (Conv2d)"``."""
    return f"{name} ({type(layer).__name__})" if name else type(layer).__name__


@dataclass
class LayerInfo:
    """A layer the doctor watches: its dotted name, label, class name and position among the watched layers."""

    name: str
    label: str
    kind: str
    position: int
    has_parameters: bool


@dataclass
class TrainingRecord:
    """Everything recorded during one run (plain lists, so it can be saved as JSON).

    Attributes
    ----------
    layers : list of LayerInfo
        The watched layers (the leaves of the model), in forward order.
    losses : list of float
        The loss of every step.
    sampled_steps : list of int
        Steps (counted from 0 over the whole run) whose layer statistics were recorded.
    activations : dict of label to list of dict
        Per layer, the output statistics of each sampled step (``None`` where it did not run).
    samples : dict of label to list of ndarray
        Per layer, a few output values of each sampled step (for histograms).
    grad_norms, update_ratios : dict of label to list of float
        Per layer with parameters, on each sampled step (NaN where not measured).
    epoch_losses, val_losses : list of float
        Training loss of each epoch and validation loss (NaN when there is none).
    alive : dict of label to list of ndarray
        Per ReLU layer, on each sampled step: which units (axis 1) were > 0 for some sample.
    class_counts : dict of int to int
        How often each class label appeared in the first epoch's targets.
    first_batch : ndarray or None
        A copy of up to 1000 rows of the first input batch (for the data checks).
    output_shape : tuple or None
        Shape of the model's output on the first sampled step.
    """

    layers: list[LayerInfo] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    sampled_steps: list[int] = field(default_factory=list)
    activations: dict[str, list[Optional[dict[str, Any]]]] = field(default_factory=dict)
    samples: dict[str, list[Optional[np.ndarray]]] = field(default_factory=dict)
    grad_norms: dict[str, list[float]] = field(default_factory=dict)
    update_ratios: dict[str, list[float]] = field(default_factory=dict)
    epoch_losses: list[float] = field(default_factory=list)
    val_losses: list[float] = field(default_factory=list)
    alive: dict[str, list[Optional[np.ndarray]]] = field(default_factory=dict)
    class_counts: dict[int, int] = field(default_factory=dict)
    first_batch: Optional[np.ndarray] = None
    output_shape: Optional[tuple[int, ...]] = None

    def parameter_layers(self) -> list[LayerInfo]:
        """The watched layers that hold parameters, in forward order."""
        return [info for info in self.layers if info.has_parameters]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (the value samples are left out)."""
        return {
            "layers": [vars(info) for info in self.layers],
            "losses": [_finite_or_none(v) for v in self.losses],
            "sampled_steps": list(self.sampled_steps),
            "activations": self.activations,
            "grad_norms": {k: [_finite_or_none(v) for v in vs] for k, vs in self.grad_norms.items()},
            "update_ratios": {k: [_finite_or_none(v) for v in vs] for k, vs in self.update_ratios.items()},
            "epoch_losses": [_finite_or_none(v) for v in self.epoch_losses],
            "val_losses": [_finite_or_none(v) for v in self.val_losses],
            "class_counts": {str(k): v for k, v in sorted(self.class_counts.items())},
            "output_shape": None if self.output_shape is None else list(self.output_shape),
        }


def _finite_or_none(value: float) -> Optional[float]:
    return float(value) if math.isfinite(value) else None


def _norm(arrays: list[np.ndarray]) -> float:
    """sqrt(sum of squares) over every array (inf when it overflows)."""
    total = 0.0
    with np.errstate(all="ignore"):
        for array in arrays:
            flat = array.reshape(-1)
            total += float(np.dot(flat, flat)) if flat.dtype.kind == "f" else float(np.sum(flat.astype(float) ** 2))
    return math.sqrt(total)


class Recorder:
    """Watches one model: call ``begin_step`` before the forward pass, ``end_step`` after backward.

    ``begin_step(sampled)`` starts watching the layers' outputs when the step is
    sampled; ``gradients()`` reads the gradient norms (after backward);
    ``snapshot()`` copies the parameters before the optimizer's update and
    ``update_ratios()`` compares after it.
    """

    def __init__(self, model: Layer) -> None:
        if not isinstance(model, Layer):
            raise TypeError(f"the doctor watches a zeronn Layer (e.g. nn.Sequential), got {type(model).__name__}")
        self.model = model
        self.record = TrainingRecord()
        leaves = [(name, layer) for name, layer in model.named_modules() if not list(layer.children())]
        self._leaves = leaves
        for position, (name, layer) in enumerate(leaves):
            label = layer_label(name, layer)
            has_parameters = any(True for _ in layer._own_parameters())
            self.record.layers.append(LayerInfo(name, label, type(layer).__name__, position, has_parameters))
            self.record.activations[label] = []
            self.record.samples[label] = []
            if alive_units(layer, np.ones((1, 1))) is not None:
                self.record.alive[label] = []
            if has_parameters:
                self.record.grad_norms[label] = []
                self.record.update_ratios[label] = []
        self._watching = False
        self._seen: dict[str, tuple[dict[str, Any], np.ndarray, Optional[np.ndarray]]] = {}
        self._last_output: Optional[np.ndarray] = None
        self._before: Optional[list[list[np.ndarray]]] = None

    # ------------------------------------------------------------------ forward outputs
    def watch_outputs(self) -> None:
        """Record each layer's output during the next forward pass(es), until ``stop_watching``."""
        if self._watching:
            return
        self._seen = {}
        for (_, layer), info in zip(self._leaves, self.record.layers):
            # an instance attribute shadows the class's forward for this one layer
            layer.__dict__["forward"] = self._watched(layer, info.label)
        self._watching = True

    def _watched(self, layer: Layer, label: str) -> Callable[[np.ndarray], np.ndarray]:
        original = type(layer).forward.__get__(layer)

        def forward(inputs: np.ndarray) -> np.ndarray:
            output = original(inputs)
            if isinstance(output, np.ndarray):
                stats = output_stats(layer, output[:STATS_ROWS] if output.ndim > 1 else output)
                stats["samples"] = int(output.shape[0]) if output.ndim else 1
                self._seen[label] = (stats, value_sample(output), alive_units(layer, output))
                self._last_output = output
            return output

        return forward

    def stop_watching(self) -> None:
        """Put every layer's own ``forward`` back."""
        if not self._watching:
            return
        for _, layer in self._leaves:
            layer.__dict__.pop("forward", None)
        self._watching = False

    # ------------------------------------------------------------------ one sampled step
    def record_sampled_step(self, step: int) -> None:
        """Store the outputs seen since ``watch_outputs`` and the gradient norms, as step ``step``."""
        self.stop_watching()
        record = self.record
        record.sampled_steps.append(step)
        if record.output_shape is None and self._last_output is not None:
            record.output_shape = tuple(self._last_output.shape)
        for info in record.layers:
            stats, values, alive = self._seen.get(info.label, (None, None, None))
            record.activations[info.label].append(stats)
            record.samples[info.label].append(values)
            if info.label in record.alive:
                record.alive[info.label].append(alive)
        for (_, layer), info in zip(self._leaves, record.layers):
            if info.has_parameters:
                grads = [p.grad for _, p in layer._own_parameters() if p.grad is not None]
                record.grad_norms[info.label].append(_norm(grads) if grads else math.nan)
                record.update_ratios[info.label].append(math.nan)
        self._seen = {}
        self._last_output = None

    def snapshot(self) -> None:
        """Copy the parameters (before the optimizer's update of a sampled step)."""
        self._before = [
            [p.data.copy() for _, p in layer._own_parameters()]
            for (_, layer), info in zip(self._leaves, self.record.layers) if info.has_parameters
        ]

    def update_ratios(self) -> None:
        """Compare the parameters with the snapshot: store |W_after - W_before| / |W_before| per layer."""
        if self._before is None:
            return
        parameter_leaves = [(layer, info) for (_, layer), info in zip(self._leaves, self.record.layers)
                            if info.has_parameters]
        for (layer, info), before in zip(parameter_leaves, self._before):
            after = [p.data for _, p in layer._own_parameters()]
            if len(after) != len(before) or any(a.shape != b.shape for a, b in zip(after, before)):
                continue
            weight_norm = _norm(before)
            with np.errstate(all="ignore"):
                change = _norm([a - b for a, b in zip(after, before)])
            ratios = self.record.update_ratios[info.label]
            if ratios:
                ratios[-1] = change / weight_norm if weight_norm > 0 else math.nan
        self._before = None
