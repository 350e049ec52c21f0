"""A loss that becomes NaN/inf stops training with the epoch, batch, layer and a hint."""

import numpy as np
import pytest

from tests.train.helpers import mlp, moons
from zeronn import nn
from zeronn.losses import Loss
from zeronn.train import NonFiniteLossError, fit
from zeronn.train.nan_check import first_non_finite_layer


def test_nan_weights_name_the_layer_epoch_and_batch():
    x, y = moons(40)
    model = mlp(0)
    model.layers[2].weight.data[0, 0] = np.nan
    with pytest.raises(NonFiniteLossError) as caught:
        fit(model, x, y, loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=3, batch_size=10, verbose=0)
    message = str(caught.value)
    assert message.startswith("The loss became NaN at epoch 1/3, batch 1/4.")
    assert "layer '2' (Linear(16 -> 2)), whose parameters 'weight' already hold NaN/inf" in message
    assert "Try a lower learning rate (now 0.1)" in message
    assert isinstance(caught.value, FloatingPointError)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_too_large_learning_rate_diverges_with_a_clear_message():
    x, labels = moons(40)
    y = np.eye(2, dtype=np.float32)[labels]
    # the outputs blow up within a few steps; their squares overflow float32 in the loss (or a layer overflows)
    with pytest.raises(NonFiniteLossError, match=r"at epoch \d+/50, batch \d+/4\. (The first non-finite output "
                                                 r"came from layer|Every layer's output is finite \(largest "
                                                 r"magnitude .*MSELoss\(\) itself overflowed).*Try a lower "
                                                 r"learning rate \(now 1e\+08\)"):
        fit(mlp(0), x * 100, y, loss="mse", optimizer="sgd", lr=1e8, epochs=50, batch_size=10, verbose=0,
            metrics=())


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_overflow_in_a_layer_with_finite_weights():
    model = nn.Sequential(nn.Linear(2, 3, rng=0), nn.ReLU(), nn.Linear(3, 1, rng=1))
    model.layers[0].weight.data[...] = 3e38                  # finite, but x @ W overflows float32
    located = first_non_finite_layer(model, np.ones((2, 2), dtype=np.float32))
    assert located == ("0", model.layers[0])


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_non_finite_inputs_are_reported():
    x, y = moons(20)
    x[13, 1] = np.inf
    # refused as bad data before the first epoch (zeronn.train.data_checks), naming x and the sample
    with pytest.raises(ValueError, match="fit: x holds 1 NaN or infinite value.*the first in sample 13"):
        fit(mlp(0), x, y, loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=1, batch_size=10, shuffle=False,
            verbose=0)


def test_non_finite_targets_are_reported():
    x, _ = moons(20)
    y = np.zeros((20, 2), dtype=np.float32)
    y[3, 0] = np.nan
    # refused as bad data before the loss is computed (zeronn._validation), or as a NaN loss
    with pytest.raises((ValueError, NonFiniteLossError), match="NaN"):
        fit(mlp(0), x, y, loss="mse", optimizer="sgd", lr=0.1, epochs=1, batch_size=10, shuffle=False, verbose=0,
            metrics=())


class _InfiniteLoss(Loss):
    def forward(self, prediction, target):
        return np.full(prediction.shape, np.inf, dtype=prediction.dtype)

    def backward_elements(self):
        raise AssertionError("never reached")


def test_loss_itself_overflowing_is_reported():
    x, y = moons(20)
    with pytest.raises(NonFiniteLossError, match="became infinite .*Every layer's output is finite \\(largest "
                                                 "magnitude .*\\), so _InfiniteLoss\\(\\) itself overflowed"):
        fit(mlp(0), x, y, loss=_InfiniteLoss(), optimizer="sgd", lr=0.1, epochs=1, verbose=0, metrics=())


def test_diagnosis_leaves_the_model_untouched():
    model = mlp(0, dropout=0.5)
    model.layers[0].weight.data[0, 0] = np.nan
    state = model.layers[2].rng.bit_generator.state
    located = first_non_finite_layer(model, np.ones((4, 2), dtype=np.float32))
    assert located == ("0", model.layers[0])
    assert model.layers[2].rng.bit_generator.state == state          # dropout masks drawn, then undone
    assert all("forward" not in vars(layer) for layer in model.modules())
    assert first_non_finite_layer(mlp(1), np.ones((4, 2), dtype=np.float32)) is None
