"""``explain(model, x)``: walk one batch through a model and show every formula with its live shapes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

from zeronn.doctor.stats import output_stats
from zeronn.explain.docstring import Formulas, formulas_of, split_formula
from zeronn.explain.shapes import backward_shapes, forward_shapes, shape_text
from zeronn.explain.tutorial import is_tutorial_network, tutorial_lines, tutorial_loss_line
from zeronn.lang import resolve_lang, tr
from zeronn.losses import REDUCTIONS, CrossEntropyLoss, Loss, MSELoss, get_loss
from zeronn.nn.layer import Layer
from zeronn.nn.sequential import Sequential

__all__ = ["explain", "Explanation", "LayerRecord", "LossRecord"]

#: Numbers of a sample shown in the text.
_SHOWN = 4

_GRADIENT_LINE = re.compile(r"^(?:[A-Za-z][\w ,()]*:\s*)?(d[A-Za-z_]\w*)\s*=")


def _numbers(array: Optional[np.ndarray]) -> list[float]:
    """The first few values of the first sample."""
    if array is None or np.ndim(array) == 0 or len(array) == 0:
        return []
    first = np.asarray(array[0], dtype=np.float64).reshape(-1)
    return [float(v) for v in first[:_SHOWN]]


def _format_numbers(values: list[float], total: int) -> str:
    text = ", ".join(f"{v:.4g}" for v in values)
    return f"[{text}{', ...' if total > len(values) else ''}]"


@dataclass
class LayerRecord:
    """What happened in one layer for the explained batch (``to_dict()`` gives JSON-ready data)."""

    index: int
    name: str
    layer: str
    kind: str
    forward_formula: list[str]
    forward_shapes: str
    backward_formulas: list[str]
    backward_shapes: dict[str, str]
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    grad_output_shape: tuple[int, ...]
    grad_input_shape: Optional[tuple[int, ...]]
    parameter_shapes: dict[str, tuple[int, ...]]
    gradient_shapes: dict[str, tuple[int, ...]]
    stats: dict[str, Optional[float]]
    input_sample: list[float] = field(default_factory=list)
    output_sample: list[float] = field(default_factory=list)
    grad_input_sample: list[float] = field(default_factory=list)
    tutorial_forward: Optional[str] = None
    tutorial_backward: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: shapes as lists, statistics as floats (None where not applicable)."""
        return {
            "index": self.index,
            "name": self.name,
            "layer": self.layer,
            "kind": self.kind,
            "forward_formula": list(self.forward_formula),
            "forward_shapes": self.forward_shapes,
            "backward_formulas": list(self.backward_formulas),
            "backward_shapes": dict(self.backward_shapes),
            "input_shape": list(self.input_shape),
            "output_shape": list(self.output_shape),
            "grad_output_shape": list(self.grad_output_shape),
            "grad_input_shape": None if self.grad_input_shape is None else list(self.grad_input_shape),
            "parameter_shapes": {k: list(v) for k, v in self.parameter_shapes.items()},
            "gradient_shapes": {k: list(v) for k, v in self.gradient_shapes.items()},
            "stats": dict(self.stats),
            "input_sample": list(self.input_sample),
            "output_sample": list(self.output_sample),
            "grad_input_sample": list(self.grad_input_sample),
            "tutorial_forward": self.tutorial_forward,
            "tutorial_backward": dict(self.tutorial_backward),
        }


@dataclass
class LossRecord:
    """The loss of the explained batch: its formula, value and the gradient that starts backward.

    ``formula`` holds the ``Forward:`` and ``Backward:`` lines of the loss's
    docstring for its reduction (the lines of the other reductions left out);
    ``shapes[i]`` is the live shape text of ``formula[i]`` ("" where none).
    With reduction "none", ``value`` is sum(l), the loss whose gradient
    ``backward()`` (grad_out 1) gives.
    """

    name: str
    formula: list[str]
    value: Optional[float]
    grad_shape: tuple[int, ...]
    tutorial: Optional[str] = None
    shapes: list[str] = field(default_factory=list)
    reduction: Optional[str] = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "formula": list(self.formula), "shapes": list(self.shapes),
                "reduction": self.reduction, "value": self.value, "grad_shape": list(self.grad_shape),
                "tutorial": self.tutorial}


@dataclass
class Explanation:
    """The result of ``explain``: ``.text``, ``.markdown``, ``.records`` (one per layer), ``.loss``."""

    model: str
    input_shape: tuple[int, ...]
    dtype: str
    records: list[LayerRecord]
    loss: LossRecord
    lang: str
    tutorial: bool = False

    @property
    def text(self) -> str:
        """Plain text, for a terminal."""
        return _render(self, markdown=False)

    @property
    def markdown(self) -> str:
        """Markdown, for a notebook or a report."""
        return _render(self, markdown=True)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the model, the input, every layer record and the loss."""
        return {"model": self.model, "input_shape": list(self.input_shape), "dtype": self.dtype,
                "lang": self.lang, "tutorial": self.tutorial, "layers": [r.to_dict() for r in self.records],
                "loss": self.loss.to_dict()}

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:           # Jupyter shows the Markdown
        return self.markdown


# ---------------------------------------------------------------------------------------- the walk
def _steps(model: Layer) -> list[tuple[str, Layer]]:
    """The layers the batch passes through, in order: nested Sequentials are opened, other layers kept whole."""
    if not isinstance(model, Sequential):
        return [("", model)]
    steps: list[tuple[str, Layer]] = []

    def walk(prefix: str, container: Sequential) -> None:
        for position, layer in enumerate(container.layers):
            name = f"{prefix}.{position}" if prefix else str(position)
            if isinstance(layer, Sequential):
                walk(name, layer)
            else:
                steps.append((name, layer))

    walk("", model)
    return steps


def _default_loss(output: np.ndarray, y: np.ndarray) -> Loss:
    if y.ndim == 1 and y.dtype.kind in "iu" and output.ndim == 2 and output.shape[1] >= 2:
        return CrossEntropyLoss()
    return MSELoss()


def _resolve_loss(loss: Any) -> Loss:
    if isinstance(loss, Loss):
        return loss
    if isinstance(loss, str):
        return get_loss(loss)
    raise TypeError(f"explain: loss must be a zeronn Loss or a loss name, got {type(loss).__name__}")


class _Snapshot:
    """Everything explain might change, put back afterwards: weights, buffers, gradients, modes, generators."""

    def __init__(self, model: Layer) -> None:
        self.model = model
        self.state = model.state_dict()
        self.grads = [(p, p.grad) for p in model.parameters()]
        self.flags = [(layer, layer.training) for layer in model.modules()]
        self.generators = [(value, value.bit_generator.state) for layer in model.modules()
                           for value in vars(layer).values() if isinstance(value, np.random.Generator)]

    def restore(self) -> None:
        self.model.load_state_dict(self.state)
        for parameter, grad in self.grads:
            parameter.grad = grad
        for layer, training in self.flags:
            layer.training = training
        for generator, state in self.generators:
            generator.bit_generator.state = state
        self.model.clear_saved()


def explain(model: Layer, x: Any, y: Any = None, *, loss: Any = None, lang: Optional[str] = None) -> Explanation:
    """Walk one batch through ``model``: every layer's formula with live shapes, numbers and statistics.

    Forward, layer by layer: the formula (from the class's docstring), the
    shapes that go in and come out, the first numbers of the first sample and
    the output's statistics (mean, std, min, max, share of zeros, share
    saturated).  Then the loss, and backward from the loss to the input: each
    gradient formula with its shapes.  The model is left exactly as it was
    (weights, buffers, gradients, modes, random generators).

    Parameters
    ----------
    model : Layer
        A ``Sequential`` is explained layer by layer (nested ones opened); any
        other layer as one step.
    x : array_like of shape (N, ...)
        One batch of inputs (cast to the model's dtype).
    y : array_like, optional
        Targets.  Without them backward starts from g = 1 for every output
        (the gradient of L = sum of the outputs).
    loss : str or Loss, optional
        Default: CrossEntropyLoss for integer class labels, else MSELoss.
    lang : {"en", "zh"}, optional
        Language of the text (default ``$ZERONN_LANG``, else English).

    Returns
    -------
    Explanation
        ``.text``, ``.markdown``, ``.records`` and ``.to_dict()``; ``str()`` gives the text.
    """
    if not isinstance(model, Layer):
        raise TypeError(f"explain: model must be a zeronn Layer (e.g. nn.Sequential), got {type(model).__name__}")
    lang = resolve_lang(lang)
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise TypeError(f"explain: x must be a numeric array, got dtype {x.dtype}")
    if x.ndim == 0 or len(x) == 0:
        raise ValueError(f"explain: x must be a batch with at least one sample, got shape {x.shape}")
    dtype = model.dtype if model.dtype is not None else np.dtype(np.float32)
    x = x.astype(dtype, copy=False)
    steps = _steps(model)
    snapshot = _Snapshot(model)
    try:
        inputs, outputs = _forward(steps, x)
        loss_record, g = _loss(outputs[-1], y, loss, lang)
        tutorial = is_tutorial_network([layer for _, layer in steps], _loss_object(outputs[-1], y, loss))
        if tutorial:
            loss_record.tutorial = tutorial_loss_line(lang)
        records = _backward(steps, inputs, outputs, g, tutorial, lang)
    finally:
        snapshot.restore()
    return Explanation(type(model).__name__, tuple(x.shape), str(dtype), records, loss_record, lang, tutorial)


def _forward(steps: list[tuple[str, Layer]], x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    inputs, outputs = [], []
    h = x
    for position, (name, layer) in enumerate(steps):
        inputs.append(h)
        try:
            h = layer(h)
        except ValueError as error:
            raise ValueError(f"explain: layer {name or position} ({layer!r}) rejected its input: {error}") from error
        outputs.append(h)
    return inputs, outputs


def _loss_object(output: np.ndarray, y: Any, loss: Any) -> Optional[Loss]:
    if loss is not None:
        return _resolve_loss(loss)
    if y is None:
        return None
    return _default_loss(output, np.asarray(y))


def _loss(output: np.ndarray, y: Any, loss: Any, lang: str) -> tuple[LossRecord, np.ndarray]:
    loss_fn = _loss_object(output, y, loss)
    if y is None or loss_fn is None:
        g = np.ones_like(output)
        formula = [tr("no targets given: backward starts from g = 1 for every output (L = sum of the outputs)",
                      "没有给目标值：反向传播从每个输出的 g = 1 开始（L = 所有输出之和）", lang)]
        return LossRecord("none", formula, None, tuple(g.shape)), g
    target = np.asarray(y)
    result = loss_fn(output, target)
    value = float(np.sum(result))                               # sum(l) for reduction "none"
    g = loss_fn.backward()                                      # (same shape as output)
    elements = np.asarray(loss_fn._elements)                    # l, the unreduced losses of this call
    formula, shapes = _loss_lines(loss_fn, output, target, elements, g, lang)
    return LossRecord(repr(loss_fn), formula, value, tuple(g.shape), shapes=shapes, reduction=loss_fn.reduction), g


def _reduction_of(line: str) -> Optional[str]:
    """``"mean"`` for a docstring line ``"mean: L = sum(l) / n"``; None for a line about no single reduction."""
    label, colon, _ = line.partition(":")
    return label.strip() if colon and label.strip() in REDUCTIONS else None


def _loss_lines(loss_fn: Loss, output: np.ndarray, target: np.ndarray, elements: np.ndarray, g: np.ndarray,
                lang: str) -> tuple[list[str], list[str]]:
    """The loss's Forward and Backward lines for its own reduction, each with its live shapes ("" where none).

    The first forward line gets the shapes of prediction, target and l; the
    line of the active reduction gets how l is reduced (forward) or the shape
    of dL/d(prediction) (backward).  A loss without the paragraphs shows its summary line.
    """
    formulas = formulas_of(type(loss_fn))
    if not formulas.forward:
        return [formulas.summary], [""]
    l_shape = shape_text(elements.shape)
    divided = tr(f"divided by {elements.size}", f"除以 {elements.size}", lang)
    reduced = {"mean": f"{l_shape} -> ()   {divided}", "sum": f"{l_shape} -> ()", "none": l_shape}
    first = tr(f"prediction {shape_text(output.shape)}, target {shape_text(target.shape)} -> l {l_shape}",
               f"预测 {shape_text(output.shape)}，目标 {shape_text(target.shape)} -> l {l_shape}", lang)
    lines: list[str] = []
    shapes: list[str] = []
    for is_forward, paragraph in ((True, formulas.forward), (False, formulas.backward)):
        for position, line in enumerate(paragraph):
            reduction = _reduction_of(line)
            if reduction is not None and reduction != loss_fn.reduction:
                continue                                        # another reduction's line
            if reduction is not None:
                shape = reduced[reduction] if is_forward else shape_text(g.shape)
            else:
                shape = first if is_forward and position == 0 else ""
            lines.append(line)
            shapes.append(shape)
    return lines, shapes


def _backward(steps: list[tuple[str, Layer]], inputs: list[np.ndarray], outputs: list[np.ndarray],
              g: np.ndarray, tutorial: bool, lang: str) -> list[LayerRecord]:
    records: list[Optional[LayerRecord]] = [None] * len(steps)
    for position in reversed(range(len(steps))):
        name, layer = steps[position]
        dx = layer.backward(g)                                  # one layer's backward returns dL/dx
        records[position] = _record(position, name, layer, inputs[position], outputs[position], g, dx,
                                    tutorial, lang)
        if dx is None:
            break
        g = dx
    return [record for record in records if record is not None]


def _record(position: int, name: str, layer: Layer, x: np.ndarray, y: np.ndarray, g: np.ndarray,
            dx: Optional[np.ndarray], tutorial: bool, lang: str) -> LayerRecord:
    formulas: Formulas = formulas_of(type(layer))
    parameters = dict(layer._own_parameters())
    gradient_shapes = {key: tuple(p.grad.shape) for key, p in parameters.items() if p.grad is not None}
    if dx is not None:
        gradient_shapes["input"] = tuple(np.shape(dx))
    record = LayerRecord(
        index=position,
        name=name or type(layer).__name__,
        layer=repr(layer),
        kind=type(layer).__name__,
        forward_formula=formulas.forward or [formulas.summary],
        forward_shapes=forward_shapes(layer, x, y),
        backward_formulas=formulas.backward,
        backward_shapes=backward_shapes(layer, x, y, g, dx),
        input_shape=tuple(np.shape(x)),
        output_shape=tuple(np.shape(y)),
        grad_output_shape=tuple(np.shape(g)),
        grad_input_shape=None if dx is None else tuple(np.shape(dx)),
        parameter_shapes={key: tuple(p.shape) for key, p in parameters.items()},
        gradient_shapes=gradient_shapes,
        stats=output_stats(layer, y),
        input_sample=_numbers(x),
        output_sample=_numbers(y),
        grad_input_sample=_numbers(dx),
    )
    if tutorial:
        record.tutorial_forward, record.tutorial_backward = tutorial_lines(position, lang)
    return record


# ---------------------------------------------------------------------------------------- text
def _formula_line(lines: list[str]) -> str:
    """The line that states the forward formula: the first one with an "=" (labels kept), else the first."""
    for line in lines:
        if "=" in line:
            return split_formula(line)[0]
    return lines[0] if lines else ""


def _backward_lines(record: LayerRecord) -> list[tuple[str, str]]:
    """(formula, live shapes) for each gradient line of the docstring that this layer computes."""
    shown: list[tuple[str, str]] = []
    for line in record.backward_formulas:
        formula, _ = split_formula(line)
        match = _GRADIENT_LINE.match(formula)
        if match:
            key = match.group(1)
            if key in record.backward_shapes:
                shown.append((formula, record.backward_shapes[key]))
        elif formula.startswith("given"):
            shown.append((formula.rstrip(":"), shape_text(record.grad_output_shape)))
    if not any(_GRADIENT_LINE.match(f) for f, _ in shown):
        shown += [(split_formula(line)[0], "") for line in record.backward_formulas
                  if not split_formula(line)[0].startswith("given")]
        if "dx" in record.backward_shapes:
            shown.append(("dx", record.backward_shapes["dx"]))
    return shown


def _stats_text(stats: dict[str, Optional[float]], lang: str) -> str:
    def number(key: str, percent: bool = False) -> str:
        value = stats.get(key)
        if value is None:
            return "-"
        return f"{value:.0%}" if percent else f"{value:.4g}"

    return tr(f"mean {number('mean')}  std {number('std')}  min {number('min')}  max {number('max')}  "
              f"zeros {number('zeros', True)}  saturated {number('saturated', True)}",
              f"均值 {number('mean')}  标准差 {number('std')}  最小 {number('min')}  最大 {number('max')}  "
              f"零的比例 {number('zeros', True)}  饱和比例 {number('saturated', True)}", lang)


def _pad(formula: str, shapes: str, width: int = 34) -> str:
    if not shapes:
        return formula
    if len(formula) > width:
        return f"{formula}\n    {'':<{width}} {shapes}"
    return f"{formula:<{width}} {shapes}"


def _render(explanation: Explanation, *, markdown: bool) -> str:
    lang = explanation.lang
    n = explanation.input_shape[0]
    title = tr(f"Explain {explanation.model}: one batch of {n} samples, input {shape_text(explanation.input_shape)}, "
               f"{explanation.dtype}",
               f"解释 {explanation.model}：一个批次 {n} 个样本，输入 {shape_text(explanation.input_shape)}，"
               f"{explanation.dtype}", lang)
    lines: list[str] = [f"# {title}" if markdown else title, ""]
    if explanation.tutorial:
        lines += [tr("This is the tutorial's network: its variable names are shown as 'tutorial:'.",
                     "这就是教程里的网络：标有“教程：”的是教程中的变量名。", lang), ""]
    label = tr("tutorial", "教程", lang)
    forward_title = tr("Forward pass", "前向传播", lang)
    lines += [f"## {forward_title}" if markdown else forward_title, ""]
    for record in explanation.records:
        body = [_pad(_formula_line(record.forward_formula), record.forward_shapes)]
        if record.tutorial_forward:
            body.append(f"{label}: {record.tutorial_forward}")
        body.append(f"x[0] = {_format_numbers(record.input_sample, _per_sample(record.input_shape))}  ->  "
                    f"y[0] = {_format_numbers(record.output_sample, _per_sample(record.output_shape))}")
        body.append(tr("output: ", "输出：", lang) + _stats_text(record.stats, lang))
        lines += _block(f"[{record.name}] {record.layer}", body, markdown)
    loss = explanation.loss
    loss_title = tr("Loss", "损失函数", lang)
    lines += [f"## {loss_title}" if markdown else loss_title, ""]
    body = [_pad(split_formula(line)[0], shapes)
            for line, shapes in zip(loss.formula, loss.shapes + [""] * (len(loss.formula) - len(loss.shapes)))]
    if loss.value is not None:
        grad = shape_text(loss.grad_shape)
        value = "sum(l)" if loss.reduction == "none" else "L"
        body.append(tr(f"{value} = {loss.value:.6g};  g = dL/d(output) {grad} starts the backward pass",
                       f"{value} = {loss.value:.6g}；g = dL/d(输出) {grad}，反向传播从这里开始", lang))
    if loss.tutorial:
        body.append(loss.tutorial)
    lines += _block(loss.name, body, markdown)
    backward_title = tr("Backward pass (chain rule, from the loss back to the input)",
                        "反向传播（链式法则，从损失函数回到输入）", lang)
    lines += [f"## {backward_title}" if markdown else backward_title, ""]
    for record in reversed(explanation.records):
        body = []
        for formula, shapes in _backward_lines(record):
            body.append(_pad(formula, shapes))
            key = _GRADIENT_LINE.match(formula)
            if key and key.group(1) in record.tutorial_backward:
                body.append(f"    {label}: {record.tutorial_backward[key.group(1)]}")
        if record.grad_input_sample:
            body.append(f"dx[0] = {_format_numbers(record.grad_input_sample, _per_sample(record.grad_input_shape))}")
        lines += _block(f"[{record.name}] {record.layer}", body, markdown)
    return "\n".join(lines).rstrip() + "\n"


def _per_sample(shape: Optional[tuple[int, ...]]) -> int:
    if not shape or len(shape) < 2:
        return 1
    return int(np.prod(shape[1:]))


def _block(head: str, body: list[str], markdown: bool) -> list[str]:
    if markdown:
        return [f"**{head}**", "", "```text", *body, "```", ""]
    return [head, *(f"    {line}" for text in body for line in text.split("\n")), ""]
