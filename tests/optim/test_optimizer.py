"""Tests for zeronn.optim.optimizer (the base class, through SGD and Adam)."""

import json

import numpy as np
import pytest

from tests.optim.helpers import assert_state_tree
from zeronn.nn import Linear, Parameter, Sequential
from zeronn.optim import SGD, Adam, Optimizer, RMSprop


def make_params(*shapes):
    return [Parameter(np.ones(shape)) for shape in shapes]


# ---------------------------------------------------------------------------------------- construction
def test_accepts_model_parameters_named_parameters_and_groups():
    model = Sequential(Linear(3, 4), Linear(4, 2))
    assert len(SGD(model.parameters(), lr=0.1).param_groups[0]["params"]) == 4
    assert len(SGD(model.named_parameters(), lr=0.1).param_groups[0]["params"]) == 4
    assert len(SGD(iter(model.parameters()), lr=0.1).parameters()) == 4
    grouped = SGD([{"params": model[0].parameters()}, {"params": model[1].parameters(), "lr": 0.01}], lr=0.1)
    assert [g["lr"] for g in grouped.param_groups] == [0.1, 0.01]
    assert grouped.param_groups[1]["momentum"] == 0.0           # defaults fill the rest
    single = SGD({"params": model.parameters(), "lr": 0.5})
    assert single.param_groups[0]["lr"] == 0.5


def test_defaults_and_group_keys():
    optimizer = Adam(make_params((2,)))
    assert optimizer.defaults == {
        "lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0, "amsgrad": False, "maximize": False,
    }
    assert list(optimizer.param_groups[0]) == ["params", "lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"]


def test_repeated_parameter_is_kept_once():
    p = Parameter(np.ones(2))
    optimizer = SGD([p, p], lr=0.1)
    p.grad = np.ones(2)
    optimizer.step()
    np.testing.assert_allclose(p.data, [0.9, 0.9])            # updated once, not twice


def test_add_param_group():
    a, b = make_params((2,), (3,))
    optimizer = SGD([a], lr=0.1, momentum=0.9)
    optimizer.add_param_group({"params": [b], "lr": 0.5})
    assert optimizer.param_groups[1]["lr"] == 0.5
    assert optimizer.param_groups[1]["momentum"] == 0.9
    with pytest.raises(ValueError, match="some parameters appear in more than one parameter group"):
        optimizer.add_param_group({"params": [a]})


@pytest.mark.parametrize(
    "params, error, message",
    [
        ([], ValueError, "SGD got an empty parameter list"),
        (Sequential(Linear(2, 2)), TypeError, r"SGD expects model.parameters\(\), not the model itself"),
        (Parameter(np.ones(2)), TypeError, "got a single Parameter; wrap it in a list"),
        ([np.ones(2)], TypeError,
         "SGD can only optimize zeronn.nn.Parameter objects, but one of the params is ndarray"),
        (5, TypeError, "expects an iterable of Parameters"),
        ([{"lr": 0.1}], ValueError, "a parameter group must have a 'params' entry"),
        ([{"params": []}], ValueError, "empty 'params' list"),
        ([{"params": make_params((2,)), "learning_rate": 0.1}], ValueError,
         r"unknown option\(s\) \['learning_rate'\] in a parameter group; valid options are: dampening, lr"),
        ([{"params": make_params((2,)), "lr": -3}], ValueError, "Invalid learning rate: -3"),
    ],
)
def test_bad_params_argument(params, error, message):
    with pytest.raises(error, match=message):
        SGD(params, lr=0.1)


def test_group_hyperparameters_are_validated_too():
    with pytest.raises(ValueError, match="Nesterov momentum requires"):
        SGD([{"params": make_params((2,)), "nesterov": True}], lr=0.1)


# ---------------------------------------------------------------------------------------- step
def test_skips_parameters_without_grad_or_frozen():
    a, b, c = make_params((2,), (2,), (2,))
    c.requires_grad = False
    optimizer = Adam([a, b, c], lr=0.1)
    a.grad = np.ones(2)
    c.grad = np.ones(2)
    optimizer.step()
    assert not np.array_equal(a.data, np.ones(2))
    np.testing.assert_array_equal(b.data, np.ones(2))
    np.testing.assert_array_equal(c.data, np.ones(2))
    assert set(optimizer.state) == {a}


def test_zero_grad_sets_none_or_zeros():
    a, b = make_params((2,), (3,))
    optimizer = SGD([a, b], lr=0.1)
    a.grad, b.grad = np.ones(2), np.ones(3)
    optimizer.zero_grad()
    assert a.grad is None and b.grad is None
    a.grad = np.ones(2)
    optimizer.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(a.grad, np.zeros(2))
    np.testing.assert_array_equal(b.grad, np.zeros(3))


def test_step_with_closure_returns_loss():
    p = Parameter(np.array([3.0]))
    optimizer = SGD([p], lr=0.25)

    def closure():
        p.grad = 2 * p.data                                  # d/dp of p^2
        return float(p.data[0] ** 2)

    assert optimizer.step(closure) == 9.0
    np.testing.assert_allclose(p.data, [1.5])                # 3 - 0.25 * 6
    assert optimizer.step() is None


def test_gradient_of_wrong_shape():
    p = Parameter(np.ones((2, 3)))
    p.grad = np.ones(3)
    with pytest.raises(ValueError, match=r"SGD.step\(\): a parameter of shape \(2, 3\) has a gradient of shape \(3,\)"):
        SGD([p], lr=0.1).step()


def test_changing_lr_in_param_groups_takes_effect():
    p = Parameter(np.array([1.0]))
    optimizer = SGD([p], lr=0.1)
    optimizer.param_groups[0]["lr"] = 0.5
    p.grad = np.array([1.0])
    optimizer.step()
    np.testing.assert_allclose(p.data, [0.5])


def test_trains_a_model():
    rng = np.random.default_rng(0)
    model = Sequential(Linear(2, 1, dtype=np.float64, rng=0))
    x = rng.normal(size=(64, 2))
    y = x @ np.array([[2.0], [-3.0]]) + 0.5
    optimizer = Adam(model.parameters(), lr=0.1)
    for _ in range(300):
        optimizer.zero_grad()
        error = model(x) - y
        model.backward(2 * error / len(x))                  # gradient of the mean squared error
        optimizer.step()
    np.testing.assert_allclose(model[0].weight.data.ravel(), [2.0, -3.0], atol=1e-3)
    np.testing.assert_allclose(model[0].bias.data, [0.5], atol=1e-3)


# ---------------------------------------------------------------------------------------- state dict
def run_steps(optimizer, params, steps=3):
    for step in range(steps):
        for index, p in enumerate(params):
            p.grad = np.full(p.data.shape, 0.1 * (step + index + 1))
        optimizer.step()


def test_state_dict_layout_and_json():
    params = make_params((2, 2), (3,))
    optimizer = Adam([{"params": params[:1]}, {"params": params[1:], "lr": 0.5, "name": "head"}], lr=0.1)
    run_steps(optimizer, params)
    state = optimizer.state_dict()
    assert_state_tree(state)
    assert state["param_groups"][0]["params"] == [0]
    assert state["param_groups"][1]["params"] == [1]
    assert state["param_groups"][1]["name"] == "head"
    assert state["param_groups"][1]["betas"] == [0.9, 0.999]
    assert set(state["state"]["1"]) == {"step", "exp_avg", "exp_avg_sq"}
    json.dumps(state["param_groups"], allow_nan=False)


def test_state_dict_holds_copies():
    params = make_params((2,))
    optimizer = Adam(params, lr=0.1)
    run_steps(optimizer, params)
    state = optimizer.state_dict()
    state["state"]["0"]["exp_avg"][:] = 99.0
    state["param_groups"][0]["lr"] = 7.0
    assert not np.any(optimizer.state[params[0]]["exp_avg"] == 99.0)
    assert optimizer.param_groups[0]["lr"] == 0.1


def test_load_state_dict_restores_hyperparameters_and_copies():
    params = make_params((2,))
    source = Adam(params, lr=0.1, betas=(0.8, 0.9), amsgrad=True)
    run_steps(source, params)
    state = source.state_dict()
    target = Adam(make_params((2,)), lr=0.5)
    target.load_state_dict(state)
    group = target.param_groups[0]
    assert (group["lr"], group["betas"], group["amsgrad"]) == (0.1, (0.8, 0.9), True)
    loaded = target.state[target.parameters()[0]]
    assert loaded["step"] == 3
    assert loaded["exp_avg"] is not state["state"]["0"]["exp_avg"]
    np.testing.assert_array_equal(loaded["max_exp_avg_sq"], state["state"]["0"]["max_exp_avg_sq"])


def test_load_state_dict_casts_to_parameter_dtype():
    params = make_params((2,))
    source = SGD(params, lr=0.1, momentum=0.9)
    run_steps(source, params)
    target_param = Parameter(np.ones(2, dtype=np.float32))
    target = SGD([target_param], lr=0.1, momentum=0.9)
    target.load_state_dict(source.state_dict())
    assert target.state[target_param]["momentum_buffer"].dtype == np.float32


def test_load_state_dict_keeps_scheduler_initial_lr():
    from zeronn.optim.lr_scheduler import StepLR

    params = make_params((2,))
    optimizer = SGD(params, lr=0.1)
    StepLR(optimizer, step_size=2)
    state = optimizer.state_dict()
    assert state["param_groups"][0]["initial_lr"] == 0.1
    fresh = SGD(make_params((2,)), lr=0.3)
    fresh.load_state_dict(state)
    assert fresh.param_groups[0]["initial_lr"] == 0.1


def saved_adam_state():
    params = make_params((2, 2), (3,))
    optimizer = Adam(params, lr=0.1)
    run_steps(optimizer, params)
    return optimizer.state_dict()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda s: s.pop("state"), "expects a dict with keys 'param_groups' and 'state'"),
        (lambda s: s["param_groups"].append(dict(s["param_groups"][0])),
         r"the state dict has 2 parameter group\(s\), this optimizer has 1"),
        (lambda s: s["param_groups"][0]["params"].pop(),
         r"parameter group 0 has 1 parameter\(s\) in the state dict, 2"),
        (lambda s: s["state"]["1"].__setitem__("exp_avg", np.zeros(4)),
         r"the state of parameter 1: 'exp_avg' has shape \(4,\), expected \(3,\)"),
        (lambda s: s["state"]["0"].pop("exp_avg_sq"), r"missing \['exp_avg_sq'\]"),
        (lambda s: s["state"]["0"].__setitem__("momentum_buffer", np.zeros((2, 2))), r"unknown \['momentum_buffer'\]"),
        (lambda s: s["state"].__setitem__("7", {}), "state for parameter '7', which no parameter group lists"),
        (lambda s: s["state"]["0"].__setitem__("step", -1), "'step' must be an integer >= 0"),
        (lambda s: s["param_groups"][0].__setitem__("momentum", 0.9), r"unknown \['momentum'\]"),
        (lambda s: s["param_groups"][0].__setitem__("lr", -1.0), "Invalid learning rate: -1.0"),
    ],
)
def test_load_state_dict_errors_leave_optimizer_unchanged(change, message):
    params = make_params((2, 2), (3,))
    optimizer = Adam(params, lr=0.3)
    state = saved_adam_state()
    change(state)
    with pytest.raises(ValueError, match=message):
        optimizer.load_state_dict(state)
    assert optimizer.param_groups[0]["lr"] == 0.3 and optimizer.state == {}


def test_load_state_from_another_optimizer_is_refused():
    params = make_params((2,))
    sgd = SGD(params, lr=0.1, momentum=0.9)
    run_steps(sgd, params)
    with pytest.raises(ValueError, match=r"was it saved by a different optimizer\?"):
        RMSprop(make_params((2,))).load_state_dict(sgd.state_dict())


def test_state_dict_survives_a_checkpoint_file(tmp_path):
    pytest.importorskip("safetensors")
    from zeronn.io import read_archive, write_archive
    from zeronn.optim.lr_scheduler import ReduceLROnPlateau

    def build(dtype):
        params = [Parameter(np.ones((2, 3), dtype=dtype)), Parameter(np.ones(3, dtype=dtype))]
        optimizer = Adam(params, lr=0.1, amsgrad=True)
        return params, optimizer, ReduceLROnPlateau(optimizer, patience=0)

    params, optimizer, scheduler = build(np.float32)
    run_steps(optimizer, params)
    scheduler.step(1.0)
    path = tmp_path / "checkpoint.zeronn"
    tree = {"values": [p.data.copy() for p in params], "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict()}
    write_archive(path, tree, kind="checkpoint")
    run_steps(optimizer, params)

    loaded = read_archive(path, kind="checkpoint")
    params2, optimizer2, scheduler2 = build(np.float32)
    for p, value in zip(params2, loaded["values"]):
        p.data[...] = value
    optimizer2.load_state_dict(loaded["optimizer"])
    scheduler2.load_state_dict(loaded["scheduler"])
    run_steps(optimizer2, params2)
    for a, b in zip(params, params2):
        assert np.array_equal(a.data, b.data)
    assert optimizer2.param_groups[0]["betas"] == (0.9, 0.999)
    assert scheduler2.best == 1.0


# ---------------------------------------------------------------------------------------- display
def test_repr():
    params = make_params((2,), (3,))
    assert repr(SGD(params, lr=0.1)) == (
        "SGD(lr=0.1, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False, maximize=False; 2 parameters)"
    )
    grouped = repr(SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.5}], lr=0.1))
    assert "group 1: lr=0.5" in grouped and grouped.startswith("SGD(\n")


def test_base_class_needs_subclass():
    class Half(Optimizer):
        pass

    with pytest.raises(NotImplementedError, match="Half does not declare its _parameter_constraints"):
        Half(make_params((2,)), {"lr": 0.1})


def test_validate_state_dict_checks_without_changing_anything():
    params = make_params((2, 2), (3,))
    optimizer = Adam(params, lr=0.3)
    state = saved_adam_state()
    optimizer.validate_state_dict(state)                   # a good one: no error, nothing loaded
    assert optimizer.state == {} and optimizer.param_groups[0]["lr"] == 0.3
    state["state"]["0"]["exp_avg"] = np.full((2, 2), np.nan)
    with pytest.raises(ValueError, match=r"^Adam.load_state_dict: the state of parameter 0: 'exp_avg' holds NaN"):
        optimizer.validate_state_dict(state)


def test_saved_group_options_decide_the_required_state():
    # a state saved with amsgrad=True must carry max_exp_avg_sq, whatever this optimizer was built with
    params = make_params((2, 2), (3,))
    state = saved_adam_state()
    state["param_groups"][0]["amsgrad"] = True
    with pytest.raises(ValueError, match=r"the state of parameter 0 does not fit Adam .*missing \['max_exp_avg_sq'\]"):
        Adam(params, lr=0.3).load_state_dict(state)


def test_state_dict_with_learning_rate_zero_loads():
    params = make_params((2, 2), (3,))
    state = saved_adam_state()
    state["param_groups"][0]["lr"] = 0.0                   # e.g. the end of a cosine schedule
    optimizer = Adam(params, lr=0.3)
    optimizer.load_state_dict(state)
    assert optimizer.param_groups[0]["lr"] == 0.0
