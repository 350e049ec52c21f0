"""Tests for zeronn.nn.activation."""

import json
import warnings

import numpy as np
import pytest

from tests.torch_helpers import assert_close, require_torch, torch_forward_backward
from zeronn.nn import (
    ACTIVATIONS,
    ELU,
    GELU,
    SELU,
    Identity,
    LeakyReLU,
    Linear,
    LogSoftmax,
    ReLU,
    Sequential,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Swish,
    Tanh,
    get_activation,
    layer_from_spec,
    layer_to_spec,
)
from zeronn.testing import check_layer


def away_from_kinks(shape, seed=0, gap=0.05):
    """Standard normal values with |x| > gap (ReLU-like derivatives jump at 0)."""
    x = np.random.default_rng(seed).standard_normal(shape)
    return np.where(np.abs(x) < gap, np.sign(x + 1e-300) * (gap + 0.1), x)


LAYERS = [
    Sigmoid(), Tanh(), ReLU(), LeakyReLU(), LeakyReLU(0.2), ELU(), ELU(alpha=0.5), SELU(), GELU(), GELU("tanh"),
    SiLU(), Softplus(), Softplus(beta=2.0, threshold=3.0), Softmax(), Softmax(dim=0), LogSoftmax(), LogSoftmax(dim=1),
]


def torch_twin(torch, layer):
    """The torch.nn module that computes the same as ``layer``."""
    nn = torch.nn
    return {
        Sigmoid: lambda: nn.Sigmoid(),
        Tanh: lambda: nn.Tanh(),
        ReLU: lambda: nn.ReLU(),
        LeakyReLU: lambda: nn.LeakyReLU(layer.negative_slope),
        ELU: lambda: nn.ELU(layer.alpha),
        SELU: lambda: nn.SELU(),
        GELU: lambda: nn.GELU(approximate=layer.approximate),
        SiLU: lambda: nn.SiLU(),
        Softplus: lambda: nn.Softplus(layer.beta, layer.threshold),
        Softmax: lambda: nn.Softmax(dim=layer.dim),
        LogSoftmax: lambda: nn.LogSoftmax(dim=layer.dim),
    }[type(layer)]()


# ---------------------------------------------------------------------- shared checks
@pytest.mark.parametrize("layer", LAYERS, ids=repr)
def test_passes_layer_checks(layer):
    # 3-D input: elementwise layers accept any shape, softmax works along its dim
    result = check_layer(layer, (3, 4, 5), inputs=away_from_kinks((3, 4, 5)), expected_output_shape=(3, 4, 5))
    assert result.passed


@pytest.mark.parametrize("layer", [Softmax(dim=1), LogSoftmax(dim=-2)], ids=repr)
def test_softmax_rejects_input_without_its_dim(layer):
    check_layer(layer, (4, 3), expected_output_shape=(4, 3), bad_shape=(3,))
    with pytest.raises(ValueError, match=r"Softmax\(dim=.*\) expects input with at least 2 axes, got shape \(3,\)"):
        layer(np.zeros(3))


# ---------------------------------------------------------------------- hand-worked examples
def test_sigmoid_hand_worked_and_the_tutorials_derivative():
    layer = Sigmoid()
    y = layer(np.array([0.0, np.log(3.0)]))
    # sigmoid(0) = 1/2;  sigmoid(ln 3) = 1 / (1 + 1/3) = 3/4
    np.testing.assert_allclose(y, [0.5, 0.75])
    # tutorial: sigmoid_derivative(s) = s * (1 - s):  0.5 * 0.5 = 0.25;  0.75 * 0.25 = 0.1875
    np.testing.assert_allclose(layer.backward(np.array([1.0, 2.0])), [0.25, 2 * 0.1875])


def test_tanh_hand_worked():
    layer = Tanh()
    # tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6;  derivative 1 - 0.36 = 0.64
    np.testing.assert_allclose(layer(np.array([np.log(2.0)])), [0.6])
    np.testing.assert_allclose(layer.backward(np.array([1.0])), [0.64])


def test_relu_and_leaky_relu_hand_worked():
    x = np.array([-2.0, 0.5, 3.0])
    relu, leaky = ReLU(), LeakyReLU(0.1)
    np.testing.assert_array_equal(relu(x), [0.0, 0.5, 3.0])
    np.testing.assert_array_equal(relu.backward(np.array([5.0, 6.0, 7.0])), [0.0, 6.0, 7.0])
    # -2 * 0.1 = -0.2;  gradient on the negative side is 0.1 * 5 = 0.5
    np.testing.assert_allclose(leaky(x), [-0.2, 0.5, 3.0])
    np.testing.assert_allclose(leaky.backward(np.array([5.0, 6.0, 7.0])), [0.5, 6.0, 7.0])


def test_relu_gives_no_negative_zeros():
    assert not np.any(np.signbit(ReLU()(np.array([-3.0, -0.0, 2.0]))))


@pytest.mark.parametrize("layout", ["c", "transposed", "strided", "int"])
def test_relu_matches_maximum_for_every_memory_layout(layout, rng):
    base = rng.normal(size=(6, 5, 4)).astype(np.float32)
    layouts = {"c": base, "transposed": base.transpose(2, 0, 1), "strided": base[:, ::2],
               "int": np.round(base * 3).astype(int)}
    x = layouts[layout]
    relu, g = ReLU(), rng.normal(size=x.shape)
    y = relu(x)
    np.testing.assert_array_equal(y, np.maximum(x, 0))
    np.testing.assert_array_equal(relu.backward(g), g * (x > 0))
    if layout == "transposed":                             # the output keeps the input's memory layout
        assert y.strides == x.strides


def test_elu_and_selu_hand_worked():
    elu = ELU(alpha=2.0)
    # x = -ln 2: y = 2 * (1/2 - 1) = -1;  dy/dx = 2 * exp(-ln 2) = 1 = y + alpha
    np.testing.assert_allclose(elu(np.array([-np.log(2.0), 3.0])), [-1.0, 3.0])
    np.testing.assert_allclose(elu.backward(np.array([1.0, 1.0])), [1.0, 1.0])
    selu = SELU()
    scale, alpha = 1.0507009873554805, 1.6732632423543772
    # x = -ln 2: y = scale * alpha * (1/2 - 1);  dy/dx = scale * alpha / 2
    np.testing.assert_allclose(selu(np.array([-np.log(2.0), 1.0])), [-scale * alpha / 2, scale])
    np.testing.assert_allclose(selu.backward(np.array([1.0, 1.0])), [scale * alpha / 2, scale])


def test_gelu_silu_softplus_hand_worked():
    # GELU(1) = Phi(1) = 0.8413447460685429;  GELU'(1) = Phi(1) + phi(1) = 0.8413447 + 0.2419707 = 1.0833155
    gelu = GELU()
    np.testing.assert_allclose(gelu(np.array([1.0])), [0.8413447460685429], rtol=1e-14)
    np.testing.assert_allclose(gelu.backward(np.array([1.0])), [0.8413447460685429 + 0.24197072451914337], rtol=1e-14)
    # SiLU(ln 3) = ln 3 * 3/4;  derivative s * (1 + x (1 - s)) = 3/4 * (1 + ln 3 / 4)
    silu = SiLU()
    np.testing.assert_allclose(silu(np.array([np.log(3.0)])), [0.75 * np.log(3.0)])
    np.testing.assert_allclose(silu.backward(np.array([1.0])), [0.75 * (1 + np.log(3.0) / 4)])
    # softplus(0) = ln 2, slope sigmoid(0) = 1/2;  above the threshold: identity with slope 1
    softplus = Softplus()
    np.testing.assert_allclose(softplus(np.array([0.0, 25.0])), [np.log(2.0), 25.0])
    np.testing.assert_allclose(softplus.backward(np.array([1.0, 1.0])), [0.5, 1.0])
    assert Swish is SiLU


def test_softmax_and_log_softmax_hand_worked():
    softmax = Softmax()
    # softmax([0, ln 3]) = [1, 3] / 4 = [0.25, 0.75]
    y = softmax(np.array([[0.0, np.log(3.0)]]))
    np.testing.assert_allclose(y, [[0.25, 0.75]])
    # dx = y * (g - sum(g * y)):  g = [1, 0] -> sum = 0.25 -> [0.25 * 0.75, 0.75 * -0.25]
    np.testing.assert_allclose(softmax.backward(np.array([[1.0, 0.0]])), [[0.1875, -0.1875]])
    log_softmax = LogSoftmax()
    np.testing.assert_allclose(log_softmax(np.array([[0.0, np.log(3.0)]])), np.log([[0.25, 0.75]]))
    # dx = g - softmax * sum(g):  g = [1, 0] -> [1 - 0.25, -0.75]
    np.testing.assert_allclose(log_softmax.backward(np.array([[1.0, 0.0]])), [[0.75, -0.75]])


def test_tutorial_network_step_matches_hand_written_backprop():
    # the tutorial's 3-4-1 sigmoid network without biases, one gradient computed both ways
    rng = np.random.default_rng(0)
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    w1, w2 = rng.random((3, 4)), rng.random((4, 1))
    model = Sequential(Linear(3, 4, bias=False, dtype=np.float64), Sigmoid(),
                       Linear(4, 1, bias=False, dtype=np.float64), Sigmoid())
    model.layers[0].weight.data[:] = w1
    model.layers[2].weight.data[:] = w2
    output = model(x)
    model.backward(2 * (output - y))                      # dL/d(output) of sum((output - y)^2)

    def sigmoid(v):
        return 1 / (1 + np.exp(-v))

    layer1 = sigmoid(x @ w1)
    out = sigmoid(layer1 @ w2)
    d2 = layer1.T @ (2 * (y - out) * out * (1 - out))      # the tutorial's update = minus the gradient
    d1 = x.T @ ((2 * (y - out) * out * (1 - out)) @ w2.T * layer1 * (1 - layer1))
    np.testing.assert_allclose(model.layers[2].weight.grad, -d2, rtol=1e-12)
    np.testing.assert_allclose(model.layers[0].weight.grad, -d1, rtol=1e-12)


# ---------------------------------------------------------------------- stability, dtypes
@pytest.mark.parametrize("layer", LAYERS, ids=repr)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_and_dtype_preserving_at_plus_minus_1000(layer, dtype):
    x = np.array([[-1000.0, -50.0, -1.0, 0.5, 1.0, 50.0, 1000.0]], dtype=dtype)
    g = np.ones_like(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            y = layer(x)
            dx = layer.backward(g)
    assert y.dtype == dx.dtype == dtype
    assert np.all(np.isfinite(y)) and np.all(np.isfinite(dx))


def test_saturated_gradients_are_exact():
    x = np.array([-1000.0, 1000.0])
    for layer, expected in [(Sigmoid(), [0.0, 0.0]), (Tanh(), [0.0, 0.0]), (GELU(), [0.0, 1.0]),
                            (SiLU(), [0.0, 1.0]), (Softplus(), [0.0, 1.0]), (ELU(), [0.0, 1.0])]:
        layer(x)
        np.testing.assert_array_equal(layer.backward(np.ones(2)), expected, err_msg=repr(layer))


# ---------------------------------------------------------------------- PyTorch parity
@pytest.mark.parametrize("layer", LAYERS, ids=repr)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(layer, dtype):
    torch = require_torch()
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(scale=3.0, size=(5, 7)), [[-40, -8, -0.3, 0.2, 2.9, 8, 40]]]).astype(dtype)
    g = rng.normal(size=x.shape).astype(dtype)
    yt, dxt = torch_forward_backward(torch_twin(torch, layer), x, g)
    assert_close(layer(x), yt, dtype=dtype, what=f"{layer!r} forward")
    assert_close(layer.backward(g), dxt, dtype=dtype, what=f"{layer!r} backward")


# ---------------------------------------------------------------------- names, configs, errors
def test_get_activation_builds_every_name():
    assert ACTIVATIONS == ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "swish",
                           "softplus", "identity")
    kinds = {name: type(get_activation(name)) for name in ACTIVATIONS}
    assert kinds["relu"] is ReLU and kinds["swish"] is SiLU and kinds["identity"] is Identity
    assert get_activation("relu") is not get_activation("relu")
    assert isinstance(get_activation("Leaky-ReLU"), LeakyReLU)
    assert get_activation("leaky_relu", negative_slope=0.2).negative_slope == 0.2


def test_get_activation_rejects_unknown_names_listing_the_choices():
    with pytest.raises(ValueError, match="Unknown activation 'sigmoidd'; valid choices are: elu, gelu, identity"):
        get_activation("sigmoidd")
    with pytest.raises(TypeError, match="activation name must be a string"):
        get_activation(ReLU)


@pytest.mark.parametrize("layer", LAYERS, ids=repr)
def test_config_round_trip_and_repr(layer):
    rebuilt = layer_from_spec(json.loads(json.dumps(layer_to_spec(layer))))
    assert type(rebuilt) is type(layer) and repr(rebuilt) == repr(layer)


def test_reprs():
    assert repr(LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(GELU("tanh")) == "GELU(approximate='tanh')"
    assert repr(Softplus()) == "Softplus(beta=1.0, threshold=20.0)"
    assert repr(Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(ReLU()) == "ReLU()"


@pytest.mark.parametrize("make, message", [
    (lambda: ELU(alpha=0), "Invalid alpha value: 0"),
    (lambda: Softplus(beta=-1.0), "Invalid beta value: -1.0"),
    (lambda: Softplus(threshold=float("nan")), "Invalid threshold value"),
    (lambda: LeakyReLU("0.1"), "Invalid negative_slope value: '0.1'"),
    (lambda: GELU("fast"), "Unknown GELU approximation 'fast'; valid choices are: none, tanh"),
    (lambda: Softmax(dim=1.5), "Softmax: dim must be an integer, got 1.5"),
    (lambda: LogSoftmax(dim=None), "LogSoftmax: dim must be an integer"),
])
def test_rejects_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r"ReLU\(\): backward\(\) called before forward\(\)"):
        ReLU().backward(np.ones(3))
