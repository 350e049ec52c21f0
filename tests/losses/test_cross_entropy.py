"""Tests for zeronn.losses.cross_entropy."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import zeronn
from tests.losses.helpers import REDUCTIONS, assert_matches_torch
from tests.torch_helpers import require_torch
from zeronn.functional import softmax
from zeronn.losses import CrossEntropyLoss


def test_hand_worked_example():
    loss = CrossEntropyLoss("none")
    logits = np.array([[0.0, np.log(3.0)], [0.0, 0.0]])
    # row 0: softmax = [1/4, 3/4], class 1 -> -ln(3/4) = 0.28768;  row 1: [1/2, 1/2], class 0 -> ln 2
    np.testing.assert_allclose(loss(logits, np.array([1, 0])), [-np.log(0.75), np.log(2.0)])
    # gradient softmax - onehot: [1/4, 3/4 - 1] and [1/2 - 1, 1/2]
    np.testing.assert_allclose(loss.backward(np.ones(2)), [[0.25, -0.25], [-0.5, 0.5]])
    # mean over the 2 samples, gradient divided by 2
    mean = CrossEntropyLoss()
    assert mean(logits, np.array([1, 0])) == pytest.approx((-np.log(0.75) + np.log(2.0)) / 2, rel=1e-15)
    np.testing.assert_allclose(mean.backward(), [[0.125, -0.125], [-0.25, 0.25]])


def test_label_smoothing_hand_worked():
    # eps = 0.2, C = 2: targets become [0.1, 0.9] for class 1
    loss = CrossEntropyLoss("none", label_smoothing=0.2)
    logits = np.array([[0.0, np.log(3.0)]])
    # -(0.1 ln(1/4) + 0.9 ln(3/4)) = 0.1 * 1.3863 + 0.9 * 0.2877 = 0.39754
    np.testing.assert_allclose(loss(logits, np.array([1])), [-(0.1 * np.log(0.25) + 0.9 * np.log(0.75))])
    # gradient softmax - smoothed target = [0.25 - 0.1, 0.75 - 0.9]
    np.testing.assert_allclose(loss.backward(np.ones(1)), [[0.15, -0.15]])


def test_probability_and_one_hot_targets(rng):
    logits = rng.normal(size=(5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    one_hot = np.eye(4)[labels]
    by_index, by_row, by_int_row = CrossEntropyLoss(), CrossEntropyLoss(), CrossEntropyLoss()
    assert by_index(logits, labels) == pytest.approx(by_row(logits, one_hot), rel=1e-14)
    assert by_index(logits, labels) == pytest.approx(by_int_row(logits, one_hot.astype(int)), rel=1e-14)
    np.testing.assert_allclose(by_index.backward(), by_row.backward(), rtol=1e-14)
    # a probability target: -(0.5 log p0 + 0.5 log p1)
    p = softmax(logits[:1])
    assert CrossEntropyLoss()(logits[:1], np.array([[0.5, 0.5, 0, 0]])) == pytest.approx(
        -0.5 * np.log(p[0, 0]) - 0.5 * np.log(p[0, 1]), rel=1e-14)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("targets", ["index", "probability"])
def test_gradcheck(reduction, smoothing, targets, rng):
    logits = rng.normal(size=(4, 5))
    target = rng.integers(0, 5, 4) if targets == "index" else rng.dirichlet(np.ones(5), 4)
    zeronn.gradcheck(CrossEntropyLoss(reduction, label_smoothing=smoothing), (logits, target))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
@pytest.mark.parametrize("targets", ["index", "probability"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(reduction, smoothing, targets, dtype, rng):
    torch = require_torch()
    logits = rng.normal(scale=3.0, size=(7, 5))
    target = rng.integers(0, 5, 7) if targets == "index" else rng.dirichlet(np.ones(5), 7)
    assert_matches_torch(CrossEntropyLoss(reduction, label_smoothing=smoothing),
                         torch.nn.CrossEntropyLoss(reduction=reduction, label_smoothing=smoothing),
                         logits, target, dtype=dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_stable_at_plus_minus_1000(dtype):
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 999.0]], dtype=dtype)
    loss = CrossEntropyLoss("none", label_smoothing=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            values = loss(logits, np.array([0, 2]))
            grad = loss.backward(np.ones(2, dtype=dtype))
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(grad))
    assert values.dtype == grad.dtype == dtype
    # row 1, class 2: -log softmax = log(1 + e^1 + e^-2000) - 0 + ... ; without smoothing it is log(1 + e) = 1.3133
    plain = CrossEntropyLoss("none")
    np.testing.assert_allclose(plain(logits, np.array([0, 2])), [0.0, np.log1p(np.e)], rtol=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 6), st.integers(2, 6), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_gradient_rows_sum_to_zero_and_loss_is_positive(n, c, smoothing, seed):
    rng = np.random.default_rng(seed)
    loss = CrossEntropyLoss("sum", label_smoothing=smoothing)
    assert loss(rng.normal(size=(n, c)) * 5, rng.integers(0, c, n)) >= 0
    np.testing.assert_allclose(loss.backward().sum(axis=1), 0.0, atol=1e-12)


def test_float32_end_to_end(rng):
    loss = CrossEntropyLoss()
    loss(rng.normal(size=(8, 10)).astype(np.float32), rng.integers(0, 10, 8).astype(np.uint8))
    assert loss.backward().dtype == np.float32


def test_out_of_range_class_index():
    with pytest.raises(ValueError, match=r"CrossEntropyLoss\(\): class index 3 is out of range for 3 classes "
                                         r"\(valid indices are 0 to 2\)"):
        CrossEntropyLoss()(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match="class index -1 is out of range"):
        CrossEntropyLoss()(np.zeros((2, 3)), np.array([-1, 0]))


def test_non_integer_class_targets():
    with pytest.raises(ValueError, match=r"CrossEntropyLoss\(\) expects integer class indices as targets, got "
                                         r"dtype float64; convert them with y.astype\(np.int64\)"):
        CrossEntropyLoss()(np.zeros((2, 3)), np.array([0.0, 1.0]))


@pytest.mark.parametrize("logits_shape, target_shape, message", [
    ((2, 3), (3,), r"expects class-index targets of shape \(2,\) for a batch of 2, got \(3,\)"),
    ((2, 3), (2, 4), r"expects targets of shape \(2,\) with class indices or \(2, 3\) with probabilities, "
                     r"got \(2, 4\)"),
    ((3,), (3,), r"expects logits of shape \(batch, classes\), got \(3,\)"),
])
def test_shape_errors_name_the_loss_and_both_shapes(logits_shape, target_shape, message):
    with pytest.raises(ValueError, match=r"CrossEntropyLoss\(\) " + message):
        CrossEntropyLoss()(np.zeros(logits_shape), np.zeros(target_shape, dtype=int))


@pytest.mark.parametrize("smoothing", [-0.1, 1.5])
def test_rejects_bad_label_smoothing(smoothing):
    with pytest.raises(ValueError, match="Invalid label_smoothing value"):
        CrossEntropyLoss(label_smoothing=smoothing)


def test_config_and_repr():
    loss = CrossEntropyLoss(label_smoothing=0.1)
    assert loss.get_config() == {"reduction": "mean", "label_smoothing": 0.1}
    assert repr(loss) == "CrossEntropyLoss(label_smoothing=0.1)" and repr(CrossEntropyLoss()) == "CrossEntropyLoss()"


def test_backward_can_be_called_twice(rng):
    loss = CrossEntropyLoss()
    loss(rng.normal(size=(3, 4)), np.array([0, 1, 2]))
    np.testing.assert_array_equal(loss.backward(), loss.backward())


def test_probability_targets_must_be_distributions():
    logits = np.zeros((2, 3))
    with pytest.raises(ValueError, match=r"^CrossEntropyLoss\(\) expects probability targets >= 0, got -0.5 "
                                         r"\(in row 1\)"):
        CrossEntropyLoss()(logits, np.array([[1.0, 0.0, 0.0], [1.5, -0.5, 0.0]]))
    with pytest.raises(ValueError, match=r"each row of probability targets to sum to 1, row 0 sums to 0.9"):
        CrossEntropyLoss()(logits, np.array([[0.6, 0.3, 0.0], [0.0, 0.0, 1.0]]))
    soft = np.array([[0.7, 0.2, 0.1], [0.25, 0.25, 0.5]], dtype=np.float32)      # float32 rows summing to 1: fine
    assert np.isfinite(CrossEntropyLoss()(logits, soft))
