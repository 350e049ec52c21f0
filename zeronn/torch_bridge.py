"""The bridge to PyTorch: the same network, the same weights, on the other side.

>>> torch_model = zeronn.to_torch(model)          # a torch.nn.Sequential, same outputs
>>> back = zeronn.from_torch(torch_model)         # a zeronn Sequential again

Every ZeroNN layer has a PyTorch twin of the same name and arguments
(``Linear(in, out)``, ``Conv2d``, ``BatchNorm2d``...).  One thing differs:
ZeroNN's ``Linear`` stores its weight as (in_features, out_features), so
that the forward is ``x @ W`` as written in textbooks, and PyTorch stores
(out_features, in_features) and computes ``x @ W.T``.  The bridge transposes
it; everything else (convolution kernels (O, C, kh, kw), biases, BatchNorm's
weight/bias/running_mean/running_var/num_batches_tracked) has the same shape.

A ZeroNN model file read from PyTorch
-------------------------------------
A model file is a safetensors file: ``safetensors.torch.load_file(path)``
opens it without ZeroNN.  Its tensors are named ``state_dict.<layer>.<name>``
with the layer's position in the Sequential, e.g. for the MLP
``Sequential(Flatten(), Linear(784, 676), ReLU(), Dropout(), Linear(676, 10))``::

    state_dict.1.weight   (784, 676)   ->  torch "1.weight" is its transpose, (676, 784)
    state_dict.1.bias     (676,)       ->  "1.bias", as is
    state_dict.4.weight   (676, 10)    ->  "4.weight", transposed to (10, 676)
    state_dict.4.bias     (10,)        ->  "4.bias"

and the architecture is JSON in the file's metadata.  ``torch_state_dict``
does the renaming and transposing: ``torch_model.load_state_dict(
zeronn.torch_bridge.torch_state_dict(zeronn.load(path)))``.

Supported layers, both ways: Linear, Conv2d, MaxPool2d, AvgPool2d,
AdaptiveAvgPool2d, BatchNorm1d, BatchNorm2d, Dropout, Dropout2d, Flatten,
Identity, Sequential (nested), Sigmoid, Tanh, ReLU, LeakyReLU, ELU, SELU,
GELU, SiLU, Softplus, Softmax, LogSoftmax.  Needs PyTorch (``pip install torch``).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from zeronn import nn
from zeronn.nn.layer import Layer

__all__ = ["to_torch", "from_torch", "torch_state_dict", "SUPPORTED_LAYERS"]

#: ZeroNN layer classes the bridge converts, both ways.
SUPPORTED_LAYERS: tuple[str, ...] = (
    "Sequential", "Linear", "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "BatchNorm1d", "BatchNorm2d",
    "Dropout", "Dropout2d", "Flatten", "Identity", "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SELU", "GELU",
    "SiLU", "Softplus", "Softmax", "LogSoftmax",
)


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError("the PyTorch bridge needs PyTorch: pip install torch") from None
    return torch


def _tensor(array: np.ndarray) -> Any:
    return _torch().from_numpy(np.ascontiguousarray(array).copy())


def _numpy(tensor: Any) -> np.ndarray:
    return tensor.detach().cpu().numpy().copy()


def _padding(layer: nn.Conv2d) -> Any:
    if isinstance(layer.padding, str):
        return layer.padding
    return tuple(layer.padding)


# ---------------------------------------------------------------------------------------- ZeroNN -> PyTorch
def _torch_dtype(layer: Layer) -> Any:
    torch = _torch()
    return torch.float64 if layer.dtype == np.float64 else torch.float32


def _module_for(layer: Layer, name: str) -> Any:
    """A new PyTorch module computing what ``layer`` computes (weights not yet copied)."""
    tnn = _torch().nn
    if isinstance(layer, nn.Sequential):
        return tnn.Sequential(*(_module_for(child, f"{name}.{i}" if name else str(i))
                                for i, child in enumerate(layer.layers)))
    if isinstance(layer, nn.Linear):
        return tnn.Linear(layer.in_features, layer.out_features, bias=layer.bias is not None,
                          dtype=_torch_dtype(layer))
    if isinstance(layer, nn.Conv2d):
        return tnn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, stride=layer.stride,
                          padding=_padding(layer), dilation=layer.dilation, bias=layer.bias is not None,
                          dtype=_torch_dtype(layer))
    if isinstance(layer, nn.MaxPool2d):
        return tnn.MaxPool2d(layer.kernel_size, stride=layer.stride, padding=layer.padding)
    if isinstance(layer, nn.AvgPool2d):
        return tnn.AvgPool2d(layer.kernel_size, stride=layer.stride, padding=layer.padding,
                             count_include_pad=layer.count_include_pad)
    if isinstance(layer, nn.AdaptiveAvgPool2d):
        return tnn.AdaptiveAvgPool2d(layer.output_size)
    if isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)):
        cls = tnn.BatchNorm1d if isinstance(layer, nn.BatchNorm1d) else tnn.BatchNorm2d
        return cls(layer.num_features, eps=layer.eps, momentum=layer.momentum, affine=layer.affine,
                   track_running_stats=layer.track_running_stats, dtype=_torch_dtype(layer))
    if isinstance(layer, nn.Dropout2d):
        return tnn.Dropout2d(layer.p)
    if isinstance(layer, nn.Dropout):
        return tnn.Dropout(layer.p)
    simple = _SIMPLE_TO_TORCH.get(type(layer))
    if simple is not None:
        return simple(layer)
    raise ValueError(f"to_torch: layer '{name}' {layer!r} ({type(layer).__name__}) has no PyTorch counterpart "
                     "in the bridge")


_SIMPLE_TO_TORCH: dict[type, Callable[[Any], Any]] = {
    nn.Flatten: lambda layer: _torch().nn.Flatten(),
    nn.Identity: lambda layer: _torch().nn.Identity(),
    nn.Sigmoid: lambda layer: _torch().nn.Sigmoid(),
    nn.Tanh: lambda layer: _torch().nn.Tanh(),
    nn.ReLU: lambda layer: _torch().nn.ReLU(),
    nn.LeakyReLU: lambda layer: _torch().nn.LeakyReLU(layer.negative_slope),
    nn.ELU: lambda layer: _torch().nn.ELU(layer.alpha),
    nn.SELU: lambda layer: _torch().nn.SELU(),
    nn.GELU: lambda layer: _torch().nn.GELU(approximate=layer.approximate),
    nn.SiLU: lambda layer: _torch().nn.SiLU(),
    nn.Softplus: lambda layer: _torch().nn.Softplus(beta=layer.beta, threshold=layer.threshold),
    nn.Softmax: lambda layer: _torch().nn.Softmax(dim=layer.dim),
    nn.LogSoftmax: lambda layer: _torch().nn.LogSoftmax(dim=layer.dim),
}


def torch_state_dict(model: Layer) -> dict[str, Any]:
    """``model``'s parameters and buffers as PyTorch names them, as torch tensors (Linear weights transposed).

    ``to_torch(model).load_state_dict(torch_state_dict(model))`` is a no-op;
    for a ZeroNN model file: ``torch_state_dict(zeronn.load(path))``.
    """
    state: dict[str, Any] = {}
    linears = {name for name, layer in model.named_modules() if isinstance(layer, nn.Linear)}
    for name, array in model.state_dict().items():
        owner, _, leaf = name.rpartition(".")
        if owner in linears and leaf == "weight":
            array = array.T                                                  # (in, out) -> (out, in)
        state[name] = _tensor(np.asarray(array))
    return state


def to_torch(model: Layer) -> Any:
    """The ``torch.nn.Module`` equivalent to ``model``, with a copy of its weights and its train/eval modes.

    A ``Sequential`` becomes a ``torch.nn.Sequential`` whose children have the
    same positions, so parameter names match ("0.weight", "3.running_mean").

    Raises
    ------
    ValueError
        A layer the bridge does not know, named in the message.
    ImportError
        PyTorch is not installed.
    """
    if not isinstance(model, Layer):
        raise TypeError(f"to_torch takes a zeronn Layer, got {type(model).__name__}")
    module = _module_for(model, "")
    module.load_state_dict(torch_state_dict(model), strict=True)
    training = {name: layer.training for name, layer in model.named_modules()}
    for name, child in module.named_modules():
        child.train(training.get(name, model.training))
    return module


# ---------------------------------------------------------------------------------------- PyTorch -> ZeroNN
def _zeronn_dtype(module: Any) -> Any:
    torch = _torch()
    for parameter in module.parameters(recurse=False):
        return np.float64 if parameter.dtype == torch.float64 else np.float32
    return None


def _unsupported(module: Any, name: str, why: str) -> ValueError:
    return ValueError(f"from_torch: module '{name}' {module!r} cannot be converted: {why}")


def _conv_from_torch(module: Any, name: str) -> Layer:
    if module.groups != 1:
        raise _unsupported(module, name, f"groups={module.groups} (ZeroNN's Conv2d has groups=1)")
    if module.padding_mode != "zeros":
        raise _unsupported(module, name, f"padding_mode={module.padding_mode!r} (only 'zeros')")
    return nn.Conv2d(module.in_channels, module.out_channels, module.kernel_size, stride=module.stride,
                     padding=module.padding, dilation=module.dilation, bias=module.bias is not None,
                     dtype=_zeronn_dtype(module))


def _pool_from_torch(module: Any, name: str) -> Layer:
    tnn = _torch().nn
    if module.ceil_mode:
        raise _unsupported(module, name, "ceil_mode=True (ZeroNN rounds pooled sizes down)")
    if isinstance(module, tnn.MaxPool2d):
        if module.dilation not in (1, (1, 1)) or module.return_indices:
            raise _unsupported(module, name, "dilation or return_indices")
        return nn.MaxPool2d(module.kernel_size, stride=module.stride, padding=module.padding)
    if module.divisor_override is not None:
        raise _unsupported(module, name, "divisor_override")
    return nn.AvgPool2d(module.kernel_size, stride=module.stride, padding=module.padding,
                        count_include_pad=module.count_include_pad)


def _layer_for(module: Any, name: str, pairs: list[tuple[Any, Layer]]) -> Layer:
    """A ZeroNN layer computing what the PyTorch ``module`` computes; (module, layer) pairs go to ``pairs``."""
    tnn = _torch().nn
    if isinstance(module, tnn.Sequential):
        layer: Layer = nn.Sequential(*(_layer_for(child, f"{name}.{key}" if name else key, pairs)
                                       for key, child in module.named_children()))
    else:
        layer = _leaf_for(module, name)
    pairs.append((module, layer))
    return layer


def _leaf_for(module: Any, name: str) -> Layer:
    tnn = _torch().nn
    if isinstance(module, tnn.Linear):
        return nn.Linear(module.in_features, module.out_features, bias=module.bias is not None,
                         dtype=_zeronn_dtype(module))
    if isinstance(module, tnn.Conv2d):
        return _conv_from_torch(module, name)
    if isinstance(module, (tnn.MaxPool2d, tnn.AvgPool2d)):
        return _pool_from_torch(module, name)
    if isinstance(module, tnn.AdaptiveAvgPool2d):
        return nn.AdaptiveAvgPool2d(module.output_size)
    if isinstance(module, (tnn.BatchNorm1d, tnn.BatchNorm2d)):
        cls = nn.BatchNorm1d if isinstance(module, tnn.BatchNorm1d) else nn.BatchNorm2d
        dtype = _zeronn_dtype(module)
        if dtype is None and module.running_mean is not None:
            dtype = np.float64 if module.running_mean.dtype == _torch().float64 else np.float32
        return cls(module.num_features, eps=module.eps, momentum=module.momentum, affine=module.affine,
                   track_running_stats=module.track_running_stats, dtype=dtype)
    if isinstance(module, tnn.Dropout2d):
        return nn.Dropout2d(module.p)
    if isinstance(module, tnn.Dropout):
        return nn.Dropout(module.p)
    if isinstance(module, tnn.Flatten):
        if module.start_dim != 1 or module.end_dim != -1:
            raise _unsupported(module, name, "only Flatten(start_dim=1, end_dim=-1) has a ZeroNN twin")
        return nn.Flatten()
    if isinstance(module, (tnn.Softmax, tnn.LogSoftmax)) and module.dim is None:
        raise _unsupported(module, name, "give the class axis explicitly, e.g. Softmax(dim=1)")
    for torch_name, build in _SIMPLE_FROM_TORCH.items():
        if type(module).__name__ == torch_name and type(module).__module__.startswith("torch.nn"):
            return build(module)
    raise _unsupported(module, name, f"{type(module).__name__} has no ZeroNN counterpart; supported: "
                       f"Linear, Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, BatchNorm1d/2d, Dropout, Dropout2d, "
                       f"Flatten, {', '.join(_SIMPLE_FROM_TORCH)}, Sequential")


_SIMPLE_FROM_TORCH: dict[str, Callable[[Any], Layer]] = {
    "Identity": lambda m: nn.Identity(),
    "Sigmoid": lambda m: nn.Sigmoid(),
    "Tanh": lambda m: nn.Tanh(),
    "ReLU": lambda m: nn.ReLU(),
    "LeakyReLU": lambda m: nn.LeakyReLU(m.negative_slope),
    "ELU": lambda m: nn.ELU(m.alpha),
    "SELU": lambda m: nn.SELU(),
    "GELU": lambda m: nn.GELU(approximate=m.approximate),
    "SiLU": lambda m: nn.SiLU(),
    "Softplus": lambda m: nn.Softplus(beta=m.beta, threshold=m.threshold),
    "Softmax": lambda m: nn.Softmax(dim=m.dim),
    "LogSoftmax": lambda m: nn.LogSoftmax(dim=m.dim),
}


def from_torch(module: Any) -> Layer:
    """Build the ZeroNN model equivalent to a PyTorch ``module`` (a Sequential of supported layers, or one layer).

    Weights and buffers are copied (Linear weights transposed to ZeroNN's
    (in, out)); the float type (float32/float64) and train/eval modes follow the module's.

    Raises
    ------
    ValueError
        A module the bridge cannot convert, named with the reason.
    """
    torch = _torch()
    if not isinstance(module, torch.nn.Module):
        raise TypeError(f"from_torch takes a torch.nn.Module, got {type(module).__name__}")
    pairs: list[tuple[Any, Layer]] = []
    model = _layer_for(module, "", pairs)
    with torch.no_grad():
        for source, layer in pairs:
            _copy_tensors(source, layer)
    for source, layer in reversed(pairs):                                    # containers before their children
        layer.train(source.training)
    return model


def _copy_tensors(source: Any, layer: Layer) -> None:
    """Copy the PyTorch module's parameters and buffers into the ZeroNN layer, in place."""
    if isinstance(layer, nn.Linear):
        layer.weight.data[...] = _numpy(source.weight).T                    # (out, in) -> (in, out)
    elif isinstance(layer, (nn.Conv2d, nn.BatchNorm1d, nn.BatchNorm2d)) and layer.weight is not None:
        layer.weight.data[...] = _numpy(source.weight)                      # (O, C, kh, kw) or (C,)
    if isinstance(layer, (nn.Linear, nn.Conv2d, nn.BatchNorm1d, nn.BatchNorm2d)) and layer.bias is not None:
        layer.bias.data[...] = _numpy(source.bias)
    if isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)) and layer.track_running_stats:
        layer.running_mean[...] = _numpy(source.running_mean)
        layer.running_var[...] = _numpy(source.running_var)
        layer.num_batches_tracked = np.array(int(source.num_batches_tracked), dtype=np.int64)
