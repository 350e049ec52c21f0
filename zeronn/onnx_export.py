"""Export a ZeroNN model to ONNX, built node by node with the ``onnx`` package's helper API (no PyTorch).

>>> zeronn.export_onnx(model, "mnist.onnx", input_shape=(1, 28, 28))      # doctest: +SKIP
>>> import onnxruntime as ort
>>> session = ort.InferenceSession("mnist.onnx")
>>> scores = session.run(None, {"input": x.astype("float32")})[0]       # same numbers as model(x)

Every layer becomes the ONNX operator that computes the same thing (the
layer's forward formula); the batch axis stays free ("batch"), so the file
runs on any number of samples.  The initializers keep ZeroNN's parameter
names ("0.weight", "3.running_mean"...).

==================  ================================================================
ZeroNN layer        ONNX (opset 17)
==================  ================================================================
Linear              Gemm (x @ W + b; W stays (in, out))  or MatMul + Add
Conv2d              Conv (pads from the layer's own sides, so "same" is exact)
MaxPool2d           MaxPool (floor rounding, ceil_mode=0)
AvgPool2d           AveragePool (count_include_pad as the layer's, 1 by default)
AdaptiveAvgPool2d   MatMul by the layer's two averaging matrices: A_h @ x @ A_w.T
BatchNorm1d/2d      BatchNormalization with the running statistics (eval mode)
Dropout, Dropout2d  Identity (eval mode)
Flatten             Flatten(axis=1)
activations         Sigmoid, Tanh, Relu, LeakyRelu, Elu, Selu, exact GELU as
                    x * (1 + Erf(x / sqrt 2)) / 2 (tanh GELU as its formula),
                    SiLU as x * Sigmoid(x), Softplus with beta/threshold, Softmax, LogSoftmax
==================  ================================================================

A layer without a conversion is an error naming it.  Needs ``pip install "zeronn[onnx]"``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from typing import Any, Union

import numpy as np

from zeronn import functional as F
from zeronn.grad_mode import no_grad
from zeronn.nn.activation import ELU, GELU, SELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Softplus, Tanh
from zeronn.nn.batchnorm import BatchNorm1d, BatchNorm2d
from zeronn.nn.conv import Conv2d
from zeronn.nn.dropout import Dropout
from zeronn.nn.flatten import Flatten
from zeronn.nn.identity import Identity
from zeronn.nn.layer import Layer
from zeronn.nn.linear import Linear
from zeronn.nn.pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d, _averaging_matrix
from zeronn.nn.sequential import Sequential

__all__ = ["export_onnx", "SUPPORTED_LAYERS", "OPSET"]

PathLike = Union[str, "os.PathLike[str]"]

#: The ONNX operator set the exported files use.
OPSET = 17


class _Graph:
    """The nodes and constants of the graph being built, with unique names."""

    def __init__(self, dtype: np.dtype) -> None:
        import onnx

        self.onnx = onnx
        self.dtype = dtype
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._names: set[str] = set()

    def name(self, wanted: str) -> str:
        name, k = wanted, 1
        while name in self._names:
            name, k = f"{wanted}_{k}", k + 1
        self._names.add(name)
        return name

    def constant(self, name: str, value: Any) -> str:
        """Add ``value`` (cast to the graph's float type) as an initializer; return its name."""
        array = np.asarray(value, dtype=self.dtype)
        name = self.name(name)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def int_constant(self, name: str, value: Sequence[int]) -> str:
        name = self.name(name)
        self.initializers.append(self.onnx.numpy_helper.from_array(np.asarray(value, dtype=np.int64), name))
        return name

    def node(self, op: str, inputs: Sequence[str], prefix: str, **attributes: Any) -> str:
        """Add one node with one output; return the output's name."""
        output = self.name(f"{prefix}/{op}")
        self.nodes.append(self.onnx.helper.make_node(op, list(inputs), [output], name=output, **attributes))
        return output


# ---------------------------------------------------------------------------------------- one function per layer
Converter = Callable[[_Graph, Any, str, str, tuple[int, ...]], str]


def _linear(g: _Graph, layer: Linear, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    weight = g.constant(f"{prefix}.weight", layer.weight.data)                  # (in, out), as in ZeroNN
    if len(in_shape) == 2 and layer.bias is not None:
        return g.node("Gemm", [x, weight, g.constant(f"{prefix}.bias", layer.bias.data)], prefix)
    y = g.node("MatMul", [x, weight], prefix)
    if layer.bias is None:
        return y
    return g.node("Add", [y, g.constant(f"{prefix}.bias", layer.bias.data)], prefix)


def _conv(g: _Graph, layer: Conv2d, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    top, bottom, left, right = layer.pads
    inputs = [x, g.constant(f"{prefix}.weight", layer.weight.data)]            # (O, C, kh, kw)
    if layer.bias is not None:
        inputs.append(g.constant(f"{prefix}.bias", layer.bias.data))
    return g.node("Conv", inputs, prefix, kernel_shape=list(layer.kernel_size), strides=list(layer.stride),
                  dilations=list(layer.dilation), pads=[top, left, bottom, right])


def _pool_attributes(layer: Union[MaxPool2d, AvgPool2d]) -> dict[str, Any]:
    ph, pw = layer.padding
    return {"kernel_shape": list(layer.kernel_size), "strides": list(layer.stride), "pads": [ph, pw, ph, pw],
            "ceil_mode": 0}


def _maxpool(g: _Graph, layer: MaxPool2d, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    return g.node("MaxPool", [x], prefix, **_pool_attributes(layer))


def _avgpool(g: _Graph, layer: AvgPool2d, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    # ONNX's default count_include_pad is 0, PyTorch's and ZeroNN's 1: always write it.
    return g.node("AveragePool", [x], prefix, count_include_pad=int(layer.count_include_pad),
                  **_pool_attributes(layer))


def _adaptive_avgpool(g: _Graph, layer: AdaptiveAvgPool2d, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    h, w = in_shape[2], in_shape[3]
    h_out, w_out = layer._target(h, w)
    a_h = g.constant(f"{prefix}.A_h", _averaging_matrix(h, h_out, np.dtype(np.float64)))            # (H_out, H)
    a_w_t = g.constant(f"{prefix}.A_w_T", _averaging_matrix(w, w_out, np.dtype(np.float64)).T)      # (W, W_out)
    rows = g.node("MatMul", [x, a_w_t], prefix)                                 # (N, C, H, W_out)
    return g.node("MatMul", [a_h, rows], prefix)                                # (N, C, H_out, W_out)


def _batchnorm(g: _Graph, layer: Union[BatchNorm1d, BatchNorm2d], x: str, prefix: str,
               in_shape: tuple[int, ...]) -> str:
    if layer.running_mean is None or layer.running_var is None:
        raise ValueError(f"export_onnx: layer '{prefix}' {layer!r} has track_running_stats=False, so in eval mode it "
                         "normalises with each batch's own statistics, which an ONNX BatchNormalization cannot do")
    c = layer.num_features
    gamma = layer.weight.data if layer.weight is not None else np.ones(c)
    beta = layer.bias.data if layer.bias is not None else np.zeros(c)
    inputs = [x, g.constant(f"{prefix}.weight", np.reshape(gamma, c)),
              g.constant(f"{prefix}.bias", np.reshape(beta, c)),
              g.constant(f"{prefix}.running_mean", np.reshape(layer.running_mean, c)),
              g.constant(f"{prefix}.running_var", np.reshape(layer.running_var, c))]
    return g.node("BatchNormalization", inputs, prefix, epsilon=float(layer.eps))


def _identity(g: _Graph, layer: Layer, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    return g.node("Identity", [x], prefix)


def _flatten(g: _Graph, layer: Flatten, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    return g.node("Flatten", [x], prefix, axis=1)


def _simple(op: str) -> Converter:
    def convert(g: _Graph, layer: Any, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
        return g.node(op, [x], prefix)

    return convert


def _leaky_relu(g: _Graph, layer: LeakyReLU, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    return g.node("LeakyRelu", [x], prefix, alpha=float(layer.negative_slope))


def _elu(g: _Graph, layer: ELU, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    return g.node("Elu", [x], prefix, alpha=float(layer.alpha))


def _selu(g: _Graph, layer: SELU, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    return g.node("Selu", [x], prefix, alpha=float(F.SELU_ALPHA), gamma=float(F.SELU_SCALE))


def _gelu(g: _Graph, layer: GELU, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    half = g.constant(f"{prefix}.half", 0.5)
    one = g.constant(f"{prefix}.one", 1.0)
    if layer.approximate == "tanh":                     # y = x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))) / 2
        cube = g.node("Mul", [g.node("Mul", [x, x], prefix), x], prefix)
        inner = g.node("Add", [x, g.node("Mul", [cube, g.constant(f"{prefix}.c", F._GELU_TANH_CUBIC)], prefix)],
                       prefix)
        t = g.node("Tanh", [g.node("Mul", [inner, g.constant(f"{prefix}.k", math.sqrt(2 / math.pi))], prefix)],
                   prefix)
    else:                                               # y = x * (1 + erf(x / sqrt 2)) / 2
        t = g.node("Erf", [g.node("Mul", [x, g.constant(f"{prefix}.k", math.sqrt(0.5))], prefix)], prefix)
    return g.node("Mul", [g.node("Mul", [x, half], prefix), g.node("Add", [t, one], prefix)], prefix)


def _silu(g: _Graph, layer: SiLU, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    return g.node("Mul", [x, g.node("Sigmoid", [x], prefix)], prefix)


def _softplus(g: _Graph, layer: Softplus, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
    # y = log(1 + exp(beta x)) / beta, and y = x where beta x > threshold (as the layer does)
    z = g.node("Mul", [x, g.constant(f"{prefix}.beta", layer.beta)], prefix)
    smooth = g.node("Div", [g.node("Softplus", [z], prefix), g.constant(f"{prefix}.beta", layer.beta)], prefix)
    linear = g.node("Greater", [z, g.constant(f"{prefix}.threshold", layer.threshold)], prefix)
    return g.node("Where", [linear, x, smooth], prefix)


def _softmax(op: str) -> Converter:
    def convert(g: _Graph, layer: Any, x: str, prefix: str, in_shape: tuple[int, ...]) -> str:
        return g.node(op, [x], prefix, axis=int(layer.dim))

    return convert


_CONVERTERS: dict[type, Converter] = {
    Linear: _linear,
    Conv2d: _conv,
    MaxPool2d: _maxpool,
    AvgPool2d: _avgpool,
    AdaptiveAvgPool2d: _adaptive_avgpool,
    BatchNorm1d: _batchnorm,
    BatchNorm2d: _batchnorm,
    Dropout: _identity,                                 # Dropout2d is a Dropout
    Identity: _identity,
    Flatten: _flatten,
    Sigmoid: _simple("Sigmoid"),
    Tanh: _simple("Tanh"),
    ReLU: _simple("Relu"),
    LeakyReLU: _leaky_relu,
    ELU: _elu,
    SELU: _selu,
    GELU: _gelu,
    SiLU: _silu,
    Softplus: _softplus,
    Softmax: _softmax("Softmax"),
    LogSoftmax: _softmax("LogSoftmax"),
}

#: Layer classes ``export_onnx`` converts (subclasses such as Dropout2d included).
SUPPORTED_LAYERS: tuple[str, ...] = tuple(sorted({cls.__name__ for cls in _CONVERTERS} | {"Dropout2d", "Sequential"}))


def _converter(layer: Layer, prefix: str) -> Converter:
    for cls in type(layer).__mro__:
        if cls in _CONVERTERS:
            return _CONVERTERS[cls]
    raise ValueError(f"export_onnx: layer '{prefix}' {layer!r} ({type(layer).__name__}) has no ONNX conversion; "
                     f"supported layers: {', '.join(SUPPORTED_LAYERS)}")


def _leaves(layer: Layer, prefix: str) -> list[tuple[str, Layer]]:
    """The model's layers in the order they run, Sequentials opened up, with their dotted names."""
    if isinstance(layer, Sequential):
        found: list[tuple[str, Layer]] = []
        for name, child in layer.named_children():
            found += _leaves(child, f"{prefix}.{name}" if prefix else name)
        return found
    return [(prefix or type(layer).__name__, layer)]


def _float_dtype(dtype: Any) -> np.dtype:
    resolved = np.dtype(dtype)
    if resolved not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"export_onnx: dtype must be float32 or float64, got {dtype!r}")
    return resolved


def _check_input_shape(input_shape: Any) -> tuple[int, ...]:
    if isinstance(input_shape, (int, np.integer)):
        input_shape = (input_shape,)
    if not isinstance(input_shape, (tuple, list)) or not input_shape or not all(
            isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 1 for d in input_shape):
        raise ValueError(f"export_onnx: input_shape must be one sample's shape without the batch axis, e.g. (784,) "
                         f"or (1, 28, 28), got {input_shape!r}")
    return tuple(int(d) for d in input_shape)


def export_onnx(
    model: Layer,
    path: PathLike,
    *,
    input_shape: Sequence[int],
    dtype: Any = np.float32,
    input_name: str = "input",
    output_name: str = "output",
) -> Any:
    """Write ``model`` (as it computes in eval mode) to an ONNX file and return the ``onnx.ModelProto``.

    Parameters
    ----------
    model : Layer
        A layer or a ``Sequential`` (nested ones too) of supported layers (``SUPPORTED_LAYERS``).
    path : str or os.PathLike
        The ``.onnx`` file to write.
    input_shape : tuple of int
        One sample's shape, without the batch axis: ``(784,)`` or ``(1, 28, 28)``.
        The file's input is ("batch", *input_shape), any batch size.
    dtype : float32 or float64, default float32
        Type of the input, output and weights in the file (float32 runs everywhere).
    input_name, output_name : str
        Names of the graph's input and output.

    Returns
    -------
    onnx.ModelProto
        The model, already checked with ``onnx.checker.check_model``.

    Raises
    ------
    ValueError
        A layer without an ONNX conversion (named in the message), a BatchNorm
        without running statistics, or an ``input_shape`` the model rejects.
    ImportError
        The ``onnx`` package is missing.
    """
    try:
        import onnx
    except ImportError:
        raise ImportError('export_onnx needs the onnx package: pip install "zeronn[onnx]"') from None
    from onnx import TensorProto, helper

    if not isinstance(model, Layer):
        raise TypeError(f"export_onnx takes a zeronn Layer, got {type(model).__name__}")
    shape = _check_input_shape(input_shape)
    float_type = _float_dtype(dtype)
    elem_type = TensorProto.FLOAT if float_type == np.float32 else TensorProto.DOUBLE
    layers = _leaves(model, "")
    converters = [_converter(layer, name) for name, layer in layers]             # unsupported layers fail first
    graph = _Graph(float_type)
    current, current_shape = input_name, (1, *shape)
    graph.name(input_name)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            sample = np.zeros(current_shape, dtype=model.dtype or np.float32)   # (1, *input_shape)
            for (name, layer), convert in zip(layers, converters):
                try:
                    out = layer(sample)
                except ValueError as error:
                    raise ValueError(f"export_onnx: layer '{name}' {layer!r} rejects input_shape {shape}: "
                                     f"{error}") from None
                current = convert(graph, layer, current, name, current_shape)
                sample, current_shape = out, tuple(out.shape)
    finally:
        model.train(was_training)
    graph.nodes.append(helper.make_node("Identity", [current], [output_name], name=output_name))
    inputs = [helper.make_tensor_value_info(input_name, elem_type, ["batch", *shape])]
    outputs = [helper.make_tensor_value_info(output_name, elem_type, ["batch", *current_shape[1:]])]
    onnx_graph = helper.make_graph(graph.nodes, type(model).__name__, inputs, outputs,
                                   initializer=graph.initializers)
    from zeronn import __version__

    proto = helper.make_model(onnx_graph, producer_name="zeronn", producer_version=__version__,
                              opset_imports=[helper.make_opsetid("", OPSET)])
    proto.ir_version = min(proto.ir_version, 8)          # runs on onnxruntime >= 1.14
    onnx.checker.check_model(proto)
    onnx.save(proto, os.fspath(path))
    return proto
