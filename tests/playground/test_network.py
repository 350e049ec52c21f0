"""The network, optimizer, schedule and penalty a playground configuration builds."""

from __future__ import annotations

import numpy as np
import pytest

from zeronn.losses import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from zeronn.nn import Identity, Linear, Tanh
from zeronn.optim import SGD, Adam, CosineAnnealingLR, ReduceLROnPlateau, StepLR
from zeronn.playground import PlaygroundConfig
from zeronn.playground.config import OPTIMIZERS, SCHEDULES
from zeronn.playground.network import (
    add_penalty,
    build_loss,
    build_model,
    build_optimizer,
    build_scheduler,
    evaluation_twin,
)


def test_model_layout_and_seed():
    model = build_model(PlaygroundConfig(layers=[4, 2], activation="tanh", seed=3), n_inputs=5, n_outputs=1)
    kinds = [type(layer) for layer in model.layers]
    assert kinds == [Linear, Tanh, Linear, Tanh, Linear]
    assert model.layers[0].weight.shape == (5, 4) and model.layers[-1].weight.shape == (2, 1)
    again = build_model(PlaygroundConfig(layers=[4, 2], activation="tanh", seed=3), n_inputs=5, n_outputs=1)
    np.testing.assert_array_equal(model.layers[0].weight.data, again.layers[0].weight.data)
    linear = build_model(PlaygroundConfig(layers=[3], activation="linear"), 2, 1)
    assert isinstance(linear.layers[1], Identity)
    assert len(build_model(PlaygroundConfig(layers=[]), 2, 3).layers) == 1


def test_losses_per_task():
    assert isinstance(build_loss("binary"), BCEWithLogitsLoss)
    assert isinstance(build_loss("multiclass"), CrossEntropyLoss)
    assert isinstance(build_loss("regression"), MSELoss)


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_every_optimizer_builds_with_the_learning_rate(name):
    model = build_model(PlaygroundConfig(layers=[2]), 2, 1)
    optimizer = build_optimizer(PlaygroundConfig(optimizer=name, lr=0.3), model)
    assert optimizer.param_groups[0]["lr"] == 0.3
    if name == "momentum":
        assert isinstance(optimizer, SGD) and optimizer.param_groups[0]["momentum"] == 0.9
    if name == "adam":
        assert isinstance(optimizer, Adam)


@pytest.mark.parametrize("name", SCHEDULES)
def test_every_schedule_builds(name):
    model = build_model(PlaygroundConfig(layers=[2]), 2, 1)
    scheduler = build_scheduler(PlaygroundConfig(schedule=name), build_optimizer(PlaygroundConfig(), model))
    expected = {"none": type(None), "step": StepLR, "cosine": CosineAnnealingLR, "plateau": ReduceLROnPlateau}
    if name in expected:
        assert isinstance(scheduler, expected[name])


def test_penalty_derivatives_touch_weights_only():
    model = build_model(PlaygroundConfig(layers=[2]), 2, 1)
    for layer in (model.layers[0], model.layers[2]):
        layer.weight.grad = np.zeros_like(layer.weight.data)
        layer.bias.grad = np.zeros_like(layer.bias.data)
    add_penalty(model, "l1", 0.5)
    first = model.layers[0]
    np.testing.assert_array_equal(first.weight.grad, 0.5 * np.sign(first.weight.data))
    np.testing.assert_array_equal(first.bias.grad, 0)
    add_penalty(model, "l2", 2.0)
    np.testing.assert_allclose(first.weight.grad, 0.5 * np.sign(first.weight.data) + 2.0 * first.weight.data)


def test_the_twin_shares_the_parameters():
    model = build_model(PlaygroundConfig(layers=[3]), 2, 1)
    twin = evaluation_twin(model)
    model.layers[0].weight.data[0, 0] = 7.0
    x = np.ones((4, 2))
    np.testing.assert_array_equal(twin(x), model(x))
    assert twin.layers[0].weight is model.layers[0].weight
