"""The network, loss, optimizer and schedule a playground configuration asks for, built from ZeroNN's own parts.

    features (n, k) -> [Linear -> activation] x hidden layers -> Linear -> output scores

The output is raw scores: one logit for two classes (``BCEWithLogitsLoss``,
probability = sigmoid), one per class for more (``CrossEntropyLoss``), one
number for regression (``MSELoss``).  Regularization is TensorFlow
Playground's: after ``backward()`` each weight matrix's gradient gets the
penalty's derivative added (L1: rate * sign(W), L2: rate * W; biases are left
alone) before the optimizer's step.
"""

from __future__ import annotations

from typing import Optional

import numpy as np

from zeronn.losses import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from zeronn.losses.loss import Loss
from zeronn.nn import Linear, Sequential, get_activation
from zeronn.nn.layer import Layer
from zeronn.optim import (
    SGD,
    CosineAnnealingLR,
    ExponentialLR,
    LRScheduler,
    Optimizer,
    ReduceLROnPlateau,
    StepLR,
    get_optimizer,
)
from zeronn.playground.config import PlaygroundConfig

__all__ = ["activation_name", "build_model", "build_loss", "build_optimizer", "build_scheduler", "add_penalty",
           "linear_layers", "evaluation_twin", "SCHEDULE_ARGUMENTS", "OPTIMIZER_ARGUMENTS"]

#: The constructor call of each schedule (``{opt}`` stands for the optimizer), shared with the exported code.
SCHEDULE_ARGUMENTS = {
    "step": "StepLR({opt}, step_size=100, gamma=0.5)",
    "exponential": "ExponentialLR({opt}, gamma=0.99)",
    "cosine": "CosineAnnealingLR({opt}, T_max=200)",
    "plateau": "ReduceLROnPlateau({opt}, factor=0.5, patience=20)",
}

#: The constructor call of each optimizer ({params} and {lr} filled in).
OPTIMIZER_ARGUMENTS = {
    "sgd": "SGD({params}, lr={lr})",
    "momentum": "SGD({params}, lr={lr}, momentum=0.9)",
    "nesterov": "SGD({params}, lr={lr}, momentum=0.9, nesterov=True)",
    "adam": "Adam({params}, lr={lr})",
    "adamw": "AdamW({params}, lr={lr})",
    "rmsprop": "RMSprop({params}, lr={lr})",
    "adagrad": "Adagrad({params}, lr={lr})",
}


def activation_name(name: str) -> str:
    """ZeroNN's name for the page's activation ("linear" is "identity")."""
    return "identity" if name == "linear" else name


def build_model(config: PlaygroundConfig, n_inputs: int, n_outputs: int) -> Sequential:
    """Linear/activation pairs for ``config.layers``, then the output Linear; float64, seeded by ``config.seed``."""
    rng = np.random.default_rng(config.seed)
    layers: list[Layer] = []
    width = n_inputs
    for units in config.layers:
        layers.append(Linear(width, units, rng=rng, dtype="float64"))
        layers.append(get_activation(activation_name(config.activation)))
        width = units
    layers.append(Linear(width, n_outputs, rng=rng, dtype="float64"))
    return Sequential(*layers)


def build_loss(task: str) -> Loss:
    """The loss of a task: BCE on the logit, cross-entropy over classes, or mean squared error."""
    if task == "binary":
        return BCEWithLogitsLoss()
    if task == "multiclass":
        return CrossEntropyLoss()
    return MSELoss()


def build_optimizer(config: PlaygroundConfig, model: Layer) -> Optimizer:
    """``config.optimizer`` over the model's parameters with learning rate ``config.lr``."""
    if config.optimizer == "sgd":
        return SGD(model.parameters(), lr=config.lr)
    if config.optimizer == "momentum":
        return SGD(model.parameters(), lr=config.lr, momentum=0.9)
    if config.optimizer == "nesterov":
        return SGD(model.parameters(), lr=config.lr, momentum=0.9, nesterov=True)
    return get_optimizer(config.optimizer, model.parameters(), lr=config.lr)


def build_scheduler(config: PlaygroundConfig, optimizer: Optimizer) -> Optional[LRScheduler]:
    """``config.schedule`` for ``optimizer`` (None for "none"); see ``SCHEDULE_ARGUMENTS``."""
    if config.schedule == "step":
        return StepLR(optimizer, step_size=100, gamma=0.5)
    if config.schedule == "exponential":
        return ExponentialLR(optimizer, gamma=0.99)
    if config.schedule == "cosine":
        return CosineAnnealingLR(optimizer, T_max=200)
    if config.schedule == "plateau":
        return ReduceLROnPlateau(optimizer, factor=0.5, patience=20)
    return None


def evaluation_twin(model: Sequential) -> Sequential:
    """A second model holding the *same* Parameter objects, for forward passes that are not training.

    The training doctor watches the training model's layers; the loss
    evaluations and the 10,000-point heat-map pass run through the twin, so
    the doctor's statistics describe training batches only.  Sharing the
    Parameter objects means every optimizer step and weight edit shows in both.
    """
    twin = Sequential(*(type(layer).from_config(layer.get_config()) for layer in model.layers))
    for mine, theirs in zip(twin.layers, model.layers):
        if isinstance(theirs, Linear) and isinstance(mine, Linear):
            mine.weight = theirs.weight
            mine.bias = theirs.bias
    return twin


def linear_layers(model: Sequential) -> list[Linear]:
    """The model's Linear layers, input side first (one per column of links in the page)."""
    return [layer for layer in model.layers if isinstance(layer, Linear)]


def add_penalty(model: Sequential, reg: str, rate: float) -> None:
    """Add the regularization's derivative to each weight gradient (call after backward, before step).

    L1:  dW += rate * sign(W)        (penalty rate * sum |W|)
    L2:  dW += rate * W              (penalty rate / 2 * sum W^2)
    """
    if reg == "none" or rate == 0:
        return
    for layer in linear_layers(model):
        weight = layer.weight
        if weight.grad is None:
            continue
        derivative = np.sign(weight.data) if reg == "l1" else weight.data        # (in, out)
        weight.grad = weight.grad + rate * derivative                            # a new array: dW is not ours
