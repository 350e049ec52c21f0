"""Tests for zeronn.optim.registry."""

import numpy as np
import pytest

from zeronn.nn import Parameter
from zeronn.optim import (
    OPTIMIZERS,
    SCHEDULERS,
    SGD,
    Adagrad,
    Adam,
    AdamW,
    CosineAnnealingLR,
    RMSprop,
    get_optimizer,
    get_scheduler,
)
from zeronn.optim.lr_scheduler import ExponentialLR, LinearLR, MultiStepLR, ReduceLROnPlateau, StepLR


def params():
    return [Parameter(np.zeros(2))]


def test_every_optimizer_name():
    assert OPTIMIZERS == ("sgd", "adam", "adamw", "rmsprop", "adagrad")
    classes = [type(get_optimizer(name, params())) for name in OPTIMIZERS]
    assert classes == [SGD, Adam, AdamW, RMSprop, Adagrad]


def test_optimizer_kwargs_and_case():
    optimizer = get_optimizer("SGD", params(), lr=0.5, momentum=0.9)
    assert isinstance(optimizer, SGD)
    assert optimizer.param_groups[0]["lr"] == 0.5 and optimizer.param_groups[0]["momentum"] == 0.9


def test_unknown_optimizer_lists_choices():
    message = "Unknown optimizer 'adamax'; valid choices are: adagrad, adam, adamw, rmsprop, sgd"
    with pytest.raises(ValueError, match=message):
        get_optimizer("adamax", params())


def test_unknown_optimizer_argument_lists_accepted_ones():
    with pytest.raises(TypeError, match=r"SGD got unexpected argument\(s\) \['betas'\]; it accepts: lr, momentum"):
        get_optimizer("sgd", params(), betas=(0.9, 0.99))


def test_every_scheduler_name():
    assert SCHEDULERS == ("step", "multistep", "exponential", "cosine", "linear", "plateau")
    kwargs = {"step": {"step_size": 2}, "multistep": {"milestones": [2]}, "exponential": {"gamma": 0.9},
              "cosine": {"T_max": 5}, "linear": {}, "plateau": {}}
    classes = [type(get_scheduler(name, SGD(params(), lr=0.1), **kwargs[name])) for name in SCHEDULERS]
    assert classes == [StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, LinearLR, ReduceLROnPlateau]


def test_unknown_scheduler():
    with pytest.raises(ValueError, match="Unknown scheduler 'onecycle'; valid choices are: cosine, exponential"):
        get_scheduler("onecycle", SGD(params(), lr=0.1))
    with pytest.raises(TypeError, match=r"CosineAnnealingLR got unexpected argument\(s\) \['T'\]"):
        get_scheduler("cosine", SGD(params(), lr=0.1), T=5)


def test_missing_required_scheduler_argument():
    with pytest.raises(TypeError, match=r"CosineAnnealingLR needs T_max=\.\.\. \(it accepts: T_max, eta_min\)"):
        get_scheduler("cosine", SGD(params(), lr=0.1))
