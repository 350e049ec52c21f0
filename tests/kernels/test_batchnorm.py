"""Batch-norm kernels against the per-channel formulas."""

import numpy as np
import pytest

from zeronn import kernels


@pytest.mark.parametrize("shape", [(2, 3, 1), (5, 2, 7), (1, 4, 9)])
def test_statistics_and_backward(backend, shape, rng):
    x = rng.standard_normal(shape) * 3 + 1
    mean, var = kernels.batchnorm_statistics(x)
    for c in range(shape[1]):
        values = x[:, c, :].ravel()
        m = sum(values) / len(values)
        assert mean[c] == pytest.approx(m, rel=1e-12)
        assert var[c] == pytest.approx(sum((v - m) ** 2 for v in values) / len(values), rel=1e-12)
    xhat = (x - mean[:, None]) / np.sqrt(var[:, None] + 1e-5)
    g = rng.standard_normal(shape)
    scale = rng.standard_normal(shape[1])
    dx, dgamma, dbeta = kernels.batchnorm_backward(g, xhat, scale)
    n = shape[0] * shape[2]
    for c in range(shape[1]):
        gc, hc = g[:, c, :], xhat[:, c, :]
        assert dbeta[c] == pytest.approx(gc.sum(), rel=1e-12)
        assert dgamma[c] == pytest.approx((gc * hc).sum(), rel=1e-12)
        expected = scale[c] / n * (n * gc - gc.sum() - hc * (gc * hc).sum())
        np.testing.assert_allclose(dx[:, c, :], expected, rtol=1e-10, atol=1e-12)
