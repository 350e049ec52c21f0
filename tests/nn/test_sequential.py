"""Tests for zeronn.nn.sequential."""

import json

import numpy as np
import pytest

from zeronn.nn import Dropout, Flatten, Identity, Linear, ReLU, Sequential, layer_from_spec, layer_to_spec
from zeronn.testing import check_layer


def make_model():
    return Sequential(Linear(3, 4), Identity(), Linear(4, 2))


def test_passes_layer_checks():
    check_layer(make_model(), (5, 3), expected_output_shape=(5, 2), bad_shape=(5, 4))


def test_stable_dotted_names():
    names = [name for name, _ in make_model().named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_nested_names_and_state_dict_round_trip():
    model = Sequential(Sequential(Linear(2, 3), Linear(3, 3)), Linear(3, 1))
    assert list(model.state_dict()) == ["0.0.weight", "0.0.bias", "0.1.weight", "0.1.bias", "1.weight", "1.bias"]
    clone = layer_from_spec(json.loads(json.dumps(layer_to_spec(model))))
    clone.load_state_dict(model.state_dict())
    x = np.ones((2, 2), np.float32)
    assert np.array_equal(clone(x), model(x))


def test_load_state_dict_checks_everything_before_changing_anything():
    model = make_model()
    before = model.state_dict()
    bad = dict(before)
    bad["2.weight"] = np.zeros((9, 9))
    bad["0.weight"] = np.zeros_like(before["0.weight"])
    with pytest.raises(ValueError, match="2.weight"):
        model.load_state_dict(bad)
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    with pytest.raises(KeyError, match="missing"):
        model.load_state_dict({"0.weight": before["0.weight"]})


def test_shape_error_says_which_layer():
    with pytest.raises(ValueError, match=r"Linear\(5 -> 2\) expects .* got \(1, 4\) \(in layer 2 of the Sequential\)"):
        Sequential(Linear(3, 4), Identity(), Linear(5, 2))(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="in layer 0"):
        make_model()(np.zeros((1, 5)))


def test_rejects_non_layers():
    with pytest.raises(TypeError, match="position 1"):
        Sequential(Linear(2, 2), "relu")


def test_train_eval_reaches_every_layer():
    model = Sequential(Linear(2, 2), Dropout(0.5))
    model.eval()
    assert not any(layer.training for layer in model.modules())
    model.train()
    assert all(layer.training for layer in model.modules())


class _CountingLinear(Linear):
    """A Linear that counts how often each backward path ran."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = {"backward": 0, "backward_parameters": 0}

    def backward(self, grad_out):
        self.calls["backward"] += 1
        return super().backward(grad_out)

    def backward_parameters(self, grad_out):
        self.calls["backward_parameters"] += 1
        super().backward_parameters(grad_out)


def test_backward_stops_at_the_first_layer_with_parameters_and_returns_none(rng):
    first, second = _CountingLinear(6, 3), _CountingLinear(3, 1)
    model = Sequential(Flatten(), first, second)
    model(rng.normal(size=(2, 2, 3)))
    assert model.backward(np.ones((2, 1))) is None
    assert first.calls == {"backward": 0, "backward_parameters": 1}   # no input-gradient product
    assert second.calls["backward"] == 1
    assert first.weight.grad is not None and second.weight.grad is not None


def test_input_grad_true_returns_the_input_gradient(rng):
    model = Sequential(Flatten(), Linear(6, 3, dtype=np.float64), Linear(3, 1, dtype=np.float64))
    x = rng.normal(size=(2, 2, 3))
    model(x)
    dx = model.backward(np.ones((2, 1)), input_grad=True)
    w1, w2 = model[1].weight.data, model[2].weight.data
    np.testing.assert_allclose(dx, (np.ones((2, 1)) @ w2.T @ w1.T).reshape(2, 2, 3))


def test_both_ways_give_the_same_parameter_gradients(rng):
    model = Sequential(Linear(4, 3, dtype=np.float64), ReLU(), Linear(3, 2, dtype=np.float64))
    x, g = rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    model(x)
    model.backward(g)
    skipped = [p.grad.copy() for p in model.parameters()]
    model.zero_grad()
    model(x)
    model.backward(g, input_grad=True)
    for got, want in zip(skipped, model.parameters()):
        np.testing.assert_array_equal(got, want.grad)


def test_nested_sequential_as_first_layer_skips_its_input_gradient(rng):
    inner = _CountingLinear(4, 3)
    model = Sequential(Sequential(inner, ReLU()), Linear(3, 2))
    model(rng.normal(size=(2, 4)))
    assert model.backward(np.ones((2, 2))) is None
    assert inner.calls == {"backward": 0, "backward_parameters": 1}


def test_model_without_parameters_returns_none_unless_asked(rng):
    model = Sequential(ReLU(), Flatten())
    x = rng.normal(size=(2, 3))
    model(x)
    assert model.backward(np.ones((2, 3))) is None
    np.testing.assert_array_equal(model.backward(np.ones((2, 3)), input_grad=True), (x > 0) * 1.0)


def test_indexing_len_and_repr():
    model = make_model()
    assert len(model) == 3 and isinstance(model[0], Linear) and len(model[1:]) == 2
    assert "(0): Linear(3 -> 4)" in repr(model)


def test_summary_lists_shapes_and_counts(capsys):
    text = Sequential(Flatten(), Linear(4, 3), Linear(3, 2)).summary((2, 2))
    assert "(batch, 3)" in text and "Total parameters: 23" in text
    assert "Total parameters" in capsys.readouterr().out
