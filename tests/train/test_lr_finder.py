"""Tests for zeronn.train.lr_finder: the range test, its suggestion, and the bit-exact restore."""

import os

import numpy as np
import pytest

import zeronn
from tests.train.helpers import mlp, moons, same_bits
from zeronn import nn, optim
from zeronn.train.lr_finder import DIVERGENCE_FACTOR, LRFinderResult, lr_find, valley


def test_learning_rates_grow_exponentially_as_fastai_does():
    x, y = moons()
    result = lr_find(mlp(), x, y, loss="cross_entropy", start_lr=1e-4, end_lr=1.0, num_steps=20, seed=0)
    expected = [1e-4 * (1.0 / 1e-4) ** (i / 20) for i in range(len(result.lrs))]
    assert result.lrs == pytest.approx(expected, rel=1e-12)
    assert len(result.losses) == len(result.raw_losses) == len(result.lrs)
    assert result.lrs[0] < result.suggestion < result.lrs[-1]


def test_losses_are_smoothed_and_debiased():
    x, y = moons()
    result = lr_find(mlp(), x, y, loss="cross_entropy", num_steps=30, seed=0)
    average, smoothed = 0.0, []
    for step, value in enumerate(result.raw_losses):
        average = 0.98 * average + 0.02 * value
        smoothed.append(average / (1 - 0.98 ** (step + 1)))
    assert result.losses == pytest.approx(smoothed)
    assert result.losses[0] == pytest.approx(result.raw_losses[0])          # debiased: no pull towards 0


def test_stops_when_the_loss_blows_up():
    x, y = moons()
    result = lr_find(mlp(), x, y, loss="cross_entropy", end_lr=1e4, num_steps=100, seed=0)
    assert result.stopped_early and len(result.lrs) < 100
    last = result.losses[-1]
    assert not np.isfinite(last) or last > DIVERGENCE_FACTOR * min(result.losses[:-1])


def test_model_and_optimizer_are_restored_bit_for_bit():
    x, y = moons()
    model = mlp(dropout=0.2)
    opt = optim.Adam(model.parameters(), lr=0.003)
    zeronn.fit(model, x, y, loss="cross_entropy", optimizer=opt, epochs=1, verbose=0, seed=0)   # state to keep
    weights = [p.data.copy() for p in model.parameters()]
    grads = [p.grad.copy() for p in model.parameters()]
    state = opt.state_dict()
    rng_state = zeronn.random.global_rng().bit_generator.state
    model.eval()
    lr_find(model, x, y, loss="cross_entropy", optimizer=opt, num_steps=40, seed=0)
    assert same_bits(model, weights)
    assert all(np.array_equal(p.grad, g) for p, g in zip(model.parameters(), grads))
    assert not model.training
    after = opt.state_dict()
    assert after["param_groups"] == state["param_groups"]
    for key, entry in state["state"].items():
        for name, value in entry.items():
            assert np.array_equal(after["state"][key][name], value)
    assert zeronn.random.global_rng().bit_generator.state == rng_state


def test_same_seed_same_curve():
    x, y = moons()
    a = lr_find(mlp(), x, y, loss="cross_entropy", num_steps=25, seed=3)
    b = lr_find(mlp(), x, y, loss="cross_entropy", num_steps=25, seed=3)
    assert a.raw_losses == b.raw_losses and a.suggestion == b.suggestion


def test_valley_by_hand():
    # losses fall over indices 0..7 (a decreasing run of length 8 ending at 7), then rise.
    # fastai's arithmetic: start = 7 - 8 = -1, a third of 7 - (-1) = 8 is 2.67 and its half 1.33:
    # index -1 + 2 + 1 = 2
    losses = [5.0, 4.0, 3.5, 3.0, 2.0, 1.5, 1.2, 1.0, 3.0, 9.0]
    assert valley(list(range(10)), losses) == 2
    # the longest decrease need not be contiguous: 9, 8, 7 and 6.5, 6 (length 5, ending at index 6)
    assert valley(list(range(8)), [9.0, 8.0, 8.5, 7.0, 7.5, 6.5, 6.0, 10.0]) == 1 + 1 + 0


def test_short_runs_fall_back_to_min_over_ten():
    x, y = moons()
    result = lr_find(mlp(), x, y, loss="cross_entropy", num_steps=6, seed=0)
    assert result.method == "min/10"


def test_errors():
    x, y = moons()
    with pytest.raises(ValueError, match="end_lr"):
        lr_find(mlp(), x, y, loss="cross_entropy", start_lr=1.0, end_lr=0.1)
    with pytest.raises(ValueError, match="num_steps"):
        lr_find(mlp(), x, y, loss="cross_entropy", num_steps=1)
    with pytest.raises(ValueError, match="200 samples, y has 10"):
        lr_find(mlp(), x, y[:10], loss="cross_entropy")
    with pytest.raises(TypeError, match="zeronn Layer"):
        lr_find("model", x, y, loss="cross_entropy")


def test_result_to_dict_and_repr():
    x, y = moons()
    result = lr_find(mlp(), x, y, loss="cross_entropy", num_steps=30, seed=0)
    assert isinstance(result, LRFinderResult)
    assert result.to_dict()["suggestion"] == result.suggestion
    assert "suggestion=" in repr(result)
    assert zeronn.lr_find is lr_find


@pytest.mark.slow
@pytest.mark.data
def test_suggestion_trains_the_mnist_mlp_to_95_percent_in_one_epoch():
    datasets = pytest.importorskip("zeronn.datasets")
    if not os.environ.get("ZERONN_DATA"):
        pytest.skip("set ZERONN_DATA to the folder holding mnist/ to run this test")
    try:
        (x, y), (x_test, y_test) = datasets.load_mnist(download=False)
    except (OSError, ValueError) as error:
        pytest.skip(f"MNIST not available: {error}")
    x = x.reshape(len(x), -1).astype(np.float32) / 255                   # (60000, 784)
    x_test = x_test.reshape(len(x_test), -1).astype(np.float32) / 255
    zeronn.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = optim.Adam(model.parameters())
    result = lr_find(model, x, y.astype(np.int64), loss="cross_entropy", optimizer=opt, batch_size=64, seed=0)
    for group in opt.param_groups:
        group["lr"] = result.suggestion
    zeronn.fit(model, x, y.astype(np.int64), loss="cross_entropy", optimizer=opt, epochs=1, batch_size=32,
               verbose=0, seed=0)
    accuracy = float((zeronn.predict(model, x_test).argmax(axis=1) == y_test).mean())
    assert accuracy >= 0.95, f"lr {result.suggestion:.3g} gave {accuracy:.4f}"
