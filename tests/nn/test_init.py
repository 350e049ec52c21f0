"""Tests for zeronn.nn.init."""

import numpy as np
import pytest

from zeronn.nn import init


def test_same_seed_same_bits():
    assert np.array_equal(init.kaiming_normal((50, 20), 50, rng=3), init.kaiming_normal((50, 20), 50, rng=3))


def test_float32_and_float64_start_from_the_same_numbers():
    a = init.xavier_uniform((10, 10), 10, 10, rng=0, dtype="float32")
    b = init.xavier_uniform((10, 10), 10, 10, rng=0, dtype="float64")
    assert a.dtype == np.float32 and b.dtype == np.float64
    np.testing.assert_array_equal(a, b.astype(np.float32))


@pytest.mark.parametrize(
    "name, expected_std",
    [
        ("xavier_uniform", np.sqrt(2 / (400 + 200))),      # U[-a, a] has std a / sqrt(3)
        ("xavier_normal", np.sqrt(2 / (400 + 200))),
        ("kaiming_uniform", np.sqrt(2 / 400)),
        ("kaiming_normal", np.sqrt(2 / 400)),
        ("default", 1 / np.sqrt(400) / np.sqrt(3)),
    ],
)
def test_spread_matches_formula(name, expected_std):
    w = init.initialize(name, (400, 200), fan_in=400, fan_out=200, rng=0, dtype="float64")
    assert abs(w.std() - expected_std) / expected_std < 0.02
    assert abs(w.mean()) < 0.01 * expected_std * 10


def test_rand_is_the_tutorials_uniform_0_1():
    w = init.initialize("rand", (1000,), fan_in=1, fan_out=1, rng=0)
    assert w.min() >= 0 and w.max() < 1 and abs(w.mean() - 0.5) < 0.05


def test_zeros_and_constant():
    assert not init.zeros((2, 2)).any()
    assert (init.constant((2,), 0.5) == 0.5).all()


def test_unknown_name_lists_choices():
    with pytest.raises(ValueError, match="Unknown initializer 'he'; valid choices are: .*kaiming_normal"):
        init.initialize("he", (2, 2), fan_in=2, fan_out=2)
