"""Tests for zeronn.nn._im2col (the private helpers behind Conv2d and pooling)."""

import numpy as np
import pytest

from zeronn.nn._im2col import col2im, im2col, matmul_transposed, output_size


@pytest.mark.parametrize("size, kernel, stride, pad_total, dilation, expected", [
    (28, 5, 1, 0, 1, 24),
    (28, 5, 1, 4, 1, 28),
    (7, 3, 2, 2, 1, 4),
    (7, 3, 1, 0, 2, 3),      # reach d*(k-1)+1 = 5
    (5, 2, 2, 0, 1, 2),      # the last row is left over
])
def test_output_size(size, kernel, stride, pad_total, dilation, expected):
    assert output_size(size, kernel, stride, pad_total, dilation) == expected


def test_im2col_copies_each_window(rng):
    xp = rng.normal(size=(2, 6, 7, 3))                                    # (C, Hp, Wp, N)
    kernel, stride, dilation = (2, 3), (2, 1), (1, 2)
    ho, wo = output_size(6, 2, 2, 0, 1), output_size(7, 3, 1, 0, 2)
    cols = im2col(xp, np.empty((2, 2, 3, ho, wo, 3)), kernel, stride, dilation)
    c, i, j, r, q, n = 1, 1, 2, 1, 2, 0
    assert cols[c, i, j, r, q, n] == xp[c, r * 2 + i * 1, q * 1 + j * 2, n]
    expected = np.stack([xp[:, r * 2:r * 2 + 2, q:q + 5:2] for r in range(ho) for q in range(wo)], axis=3)
    np.testing.assert_array_equal(cols.reshape(2, 2, 3, ho * wo, 3), expected)


def test_col2im_is_the_adjoint_of_im2col(rng):
    """<im2col(x), c> == <x, col2im(c)> for any x and c: col2im is im2col's transpose."""
    kernel, stride, dilation = (3, 2), (2, 1), (1, 2)
    x = rng.normal(size=(2, 7, 8, 3))
    ho, wo = output_size(7, 3, 2, 0, 1), output_size(8, 2, 1, 0, 2)
    c = rng.normal(size=(2, 3, 2, ho, wo, 3))
    left = np.sum(im2col(x, np.empty_like(c), kernel, stride, dilation) * c)
    right = np.sum(x * col2im(c, np.zeros_like(x), kernel, stride, dilation))
    assert np.isclose(left, right, rtol=1e-12)


@pytest.mark.parametrize("length", [10, 5000, 20_001])
def test_matmul_transposed_in_pieces_equals_one_product(length, rng):
    a = rng.normal(size=(30, length))
    b = rng.normal(size=(26, length))
    np.testing.assert_allclose(matmul_transposed(a, b), a @ b.T, rtol=1e-10, atol=1e-9)
