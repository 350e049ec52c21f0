"""Hostile inputs against every layer, loss, optimizer, scheduler and fit/evaluate/predict.

Each case asserts the exception type AND that the message names the object
or the argument, so a raw NumPy error (``UFuncTypeError``, "inhomogeneous
shape", ``'<' not supported``) or a silent wrong result fails the test.
"""

from __future__ import annotations

import copy
import re

import numpy as np
import pytest

import zeronn
import zeronn.nn as nn
from zeronn import losses, optim
from zeronn.nn import Layer, Parameter
from zeronn.optim import lr_scheduler

# ================================================================================================ layers
#: One example of every layer class exported by zeronn.nn, with the shape of a valid input.
LAYER_EXAMPLES = {
    "Linear": (lambda: nn.Linear(3, 4, rng=0), (2, 3)),
    "Conv2d": (lambda: nn.Conv2d(1, 2, 3, rng=0), (2, 1, 5, 5)),
    "MaxPool2d": (lambda: nn.MaxPool2d(2), (2, 1, 4, 4)),
    "AvgPool2d": (lambda: nn.AvgPool2d(2), (2, 1, 4, 4)),
    "AdaptiveAvgPool2d": (lambda: nn.AdaptiveAvgPool2d(1), (2, 1, 4, 4)),
    "BatchNorm1d": (lambda: nn.BatchNorm1d(3), (4, 3)),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(1), (2, 1, 3, 3)),
    "Dropout": (lambda: nn.Dropout(0.5, rng=0), (2, 3)),
    "Dropout2d": (lambda: nn.Dropout2d(0.5, rng=0), (2, 1, 3, 3)),
    "Flatten": (lambda: nn.Flatten(), (2, 1, 2, 2)),
    "Identity": (lambda: nn.Identity(), (2, 3)),
    "Sequential": (lambda: nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU()), (2, 3)),
    "Sigmoid": (lambda: nn.Sigmoid(), (2, 3)),
    "Tanh": (lambda: nn.Tanh(), (2, 3)),
    "ReLU": (lambda: nn.ReLU(), (2, 3)),
    "LeakyReLU": (lambda: nn.LeakyReLU(0.1), (2, 3)),
    "ELU": (lambda: nn.ELU(), (2, 3)),
    "SELU": (lambda: nn.SELU(), (2, 3)),
    "GELU": (lambda: nn.GELU(), (2, 3)),
    "SiLU": (lambda: nn.SiLU(), (2, 3)),
    "Swish": (lambda: nn.Swish(), (2, 3)),
    "Softplus": (lambda: nn.Softplus(), (2, 3)),
    "Softmax": (lambda: nn.Softmax(dim=1), (2, 3)),
    "LogSoftmax": (lambda: nn.LogSoftmax(dim=1), (2, 3)),
}


def _exported_layer_classes():
    return sorted(name for name in nn.__all__
                  if isinstance(getattr(nn, name), type) and issubclass(getattr(nn, name), Layer) and name != "Layer")


def test_every_exported_layer_has_an_example():
    missing = sorted(set(_exported_layer_classes()) - set(LAYER_EXAMPLES))
    assert not missing, f"add these layers to LAYER_EXAMPLES in {__file__}: {missing}"


def _owner_pattern(layer):
    text = repr(layer)
    return re.escape(text if "\n" not in text else type(layer).__name__)


def _valid_input(shape, dtype=np.float64):
    return np.random.default_rng(0).uniform(0.1, 1.0, size=shape).astype(dtype)


BAD_LAYER_INPUTS = {
    "complex": lambda shape: _valid_input(shape) + 1j,
    "object_with_none": lambda shape: np.full(shape, None, dtype=object),
    "object_with_text": lambda shape: np.full(shape, "1.0", dtype=object),
    "text_array": lambda shape: np.full(shape, "1.0"),
    "str": lambda shape: "1, 2, 3",
    "bytes": lambda shape: b"\x00\x01",
    "none": lambda shape: None,
    "ragged": lambda shape: [[1.0, 2.0, 3.0], [1.0]],
    "datetime": lambda shape: np.zeros(shape, dtype="datetime64[s]"),
}


@pytest.mark.parametrize("kind", sorted(BAD_LAYER_INPUTS))
@pytest.mark.parametrize("name", sorted(LAYER_EXAMPLES))
def test_layer_refuses_non_real_input_naming_the_layer(name, kind):
    make, shape = LAYER_EXAMPLES[name]
    layer = make()
    with pytest.raises(TypeError, match="^" + _owner_pattern(layer) + " expects "):
        layer(BAD_LAYER_INPUTS[kind](shape))


@pytest.mark.parametrize("kind", ["bool", "int64", "uint8", "object_numbers", "nested_list", "float16"])
@pytest.mark.parametrize("name", sorted(LAYER_EXAMPLES))
def test_layer_converts_real_input_to_its_dtype(name, kind):
    make, shape = LAYER_EXAMPLES[name]
    layer = make().eval()
    values = (_valid_input(shape) * 3).round()                                   # whole numbers 0..3
    x = {
        "bool": values > 1,
        "int64": values.astype(np.int64),
        "uint8": values.astype(np.uint8),
        "object_numbers": values.astype(object),
        "nested_list": values.tolist(),
        "float16": values.astype(np.float16),
    }[kind]
    expected = layer.dtype or zeronn.get_default_dtype()
    y = layer(x)
    assert y.dtype == expected
    reference = np.array(x, dtype=np.float64).astype(expected)
    np.testing.assert_allclose(y, layer(reference), rtol=1e-6)                  # the same numbers


@pytest.mark.parametrize("name", sorted(LAYER_EXAMPLES))
def test_float_input_follows_the_rule(name):
    make, shape = LAYER_EXAMPLES[name]
    layer = make().eval()
    x64 = _valid_input(shape, np.float64)
    if layer.dtype is None:                                                      # no parameters: float kept
        assert layer(x64).dtype == np.float64
        assert layer(x64.astype(np.float32)).dtype == np.float32
    else:                                                                        # parameters: their dtype
        assert layer(x64).dtype == layer.dtype


@pytest.mark.parametrize("name", sorted(LAYER_EXAMPLES))
def test_batch_of_zero_gives_an_empty_batch(name):
    make, shape = LAYER_EXAMPLES[name]
    layer = make()
    sample_shape = layer(_valid_input(shape, np.float32)).shape[1:]
    y = layer(np.zeros((0, *shape[1:]), np.float32))
    assert y.shape == (0, *sample_shape)
    grad = layer.backward(np.zeros_like(y))
    assert grad is None or grad.shape == (0, *shape[1:])


# ================================================================================================ losses
def _loss_cases():
    """(loss factory, valid prediction, valid target) for every loss, built from zeronn.losses.LOSSES."""
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(4, 3))
    probabilities = rng.uniform(0.1, 0.9, size=(4, 1))
    labels = np.array([0, 2, 1, 0])
    return {
        "mse": (losses.MSELoss, scores, rng.normal(size=(4, 3))),
        "sse": (losses.SSELoss, scores, rng.normal(size=(4, 3))),
        "l1": (losses.L1Loss, scores, rng.normal(size=(4, 3))),
        "huber": (losses.HuberLoss, scores, rng.normal(size=(4, 3))),
        "bce": (losses.BCELoss, probabilities, np.array([[0.0], [1.0], [1.0], [0.0]])),
        "bce_with_logits": (losses.BCEWithLogitsLoss, scores[:, :1], np.array([[0.0], [1.0], [0.5], [0.0]])),
        "cross_entropy": (losses.CrossEntropyLoss, scores, labels),
        "nll": (losses.NLLLoss, np.log(np.full((4, 3), 1 / 3)), labels),
    }


LOSS_CASES = _loss_cases()


def test_every_loss_has_a_case():
    assert sorted(LOSS_CASES) == sorted(losses.LOSSES)


def _loss_name(make):
    return re.escape(repr(make()))


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_accepts_its_valid_case(name):
    make, prediction, target = LOSS_CASES[name]
    value = make()(prediction, target)
    assert np.isfinite(value)


BAD_LOSS_VALUES = {
    "complex": lambda a: a + 1j,
    "text": lambda a: a.astype(str),
    "object_none": lambda a: np.full(a.shape, None, dtype=object),
    "ragged": lambda a: [[1.0, 2.0], [3.0]],
    "str": lambda a: "0.5",
}


@pytest.mark.parametrize("kind", sorted(BAD_LOSS_VALUES))
@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_refuses_non_real_prediction(name, kind):
    make, prediction, target = LOSS_CASES[name]
    with pytest.raises(TypeError, match="^" + _loss_name(make) + " expects .*prediction"):
        make()(BAD_LOSS_VALUES[kind](prediction), target)


@pytest.mark.parametrize("kind", sorted(BAD_LOSS_VALUES))
@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_refuses_non_real_target(name, kind):
    make, prediction, target = LOSS_CASES[name]
    with pytest.raises(TypeError, match="^" + _loss_name(make) + " expects .*target"):
        make()(prediction, BAD_LOSS_VALUES[kind](target))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_refuses_non_finite_targets(name, bad):
    make, prediction, target = LOSS_CASES[name]
    target = target.astype(np.float64)
    target.flat[1] = bad
    with pytest.raises(ValueError, match="^" + _loss_name(make) + ": the target holds 1 NaN or infinite value"):
        make()(prediction, target)


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_empty_batch(name):
    make, prediction, target = LOSS_CASES[name]
    empty_prediction, empty_target = prediction[:0], target[:0]
    mean = make(reduction="mean")
    with pytest.raises(ValueError, match="^" + re.escape(repr(mean)) + r" got an empty batch .*undefined"):
        mean(empty_prediction, empty_target)
    summed = make(reduction="sum")
    assert summed(empty_prediction, empty_target) == 0.0
    assert summed.backward().shape == empty_prediction.shape
    elements = make(reduction="none")(empty_prediction, empty_target)
    assert elements.size == 0


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_shape_mismatch_names_both_shapes(name):
    make, prediction, target = LOSS_CASES[name]
    with pytest.raises(ValueError, match="^" + _loss_name(make) + r" expects .*\(5,\)|\(5, "):
        make()(prediction, np.concatenate([target, target[:1]]))


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_reduction_none_backward_with_a_wrong_shape_names_the_loss_and_both_shapes(name):
    make, prediction, target = LOSS_CASES[name]
    loss = make(reduction="none")
    elements = loss(prediction, target)
    wrong = np.ones(elements.shape + (2,))
    pattern = (re.escape(f"{loss!r}.backward() expects grad_out of the loss's shape ") + r"\(.*\)"
               + re.escape(" (or a scalar), got ") + r"\(.*, 2\)")
    with pytest.raises(ValueError, match=pattern):
        loss.backward(wrong)
    assert loss.backward(np.ones(elements.shape)).shape == np.shape(prediction)
    assert loss.backward(2.0).shape == np.shape(prediction)                      # a scalar still works


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_mean_backward_with_an_array_is_refused(name):
    make, prediction, target = LOSS_CASES[name]
    loss = make()
    loss(prediction, target)
    with pytest.raises(ValueError, match=re.escape(f"{loss!r}.backward() expects a scalar grad_out")):
        loss.backward(np.ones(3))
    with pytest.raises(TypeError, match=re.escape(f"{loss!r}.backward() expects real numbers")):
        loss.backward("1")


@pytest.mark.parametrize("name", ["bce", "bce_with_logits"])
@pytest.mark.parametrize("bad", [2.0, -0.5, 1.0001])
def test_binary_targets_outside_0_1_are_refused(name, bad):
    make, prediction, target = LOSS_CASES[name]
    target = target.copy()
    target[0, 0] = bad
    with pytest.raises(ValueError, match="^" + _loss_name(make) + r" expects targets in \[0, 1\]"):
        make()(prediction, target)


@pytest.mark.parametrize(
    "target, words",
    [
        (np.array([[1.2, -0.2, 0.0]] * 4), "probability targets >= 0"),
        (np.array([[0.5, 0.5, 0.5]] * 4), "each row of probability targets to sum to 1, row 0 sums to 1.5"),
        (np.array([[0.0, 0.0, 0.0]] * 4), "each row of probability targets to sum to 1, row 0 sums to 0;"),
    ],
)
def test_cross_entropy_probability_targets_must_be_distributions(target, words):
    with pytest.raises(ValueError, match=r"^CrossEntropyLoss\(\) expects " + re.escape(words)):
        losses.CrossEntropyLoss()(np.zeros((4, 3)), target)


@pytest.mark.parametrize("name", ["cross_entropy", "nll"])
@pytest.mark.parametrize("bad", [3, -1, 7])
def test_class_targets_out_of_range_are_refused(name, bad):
    make, prediction, target = LOSS_CASES[name]
    target = target.copy()
    target[2] = bad
    with pytest.raises(ValueError, match="^" + _loss_name(make) + f": class index {bad} is out of range for 3"):
        make()(prediction, target)


# ============================================================================================ optimizers
OPTIMIZERS = {
    "SGD": lambda params, **kw: optim.SGD(params, **{"lr": 0.1, "momentum": 0.9, **kw}),
    "Adam": lambda params, **kw: optim.Adam(params, **{"lr": 0.01, "amsgrad": True, **kw}),
    "AdamW": lambda params, **kw: optim.AdamW(params, **{"lr": 0.01, **kw}),
    "RMSprop": lambda params, **kw: optim.RMSprop(params, **{"lr": 0.01, "momentum": 0.5, "centered": True, **kw}),
    "Adagrad": lambda params, **kw: optim.Adagrad(params, **{"lr": 0.1, **kw}),
}

#: For each optimizer, hyper-parameters that must be refused, and the name the message must use.
BAD_HYPERPARAMETERS = {
    "SGD": [("lr", -1.0, "learning rate"), ("lr", "0.1", "learning rate"), ("lr", float("nan"), "learning rate"),
            ("momentum", "0.9", "momentum value"), ("momentum", 1.0, "momentum value"),
            ("dampening", -0.1, "dampening value"), ("weight_decay", -1e-4, "weight_decay value"),
            ("weight_decay", float("inf"), "weight_decay value"), ("nesterov", 1, "nesterov")],
    "Adam": [("lr", -0.1, "learning rate"), ("eps", 0.0, "epsilon value"), ("eps", "1e-8", "epsilon value"),
             ("betas", (1.0, 0.999), "beta parameter at index 0"), ("betas", 0.9, "betas"),
             ("betas", ("0.9", 0.999), "beta parameter at index 0"), ("amsgrad", "no", "amsgrad"),
             ("maximize", None, "maximize")],
    "AdamW": [("eps", 0, "epsilon value"), ("weight_decay", -0.01, "weight_decay value"),
              ("lr", [0.1], "learning rate")],
    "RMSprop": [("alpha", 1.0, "alpha value"), ("eps", 0.0, "epsilon value"), ("momentum", -0.5, "momentum value"),
                ("centered", "yes", "centered")],
    "Adagrad": [("lr_decay", -1.0, "lr_decay value"), ("eps", 0.0, "epsilon value"),
                ("initial_accumulator_value", -1, "initial_accumulator_value value"), ("lr", None, "learning rate")],
}

BAD_HYPER_CASES = [(name, *case) for name, cases in BAD_HYPERPARAMETERS.items() for case in cases]


def _params():
    return [Parameter(np.linspace(-1, 1, 6).reshape(2, 3)), Parameter(np.array([0.5, -0.25]))]


def _stepped(name, steps=3, **kwargs):
    params = _params()
    optimizer = OPTIMIZERS[name](params, **kwargs)
    for step in range(steps):
        for p in params:
            p.grad = np.sin(p.data * (step + 1)) + 0.1
        optimizer.step()
    return params, optimizer


@pytest.mark.parametrize("name, key, value, words", BAD_HYPER_CASES)
def test_optimizer_refuses_bad_hyperparameters_naming_them(name, key, value, words):
    expected = TypeError if isinstance(value, (str, list, type(None))) or (key == "nesterov") else ValueError
    with pytest.raises(expected, match=re.escape(f"Invalid {words}: ") + "|" + re.escape(f"{words} must be True")):
        OPTIMIZERS[name](_params(), **{key: value})


@pytest.mark.parametrize("name, key, value, words", BAD_HYPER_CASES)
def test_parameter_group_with_bad_hyperparameters_is_refused(name, key, value, words):
    params = _params()
    with pytest.raises((TypeError, ValueError), match=re.escape(words)):
        OPTIMIZERS[name]([{"params": params[:1]}, {"params": params[1:], key: value}])


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_lr_zero_is_allowed_and_changes_nothing(name):
    params = _params()
    before = [p.data.copy() for p in params]
    optimizer = OPTIMIZERS[name](params, lr=0.0, **({"weight_decay": 0.0} if name == "AdamW" else {}))
    for p in params:
        p.grad = np.ones_like(p.data)
    optimizer.step()
    for p, b in zip(params, before):
        np.testing.assert_array_equal(p.data, b)


@pytest.mark.parametrize("name", ["Adam", "AdamW", "RMSprop", "Adagrad"])
def test_zero_gradient_never_makes_nan_weights(name):
    params = _params()
    optimizer = OPTIMIZERS[name](params)
    for _ in range(3):
        for p in params:
            p.grad = np.zeros_like(p.data)
        optimizer.step()
    assert all(np.isfinite(p.data).all() for p in params)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_refuses_non_float_parameters(name):
    for data in (np.arange(3), np.array([True, False]), np.zeros(2, complex)):
        with pytest.raises(TypeError, match=f"^{name} can only optimize floating-point parameters; parameter 0"):
            OPTIMIZERS[name]([Parameter(data)])


@pytest.mark.parametrize(
    "grad, error, words",
    [
        (np.ones((2, 3)) + 1j, TypeError, "has a gradient of dtype complex128"),
        (np.full((2, 3), "1"), TypeError, "has a gradient of dtype <U1"),
        ([[1.0] * 3] * 2, TypeError, "has a gradient of list"),
        (np.ones(6), ValueError, r"has a gradient of shape \(6,\); they must be equal"),
    ],
)
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_step_refuses_bad_gradients_and_changes_nothing(name, grad, error, words):
    params = _params()
    optimizer = OPTIMIZERS[name](params)
    before = params[0].data.copy()
    params[0].grad = grad
    with pytest.raises(error, match=re.escape(f"{name}.step(): a parameter of shape (2, 3) ") + words):
        optimizer.step()
    np.testing.assert_array_equal(params[0].data, before)


def _first_buffer(state):
    entry = state["state"]["0"]
    return next(k for k in entry if k != "step")


def _change_buffer(transform):
    def change(state):
        key = _first_buffer(state)
        state["state"]["0"][key] = transform(np.asarray(state["state"]["0"][key]))
    return change


STATE_CHANGES = {
    "nan_buffer": (_change_buffer(lambda a: np.full_like(a, np.nan)), ValueError, "NaN or infinite"),
    "inf_buffer": (_change_buffer(lambda a: np.full_like(a, np.inf)), ValueError, "NaN or infinite"),
    "complex_buffer": (_change_buffer(lambda a: a + 1j), TypeError, "complex128"),
    "object_buffer": (_change_buffer(lambda a: np.full(a.shape, None, dtype=object)), TypeError, "NoneType"),
    "text_buffer": (_change_buffer(lambda a: a.astype(str)), TypeError, "text"),
    "string_buffer": (_change_buffer(lambda a: "zeros"), TypeError, "must be an array of shape"),
    "wrong_shape": (_change_buffer(lambda a: np.zeros(a.size + 1)), ValueError, "has shape"),
    "transposed": (_change_buffer(lambda a: a.T if a.ndim == 2 else a[None]), ValueError, "has shape"),
    "param_count": (lambda s: s["param_groups"][0]["params"].pop(), ValueError, r"parameter\(s\) in the state dict"),
    "group_count": (lambda s: s["param_groups"].append(copy.deepcopy(s["param_groups"][0])), ValueError,
                    r"parameter group\(s\)"),
    "lr_negative": (lambda s: s["param_groups"][0].__setitem__("lr", -1.0), ValueError, "Invalid learning rate"),
    "lr_text": (lambda s: s["param_groups"][0].__setitem__("lr", "abc"), TypeError, "Invalid learning rate: 'abc'"),
    "lr_nan": (lambda s: s["param_groups"][0].__setitem__("lr", float("nan")), ValueError, "Invalid learning rate"),
    "initial_lr_text": (lambda s: s["param_groups"][0].__setitem__("initial_lr", "x"), TypeError, "initial_lr"),
    "unknown_group_key": (lambda s: s["param_groups"][0].__setitem__("nesterovv", True), ValueError,
                          r"unknown \['nesterovv'\]"),
    "unknown_param": (lambda s: s["state"].__setitem__("9", {}), ValueError, "which no parameter group lists"),
    "entry_not_dict": (lambda s: s["state"].__setitem__("0", [1, 2]), TypeError, "must be a dict"),
    "state_not_dict": (lambda s: s.__setitem__("state", []), TypeError, "'state' must be a dict"),
    "groups_not_list": (lambda s: s.__setitem__("param_groups", "x"), ValueError, "parameter group"),
    "params_not_ints": (lambda s: s["param_groups"][0].__setitem__("params", ["a", "b"]), ValueError,
                        "distinct parameter numbers"),
    "params_repeated": (lambda s: s["param_groups"][0].__setitem__("params", [0, 0]), ValueError,
                        "distinct parameter numbers"),
    "unknown_state_name": (lambda s: s["state"]["0"].__setitem__("velocity", 0), ValueError,
                           r"unknown \['velocity'\]"),
    "extra_top_key": (lambda s: s.__setitem__("extra", 1), ValueError, "expects a dict with keys"),
    "not_a_dict": (lambda s: s.clear(), ValueError, "expects a dict with keys"),
}

STEP_CHANGES = {
    "step_text": ("abc", "'step' must be an integer >= 0"),
    "step_negative": (-1, "'step' must be an integer >= 0"),
    "step_float": (1.5, "'step' must be an integer >= 0"),
    "step_bool": (True, "'step' must be an integer >= 0"),
}


def _snapshot(optimizer):
    return copy.deepcopy(optimizer.state_dict())


def _assert_same_state(a, b):
    assert a["param_groups"] == b["param_groups"]
    assert a["state"].keys() == b["state"].keys()
    for key in a["state"]:
        for name, value in a["state"][key].items():
            np.testing.assert_array_equal(value, b["state"][key][name])


@pytest.mark.parametrize("change", sorted(STATE_CHANGES))
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_optimizer_state_dict_is_validated_before_anything_changes(name, change):
    _, source = _stepped(name)
    state = _snapshot(source)
    mutate, error, words = STATE_CHANGES[change]
    mutate(state)
    _, target = _stepped(name, steps=1, lr=0.5)
    before = _snapshot(target)
    for method in (target.validate_state_dict, target.load_state_dict):
        with pytest.raises(error, match=re.escape(name) + r"\.load_state_dict.*" + words):
            method(state)
        _assert_same_state(before, _snapshot(target))


@pytest.mark.parametrize("change", sorted(STEP_CHANGES))
@pytest.mark.parametrize("name", ["Adam", "AdamW", "RMSprop", "Adagrad"])
def test_optimizer_step_counter_is_validated(name, change):
    _, source = _stepped(name)
    state = _snapshot(source)
    value, words = STEP_CHANGES[change]
    state["state"]["0"]["step"] = value
    _, target = _stepped(name, steps=1)
    with pytest.raises(ValueError, match=re.escape(f"{name}.load_state_dict: the state of parameter 0: {words}")):
        target.load_state_dict(state)


@pytest.mark.parametrize("name", ["Adam", "RMSprop", "Adagrad"])
def test_negative_running_squares_are_refused(name):
    _, source = _stepped(name)
    state = _snapshot(source)
    key = {"Adam": "exp_avg_sq", "RMSprop": "square_avg", "Adagrad": "sum"}[name]
    state["state"]["1"][key] = -np.abs(state["state"]["1"][key]) - 1
    with pytest.raises(ValueError, match=re.escape(f"the state of parameter 1: '{key}' holds negative values")):
        _stepped(name, steps=0)[1].validate_state_dict(state)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_valid_state_dict_loads_and_resumes(name):
    params, source = _stepped(name)
    state = _snapshot(source)
    fresh = OPTIMIZERS[name]([Parameter(p.data.copy()) for p in params])
    fresh.validate_state_dict(state)
    fresh.load_state_dict(state)
    _assert_same_state(state, _snapshot(fresh))


# ============================================================================================ schedulers
def _optimizer():
    return optim.SGD([{"params": [Parameter(np.zeros(2))], "lr": 0.1},
                      {"params": [Parameter(np.zeros(3))], "lr": 0.02}], lr=0.1, momentum=0.9)


SCHEDULERS = {
    "StepLR": lambda o, **kw: lr_scheduler.StepLR(o, **{"step_size": 2, "gamma": 0.5, **kw}),
    "MultiStepLR": lambda o, **kw: lr_scheduler.MultiStepLR(o, **{"milestones": [2, 4], **kw}),
    "ExponentialLR": lambda o, **kw: lr_scheduler.ExponentialLR(o, **{"gamma": 0.9, **kw}),
    "CosineAnnealingLR": lambda o, **kw: lr_scheduler.CosineAnnealingLR(o, **{"T_max": 4, **kw}),
    "LinearLR": lambda o, **kw: lr_scheduler.LinearLR(o, **kw),
    "ReduceLROnPlateau": lambda o, **kw: lr_scheduler.ReduceLROnPlateau(o, **{"patience": 0, **kw}),
    "SequentialLR": lambda o, **kw: lr_scheduler.SequentialLR(
        o, [lr_scheduler.LinearLR(o, total_iters=2), lr_scheduler.CosineAnnealingLR(o, T_max=3)],
        **{"milestones": [2], **kw}),
    "OneCycleLR": lambda o, **kw: lr_scheduler.OneCycleLR(o, **{"max_lr": 0.5, "total_steps": 10, **kw}),
}


def test_every_exported_scheduler_has_a_case():
    exported = {name for name in lr_scheduler.__all__ if name != "LRScheduler"
                and issubclass(getattr(lr_scheduler, name), lr_scheduler.LRScheduler)}
    assert exported == set(SCHEDULERS)

BAD_SCHEDULER_ARGUMENTS = [
    ("StepLR", "step_size", 0, ValueError), ("StepLR", "step_size", 2.5, TypeError),
    ("StepLR", "step_size", "3", TypeError), ("StepLR", "gamma", -2.0, ValueError),
    ("StepLR", "gamma", 0, ValueError), ("StepLR", "gamma", "0.1", TypeError),
    ("MultiStepLR", "milestones", [0, 3], ValueError), ("MultiStepLR", "milestones", 5, TypeError),
    ("MultiStepLR", "milestones", [], ValueError), ("MultiStepLR", "gamma", float("nan"), ValueError),
    ("ExponentialLR", "gamma", -2.0, ValueError), ("ExponentialLR", "gamma", None, TypeError),
    ("CosineAnnealingLR", "T_max", 0, ValueError), ("CosineAnnealingLR", "T_max", "10", TypeError),
    ("CosineAnnealingLR", "eta_min", -1.0, ValueError),
    ("LinearLR", "start_factor", 0.0, ValueError), ("LinearLR", "end_factor", 1.5, ValueError),
    ("LinearLR", "total_iters", 0, ValueError),
    ("ReduceLROnPlateau", "factor", 1.0, ValueError), ("ReduceLROnPlateau", "patience", -1, ValueError),
    ("ReduceLROnPlateau", "patience", "2", TypeError), ("ReduceLROnPlateau", "mode", "avg", ValueError),
    ("ReduceLROnPlateau", "min_lr", [0.1], ValueError), ("ReduceLROnPlateau", "eps", -1.0, ValueError),
    ("SequentialLR", "milestones", [0], ValueError), ("SequentialLR", "milestones", [1, 2], ValueError),
    ("OneCycleLR", "max_lr", -1.0, ValueError), ("OneCycleLR", "pct_start", 2.0, ValueError),
    ("OneCycleLR", "total_steps", "10", TypeError),
]


@pytest.mark.parametrize("name, key, value, error", BAD_SCHEDULER_ARGUMENTS)
def test_scheduler_refuses_bad_arguments_naming_them(name, key, value, error):
    shown = {"min_lr": "min_lrs", "milestones": "milestone"}.get(key, key)
    with pytest.raises(error, match=re.escape(shown)):
        SCHEDULERS[name](_optimizer(), **{key: value})


def _stepped_scheduler(name):
    optimizer = _optimizer()
    scheduler = SCHEDULERS[name](optimizer)
    for _ in range(3):
        if name == "ReduceLROnPlateau":
            scheduler.step(1.0)
        else:
            scheduler.step()
    return scheduler


def _hyper_change(name):
    """A state-dict change that sets one of the scheduler's arguments out of range."""
    return {
        "StepLR": ("step_size", 0), "MultiStepLR": ("gamma", -2.0), "ExponentialLR": ("gamma", -2.0),
        "CosineAnnealingLR": ("T_max", "abc"), "LinearLR": ("start_factor", 2.0),
        "ReduceLROnPlateau": ("factor", 5.0), "SequentialLR": ("milestones", [0]),
        "OneCycleLR": ("total_steps", 0),
    }[name]


SCHEDULER_STATE_CHANGES = {
    "last_epoch_text": (lambda n, s: s.__setitem__("last_epoch", "abc"), TypeError, "Invalid last_epoch value: 'abc'"),
    "last_epoch_negative": (lambda n, s: s.__setitem__("last_epoch", -5), ValueError, "Invalid last_epoch value: -5"),
    "last_epoch_float": (lambda n, s: s.__setitem__("last_epoch", 2.5), TypeError, "Invalid last_epoch value: 2.5"),
    "base_lrs_short": (lambda n, s: s.__setitem__("base_lrs", [0.1]), ValueError, "base_lrs"),
    "base_lrs_nan": (lambda n, s: s.__setitem__("base_lrs", [float("nan"), 0.1]), ValueError, r"base_lrs\[0\]"),
    "last_lr_negative": (lambda n, s: s.__setitem__("last_lr", [0.1, -1.0]), ValueError, r"last_lr\[1\]"),
    "last_lr_text": (lambda n, s: s.__setitem__("last_lr", "0.1"), TypeError, "last_lr"),
    "hyperparameter": (lambda n, s: s.__setitem__(*_hyper_change(n)), (TypeError, ValueError), "Invalid "),
    "unknown_key": (lambda n, s: s.__setitem__("surprise", 1), ValueError, r"unknown \['surprise'\]"),
    "missing_key": (lambda n, s: s.pop("last_epoch"), ValueError, r"missing \['last_epoch'\]"),
}


@pytest.mark.parametrize("change", sorted(SCHEDULER_STATE_CHANGES))
@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_state_dict_is_validated_before_anything_changes(name, change):
    state = copy.deepcopy(_stepped_scheduler(name).state_dict())
    mutate, error, words = SCHEDULER_STATE_CHANGES[change]
    mutate(name, state)
    target = SCHEDULERS[name](_optimizer())
    before = copy.deepcopy(target.state_dict())
    for method in (target.validate_state_dict, target.load_state_dict):
        with pytest.raises(error, match=re.escape(name) + r"\.load_state_dict: .*" + words):
            method(state)
        assert target.state_dict() == before


@pytest.mark.parametrize("name", sorted(SCHEDULERS))
def test_scheduler_state_dict_not_a_dict(name):
    with pytest.raises(TypeError, match=re.escape(f"{name}.load_state_dict expects a dict, got str")):
        SCHEDULERS[name](_optimizer()).load_state_dict("state")


def test_sequential_lr_validates_every_inner_state_first():
    state = copy.deepcopy(_stepped_scheduler("SequentialLR").state_dict())
    state["schedulers"][1]["T_max"] = 0
    target = SCHEDULERS["SequentialLR"](_optimizer())
    before = copy.deepcopy(target.state_dict())
    with pytest.raises(ValueError, match=r"SequentialLR.load_state_dict: scheduler 1: CosineAnnealingLR"
                                         r".load_state_dict: Invalid T_max value: 0"):
        target.load_state_dict(state)
    assert target.state_dict() == before


def test_plateau_counters_are_validated():
    state = copy.deepcopy(_stepped_scheduler("ReduceLROnPlateau").state_dict())
    for key, value, error in (("best", float("nan"), ValueError), ("best", "low", TypeError),
                              ("num_bad_epochs", -1, ValueError), ("cooldown_counter", 0.5, TypeError)):
        bad = dict(state, **{key: value})
        with pytest.raises(error, match=f"ReduceLROnPlateau.load_state_dict: Invalid {key} value"):
            SCHEDULERS["ReduceLROnPlateau"](_optimizer()).load_state_dict(bad)
    infinite = dict(state, best=float("inf"))                                  # the starting "best" is inf
    SCHEDULERS["ReduceLROnPlateau"](_optimizer()).load_state_dict(infinite)


def test_resume_after_a_cosine_schedule_ended_at_lr_zero():
    params = _params()
    optimizer = optim.Adam(params, lr=0.01)
    scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=3)
    for _ in range(3):
        for p in params:
            p.grad = np.ones_like(p.data)
        optimizer.step()
        scheduler.step()
    assert optimizer.param_groups[0]["lr"] == 0.0                              # the end of the cosine
    saved_optimizer, saved_scheduler = _snapshot(optimizer), scheduler.state_dict()
    resumed_params = [Parameter(p.data.copy()) for p in params]
    resumed = optim.Adam(resumed_params, lr=0.01)
    resumed_scheduler = lr_scheduler.CosineAnnealingLR(resumed, T_max=3)
    resumed.load_state_dict(saved_optimizer)
    resumed_scheduler.load_state_dict(saved_scheduler)
    assert resumed.param_groups[0]["lr"] == 0.0


# ====================================================================================== fit / evaluate / predict
def _model(outputs=3):
    return nn.Sequential(nn.Linear(2, 8, rng=0), nn.ReLU(), nn.Linear(8, outputs, rng=1))


def _data(n=20, outputs=3):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 2)).astype(np.float32), rng.integers(0, outputs, size=n)


def _fit(x, y, **kwargs):
    arguments = dict(loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=1, verbose=0)
    arguments.update(kwargs)
    return zeronn.fit(_model(), x, y, **arguments)


X, Y = _data()

FIT_CASES = {
    "empty": (lambda: _fit(X[:0], Y[:0]), ValueError, r"fit: x and y have 0 samples"),
    "length_mismatch": (lambda: _fit(X, Y[:-1]), ValueError,
                        r"fit: x and y must have the same number of samples, got 20 inputs and 19 targets"),
    "no_targets": (lambda: _fit(X, None), ValueError, "fit: y is None"),
    "nan_x": (lambda: _fit(np.where(np.arange(20)[:, None] == 5, np.nan, X), Y), ValueError,
              r"fit: x holds 2 NaN or infinite value\(s\) .* the first in sample 5"),
    "inf_y": (lambda: _fit(X, np.where(np.arange(20) == 3, np.inf, Y.astype(float)), loss="mse"), ValueError,
              "fit: y holds 1 NaN or infinite"),
    "text_x": (lambda: _fit(X.astype(str), Y), TypeError, r"fit expects real numbers .* as x, got text"),
    "complex_y": (lambda: _fit(X, Y + 1j), TypeError, r"fit expects real numbers .* as y, got complex128"),
    "object_x": (lambda: _fit(np.full((20, 2), None, dtype=object), Y), TypeError,
                 "fit expects real numbers .* as x, got an object array holding NoneType"),
    "ragged_x": (lambda: _fit([[1.0, 2.0], [3.0]], [0, 1]), TypeError, "fit expects a rectangular array .* as x"),
    "scalar_x": (lambda: _fit(3.0, Y), ValueError, "fit: x must have a first axis of samples"),
    "empty_validation": (lambda: _fit(X, Y, validation_data=(X[:0], Y[:0])), ValueError,
                         "fit: x_val and y_val have 0 samples"),
    "validation_mismatch": (lambda: _fit(X, Y, validation_data=(X, Y[:3])), ValueError,
                            "fit: x_val and y_val must have the same number of samples"),
    "validation_nan": (lambda: _fit(X, Y, validation_data=(X * np.nan, Y)), ValueError, "fit: x_val holds"),
    "validation_not_pair": (lambda: _fit(X, Y, validation_data=X), TypeError,
                            r"fit: validation_data must be a pair \(x_val, y_val\)"),
    "validation_triple": (lambda: _fit(X, Y, validation_data=(X, Y, Y)), TypeError, "of 3 items"),
    "split_leaves_nothing": (lambda: _fit(X[:3], Y[:3], validation_split=0.9), ValueError,
                             "fit: validation_split=0.9 of 3 samples leaves an empty part for training"),
    "split_bad": (lambda: _fit(X, Y, validation_split=1.0), ValueError, "Invalid validation_split value: 1.0"),
    "split_text": (lambda: _fit(X, Y, validation_split="0.2"), TypeError, "Invalid validation_split value: '0.2'"),
    "labels_out_of_range": (lambda: _fit(X, np.full(20, 7)), ValueError, "class index 7 is out of range"),
}


@pytest.mark.parametrize("case", sorted(FIT_CASES))
def test_fit_refuses_bad_data_before_training(case):
    run, error, words = FIT_CASES[case]
    with pytest.raises(error, match=words):
        run()


def test_fit_refuses_bad_data_before_any_weight_changes():
    model = _model()
    before = [p.data.copy() for p in model.parameters()]
    x = X.copy()
    x[-1, 0] = np.nan                                                            # in the last batch
    with pytest.raises(ValueError, match="fit: x holds 1 NaN"):
        zeronn.fit(model, x, Y, loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=1, verbose=0, batch_size=4)
    for p, b in zip(model.parameters(), before):
        np.testing.assert_array_equal(p.data, b)


EVALUATE_CASES = {
    "labels_7_for_3_classes": (lambda: zeronn.evaluate(_model(3), X, np.full(20, 7)), ValueError,
                               r"evaluate: y holds the label 7 \(sample 0\), but the model's output has 3 classes"),
    "labels_7_no_metrics": (lambda: zeronn.evaluate(_model(3), X, np.full(20, 7), metrics=()), ValueError,
                            "evaluate: y holds the label 7"),
    "negative_label": (lambda: zeronn.evaluate(_model(3), X, np.where(np.arange(20) == 4, -1, Y)), ValueError,
                       r"evaluate: y holds the label -1 \(sample 4\)"),
    "binary_loss_label_2": (lambda: zeronn.evaluate(_model(1), X, np.full((20, 1), 2.0), loss="bce_with_logits"),
                            ValueError, r"BCEWithLogitsLoss\(\) expects targets in \[0, 1\]"),
    "empty": (lambda: zeronn.evaluate(_model(), X[:0], Y[:0]), ValueError, "evaluate: x and y have 0 samples"),
    "mismatch": (lambda: zeronn.evaluate(_model(), X, Y[:5]), ValueError, "evaluate: x and y must have the same"),
    "nan_x": (lambda: zeronn.evaluate(_model(), X * np.nan, Y), ValueError, "evaluate: x holds 40 NaN"),
    "text_y": (lambda: zeronn.evaluate(_model(), X, Y.astype(str)), TypeError, "evaluate expects real numbers .* y"),
}


@pytest.mark.parametrize("case", sorted(EVALUATE_CASES))
def test_evaluate_refuses_bad_data(case):
    run, error, words = EVALUATE_CASES[case]
    with pytest.raises(error, match=words):
        run()


PREDICT_CASES = {
    "empty": (lambda: zeronn.predict(_model(), X[:0]), ValueError,
              r"predict: x has 0 samples \(an empty dataset of shape \(0, 2\)\)"),
    "nan": (lambda: zeronn.predict(_model(), X * np.inf), ValueError, "predict: x holds 40 NaN or infinite"),
    "text": (lambda: zeronn.predict(_model(), X.astype(str)), TypeError, "predict expects real numbers .* as x"),
    "complex": (lambda: zeronn.predict(_model(), X + 1j), TypeError,
                "predict expects real numbers .* as x, got complex64"),
    "none": (lambda: zeronn.predict(_model(), None), ValueError, "predict: x is None"),
}


@pytest.mark.parametrize("case", sorted(PREDICT_CASES))
def test_predict_refuses_bad_data(case):
    run, error, words = PREDICT_CASES[case]
    with pytest.raises(error, match=words):
        run()


def test_valid_data_still_trains_evaluates_and_predicts():
    history = _fit(X, Y, validation_split=0.25, epochs=2)
    assert len(history) == 2
    model = _model()
    assert set(zeronn.evaluate(model, X.tolist(), Y.tolist())) == {"accuracy"}                 # lists work too
    assert zeronn.predict(model, X.astype(np.int64)).shape == (20, 3)                           # ints work too


def test_integer_regression_targets_with_one_output_still_train():
    y = np.arange(20).reshape(20, 1)                                             # counts, not classes
    model = nn.Sequential(nn.Linear(2, 4, rng=0), nn.ReLU(), nn.Linear(4, 1, rng=1))
    zeronn.fit(model, X, y, loss="mse", optimizer="sgd", lr=1e-3, epochs=1, verbose=0)
    assert "loss" in zeronn.evaluate(model, X, y, loss="mse")
