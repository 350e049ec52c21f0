"""Fused optimizer-update kernels against the update rules, step by step, in float64."""

import numpy as np
import pytest

from zeronn import kernels


def test_sgd_step(backend, rng):
    p, g = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    expected = p - 0.1 * g
    kernels.sgd_step(p, g, 0.1)
    np.testing.assert_allclose(p, expected, rtol=1e-15)


@pytest.mark.parametrize("nesterov, dampening", [(False, 0.0), (False, 0.3), (True, 0.0)])
def test_sgd_momentum_steps(backend, nesterov, dampening, rng):
    p, buf = rng.standard_normal(7), rng.standard_normal(7)
    p_ref, b_ref = p.copy(), buf.copy()
    for _ in range(3):
        g = rng.standard_normal(7)
        kernels.sgd_momentum_step(p, g, buf, 0.05, 0.9, dampening, nesterov)
        b_ref = 0.9 * b_ref + (1 - dampening) * g
        p_ref = p_ref - 0.05 * ((g + 0.9 * b_ref) if nesterov else b_ref)
    np.testing.assert_allclose(buf, b_ref, rtol=1e-14)
    np.testing.assert_allclose(p, p_ref, rtol=1e-14)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_steps(backend, amsgrad, rng):
    shape = (3, 5)
    p = rng.standard_normal(shape)
    m, v = np.zeros(shape), np.zeros(shape)
    v_max = np.zeros(shape) if amsgrad else None
    p_ref, m_ref, v_ref, vmax_ref = p.copy(), m.copy(), v.copy(), np.zeros(shape)
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    for t in range(1, 5):
        g = rng.standard_normal(shape)
        kernels.adam_step(p, g, m, v, lr, b1, b2, eps, t, v_max)
        m_ref = b1 * m_ref + (1 - b1) * g
        v_ref = b2 * v_ref + (1 - b2) * g * g
        vmax_ref = np.maximum(vmax_ref, v_ref)
        second = vmax_ref if amsgrad else v_ref
        p_ref = p_ref - lr * (m_ref / (1 - b1**t)) / (np.sqrt(second / (1 - b2**t)) + eps)
    np.testing.assert_allclose(p, p_ref, rtol=1e-13)
    np.testing.assert_allclose(m, m_ref, rtol=1e-14)
    np.testing.assert_allclose(v, v_ref, rtol=1e-14)


def test_float32_updates_stay_float32_and_in_place(backend, rng):
    p, g = rng.standard_normal(5).astype(np.float32), rng.standard_normal(5).astype(np.float32)
    same = p
    kernels.sgd_step(p, g, 0.1)
    assert p is same and p.dtype == np.float32
