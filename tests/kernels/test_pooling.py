"""Max and average pooling kernels against plain loops: random shapes, strides, padding, ties, NaN."""

import numpy as np
import pytest

from tests.kernels import reference
from zeronn import kernels


def _configurations(count, seed=1):
    """Random (x shape, kernel, stride, pad) with pad <= kernel / 2 and at least one window."""
    rng = np.random.default_rng(seed)
    found = []
    while len(found) < count:
        kernel = tuple(int(k) for k in rng.integers(1, 4, 2))
        stride = tuple(int(s) for s in rng.integers(1, 4, 2))
        pad = tuple(int(rng.integers(0, k // 2 + 1)) for k in kernel)
        shape = (int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(2, 8)), int(rng.integers(2, 8)))
        if all(size + 2 * p >= k for size, p, k in zip(shape[2:], pad, kernel)):
            found.append((shape, kernel, stride, pad))
    return found


def _layouts(x):
    """x in C order and as a view of batch-last memory (what a convolution returns)."""
    return {"c": x, "batch_last": np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)}


@pytest.mark.parametrize("layout", ["c", "batch_last"])
@pytest.mark.parametrize("config", _configurations(25))
def test_maxpool_matches_loops_with_ties(backend, config, layout, rng):
    shape, kernel, stride, pad = config
    x = rng.integers(-2, 3, size=shape).astype(np.float64)                 # few values: many ties
    x = _layouts(x)[layout]
    y, argmax = kernels.maxpool2d_forward(x, kernel, stride, pad)
    y_ref, argmax_ref = reference.maxpool_forward(x, kernel, stride, pad)
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(argmax, argmax_ref)
    g = _layouts(rng.standard_normal(y.shape))[layout]
    dx = kernels.maxpool2d_backward(g, argmax, shape, kernel, stride, pad)
    np.testing.assert_allclose(dx, reference.maxpool_backward(g, argmax_ref, shape, kernel, stride, pad),
                               rtol=1e-12, atol=1e-12)


def test_maxpool_gradient_of_a_c_ordered_gradient_into_batch_last_argmax(backend, rng):
    # the gradient from a Linear after Flatten is C-ordered while the pooling saw a conv's batch-last output
    x = _layouts(rng.standard_normal((3, 2, 6, 6)))["batch_last"]
    y, argmax = kernels.maxpool2d_forward(x, (2, 2), (2, 2), (0, 0))
    g = rng.standard_normal(y.shape)
    dx = kernels.maxpool2d_backward(g, argmax, x.shape, (2, 2), (2, 2), (0, 0))
    np.testing.assert_array_equal(dx, reference.maxpool_backward(g, argmax, x.shape, (2, 2), (2, 2), (0, 0)))


def test_maxpool_nan_takes_the_output_and_the_gradient(backend):
    x = np.array([[[[1.0, np.nan], [np.nan, 0.0]]]])
    y, argmax = kernels.maxpool2d_forward(x, (2, 2), (2, 2), (0, 0))
    assert np.isnan(y[0, 0, 0, 0]) and argmax[0, 0, 0, 0] == 2          # the last NaN, as in PyTorch
    dx = kernels.maxpool2d_backward(np.ones((1, 1, 1, 1)), argmax, x.shape, (2, 2), (2, 2), (0, 0))
    np.testing.assert_array_equal(dx, [[[[0.0, 0.0], [1.0, 0.0]]]])


def test_maxpool_float32_and_empty_batch(backend, rng):
    x = rng.standard_normal((2, 3, 4, 4)).astype(np.float32)
    y, argmax = kernels.maxpool2d_forward(x, (2, 2), (2, 2), (0, 0))
    assert y.dtype == np.float32 and argmax.dtype == np.uint8
    y0, argmax0 = kernels.maxpool2d_forward(x[:0], (2, 2), (2, 2), (0, 0))
    assert y0.shape == (0, 3, 2, 2)
    assert kernels.maxpool2d_backward(y0, argmax0, (0, 3, 4, 4), (2, 2), (2, 2), (0, 0)).shape == (0, 3, 4, 4)


@pytest.mark.parametrize("config", _configurations(20, seed=2))
def test_avgpool_matches_loops(backend, config, rng):
    shape, kernel, stride, pad = config
    x = rng.standard_normal(shape)
    ho = reference.out_size(shape[2], kernel[0], stride[0], 2 * pad[0])
    wo = reference.out_size(shape[3], kernel[1], stride[1], 2 * pad[1])
    for divisor in (np.asarray(float(kernel[0] * kernel[1])), rng.integers(1, 5, (ho, wo)).astype(np.float64)):
        y = kernels.avgpool2d_forward(x, kernel, stride, pad, divisor)
        np.testing.assert_allclose(y, reference.avgpool_forward(x, kernel, stride, pad, divisor), rtol=1e-12)
        g = rng.standard_normal(y.shape)
        np.testing.assert_allclose(kernels.avgpool2d_backward(g, shape, kernel, stride, pad, divisor),
                                   reference.avgpool_backward(g, shape, kernel, stride, pad, divisor),
                                   rtol=1e-12, atol=1e-12)
