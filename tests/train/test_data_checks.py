"""Tests for zeronn.train.data_checks: the checks of fit/evaluate/predict data, and their memory bounds."""

import numpy as np
import pytest

from zeronn.train import data_checks
from zeronn.train.data_checks import (
    check_data_pair,
    check_finite_samples,
    check_inputs,
    check_labels_fit_output,
    check_validation_data,
    split_point,
)


def test_good_data_passes_unchanged():
    x, y = np.ones((4, 2), np.float32), np.array([0, 1, 0, 1])
    checked_x, checked_y = check_data_pair("fit", x, y)
    assert checked_x is x and checked_y is y                                   # no copies
    lists = check_data_pair("fit", [[1, 2], [3, 4]], [0, 1])
    assert lists[0].shape == (2, 2)


@pytest.mark.parametrize(
    "x, y, error, message",
    [
        (np.ones((3, 2)), np.ones(2), ValueError, r"^fit: x and y must have the same number of samples, got 3 "
                                                  r"inputs and 2 targets \(x \(3, 2\), y \(2,\)\)"),
        (np.ones((0, 2)), np.ones(0), ValueError,
         r"^fit: x and y have 0 samples \(an empty dataset\); give at least one"),
        (np.ones((3, 2)), None, ValueError, "^fit: y is None"),
        (np.ones((3, 2)) + 1j, np.ones(3), TypeError, r"^fit expects real numbers \(bool, int or float\) as x, "
                                                      "got complex128"),
        (np.ones((3, 2)), np.array(["a", "b", "c"]), TypeError, "^fit expects real numbers .* as y, got text"),
        (5.0, np.ones(3), ValueError, "^fit: x must have a first axis of samples, got a single number"),
    ],
)
def test_bad_pairs(x, y, error, message):
    with pytest.raises(error, match=message):
        check_data_pair("fit", x, y)


def test_nan_names_the_argument_and_the_first_sample():
    x = np.zeros((10, 3))
    x[7, 2] = np.nan
    x[8, 0] = np.inf
    with pytest.raises(ValueError, match=r"^evaluate: x holds 2 NaN or infinite value\(s\) .*the first in sample 7"):
        check_data_pair("evaluate", x, np.zeros(10))


def test_scan_is_done_in_bounded_blocks(monkeypatch):
    monkeypatch.setattr(data_checks, "SCAN_ELEMENTS", 6)                      # 2 rows of 3 per block
    x = np.zeros((9, 3))
    x[8, 1] = np.nan
    blocks = data_checks._row_blocks(x)
    assert [(b.start, b.stop) for b in blocks] == [(0, 2), (2, 4), (4, 6), (6, 8), (8, 9)]
    with pytest.raises(ValueError, match="the first in sample 8"):
        check_finite_samples("fit", "x", x)


def test_memmap_is_only_sampled_at_both_ends(tmp_path, monkeypatch):
    monkeypatch.setattr(data_checks, "SAMPLE_ROWS", 4)
    path = tmp_path / "x.dat"
    x = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(100, 3))
    x[:] = 1.0
    x[50, 0] = np.nan                                                          # in the middle: not read
    x.flush()
    mapped = np.load(path, mmap_mode="r")
    assert [(b.start, b.stop) for b in data_checks._row_blocks(mapped)] == [(0, 4), (96, 100)]
    assert [(b.start, b.stop) for b in data_checks._row_blocks(mapped[10:90])] == [(0, 4), (76, 80)]
    check_inputs("fit", mapped)                                                # no error, nothing loaded
    writable = np.load(path, mmap_mode="r+")
    writable[98, 1] = np.inf                                                   # near the end: found
    with pytest.raises(ValueError, match="the first in sample 98"):
        check_inputs("fit", writable)


def test_validation_data():
    x, y = np.ones((3, 2)), np.ones(3)
    assert check_validation_data("fit", (x, y))[0] is x
    with pytest.raises(TypeError, match=r"^fit: validation_data must be a pair \(x_val, y_val\), got a ndarray"):
        check_validation_data("fit", x)
    with pytest.raises(ValueError, match="^fit: x_val and y_val have 0 samples"):
        check_validation_data("fit", (x[:0], y[:0]))


@pytest.mark.parametrize("samples, split, expected", [(10, 0.2, 8), (10, 0.01, 9), (3, 0.5, 1)])
def test_split_point(samples, split, expected):
    assert split_point("fit", samples, split) == expected                     # the last ceil(split * n) validate


def test_split_leaving_nothing_for_training():
    with pytest.raises(ValueError, match="^fit: validation_split=0.9 of 2 samples leaves an empty part for training"):
        split_point("fit", 2, 0.9)


def test_labels_must_fit_the_output():
    check_labels_fit_output("evaluate", np.zeros((4, 3)), np.array([0, 1, 2, 2]))
    check_labels_fit_output("evaluate", np.zeros((4, 1)), np.array([[0], [1], [1], [0]]))
    check_labels_fit_output("evaluate", np.zeros((4, 3)), np.full(4, 7.0))    # float targets: the loss decides
    with pytest.raises(ValueError, match=r"^evaluate: y holds the label 7 \(sample 12\), but the model's output has "
                                         r"3 classes \(labels 0 to 2\)"):
        check_labels_fit_output("evaluate", np.zeros((4, 3)), np.array([0, 7, 1, 1]), offset=11)
    check_labels_fit_output("evaluate", np.zeros((2, 1)), np.array([0, 2]))    # one output: may be regression
