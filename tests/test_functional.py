"""Tests for zeronn.functional: values, stability, dtypes, erf accuracy, PyTorch parity."""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.torch_helpers import assert_close, require_torch
from zeronn import functional as F

ELEMENTWISE = {
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
    "elu": F.elu,
    "selu": F.selu,
    "gelu": F.gelu,
    "gelu_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
    "softplus": F.softplus,
    "softplus_beta": lambda x: F.softplus(x, beta=2.0, threshold=5.0),
}
ALONG_AXIS = {"softmax": F.softmax, "log_softmax": F.log_softmax, "logsumexp": F.logsumexp}
ALL = {**ELEMENTWISE, **ALONG_AXIS}


def torch_reference(torch, name):
    """The PyTorch function matching each entry of ALL."""
    tf = torch.nn.functional
    return {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": tf.relu,
        "leaky_relu": tf.leaky_relu,
        "elu": tf.elu,
        "selu": tf.selu,
        "gelu": tf.gelu,
        "gelu_tanh": lambda x: tf.gelu(x, approximate="tanh"),
        "silu": tf.silu,
        "softplus": tf.softplus,
        "softplus_beta": lambda x: tf.softplus(x, beta=2.0, threshold=5.0),
        "softmax": lambda x: torch.softmax(x, -1),
        "log_softmax": lambda x: torch.log_softmax(x, -1),
        "logsumexp": lambda x: torch.logsumexp(x, -1),
    }[name]


# ---------------------------------------------------------------------- hand-worked values
def test_hand_worked_values():
    # sigmoid(0) = 1 / (1 + e^0) = 1/2;  sigmoid(ln 3) = 1 / (1 + 1/3) = 3/4
    np.testing.assert_allclose(F.sigmoid(np.array([0.0, np.log(3.0)])), [0.5, 0.75], rtol=1e-15)
    # softmax([0, ln 3]) = [1, 3] / (1 + 3) = [0.25, 0.75];  log_softmax = log of that
    np.testing.assert_allclose(F.softmax(np.array([0.0, np.log(3.0)])), [0.25, 0.75], rtol=1e-15)
    np.testing.assert_allclose(F.log_softmax(np.array([0.0, np.log(3.0)])), np.log([0.25, 0.75]), rtol=1e-15)
    # logsumexp([0, ln 3]) = log(1 + 3) = ln 4
    np.testing.assert_allclose(F.logsumexp(np.array([0.0, np.log(3.0)])), np.log(4.0), rtol=1e-15)
    # relu: max(x, 0);  leaky_relu with slope 0.1: -2 -> -0.2
    np.testing.assert_array_equal(F.relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(F.leaky_relu(np.array([-2.0, 3.0]), 0.1), [-0.2, 3.0])
    # elu(-ln 2) = exp(-ln 2) - 1 = 1/2 - 1 = -1/2;  with alpha = 2: -1
    np.testing.assert_allclose(F.elu(np.array([-np.log(2.0), 1.5]), alpha=2.0), [-1.0, 1.5])
    # tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 3/5
    np.testing.assert_allclose(F.tanh(np.array([np.log(2.0)])), [0.6])
    # softplus(0) = log(1 + 1) = ln 2;  silu(ln 3) = ln 3 * 3/4;  gelu(0) = 0;  gelu(x) -> x for large x
    np.testing.assert_allclose(F.softplus(np.array([0.0])), [np.log(2.0)])
    np.testing.assert_allclose(F.silu(np.array([np.log(3.0)])), [0.75 * np.log(3.0)])
    np.testing.assert_allclose(F.gelu(np.array([0.0, 10.0])), [0.0, 10.0])
    # gelu(1) = 1 * Phi(1) = 0.8413447460685429 (standard normal CDF at 1)
    np.testing.assert_allclose(F.gelu(np.array([1.0])), [0.8413447460685429], rtol=1e-15)
    # selu(1) = scale;  selu(x) -> -scale * alpha as x -> -inf
    np.testing.assert_allclose(F.selu(np.array([1.0, -50.0])), [F.SELU_SCALE, -F.SELU_SCALE * F.SELU_ALPHA])


def test_softmax_works_along_the_requested_axis():
    x = np.array([[0.0, 0.0], [np.log(3.0), 0.0]])
    # columns: [0, ln 3] -> [1/4, 3/4] and [0, 0] -> [1/2, 1/2]
    np.testing.assert_allclose(F.softmax(x, axis=0), [[0.25, 0.5], [0.75, 0.5]])
    np.testing.assert_allclose(np.exp(F.log_softmax(x, axis=0)), F.softmax(x, axis=0))


def test_sigmoid_keeps_relative_precision_for_large_negative_inputs():
    # sigmoid(-40) = exp(-40) / (1 + exp(-40)); the naive 1 - sigmoid(40) would give 0
    assert F.sigmoid(np.array([-40.0]))[0] == pytest.approx(math.exp(-40) / (1 + math.exp(-40)), rel=1e-15)


# ---------------------------------------------------------------------- stability and dtypes
@pytest.mark.parametrize("name", sorted(ALL))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_no_overflow_or_invalid_warnings_at_plus_minus_1000(name, dtype):
    x = np.array([[-1000.0, -100.0, -1.0, 0.0, 1.0, 100.0, 1000.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            y = ALL[name](x)
    assert np.all(np.isfinite(y)), f"{name} gave {y}"


def test_extreme_values_are_right():
    x = np.array([-1000.0, 1000.0])
    np.testing.assert_array_equal(F.sigmoid(x), [0.0, 1.0])
    np.testing.assert_array_equal(F.softplus(x), [0.0, 1000.0])
    np.testing.assert_array_equal(F.gelu(x), [-0.0, 1000.0])
    np.testing.assert_array_equal(F.silu(x), [-0.0, 1000.0])
    np.testing.assert_array_equal(F.elu(x), [-1.0, 1000.0])
    np.testing.assert_allclose(F.softmax(x), [0.0, 1.0])
    np.testing.assert_allclose(F.log_softmax(x), [-2000.0, 0.0])


@pytest.mark.parametrize("name", sorted(ALL))
def test_float32_in_float32_out(name):
    x = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    assert ALL[name](x).dtype == np.float32


def test_integer_inputs_give_floats():
    assert F.sigmoid(np.array([0, 1])).dtype == np.float64
    assert F.softmax(np.array([1, 2])).dtype == np.float64


def test_unknown_gelu_approximation_lists_the_choices():
    with pytest.raises(ValueError, match="Unknown GELU approximation 'tan'; valid choices are: none, tanh"):
        F.gelu(np.zeros(2), approximate="tan")


# ---------------------------------------------------------------------- erf
def test_erf_and_erfc_match_math_to_float64_precision():
    x = np.concatenate([np.linspace(-8, 8, 16001), np.geomspace(1e-300, 0.5, 300), -np.geomspace(1e-300, 0.5, 300)])
    ref_erf = np.array([math.erf(v) for v in x])
    ref_erfc = np.array([math.erfc(v) for v in x])
    # measured: worst relative error 4.5e-16 (erf) and 8.1e-16 (erfc, over 1e-300 < erfc); 4 and 6 ulps
    rel_erf = np.abs(F.erf(x) - ref_erf) / np.abs(ref_erf).clip(1e-300)
    rel_erfc = np.abs(F.erfc(x) - ref_erfc) / ref_erfc
    assert rel_erf.max() < 1e-15
    assert rel_erfc.max() < 2e-15


def test_erfc_keeps_precision_in_the_far_tail():
    x = np.array([5.0, 10.0, 20.0, 26.0])
    ref = np.array([math.erfc(v) for v in x])              # down to 5.7e-296
    np.testing.assert_allclose(F.erfc(x), ref, rtol=2e-15)
    # beyond the float64 range the answer is 0 (erfc) or exactly +-1 (erf), infinities included
    np.testing.assert_array_equal(F.erfc(np.array([30.0, 1000.0, np.inf, -np.inf])), [0.0, 0.0, 0.0, 2.0])
    np.testing.assert_array_equal(F.erf(np.array([-np.inf, -30.0, 0.0, 30.0, np.inf])), [-1.0, -1.0, 0.0, 1.0, 1.0])


def test_erf_hand_worked_and_float32():
    # erf(0) = 0, odd function, erf(1) = 0.8427007929497149 (tables)
    np.testing.assert_allclose(F.erf(np.array([0.0, 1.0, -1.0])), [0.0, 0.8427007929497149, -0.8427007929497149],
                               rtol=1e-15)
    x = np.linspace(-5, 5, 101, dtype=np.float32)
    assert F.erf(x).dtype == np.float32
    np.testing.assert_allclose(F.erf(x), [math.erf(v) for v in x.astype(np.float64)], rtol=1e-6, atol=1e-7)


# ---------------------------------------------------------------------- properties
finite_rows = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=6),
    elements=st.floats(-1000, 1000, allow_nan=False),
)


@settings(max_examples=60, deadline=None)
@given(finite_rows)
def test_softmax_is_a_distribution_and_matches_log_softmax(x):
    p = F.softmax(x)
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    log_p = F.log_softmax(x)
    assert np.all(log_p <= 0)
    np.testing.assert_allclose(np.exp(log_p), p, rtol=1e-9, atol=1e-300)
    np.testing.assert_allclose(F.softmax(x + 7.5), p, rtol=1e-9, atol=1e-300)   # shift invariance


@settings(max_examples=60, deadline=None)
@given(finite_rows)
def test_elementwise_identities(x):
    s = F.sigmoid(x)
    np.testing.assert_allclose(F.sigmoid(-x), 1 - s, atol=1e-15)                 # sigmoid(-x) = 1 - sigmoid(x)
    np.testing.assert_allclose(F.tanh(x), 2 * F.sigmoid(2 * x) - 1, atol=1e-15)  # tanh(x) = 2 sigmoid(2x) - 1
    np.testing.assert_array_equal(F.relu(x), np.where(x > 0, x, 0))
    assert np.all(F.softplus(x) >= F.relu(x))
    np.testing.assert_allclose(F.erf(-x), -F.erf(x), rtol=0, atol=0)


# ---------------------------------------------------------------------- PyTorch parity
@pytest.mark.parametrize("name", sorted(ALL))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(name, dtype):
    torch = require_torch()
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(scale=3.0, size=(4, 7)), [[-1000, -30, -8, 0.5, 8, 30, 1000]]]).astype(dtype)
    expected = torch_reference(torch, name)(torch.from_numpy(x))
    assert_close(ALL[name](x), expected, dtype=dtype, what=name)
