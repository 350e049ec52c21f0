"""ZeroNN: neural networks built from zero in NumPy.

Every layer's forward and backward sit side by side, readable like a textbook;
the library around them (losses, optimizers, training loop, data, model files)
follows PyTorch's names so what you learn here transfers.
"""

from zeronn import (
    data,
    datasets,
    doctor,
    explain,
    functional,
    io,
    losses,
    metrics,
    models,
    nn,
    optim,
    plot,
    profiler,
    testing,
    train,
)
from zeronn.dtype import get_default_dtype, set_default_dtype
from zeronn.grad_mode import is_grad_enabled, no_grad, set_grad_enabled
from zeronn.gradcheck import GradcheckError, GradcheckResult, gradcheck
from zeronn.io import load, save
from zeronn.kernels import get_backend, set_backend
from zeronn.onnx_export import export_onnx
from zeronn.random import manual_seed
from zeronn.sweep import sweep
from zeronn.torch_bridge import from_torch, to_torch
from zeronn.train import Trainer, evaluate, fit, lr_find, predict

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "nn",
    "functional",
    "losses",
    "optim",
    "data",
    "datasets",
    "metrics",
    "train",
    "io",
    "plot",
    "models",
    "profiler",
    "testing",
    "Trainer",
    "fit",
    "evaluate",
    "predict",
    "lr_find",
    "explain",
    "doctor",
    "save",
    "load",
    "get_default_dtype",
    "set_default_dtype",
    "get_backend",
    "set_backend",
    "gradcheck",
    "GradcheckResult",
    "GradcheckError",
    "no_grad",
    "is_grad_enabled",
    "set_grad_enabled",
    "manual_seed",
    "export_onnx",
    "sweep",
    "to_torch",
    "from_torch",
]
