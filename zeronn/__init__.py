"""ZeroNN: neural networks built from zero in NumPy.

Every layer's forward and backward sit side by side, readable like a textbook;
the library around them (losses, optimizers, training loop, data, model files)
follows PyTorch's names so what you learn here transfers.
"""

from zeronn import data, datasets, functional, io, losses, metrics, nn, optim, plot, profiler, testing, train
from zeronn.dtype import get_default_dtype, set_default_dtype
from zeronn.gradcheck import GradcheckError, GradcheckResult, gradcheck
from zeronn.grad_mode import is_grad_enabled, no_grad, set_grad_enabled
from zeronn.io import load, save
from zeronn.train import Trainer, evaluate, fit, predict
from zeronn.random import manual_seed

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
    "profiler",
    "testing",
    "Trainer",
    "fit",
    "evaluate",
    "predict",
    "save",
    "load",
    "get_default_dtype",
    "set_default_dtype",
    "gradcheck",
    "GradcheckResult",
    "GradcheckError",
    "no_grad",
    "is_grad_enabled",
    "set_grad_enabled",
    "manual_seed",
]
