"""ReLU, column sums and softmax cross-entropy kernels against their definitions."""

import numpy as np
import pytest

from tests.kernels import reference
from zeronn import kernels


def _layouts(x):
    return {
        "c": x,
        "batch_last": np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2),
        "strided": np.repeat(x, 2, axis=3)[..., ::2],
    }


@pytest.mark.parametrize("layout", ["c", "batch_last", "strided"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_relu_forward_and_backward(backend, layout, dtype, rng):
    x = _layouts(rng.standard_normal((3, 2, 4, 5)).astype(dtype))[layout]
    x[0, 0, 0, 0] = 0.0                                                    # the kink: derivative 0
    y = kernels.relu_forward(x)
    assert y.dtype == dtype and y.shape == x.shape
    expected = np.array([v if v > 0 else 0.0 for v in x.ravel()]).reshape(x.shape)     # max(x, 0), one by one
    np.testing.assert_array_equal(y, expected)
    assert not np.signbit(y).any()                                         # no -0.0
    g = _layouts(rng.standard_normal(x.shape).astype(dtype))[layout]
    np.testing.assert_array_equal(kernels.relu_backward(y, g), np.where(x > 0, g, 0.0))


def test_relu_keeps_the_batch_last_layout(backend, rng):
    x = _layouts(rng.standard_normal((3, 2, 4, 5)))["batch_last"]
    assert kernels.relu_forward(x).strides == x.strides


def test_relu_passes_nan_through(backend):
    assert np.isnan(kernels.relu_forward(np.array([np.nan, -1.0, 2.0]))[0])


@pytest.mark.parametrize("shape", [(1, 1), (7, 3), (128, 10), (0, 4)])
def test_column_sum(backend, shape, rng):
    g = rng.standard_normal(shape)
    expected = [sum(g[n, k] for n in range(shape[0])) for k in range(shape[1])]
    np.testing.assert_allclose(kernels.column_sum(g), expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("shape", [(1, 1), (5, 3), (64, 10)])
def test_softmax_cross_entropy(backend, shape, rng):
    x = rng.standard_normal(shape) * 30                                    # large scores: needs the max shift
    t = rng.integers(0, shape[1], shape[0])
    losses, probs = kernels.softmax_cross_entropy(x, t)
    ref_losses, ref_probs = reference.softmax_cross_entropy(x, t)
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(probs, ref_probs, rtol=1e-10, atol=1e-300)
    grad = kernels.softmax_cross_entropy_backward(probs, t, 0.5)
    onehot = np.eye(shape[1])[t]
    np.testing.assert_allclose(grad, 0.5 * (ref_probs - onehot), rtol=1e-10, atol=1e-12)


def test_softmax_cross_entropy_hand_worked(backend):
    # logits [0, ln 3], class 1: p = [1/4, 3/4], l = -ln(3/4) = 0.2877, gradient [0.25, -0.25]
    losses, probs = kernels.softmax_cross_entropy(np.array([[0.0, np.log(3.0)]]), np.array([1]))
    np.testing.assert_allclose(probs, [[0.25, 0.75]])
    np.testing.assert_allclose(losses, [-np.log(0.75)])
    np.testing.assert_allclose(kernels.softmax_cross_entropy_backward(probs, np.array([1]), 1.0), [[0.25, -0.25]])
