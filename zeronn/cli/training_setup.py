"""What ``zeronn train`` and ``zeronn lr-find`` build from the same settings: data, model, loss, optimizer.

Both commands take the same data, model and optimizer options, so both set a
run up through these functions (``train --lr auto`` runs the range test on
exactly the model and optimizer it then trains)::

    data = load_training_data(settings)
    model, source = build_model(settings, data.input_shape, data.num_classes)
    loss = check_model_outputs(model, data.x_train, data.num_classes, source)     # "cross_entropy" or "nll"
    optimizer = make_optimizer(settings, model)

Every user mistake is a ``CLIError`` whose message names the option or the
file (printed as one line by ``zeronn``).  Heavy modules are imported inside
the functions, so that ``zeronn --help`` stays fast.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import numpy as np

from zeronn.cli.errors import CLIError
from zeronn.cli.settings import TrainSettings

if TYPE_CHECKING:
    from zeronn.cli.data_sources import DataBundle
    from zeronn.nn.layer import Layer
    from zeronn.optim.optimizer import Optimizer

__all__ = ["load_training_data", "build_model", "check_model_outputs", "make_optimizer"]


def load_training_data(settings: TrainSettings) -> DataBundle:
    """Load the dataset named by ``settings.data`` (a known name or a CSV path), split and scaled.

    Parameters
    ----------
    settings : TrainSettings
        Uses ``data``, ``seed``, ``test_split``, ``limit``, ``samples``,
        ``noise``, ``label_column``, ``encoding`` and ``validation_split``.

    Raises
    ------
    CLIError
        For ``xor`` with a validation split (it has only 4 rows), and for
        every problem ``zeronn.cli.data_sources.load_dataset`` reports.
    """
    from zeronn.cli.data_sources import load_dataset

    if settings.data == "xor" and settings.validation_split:
        raise CLIError("xor has only 4 rows: it cannot spare any for validation (leave out --validation-split)")
    return load_dataset(
        settings.data or "", seed=settings.seed, test_split=settings.test_split, limit=settings.limit,
        samples=settings.samples, noise=settings.noise, label_column=settings.label_column,
        encoding=settings.encoding,
    )


def _is_file_model(name: str) -> bool:
    return name.lower().endswith((".json", ".yaml", ".yml"))


def build_model(settings: TrainSettings, input_shape: tuple[int, ...], num_classes: int) -> tuple[Layer, str]:
    """Build the preset or architecture file named by ``settings.model``; return (model, description).

    Parameters
    ----------
    settings : TrainSettings
        Uses ``model`` (a preset name or a .json/.yaml file), and for the
        ``mlp`` preset ``hidden``, ``activation`` and ``dropout``.
    input_shape : tuple of int
        The shape of one sample, e.g. ``(2,)`` or ``(1, 28, 28)``.
    num_classes : int
        Outputs of the last layer (presets only; a file must already end so).

    Raises
    ------
    CLIError
        For preset options given with a file or with another preset, and for
        a file whose declared ``input_shape`` is not the data's.
    """
    from zeronn.models import build_preset, load_architecture

    name = settings.model
    if _is_file_model(name):
        for key in ("hidden", "dropout"):
            if getattr(settings, key) is not None:
                raise CLIError(f"--{key} applies to presets; set it in {name} instead")
        architecture = load_architecture(name)
        if architecture.input_shape is not None and tuple(architecture.input_shape) != tuple(input_shape):
            raise CLIError(f"{name} declares input_shape {list(architecture.input_shape)}, "
                           f"but the data gives samples of shape {list(input_shape)}")
        return architecture.model, f"{os.path.basename(name)} (architecture file)"
    if settings.activation != "relu" and name != "mlp":
        raise CLIError(f"--activation applies to --model mlp only, not {name!r}")
    if settings.hidden is not None and name != "mlp":
        raise CLIError(f"--hidden applies to --model mlp only, not {name!r}")
    model = build_preset(name, input_shape, num_classes, hidden=settings.hidden, activation=settings.activation,
                         dropout=settings.dropout)
    return model, name


def check_model_outputs(model: Layer, x: np.ndarray, num_classes: int, source: str) -> str:
    """Run one sample through ``model``; check it gives one raw score per class; return the loss name.

    Parameters
    ----------
    model : Layer
        The model to train; it is back in training mode afterwards.
    x : ndarray of shape (N, ...)
        Training inputs; only ``x[:1]`` goes through the model.
    num_classes : int
        The number of classes of the data.
    source : str
        How the model is named in messages (the preset or the file).

    Returns
    -------
    str
        ``"nll"`` for a model ending with ``LogSoftmax``, else ``"cross_entropy"``.

    Raises
    ------
    CLIError
        When the model rejects the data's shape, gives other than
        (1, num_classes) outputs, or ends with a ``Softmax`` or ``Sigmoid``
        (the loss works on raw scores).
    """
    from zeronn.grad_mode import no_grad
    from zeronn.train.inference import output_kind

    model.eval()
    try:
        with no_grad():
            out = model(x[:1])
    except ValueError as error:
        raise CLIError(f"the model {source} does not fit the data: {error}") from None
    finally:
        model.train()
    if out.ndim != 2 or out.shape[1] != num_classes:
        raise CLIError(
            f"the model {source} gives outputs of shape {tuple(out.shape[1:])} per sample, but the data has "
            f"{num_classes} classes: end it with a layer of {num_classes} outputs (e.g. Linear(..., {num_classes}))"
        )
    kind = output_kind(model)
    if kind in ("probabilities", "sigmoid"):
        raise CLIError(
            f"the model {source} ends with a {'Softmax' if kind == 'probabilities' else 'Sigmoid'}; remove it: "
            "training uses the cross-entropy loss on raw scores (logits), which includes the softmax"
        )
    return "nll" if kind == "log_probabilities" else "cross_entropy"


def make_optimizer(settings: TrainSettings, model: Layer) -> Optimizer:
    """The optimizer named by ``settings.optimizer`` over ``model``'s parameters.

    Parameters
    ----------
    settings : TrainSettings
        Uses ``optimizer``, ``lr`` and, when given, ``momentum`` and ``weight_decay``.
    model : Layer
        Whose ``parameters()`` the optimizer updates.

    Raises
    ------
    CLIError
        For ``--momentum`` with an optimizer other than sgd and rmsprop.
    """
    from zeronn.optim import get_optimizer

    name = settings.optimizer
    options: dict[str, Any] = {"lr": settings.lr}
    if settings.momentum is not None:
        if name not in ("sgd", "rmsprop"):
            raise CLIError(f"--momentum applies to sgd and rmsprop, not {name!r}")
        options["momentum"] = settings.momentum
    if settings.weight_decay is not None:
        options["weight_decay"] = settings.weight_decay
    return get_optimizer(name, model.parameters(), **options)
