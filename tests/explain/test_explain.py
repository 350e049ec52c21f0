"""Explain mode on the tutorial's network and on a CNN, in English and Chinese."""

import json

import numpy as np
import pytest

import zeronn
from zeronn import losses, nn
from zeronn.explain import Explanation, explain

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
Y = np.array([[0], [1], [1], [0]], dtype=np.float64)


def tutorial_network():
    return nn.Sequential(nn.Linear(3, 4, bias=False, rng=0), nn.Sigmoid(), nn.Linear(4, 1, bias=False, rng=1),
                         nn.Sigmoid())


def cnn():
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, rng=0), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4 * 4 * 4, 10, rng=1))


def test_tutorial_network_shapes_formulas_and_names():
    explanation = explain(tutorial_network(), X, Y, loss=losses.SSELoss())
    text = explanation.text
    assert explanation.tutorial
    first, sigmoid, second, out = explanation.records
    assert first.forward_shapes == "(4, 3) @ (3, 4) -> (4, 4)   (bias=False: no b)"
    assert first.backward_shapes["dW"] == "(3, 4) @ (4, 4) -> (3, 4)"
    assert first.backward_shapes["dx"] == "(4, 4) @ (4, 3) -> (4, 3)"
    assert second.backward_shapes["dW"] == "(4, 4) @ (4, 1) -> (4, 1)"
    assert "db" not in first.backward_shapes
    assert sigmoid.forward_formula[0] == "y = 1 / (1 + exp(-x))"          # read from Sigmoid's docstring
    assert first.forward_formula[0] == "y = x @ W + b"                      # read from Linear's docstring
    for name in ("self.layer1", "self.output", "d_weights1", "d_weights2"):
        assert name in text
    assert "dW = x.T @ g" in text and "(3, 4) @ (4, 4) -> (3, 4)" in text
    assert out.output_shape == (4, 1) and first.grad_input_shape == (4, 3)
    assert explanation.loss.value == pytest.approx(float(losses.SSELoss()(tutorial_network()(X), Y)))


def test_numbers_are_the_live_ones():
    model = tutorial_network()
    explanation = explain(model, X, Y, loss="sse")
    hidden = model[1](model[0](X))
    assert explanation.records[1].output_sample == pytest.approx(hidden[0].tolist())
    stats = explanation.records[1].stats
    assert stats["mean"] == pytest.approx(hidden.mean()) and stats["max"] == pytest.approx(hidden.max())
    # dL/dx of the first layer matches the model's own backward
    loss_fn = losses.SSELoss()
    loss_fn(model(X), Y)
    dx = model.backward(loss_fn.backward(), input_grad=True)
    assert explanation.records[0].grad_input_sample == pytest.approx(dx[0].tolist(), rel=1e-6)


def test_the_model_is_left_as_it_was():
    model = cnn()
    x = np.random.default_rng(0).normal(size=(2, 1, 8, 8))
    before = {k: v.copy() for k, v in model.state_dict().items()}
    explain(model, x, np.array([1, 3]))
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())
    assert all(p.grad is None for p in model.parameters())
    assert model.training


def test_cnn_shapes():
    x = np.random.default_rng(0).normal(size=(2, 1, 8, 8))
    explanation = explain(cnn(), x, np.array([1, 3]))
    conv, relu, pool, flatten, linear = explanation.records
    assert conv.forward_shapes == "(2, 1, 8, 8) conv (4, 1, 3, 3) + (4,) -> (2, 4, 8, 8)"
    assert conv.backward_shapes["dW"] == "(4, 128) @ (128, 9) -> (4, 9) -> (4, 1, 3, 3)"
    assert conv.gradient_shapes == {"weight": (4, 1, 3, 3), "bias": (4,), "input": (2, 1, 8, 8)}
    assert pool.output_shape == (2, 4, 4, 4) and flatten.output_shape == (2, 64)
    assert linear.backward_shapes["db"] == "(2, 10) summed over axis 0 -> (10,)"
    assert relu.stats["zeros"] > 0
    assert explanation.loss.name == "CrossEntropyLoss()"
    assert "dW = G @ X_col.T" in explanation.text


def test_chinese_text():
    explanation = explain(tutorial_network(), X, Y, loss="sse", lang="zh")
    text = explanation.text
    assert "前向传播" in text and "反向传播" in text and "损失函数" in text and "均值" in text
    assert "(3, 4) @ (4, 4) -> (3, 4)" in text                            # formulas and shapes stay the same
    assert "教程" in explanation.markdown


def test_markdown_dict_and_str():
    explanation = zeronn.explain(tutorial_network(), X, Y, loss="sse")  # zeronn.explain is callable
    assert isinstance(explanation, Explanation)
    assert str(explanation) == explanation.text
    assert explanation.markdown.startswith("# Explain Sequential")
    assert "```text" in explanation.markdown
    data = json.loads(json.dumps(explanation.to_dict()))
    assert [layer["kind"] for layer in data["layers"]] == ["Linear", "Sigmoid", "Linear", "Sigmoid"]
    assert data["layers"][0]["input_shape"] == [4, 3]
    assert set(data["layers"][1]["stats"]) >= {"mean", "std", "min", "max", "zeros", "saturated"}


def test_without_targets_backward_starts_from_ones():
    explanation = explain(tutorial_network(), X)
    assert explanation.loss.value is None
    assert explanation.records[0].grad_input_shape == (4, 3)
    assert "g = 1" in explanation.text


def test_a_non_tutorial_network_has_no_tutorial_names():
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1))
    explanation = explain(model, X, np.array([0, 1, 1, 0]))
    assert not explanation.tutorial and "layer1" not in explanation.text


def test_errors_name_the_problem():
    with pytest.raises(TypeError, match="zeronn Layer"):
        explain("model", X)
    with pytest.raises(ValueError, match="at least one sample"):
        explain(tutorial_network(), np.zeros((0, 3)))
    with pytest.raises(ValueError, match="layer 0"):
        explain(tutorial_network(), np.zeros((2, 5)))
    with pytest.raises(TypeError, match="loss"):
        explain(tutorial_network(), X, Y, loss=3)


class Double(nn.Layer):
    """Doubles its input.

    Forward:   y = 2 * x
    Backward:  dx = 2 * g
    """

    def forward(self, x):
        return 2 * x

    def backward(self, grad_out):
        return 2 * grad_out


def test_the_formulas_are_read_from_the_docstring_of_any_layer():
    explanation = explain(nn.Sequential(Double(), nn.Linear(3, 1, rng=0)), X)
    double = explanation.records[0]
    assert double.forward_formula == ["y = 2 * x"] and double.backward_formulas == ["dx = 2 * g"]
    assert "y = 2 * x" in explanation.text and "dx = 2 * g" in explanation.text
    assert double.grad_input_sample == pytest.approx((2 * explanation.records[1].grad_input_sample[0],
                                                      2 * explanation.records[1].grad_input_sample[1],
                                                      2 * explanation.records[1].grad_input_sample[2]))


@pytest.mark.parametrize("name", losses.LOSSES)
def test_the_loss_shows_its_docstring_formulas(name):
    if name in ("cross_entropy", "nll"):
        model = nn.Sequential(nn.Linear(3, 3, rng=0), nn.LogSoftmax()) if name == "nll" else nn.Linear(3, 3, rng=0)
        target = np.array([0, 2, 1, 1])
    else:
        model, target = tutorial_network(), Y
    explanation = explain(model, X, target, loss=name)
    formulas = zeronn.explain.formulas_of(type(losses.get_loss(name)))
    forward = formulas.forward[0].split("   ")[0].strip()                 # e.g. "l = (p - y)^2"
    backward = formulas.backward[0].split("   ")[0].strip()               # e.g. "dl/dp = 2 * (p - y)"
    assert forward in explanation.text and backward in explanation.text
    assert explanation.loss.formula[0] == formulas.forward[0]


def test_the_loss_shows_live_shapes_and_only_its_own_reduction():
    explanation = explain(tutorial_network(), X, Y, loss=losses.MSELoss())
    record, text = explanation.loss, explanation.text
    assert record.shapes[0] == "prediction (4, 1), target (4, 1) -> l (4, 1)"
    assert record.formula[1].startswith("mean: L = sum(l) / n   ") and record.shapes[1] == "(4, 1) -> ()   divided by 4"
    assert "mean: dL/dp = 2 * (p - y) / n" in text and "sum:  L = sum(l)" not in text
    assert explanation.to_dict()["loss"]["reduction"] == "mean"
    summed = explain(tutorial_network(), X, Y, loss="sse").text
    assert "sum:  L = sum(l)" in summed and "mean:" not in summed
    classes = explain(nn.Linear(3, 3, rng=0), X, np.array([0, 2, 1, 1])).loss
    mean = next(i for i, line in enumerate(classes.formula) if line.startswith("mean: L = sum(l) / N"))
    assert classes.shapes[mean] == "(4,) -> ()   divided by 4"


def test_a_loss_with_reduction_none_is_explained():
    model = tutorial_network()
    explanation = explain(model, X, Y, loss=losses.MSELoss(reduction="none"), lang="zh")
    assert "none: L = l" in explanation.text and "预测 (4, 1)，目标 (4, 1) -> l (4, 1)" in explanation.text
    assert explanation.loss.value == pytest.approx(float(losses.SSELoss()(model(X), Y)), rel=1e-6)   # sum(l)
    assert "sum(l) = " in explanation.text
