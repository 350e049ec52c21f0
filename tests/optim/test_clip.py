"""Tests for zeronn.optim.clip."""

import math

import numpy as np
import pytest

from tests.torch_helpers import require_torch
from zeronn.nn import Linear, Parameter
from zeronn.optim import clip_grad_norm_, clip_grad_value_


def make_params_with_grads(seed=0, scale=1.0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = [Parameter(np.zeros(shape, dtype=dtype)) for shape in [(3, 4), (4,), (2, 5)]]
    for p in params:
        p.grad = (scale * rng.normal(size=p.data.shape)).astype(dtype)
    return params


def test_hand_worked_example():
    p = Parameter(np.zeros(2))
    p.grad = np.array([3.0, 4.0])
    total = clip_grad_norm_([p], max_norm=1.0)
    # norm = sqrt(9 + 16) = 5;  coef = 1 / (5 + 1e-6);  grad = [3, 4] * coef ~= [0.6, 0.8]
    assert total == 5.0
    np.testing.assert_allclose(p.grad, [3 / (5 + 1e-6), 4 / (5 + 1e-6)], rtol=1e-15)


def test_no_change_below_max_norm():
    params = make_params_with_grads()
    before = [p.grad.copy() for p in params]
    total = clip_grad_norm_(params, max_norm=1e6)
    assert isinstance(total, float)
    for p, g in zip(params, before):
        np.testing.assert_array_equal(p.grad, g)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, 3.0, 0.5, float("inf"), "inf"])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_matches_torch(norm_type, max_norm):
    torch = require_torch()
    params = make_params_with_grads(scale=3.0)
    tensors = [torch.zeros(p.data.shape, requires_grad=True) for p in params]
    for t, p in zip(tensors, params):
        t.grad = torch.from_numpy(p.grad.copy())
    expected = torch.nn.utils.clip_grad_norm_(tensors, max_norm, norm_type=norm_type)
    total = clip_grad_norm_(params, max_norm, norm_type=norm_type)
    np.testing.assert_allclose(total, expected.item(), rtol=1e-12)
    for p, t in zip(params, tensors):
        np.testing.assert_allclose(p.grad, t.grad.numpy(), rtol=1e-12)


def test_float32_stays_float32_and_matches_float64():
    params32 = make_params_with_grads(scale=3.0, dtype=np.float32)
    params64 = make_params_with_grads(scale=3.0, dtype=np.float32)
    for p in params64:
        p.grad = p.grad.astype(np.float64)
    total32 = clip_grad_norm_(params32, 1.0)
    total64 = clip_grad_norm_(params64, 1.0)
    assert math.isclose(total32, total64, rel_tol=1e-6)
    for p32, p64 in zip(params32, params64):
        assert p32.grad.dtype == np.float32
        np.testing.assert_allclose(p32.grad, p64.grad, rtol=1e-6)


def test_does_not_modify_the_gradient_array_in_place():
    p = Parameter(np.zeros(2))
    grad = np.array([3.0, 4.0])
    p.grad = grad
    clip_grad_norm_(p, 1.0)                                  # a single Parameter is accepted too
    np.testing.assert_array_equal(grad, [3.0, 4.0])
    p.grad = grad
    clip_grad_value_(p, 1.0)
    np.testing.assert_array_equal(grad, [3.0, 4.0])


def test_ignores_parameters_without_grad():
    model = Linear(3, 2)
    assert clip_grad_norm_(model.parameters(), 1.0) == 0.0
    model.bias.grad = np.array([0.0, 2.0], dtype=np.float32)
    assert clip_grad_norm_(model.parameters(), 1.0) == 2.0
    assert model.weight.grad is None


def test_non_finite_norm():
    p = Parameter(np.zeros(2))
    p.grad = np.array([np.inf, 1.0])
    with pytest.raises(RuntimeError, match="is inf, so it cannot be clipped; the loss probably diverged"):
        clip_grad_norm_([p], 1.0, error_if_nonfinite=True)
    assert clip_grad_norm_([p], 1.0) == math.inf


def test_clip_grad_value_matches_torch():
    torch = require_torch()
    params = make_params_with_grads(scale=3.0)
    tensors = [torch.zeros(p.data.shape, requires_grad=True) for p in params]
    for t, p in zip(tensors, params):
        t.grad = torch.from_numpy(p.grad.copy())
    torch.nn.utils.clip_grad_value_(tensors, 1.5)
    clip_grad_value_(params, 1.5)
    for p, t in zip(params, tensors):
        np.testing.assert_array_equal(p.grad, t.grad.numpy())
        assert np.abs(p.grad).max() <= 1.5


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda ps: clip_grad_norm_(ps, -1.0), ValueError, r"Invalid max_norm value: -1.0 \(expected a number >= 0\)"),
        (lambda ps: clip_grad_norm_(ps, 1.0, norm_type=0), ValueError, "Invalid norm_type value: 0"),
        (lambda ps: clip_grad_norm_(ps, 1.0, norm_type="two"), ValueError, "Invalid norm_type value: 'two'"),
        (lambda ps: clip_grad_norm_([np.ones(2)], 1.0), TypeError, "expected zeronn.nn.Parameter objects"),
        (lambda ps: clip_grad_value_(ps, -0.5), ValueError, "Invalid clip_value value: -0.5"),
    ],
)
def test_errors(call, error, message):
    with pytest.raises(error, match=message):
        call(make_params_with_grads())
