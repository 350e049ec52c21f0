"""Tests for zeronn.cli.training_setup: what ``train`` and ``lr-find`` build from the same settings."""

import json

import numpy as np
import pytest

from zeronn import nn, optim
from zeronn.cli import lr_find, train
from zeronn.cli.errors import CLIError
from zeronn.cli.settings import TrainSettings
from zeronn.cli.training_setup import build_model, check_model_outputs, load_training_data, make_optimizer


def test_load_training_data_gives_the_named_dataset():
    data = load_training_data(TrainSettings(data="moons", samples=100, seed=0, validation_split=0.1))
    assert data.input_shape == (2,) and data.num_classes == 2
    assert len(data.x_train) + len(data.x_test) == 100


def test_xor_cannot_spare_rows_for_validation():
    with pytest.raises(CLIError, match="xor has only 4 rows"):
        load_training_data(TrainSettings(data="xor", validation_split=0.5))


def test_build_model_from_a_preset_and_from_a_file(tmp_path):
    model, source = build_model(TrainSettings(model="mlp", hidden=[8]), (2,), 3)
    assert source == "mlp" and model(np.zeros((1, 2))).shape == (1, 3)
    path = tmp_path / "net.json"
    path.write_text(json.dumps([{"Linear": [2, 4]}, "relu", {"Linear": [4, 3]}]))
    model, source = build_model(TrainSettings(model=str(path)), (2,), 3)
    assert source == "net.json (architecture file)" and model(np.zeros((1, 2))).shape == (1, 3)
    with pytest.raises(CLIError, match="--hidden applies to presets"):
        build_model(TrainSettings(model=str(path), hidden=[8]), (2,), 3)
    with pytest.raises(CLIError, match="--activation applies to --model mlp only"):
        build_model(TrainSettings(model="logistic", activation="tanh"), (2,), 3)


def test_check_model_outputs_names_the_loss_and_refuses_what_cannot_train():
    x = np.zeros((5, 2))
    assert check_model_outputs(nn.Sequential(nn.Linear(2, 3, rng=0)), x, 3, "mlp") == "cross_entropy"
    assert check_model_outputs(nn.Sequential(nn.Linear(2, 3, rng=0), nn.LogSoftmax()), x, 3, "net") == "nll"
    with pytest.raises(CLIError, match=r"outputs of shape \(4,\) per sample, but the data has 3 classes"):
        check_model_outputs(nn.Sequential(nn.Linear(2, 4, rng=0)), x, 3, "mlp")
    with pytest.raises(CLIError, match="ends with a Softmax; remove it"):
        check_model_outputs(nn.Sequential(nn.Linear(2, 3, rng=0), nn.Softmax()), x, 3, "net")
    with pytest.raises(CLIError, match="does not fit the data"):
        check_model_outputs(nn.Sequential(nn.Linear(5, 3, rng=0)), x, 3, "net")
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.Dropout(0.5))
    check_model_outputs(model, x, 3, "net")
    assert model.training                                           # back in training mode


def test_make_optimizer_passes_the_options():
    model = nn.Sequential(nn.Linear(2, 3, rng=0))
    sgd = make_optimizer(TrainSettings(optimizer="sgd", lr=0.05, momentum=0.9, weight_decay=1e-4), model)
    assert isinstance(sgd, optim.SGD)
    group = sgd.param_groups[0]
    assert (group["lr"], group["momentum"], group["weight_decay"]) == (0.05, 0.9, 1e-4)
    with pytest.raises(CLIError, match="--momentum applies to sgd and rmsprop, not 'adam'"):
        make_optimizer(TrainSettings(optimizer="adam", lr=0.01, momentum=0.9), model)


def test_train_and_lr_find_use_these_functions():
    assert train.build_model is build_model and train.make_optimizer is make_optimizer
    for private in ("_check_outputs", "_load_data", "_make_optimizer"):
        assert not hasattr(train, private) and not hasattr(lr_find, private)
