"""im2col, col2im and the long product, against plain loops, on many random configurations."""

import numpy as np
import pytest

from tests.kernels import reference
from zeronn import kernels


def _configurations(count, seed=0):
    """Random (x shape, kernel, stride, pads, dilation) that give at least one output pixel."""
    rng = np.random.default_rng(seed)
    found = []
    while len(found) < count:
        kernel = tuple(int(k) for k in rng.integers(1, 4, 2))
        stride = tuple(int(s) for s in rng.integers(1, 4, 2))
        dilation = tuple(int(d) for d in rng.integers(1, 3, 2))
        pads = tuple(int(p) for p in rng.integers(0, 3, 4))            # asymmetric, as padding="same" makes
        shape = (int(rng.integers(1, 4)), int(rng.integers(1, 4)), int(rng.integers(3, 8)), int(rng.integers(3, 8)))
        reach = [d * (k - 1) + 1 for k, d in zip(kernel, dilation)]
        if shape[2] + pads[0] + pads[1] >= reach[0] and shape[3] + pads[2] + pads[3] >= reach[1]:
            found.append((shape, kernel, stride, pads, dilation))
    return found


@pytest.mark.parametrize("config", _configurations(30))
def test_im2col_and_col2im_match_loops(backend, config, rng):
    shape, kernel, stride, pads, dilation = config
    x = rng.standard_normal(shape)
    cols = kernels.im2col(x, kernel, stride, pads, dilation)
    np.testing.assert_array_equal(cols, reference.im2col(x, kernel, stride, pads, dilation))
    dcols = rng.standard_normal(cols.shape)
    dx = kernels.col2im(dcols, shape, kernel, stride, pads, dilation)
    np.testing.assert_allclose(dx, reference.col2im(dcols, shape, kernel, stride, pads, dilation), rtol=1e-12,
                               atol=1e-12)


def test_im2col_reads_any_memory_layout_and_converts_dtype(backend, rng):
    x = rng.standard_normal((3, 2, 5, 6))
    batch_last = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    expected = reference.im2col(x, (3, 2), (1, 2), (1, 0, 2, 1), (1, 1))
    got = kernels.im2col(batch_last, (3, 2), (1, 2), (1, 0, 2, 1), (1, 1), dtype=np.float32)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_col2im_is_the_adjoint_of_im2col(backend, rng):
    # <im2col(x), c> = <x, col2im(c)> for every x and c
    shape, kernel, stride, pads, dilation = (2, 3, 6, 7), (3, 2), (2, 1), (1, 2, 0, 1), (1, 2)
    x = rng.standard_normal(shape)
    cols = kernels.im2col(x, kernel, stride, pads, dilation)
    c = rng.standard_normal(cols.shape)
    left = float(np.sum(cols * c))
    right = float(np.sum(x * kernels.col2im(c, shape, kernel, stride, pads, dilation)))
    assert left == pytest.approx(right, rel=1e-12)


def test_empty_batch(backend):
    cols = kernels.im2col(np.zeros((0, 2, 5, 5)), (3, 3), (1, 1), (0, 0, 0, 0), (1, 1))
    assert cols.shape == (18, 0)
    assert kernels.col2im(cols, (0, 2, 5, 5), (3, 3), (1, 1), (0, 0, 0, 0), (1, 1)).shape == (0, 2, 5, 5)


@pytest.mark.parametrize("shape", [(3, 4, 10), (5, 7, 5000), (2, 3, 0)])
def test_matmul_transposed_is_a_times_b_transposed(backend, shape, rng):
    m, k, length = shape
    a, b = rng.standard_normal((m, length)), rng.standard_normal((k, length))
    np.testing.assert_allclose(kernels.matmul_transposed(a, b), a @ b.T, rtol=1e-10, atol=1e-10)


def test_output_size_formula():
    # floor((H + 2p - d*(k - 1) - 1) / s) + 1: 28 + 0 - 4 - 1 = 23, // 1 + 1 = 24
    assert kernels.output_size(28, 5, 1, 0) == 24
    assert kernels.output_size(7, 3, 2, 2, dilation=2) == 3
