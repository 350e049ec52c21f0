"""Tests for zeronn.losses.registry."""

import numpy as np
import pytest

from zeronn.losses import (
    LOSSES,
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    Loss,
    MSELoss,
    NLLLoss,
    SSELoss,
    get_loss,
)


def test_every_name_builds_its_loss():
    assert LOSSES == ("mse", "sse", "l1", "huber", "bce", "bce_with_logits", "cross_entropy", "nll")
    expected = [MSELoss, SSELoss, L1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss]
    assert [type(get_loss(name)) for name in LOSSES] == expected


def test_arguments_and_spelling():
    assert get_loss("huber", delta=2.0).delta == 2.0
    assert get_loss("Cross-Entropy", label_smoothing=0.1).label_smoothing == 0.1
    assert get_loss("mse", reduction="sum").reduction == "sum"


def test_a_loss_object_passes_through():
    loss = CrossEntropyLoss()
    assert get_loss(loss) is loss
    with pytest.raises(TypeError, match="also arguments"):
        get_loss(loss, reduction="sum")


def test_unknown_names_list_the_choices():
    with pytest.raises(ValueError, match="Unknown loss 'crossentropy'; valid choices are: bce, bce_with_logits, "
                                         "cross_entropy, huber, l1, mse, nll, sse"):
        get_loss("crossentropy")
    with pytest.raises(TypeError, match="loss must be a name or a Loss"):
        get_loss(3)


@pytest.mark.parametrize("name", LOSSES)
def test_config_rebuilds_the_same_loss(name):
    loss = get_loss(name)
    rebuilt = type(loss)(**loss.get_config())
    assert isinstance(rebuilt, Loss) and repr(rebuilt) == repr(loss)


@pytest.mark.parametrize("name", LOSSES)
def test_every_loss_returns_a_float_and_a_gradient_of_the_prediction_shape(name):
    pred = np.full((3, 2), 0.3, dtype=np.float32)
    target = np.array([0, 1, 1]) if name in ("cross_entropy", "nll") else np.zeros((3, 2))
    loss = get_loss(name)
    assert isinstance(loss(pred, target), float)
    grad = loss.backward()
    assert grad.shape == pred.shape and grad.dtype == np.float32
