"""Tests for zeronn.nn.linear."""

import numpy as np
import pytest

from tests.torch_helpers import assert_close, require_torch, torch_forward_backward
from zeronn.nn import Linear, Sequential
from zeronn.testing import check_layer


@pytest.mark.parametrize("bias", [True, False])
def test_passes_layer_checks(bias):
    check_layer(Linear(3, 4, bias=bias), (5, 3), expected_output_shape=(5, 4), bad_shape=(5, 7))


def test_accepts_extra_leading_axes():
    check_layer(Linear(3, 2), (2, 5, 3), expected_output_shape=(2, 5, 2))


def test_hand_worked_example():
    layer = Linear(2, 1)
    layer.weight.data[:] = [[2.0], [3.0]]
    layer.bias.data[:] = [1.0]
    x = np.array([[1.0, 1.0], [0.5, -1.0]])
    # row 0: 1*2 + 1*3 + 1 = 6;   row 1: 0.5*2 - 1*3 + 1 = -1
    np.testing.assert_allclose(layer(x), [[6.0], [-1.0]])
    dx = layer.backward(np.array([[1.0], [2.0]]))
    # dW = x.T @ g = [[1*1 + 0.5*2], [1*1 - 1*2]] = [[2], [-1]];  db = 1 + 2 = 3;  dx = g @ W.T
    np.testing.assert_allclose(layer.weight.grad, [[2.0], [-1.0]])
    np.testing.assert_allclose(layer.bias.grad, [3.0])
    np.testing.assert_allclose(dx, [[2.0, 3.0], [4.0, 6.0]])


def test_error_message_names_layer_and_shapes():
    with pytest.raises(ValueError, match=r"Linear\(3 -> 4\) expects input of shape \(batch, 3\), got \(4, 5\)"):
        Linear(3, 4)(np.zeros((4, 5)))


@pytest.mark.parametrize("args", [(0, 4), (3, -1), (2.5, 3), (True, 3)])
def test_rejects_bad_sizes(args):
    with pytest.raises(ValueError, match="must be a positive integer"):
        Linear(*args)


def test_gradients_accumulate_until_zero_grad(rng):
    layer = Linear(3, 2, dtype=np.float64)
    x = rng.normal(size=(4, 3))
    g = rng.normal(size=(4, 2))
    layer(x)
    layer.backward(g)
    first = layer.weight.grad.copy()
    layer.backward(g)
    np.testing.assert_allclose(layer.weight.grad, 2 * first)
    layer.zero_grad()
    assert layer.weight.grad is None


def test_first_layer_of_a_model_skips_its_input_gradient(rng):
    model = Sequential(Linear(3, 2))
    model(rng.normal(size=(4, 3)).astype(np.float32))
    assert model.backward(np.ones((4, 2), np.float32)) is None
    assert model[0].weight.grad is not None


def test_backward_parameters_fills_the_same_gradients_as_backward(rng):
    x, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    full, params_only = Linear(3, 2, dtype=np.float64), Linear(3, 2, dtype=np.float64)
    params_only.load_state_dict(full.state_dict())
    full(x)
    full.backward(g)
    params_only(x)
    assert params_only.backward_parameters(g) is None
    np.testing.assert_array_equal(params_only.weight.grad, full.weight.grad)
    np.testing.assert_array_equal(params_only.bias.grad, full.bias.grad)


def test_a_gradient_someone_keeps_is_never_overwritten(rng):
    layer, x, g = Linear(3, 2), rng.normal(size=(4, 3)).astype(np.float32), np.ones((4, 2), np.float32)
    layer(x)
    layer.backward(g)
    kept = layer.weight.grad                                 # a user keeps last step's gradient
    expected = kept.copy()
    layer.zero_grad()
    layer(2 * x)
    layer.backward(g)
    np.testing.assert_array_equal(kept, expected)
    np.testing.assert_allclose(layer.weight.grad, 2 * x.T @ g, rtol=1e-6)


def test_float32_stays_float32(rng):
    layer = Linear(3, 2)
    y = layer(rng.normal(size=(4, 3)).astype(np.float32))
    dx = layer.backward(np.ones_like(y))
    assert layer.weight.dtype == y.dtype == dx.dtype == layer.weight.grad.dtype == np.float32


def test_same_seed_same_weights():
    a, b = Linear(5, 3, rng=7), Linear(5, 3, rng=7)
    assert np.array_equal(a.weight.data, b.weight.data) and np.array_equal(a.bias.data, b.bias.data)


def test_default_init_bound_matches_pytorch():
    layer = Linear(100, 50, rng=0)
    bound = 1 / np.sqrt(100)
    assert np.abs(layer.weight.data).max() <= bound and np.abs(layer.weight.data).max() > 0.9 * bound


def test_matches_torch(rng):
    torch = require_torch()
    layer = Linear(6, 4, dtype=np.float64)
    reference = torch.nn.Linear(6, 4).double()
    with torch.no_grad():
        reference.weight.copy_(torch.from_numpy(layer.weight.data.T))
        reference.bias.copy_(torch.from_numpy(layer.bias.data))
    x = rng.normal(size=(5, 6))
    g = rng.normal(size=(5, 4))
    yt, dxt = torch_forward_backward(reference, x, g)
    assert_close(layer(x), yt)
    dx = layer.backward(g)
    assert_close(dx, dxt)
    assert_close(layer.weight.grad, reference.weight.grad.T)
    assert_close(layer.bias.grad, reference.bias.grad)
