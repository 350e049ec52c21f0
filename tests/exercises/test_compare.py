"""The verdicts and plain-words diagnoses of zeronn.exercises.compare, one typical mistake at a time."""

import numpy as np
import pytest

from zeronn.exercises.compare import Mistake, diagnose, rel_error
from zeronn.exercises.exercise import Text


def verdict(value, expected, **kwargs):
    return diagnose(value, expected, what="f", lang=kwargs.pop("lang", "en"), **kwargs)


@pytest.fixture
def expected():
    return np.random.default_rng(0).normal(size=(5, 3))


def test_rel_error_is_cs231n_definition():
    # |1 - 1.1| / (1 + 1.1) = 0.0476...; zeros on both sides count as exact
    assert rel_error(np.array([1.0, 0.0]), np.array([1.1, 0.0])) == pytest.approx(0.1 / 2.1)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0


def test_right_suspicious_wrong_thresholds(expected):
    assert verdict(expected.copy(), expected).status == "right"
    slightly = expected * (1 + 1e-5)
    slightly[0, 0] += 1e-3                                    # not a pure factor
    result = verdict(slightly, expected)
    assert result.status == "suspicious" and "suspicious" in result.message
    noisy = expected + np.random.default_rng(1).normal(size=expected.shape)
    assert verdict(noisy, expected).status == "wrong"


def test_wrong_shape_and_transposed(expected):
    result = verdict(expected.T.copy(), expected)
    assert result.status == "wrong" and "transposed" in result.message
    assert "wrong shape" in verdict(np.zeros((2, 2)), expected).message


def test_not_summed_over_batch():
    g = np.random.default_rng(2).normal(size=(4, 3))
    message = verdict(g, g.sum(axis=0), batch=4).message
    assert "sum over the batch" in message


def test_wrong_sign(expected):
    assert "wrong sign" in verdict(-expected, expected).message


def test_factor_of_batch_size(expected):
    assert "average over the batch" in verdict(expected / 5, expected, batch=5).message
    assert "forget to average" in verdict(expected * 5, expected, batch=5).message
    assert "the 2" in verdict(expected * 2, expected).message
    assert "factor of 0.1" in verdict(expected * 0.1, expected).message


def test_transposed_square_matrix():
    square = np.random.default_rng(3).normal(size=(3, 3))
    assert "transposed" in verdict(square.T.copy(), square).message


def test_same_offset_for_every_sample_is_a_bias(expected):
    message = verdict(expected + np.array([1.0, -2.0, 0.5]), expected).message
    assert "bias" in message


def test_known_mistake_comes_first(expected):
    mistake = Mistake(expected + 1, Text("forgot the bias", "忘了偏置"))
    assert verdict(expected + 1, expected, mistakes=[mistake]).message == "forgot the bias"
    assert verdict(expected + 1, expected, mistakes=[mistake], lang="zh").message == "忘了偏置"


def test_none_wrong_type_and_nan(expected):
    assert "forget `return`" in verdict(None, expected).message
    assert "str" in verdict("hello", expected).message
    assert "tuple of 2 values" in verdict((1, 2), expected).message
    nan = expected.copy()
    nan[0, 0] = np.nan
    assert "NaN" in verdict(nan, expected).message


def test_lists_of_numbers_are_accepted(expected):
    assert verdict(expected.tolist(), expected).status == "right"


def test_messages_in_chinese(expected):
    assert "符号反了" in verdict(-expected, expected, lang="zh").message
    assert "转置" in verdict(expected.T.copy(), expected, lang="zh").message
