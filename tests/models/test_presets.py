"""Named models: output shapes on every kind of input, and clear refusals."""

from __future__ import annotations

import numpy as np
import pytest

from zeronn.grad_mode import no_grad
from zeronn.models import PRESETS, build_preset, default_hidden


def outputs(model, shape):
    model.eval()
    with no_grad():
        return model(np.zeros((3, *shape), dtype=np.float32)).shape


@pytest.mark.parametrize("name", ["logistic", "mlp"])
@pytest.mark.parametrize("shape", [(2,), (1, 8, 8), (1, 28, 28)])
def test_flat_presets_take_any_input(name, shape):
    assert outputs(build_preset(name, shape, 5), shape) == (3, 5)


@pytest.mark.parametrize("name", ["lenet", "cnn"])
@pytest.mark.parametrize("shape", [(1, 8, 8), (1, 28, 28), (3, 32, 32), (1, 28, 20)])
def test_image_presets(name, shape):
    assert outputs(build_preset(name, shape, 10), shape) == (3, 10)


def test_lenet_on_mnist_is_lenet5():
    model = build_preset("lenet", (1, 28, 28), 10)
    assert model.num_parameters() == 61_706        # 156 + 2,416 + 48,120 + 10,164 + 850
    names = [type(layer).__name__ for layer in model]
    assert names.count("Conv2d") == 2 and names.count("MaxPool2d") == 2 and names.count("Linear") == 3


def test_cnn_has_batchnorm_and_dropout():
    names = [type(layer).__name__ for layer in build_preset("cnn", (1, 28, 28), 10)]
    assert {"BatchNorm2d", "BatchNorm1d", "Dropout", "Conv2d"} <= set(names)


def test_mlp_hidden_activation_dropout():
    model = build_preset("mlp", (4,), 3, hidden=[7, 5], activation="tanh", dropout=0.2)
    assert [type(layer).__name__ for layer in model] == [
        "Flatten", "Linear", "Tanh", "Dropout", "Linear", "Tanh", "Dropout", "Linear"]
    assert [layer.weight.shape for layer in model if hasattr(layer, "weight")] == [(4, 7), (7, 5), (5, 3)]


def test_default_hidden_sizes():
    assert default_hidden(2) == (64, 64) and default_hidden(784) == (256, 128)


def test_every_preset_is_listed():
    assert set(PRESETS) == {"logistic", "mlp", "lenet", "cnn"}


@pytest.mark.parametrize("name", ["lenet", "cnn"])
def test_image_presets_refuse_flat_data(name):
    with pytest.raises(ValueError, match=f"the '{name}' model needs images .* use the mlp model"):
        build_preset(name, (2,), 2)


def test_unknown_preset_and_misplaced_hidden():
    with pytest.raises(ValueError, match="unknown model 'resnet'; presets are: logistic, mlp, lenet, cnn"):
        build_preset("resnet", (2,), 2)
    with pytest.raises(ValueError, match="hidden sizes apply to the mlp model only"):
        build_preset("lenet", (1, 28, 28), 10, hidden=[3])


def test_huge_mlp_is_refused_before_allocating():
    with pytest.raises(ValueError, match="would have .* parameters .* more than the limit of 100,000,000"):
        build_preset("mlp", (784,), 10, hidden=[10**6, 10**6])


def test_preset_description_is_an_architecture_file_in_memory():
    from zeronn.models import build_architecture, preset_description

    description = preset_description("lenet", (1, 28, 28), 10)
    assert description[0] == {"Conv2d": {"in_channels": 1, "out_channels": 6, "kernel_size": 5, "padding": 2,
                                         "bias": True}}
    assert build_architecture(description).model.num_parameters() == 61706


def test_functions_for_users():
    import zeronn

    assert zeronn.models.mlp((2,), 3, hidden=(16,)).num_parameters() == 2 * 16 + 16 + 16 * 3 + 3
    assert zeronn.models.lenet().num_parameters() == 61706
    assert zeronn.models.logistic((4,), 3).num_parameters() == 15
    assert zeronn.models.cnn((1, 28, 28), 10).num_parameters() > 0


def test_training_memory_estimate():
    from zeronn.models.memory import sample_activation_bytes, training_bytes

    model = build_preset("mlp", (2,), 2, hidden=[10])
    # input 2 + Flatten 2 + Linear 10 + ReLU 10 + Linear 2 = 26 float32 values per sample
    assert sample_activation_bytes(model, (2,)) == 26 * 4
    parameters = (2 * 10 + 10 + 10 * 2 + 2) * 4
    assert training_bytes(model, (2,), 100) == 100 * 3 * 26 * 4 + 4 * parameters
    lenet = build_preset("lenet", (1, 28, 28), 10)
    assert training_bytes(lenet, (1, 28, 28), 60000) > 30e9 > training_bytes(lenet, (1, 28, 28), 64) * 100
    assert [layer for layer in lenet.modules() if "forward" in vars(layer)] == []     # the model is left as it was
