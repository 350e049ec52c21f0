"""Tests for dtype defaults, the global generator, no_grad and argument checks."""

import threading

import numpy as np
import pytest

import zeronn
from zeronn._validation import check_choice, check_in_range, pair
from zeronn.nn import Dropout, Linear


def test_default_dtype_switch():
    assert Linear(2, 2).dtype == np.float32
    zeronn.set_default_dtype("float64")
    assert Linear(2, 2).dtype == np.float64
    with pytest.raises(TypeError, match="float32 or float64"):
        zeronn.set_default_dtype("int32")


def test_model_to_double_and_back():
    layer = Linear(2, 2).double()
    assert layer.weight.dtype == np.float64
    assert layer.float().weight.dtype == np.float32


def test_manual_seed_gives_bit_identical_layers():
    zeronn.manual_seed(5)
    a = Linear(4, 4)
    zeronn.manual_seed(5)
    b = Linear(4, 4)
    assert np.array_equal(a.weight.data, b.weight.data)


def test_no_grad_keeps_nothing_and_backward_then_fails():
    layer = Linear(2, 2)
    with zeronn.no_grad():
        layer(np.ones((1, 2), np.float32))
        assert not zeronn.is_grad_enabled()
    assert zeronn.is_grad_enabled()
    with pytest.raises(RuntimeError, match=r"Linear\(2 -> 2\): backward\(\) called before forward\(\)"):
        layer.backward(np.ones((1, 2), np.float32))


def test_no_grad_is_per_thread():
    seen = []
    with zeronn.no_grad():
        worker = threading.Thread(target=lambda: seen.append(zeronn.is_grad_enabled()))
        worker.start()
        worker.join()
        assert not zeronn.is_grad_enabled()
    assert seen == [True]                                   # a new thread starts with gradients on


def test_dropout_masks_follow_the_seed():
    zeronn.manual_seed(3)
    a = Dropout(0.5)(np.ones((4, 4)))
    zeronn.manual_seed(3)
    b = Dropout(0.5)(np.ones((4, 4)))
    assert np.array_equal(a, b)


def test_validation_messages():
    with pytest.raises(ValueError, match="Unknown optimizer 'adm'; valid choices are: adam, sgd"):
        check_choice("optimizer", "adm", ["sgd", "adam"])
    with pytest.raises(ValueError, match=r"Invalid momentum value: -1 \(expected a number in \[0.0, 1.0\)\)"):
        check_in_range("momentum", -1, 0.0, 1.0, high_inclusive=False)
    assert pair("kernel_size", 3) == (3, 3) and pair("stride", (1, 2)) == (1, 2)
    with pytest.raises(ValueError, match="kernel_size"):
        pair("kernel_size", (0, 2))


def test_set_grad_enabled_takes_a_bool_only():
    with pytest.raises(TypeError, match="set_grad_enabled: enabled must be True or False, got 'no'"):
        zeronn.set_grad_enabled("no")
    assert zeronn.is_grad_enabled()
