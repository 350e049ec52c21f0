"""Tests for zeronn._validation: the one checker module (constraints, argument checks, the array rule)."""

import math
import re

import numpy as np
import pytest

import zeronn
from zeronn._validation import (
    Boolean,
    Interval,
    ListOf,
    Options,
    PairOf,
    Text,
    WrongTypeError,
    check_choice,
    check_finite,
    check_flag,
    check_in_range,
    check_nonnegative_float,
    check_nonnegative_int,
    check_parameters,
    check_positive_float,
    check_positive_int,
    check_state_keys,
    describe_owner,
    expect_shape,
    finite_array,
    layer_input,
    pair,
    real_array,
)


# ------------------------------------------------------------------------------------------ Interval
@pytest.mark.parametrize(
    "interval, inside, outside, words",
    [
        (Interval(0, None, closed="left"), [0, 0.0, 3, 1e300], [-1e-300, -1], "a number >= 0"),
        (Interval(0, None, closed="neither"), [1e-300, 2], [0, -1], "a number > 0"),
        (Interval(0, 1, closed="left"), [0, 0.5, 0.999], [1, 1.5, -0.1], "a number in [0, 1)"),
        (Interval(0.0, 1.0, closed="right"), [1.0, 1e-9], [0.0, 1.01], "a number in (0.0, 1.0]"),
        (Interval(0, 1, closed="both"), [0, 1], [-0.5, 2], "a number in [0, 1]"),
        (Interval(0, 1, closed="neither"), [0.5], [0, 1], "a number in (0, 1)"),
        (Interval(None, 5, closed="right"), [-1e9, 5], [6], "a number <= 5"),
        (Interval(1, None, closed="left", integer=True), [1, np.int64(7)], [0, -3], "an integer >= 1"),
    ],
)
def test_interval_bounds(interval, inside, outside, words):
    assert interval.describe() == words
    for value in inside:
        checked = interval.check("x", value)
        assert checked == value and type(checked) in (int, float)        # plain Python numbers come back
    for value in outside:
        with pytest.raises(ValueError, match="^" + re.escape(f"Invalid x value: {value!r} (expected {words})")):
            interval.check("x", value)


def test_interval_returns_plain_python_numbers():
    assert type(Interval(0, None).check("lr", np.float32(0.5))) is float
    assert type(Interval(0, None, integer=True).check("n", np.int16(3))) is int
    assert Interval(0, None).check("lr", np.array(0.25)) == 0.25                   # a 0-d array from a file


@pytest.mark.parametrize("value", ["0.9", None, [0.1], (0.9,), {"a": 1}, True, 1 + 2j, b"1"])
def test_interval_wrong_kind_is_a_type_error_naming_the_argument(value):
    with pytest.raises(TypeError, match=r"Invalid momentum value: .* \(expected a number in \[0, 1\), got "):
        Interval(0, 1, closed="left").check("momentum", value)


def test_wrong_type_error_is_also_a_value_error():
    # code written when every check raised ValueError keeps working
    with pytest.raises(ValueError):
        Interval(0, None).check("lr", "0.1")
    assert issubclass(WrongTypeError, TypeError) and issubclass(WrongTypeError, ValueError)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_interval_refuses_nan_and_infinity(value):
    with pytest.raises(ValueError, match=r"Invalid eps value: (nan|inf|-inf)"):
        Interval(0, None, closed="neither").check("eps", value)


def test_interval_allow_infinite_still_refuses_nan():
    bound = Interval(0, None, allow_infinite=True)
    assert bound.check("max_norm", math.inf) == math.inf
    with pytest.raises(ValueError, match="Invalid max_norm value: nan"):
        bound.check("max_norm", math.nan)


def test_integer_interval_refuses_floats_and_bools():
    epochs = Interval(1, None, closed="left", integer=True)
    for value in (2.0, 2.5, True, "3"):
        with pytest.raises(TypeError, match=r"Invalid step_size value: .* \(expected an integer >= 1, got "):
            epochs.check("step_size", value)


def test_label_and_example_in_the_message():
    lr = Interval(0, None, closed="left", label="learning rate", example="lr=0.01")
    with pytest.raises(ValueError, match=r"^Invalid learning rate: -1.0 \(expected a number >= 0, e.g. lr=0.01\)$"):
        lr.check("lr", -1.0)
    with pytest.raises(TypeError, match=r"^Invalid learning rate: '0.1' \(expected a number >= 0, e.g. lr=0.01, "
                                        r"got str\)$"):
        lr.check("lr", "0.1")


def test_bad_closed_is_refused():
    with pytest.raises(ValueError, match="closed must be"):
        Interval(0, 1, closed="open")


# ------------------------------------------------------------------------------------ other constraints
def test_options():
    mode = Options("min", "max")
    assert mode.check("mode", "max") == "max"
    for value in ("avg", None, 3):
        with pytest.raises(ValueError, match="Unknown mode .*; valid choices are: max, min"):
            mode.check("mode", value)


def test_boolean_accepts_numpy_bools_only_as_bools():
    assert Boolean().check("amsgrad", np.bool_(True)) is True
    for value in (1, 0, "yes", None):
        with pytest.raises(TypeError, match="amsgrad must be True or False, got"):
            Boolean().check("amsgrad", value)


def test_text():
    assert Text().check("name", "body") == "body"
    with pytest.raises(TypeError, match=r"Invalid name value: 3 \(expected a string, got int\)"):
        Text().check("name", 3)


def test_pair_of():
    betas = PairOf(Interval(0, 1, closed="left"), item_label="beta parameter", label="betas", example="(0.9, 0.999)")
    assert betas.check("betas", [0.9, 0.99]) == (0.9, 0.99)                       # lists from JSON become tuples
    with pytest.raises(ValueError, match=r"Invalid betas: \(0.9,\) \(expected a pair of numbers in \[0, 1\), "
                                         r"e.g. \(0.9, 0.999\)\)"):
        betas.check("betas", (0.9,))
    with pytest.raises(TypeError, match=r"Invalid betas: 0.9 \(expected a pair"):
        betas.check("betas", 0.9)
    with pytest.raises(ValueError, match=r"Invalid beta parameter at index 1: 1.0 \(expected a number in \[0, 1\)\)"):
        betas.check("betas", (0.9, 1.0))
    with pytest.raises(TypeError, match="Invalid beta parameter at index 0: '0.9'"):
        betas.check("betas", ("0.9", 0.999))


def test_list_of():
    milestones = ListOf(Interval(1, None, integer=True), nonempty=True, sort=True)
    assert milestones.check("milestones", [8, 3, 3]) == [3, 3, 8]
    assert milestones.check("milestones", np.array([2, 5])) == [2, 5]
    with pytest.raises(ValueError, match=r"Invalid milestones value: \[\] \(expected a non-empty list of integers"):
        milestones.check("milestones", [])
    with pytest.raises(ValueError, match=r"Invalid milestones\[1\]: 0 \(expected an integer >= 1\)"):
        milestones.check("milestones", [3, 0])
    with pytest.raises(TypeError, match="Invalid milestones value: '10'"):
        milestones.check("milestones", "10")
    rates = ListOf(Interval(0, None), length=2)
    with pytest.raises(ValueError, match=r"expected a list of 2 numbers >= 0"):
        rates.check("base_lrs", [0.1])
    increasing = ListOf(Interval(1, None, integer=True), increasing=True)
    with pytest.raises(ValueError, match="increasing"):
        increasing.check("milestones", [5, 5])


def test_check_parameters_names_missing_and_unknown_keys():
    constraints = {"lr": Interval(0, None), "amsgrad": Boolean()}
    assert check_parameters(constraints, {"amsgrad": False, "lr": 1}) == {"lr": 1.0, "amsgrad": False}
    with pytest.raises(ValueError, match=r"Adam: hyper-parameters do not fit \(missing \['amsgrad'\], unknown "
                                         r"\['momentum'\]\)"):
        check_parameters(constraints, {"lr": 1, "momentum": 0.9}, owner="Adam")


def test_check_state_keys():
    check_state_keys("StepLR.load_state_dict", {"a": 1, "b": 2}, ["a", "b"])
    with pytest.raises(TypeError, match="StepLR.load_state_dict expects a dict, got list"):
        check_state_keys("StepLR.load_state_dict", [], ["a"])
    with pytest.raises(ValueError, match=r"missing \['b'\], unknown \['c'\]\); hint"):
        check_state_keys("X", {"a": 1, "c": 2}, ["a", "b"], hint="; hint")


# ------------------------------------------------------------------------------- the legacy functions
def test_legacy_checks_keep_their_messages():
    assert check_positive_int("in_features", 3) == 3
    with pytest.raises(ValueError, match="in_features must be a positive integer, got 0"):
        check_positive_int("in_features", 0)
    with pytest.raises(ValueError, match="padding must be a non-negative integer, got -1"):
        check_nonnegative_int("padding", -1)
    with pytest.raises(ValueError, match=r"Invalid delta value: 0 \(expected a number > 0\)"):
        check_positive_float("delta", 0)
    with pytest.raises(ValueError, match=r"Invalid noise value: -1 \(expected a number >= 0\)"):
        check_nonnegative_float("noise", -1)
    with pytest.raises(ValueError, match=r"Invalid p value: 1.0 \(expected a number in \[0.0, 1.0\)\)"):
        check_in_range("p", 1.0, 0.0, 1.0, high_inclusive=False)
    with pytest.raises(ValueError, match=r"Invalid negative_slope value: '0.1'"):   # a string: still a ValueError
        check_positive_float("negative_slope", "0.1")
    assert check_choice("activation", "relu", ["tanh", "relu"]) == "relu"
    with pytest.raises(ValueError, match="Unknown activation 'gelu2'; valid choices are: relu, tanh"):
        check_choice("activation", "gelu2", ["tanh", "relu"])
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        check_flag("shuffle", "yes")
    assert pair("kernel_size", 3) == (3, 3) and pair("stride", (1, 2)) == (1, 2)
    with pytest.raises(ValueError, match="kernel_size must be an integer >= 1 or a pair of them, got 0"):
        pair("kernel_size", 0)


# --------------------------------------------------------------------------------------- arrays
def test_real_array_accepts_real_numbers_as_they_are():
    for values in ([[1, 2], [3, 4]], np.array([True, False]), np.arange(3, dtype=np.uint8), np.ones(2, np.float32)):
        array = real_array("Linear(2 -> 1)", values)
        assert array.dtype.kind in "biuf"
    original = np.ones(3)
    assert real_array("x", original) is original                                    # no copy


def test_real_array_object_array_of_numbers_becomes_float64():
    values = np.array([1, 2.5, np.float32(3), True], dtype=object)
    array = real_array("x", values)
    assert array.dtype == np.float64 and array.tolist() == [1.0, 2.5, 3.0, 1.0]


@pytest.mark.parametrize(
    "values, words",
    [
        (np.array([1 + 2j]), "got complex128"),
        (np.array(["a", "b"]), r"got text \(dtype <U1\)"),
        ("1.5", "got a str '1.5'"),
        (b"12", "got a bytes"),
        (np.array([1, None], dtype=object), r"got an object array holding NoneType \(None\)"),
        (np.array([1, "2"], dtype=object), "got an object array holding str"),
        (np.array([1, 2j], dtype=object), "got an object array holding complex"),
        ([[1, 2], [3]], "rectangular array of real numbers as input, got list that NumPy cannot turn into one"),
        (None, "got an object array holding NoneType"),
        (np.array(["2020-01-01"], dtype="datetime64[D]"), "got datetime64"),
    ],
)
def test_real_array_refuses_everything_else_naming_the_owner(values, words):
    with pytest.raises(TypeError, match=r"^Linear\(3 -> 4\) expects .*" + words):
        real_array("Linear(3 -> 4)", values)


def test_describe_owner():
    layer = zeronn.nn.Linear(3, 4)
    assert describe_owner(layer) == "Linear(3 -> 4)"
    model = zeronn.nn.Sequential(zeronn.nn.Linear(3, 4), zeronn.nn.ReLU())
    assert describe_owner(model) == "Sequential"                                   # a multi-line repr: its class
    assert describe_owner("fit") == "fit"


def test_layer_input_rule():
    x64 = np.ones((2, 3))
    x32 = np.ones((2, 3), np.float32)
    assert layer_input("L", x64, np.dtype(np.float32)).dtype == np.float32         # to the layer's dtype
    assert layer_input("L", x32, np.dtype(np.float64)).dtype == np.float64
    assert layer_input("L", x64, None) is x64                                      # no parameters: float kept
    assert layer_input("L", x32, None) is x32
    assert layer_input("L", np.ones(2, np.float16), None).dtype == zeronn.get_default_dtype()
    assert layer_input("L", [[1, 2]], None).dtype == zeronn.get_default_dtype()    # ints -> default float
    assert layer_input("L", np.array([True]), np.dtype(np.float64)).dtype == np.float64
    with pytest.raises(TypeError, match=r"L expects real numbers \(bool, int or float\) as input, got complex64"):
        layer_input("L", np.ones(2, np.complex64), None)


def test_check_finite():
    check_finite("MSELoss()", np.array([1.0, 2.0]), "the target")
    check_finite("MSELoss()", np.array([1, 2]), "the target")                      # integers are always finite
    with pytest.raises(ValueError, match=r"MSELoss\(\): the target holds 2 NaN or infinite value\(s\)"):
        check_finite("MSELoss()", np.array([np.nan, 1.0, np.inf]), "the target")


def test_finite_array_for_state_dicts():
    copy = finite_array("Adam: 'exp_avg'", [[1, 2]], (1, 2), np.float32)
    assert copy.dtype == np.float32 and copy.shape == (1, 2)
    source = np.zeros(2)
    assert finite_array("w", source, (2,), np.float64) is not source               # always a copy
    cases = [
        (np.zeros(3), ValueError, r"has shape \(3,\), expected \(2,\)"),
        (np.array([np.nan, 0.0]), ValueError, "holds NaN or infinite values"),
        (np.array([np.inf, 0.0]), ValueError, "holds NaN or infinite values"),
        (np.zeros(2, complex), TypeError, "got complex128"),
        (np.array([None, 1.0], dtype=object), TypeError, "object array holding NoneType"),
        (np.array(["a", "b"]), TypeError, "got text"),
        (np.array([True, False]), TypeError, "floating-point numbers, got dtype bool"),
        ("ab", TypeError, "must be an array of shape"),
        ({"a": 1}, TypeError, "must be an array of shape"),
    ]
    for value, error, words in cases:
        with pytest.raises(error, match=r"^Adam: 'exp_avg'.*" + words):
            finite_array("Adam: 'exp_avg'", value, (2,), np.float64)


def test_expect_shape_names_the_owner_and_both_shapes():
    with pytest.raises(ValueError, match=r"Linear\(3 -> 4\) expects input of shape \(batch, 3\), got \(2, 5\)"):
        expect_shape(zeronn.nn.Linear(3, 4), np.zeros((2, 5)), ("batch", 3))


def test_numbers_too_large_for_float64_are_a_clear_error():
    with pytest.raises(ValueError, match=r"^Linear\(3 -> 4\): input holds a number that does not fit a float64"):
        real_array("Linear(3 -> 4)", np.array([10**400], dtype=object), "input")


def test_layer_input_gives_a_plain_ndarray():
    class Tagged(np.ndarray):
        pass

    tagged = np.ones((2, 3)).view(Tagged)
    assert type(layer_input("L", tagged, np.dtype(np.float64))) is np.ndarray


def test_interval_with_a_huge_integer_is_a_value_error():
    with pytest.raises(ValueError, match=r"Invalid learning rate: 1000000000.*\(expected a number >= 0\)"):
        Interval(0, None, label="learning rate").check("lr", 10**400)
    assert Interval(1, None, integer=True).check("T_max", 10**30) == 10**30
