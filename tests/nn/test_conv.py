"""Tests for zeronn.nn.conv."""

import json

import numpy as np
import pytest

import zeronn
from tests.torch_helpers import assert_close, require_torch, torch_forward_backward
from zeronn.nn import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential
from zeronn.testing import check_layer

# (constructor args, constructor kwargs, input shape, expected output shape)
CONFIGS = [
    ((2, 3, 3), {}, (2, 2, 5, 6), (2, 3, 3, 4)),
    ((2, 3, (3, 2)), {"stride": 2, "padding": 1}, (2, 2, 7, 6), (2, 3, 4, 4)),
    ((2, 3, 3), {"dilation": 2, "padding": (1, 2)}, (1, 2, 7, 8), (1, 3, 5, 8)),
    ((1, 2, 4), {"padding": "same"}, (2, 1, 5, 6), (2, 2, 5, 6)),
    ((1, 2, (2, 3)), {"padding": "same", "dilation": (2, 1)}, (2, 1, 5, 6), (2, 2, 5, 6)),
    ((3, 2, (1, 3)), {"stride": (2, 1), "padding": "valid", "bias": False}, (1, 3, 5, 4), (1, 2, 3, 2)),
    ((1, 4, 3), {"stride": 3, "padding": (0, 1)}, (3, 1, 8, 7), (3, 4, 2, 3)),
]


def make_pair(args, kwargs, torch, dtype=np.float64):
    """A zeronn Conv2d and a PyTorch Conv2d holding the same weights."""
    layer = Conv2d(*args, **kwargs, dtype=dtype)
    reference = torch.nn.Conv2d(*args, **kwargs).to(torch.float64 if dtype == np.float64 else torch.float32)
    with torch.no_grad():
        reference.weight.copy_(torch.from_numpy(layer.weight.data))
        if layer.bias is not None:
            reference.bias.copy_(torch.from_numpy(layer.bias.data))
    return layer, reference


@pytest.mark.parametrize("args, kwargs, in_shape, out_shape", CONFIGS)
def test_passes_layer_checks(args, kwargs, in_shape, out_shape):
    bad = (in_shape[0], in_shape[1] + 1, *in_shape[2:])
    check_layer(Conv2d(*args, **kwargs), in_shape, expected_output_shape=out_shape, bad_shape=bad)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("args, kwargs, in_shape, out_shape", CONFIGS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(args, kwargs, in_shape, out_shape, dtype, rng):
    torch = require_torch()
    layer, reference = make_pair(args, kwargs, torch, dtype)
    x = rng.normal(size=in_shape).astype(dtype)
    g = rng.normal(size=out_shape).astype(dtype)
    yt, dxt = torch_forward_backward(reference, x, g)
    y = layer(x)
    dx = layer.backward(g)
    assert y.dtype == dx.dtype == layer.weight.grad.dtype == dtype
    assert_close(y, yt, dtype=dtype, what="output")
    assert_close(dx, dxt, dtype=dtype, what="input gradient")
    assert_close(layer.weight.grad, reference.weight.grad, dtype=dtype, what="weight gradient")
    if layer.bias is not None:
        assert_close(layer.bias.grad, reference.bias.grad, dtype=dtype, what="bias gradient")


def test_hand_worked_example():
    layer = Conv2d(1, 1, 2, dtype=np.float64)
    layer.weight.data[:] = [[[[1.0, 2.0], [0.0, -1.0]]]]
    layer.bias.data[:] = [0.5]
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)    # [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    # y[r, q] = 1*x[r, q] + 2*x[r, q+1] + 0*x[r+1, q] - 1*x[r+1, q+1] + 0.5
    #   y[0, 0] = 1 + 4 - 5 + 0.5 = 0.5      y[0, 1] = 2 + 6 - 6 + 0.5 = 2.5
    #   y[1, 0] = 4 + 10 - 8 + 0.5 = 6.5     y[1, 1] = 5 + 12 - 9 + 0.5 = 8.5
    np.testing.assert_allclose(layer(x), [[[[0.5, 2.5], [6.5, 8.5]]]])
    dx = layer.backward(np.ones((1, 1, 2, 2)))
    # dW[i, j] = sum over the 2x2 outputs of x[r+i, q+j]: 1+2+4+5 = 12, 2+3+5+6 = 16, 4+5+7+8 = 24, 5+6+8+9 = 28
    np.testing.assert_allclose(layer.weight.grad, [[[[12.0, 16.0], [24.0, 28.0]]]])
    np.testing.assert_allclose(layer.bias.grad, [4.0])                  # four outputs, each with gradient 1
    # dx[h, w] = sum of the kernel weights that touched pixel (h, w):
    #   corner (0, 0) only W[0, 0] = 1;  centre (1, 1) all four: 1 + 2 + 0 - 1 = 2;  (0, 1): W[0, 0] + W[0, 1] = 3
    np.testing.assert_allclose(dx, [[[[1.0, 3.0, 2.0], [1.0, 2.0, 1.0], [0.0, -1.0, -1.0]]]])


def test_cnn_chain_matches_torch(rng):
    """Conv -> ReLU -> MaxPool -> Conv -> ReLU -> Flatten -> Linear: outputs and every gradient."""
    torch = require_torch()
    model = Sequential(
        Conv2d(2, 4, 3, padding=1), ReLU(), MaxPool2d(2), Conv2d(4, 3, (2, 3), stride=(1, 2)), ReLU(), Flatten(),
        Linear(3 * 3 * 2, 5),
    ).double()
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(2, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 3, (2, 3), stride=(1, 2)), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(18, 5),
    )
    with torch.no_grad():
        for (name, param), ref in zip(model.named_parameters(), reference.parameters()):
            data = param.data.T if name == "6.weight" else param.data   # Linear stores (in, out)
            ref.copy_(torch.from_numpy(np.ascontiguousarray(data)))
    x = rng.normal(size=(3, 2, 8, 12))
    g = rng.normal(size=(3, 5))
    yt, dxt = torch_forward_backward(reference, x, g)
    assert_close(model(x), yt)
    assert_close(model.backward(g, input_grad=True), dxt)
    for (name, param), ref in zip(model.named_parameters(), reference.parameters()):
        grad = param.grad.T if name == "6.weight" else param.grad
        assert_close(grad, ref.grad, what=name)


def test_backward_parameters_fills_the_same_gradients_as_backward(rng):
    x = rng.normal(size=(2, 1, 5, 5))
    g = rng.normal(size=(2, 2, 3, 3))
    full, params_only = Conv2d(1, 2, 3, dtype=np.float64), Conv2d(1, 2, 3, dtype=np.float64)
    params_only.load_state_dict(full.state_dict())
    full(x)
    full.backward(g)
    params_only(x)
    assert params_only.backward_parameters(g) is None
    np.testing.assert_array_equal(params_only.weight.grad, full.weight.grad)
    np.testing.assert_array_equal(params_only.bias.grad, full.bias.grad)


def test_sequential_first_conv_skips_input_gradient(rng):
    model = Sequential(Conv2d(1, 2, 3), ReLU(), Flatten(), Linear(18, 2))
    model(rng.normal(size=(2, 1, 5, 5)).astype(np.float32))
    assert model.backward(np.ones((2, 2), np.float32)) is None
    assert model[0].weight.grad is not None
    assert model.backward(np.ones((2, 2), np.float32), input_grad=True).shape == (2, 1, 5, 5)


def test_float32_stays_float32(rng):
    layer = Conv2d(2, 3, 3, padding=1)
    y = layer(rng.normal(size=(2, 2, 5, 5)).astype(np.float32))
    dx = layer.backward(np.ones_like(y))
    assert y.dtype == dx.dtype == layer.weight.grad.dtype == layer.bias.grad.dtype == np.float32


def test_inputs_are_computed_in_the_layer_dtype(rng):
    layer = Conv2d(1, 2, 3)
    y = layer(rng.integers(0, 256, size=(2, 1, 5, 5)).astype(np.uint8))
    assert y.dtype == np.float32 and y.shape == (2, 2, 3, 3)
    x64 = rng.normal(size=(2, 1, 5, 5))                          # float64 data into a float32 model
    np.testing.assert_allclose(layer(x64), layer(x64.astype(np.float32)), rtol=0, atol=0)
    assert layer(x64).dtype == np.float32


def test_gradients_accumulate_until_zero_grad(rng):
    layer = Conv2d(2, 2, 2, dtype=np.float64)
    x = rng.normal(size=(2, 2, 4, 4))
    g = rng.normal(size=(2, 2, 3, 3))
    for _ in range(2):
        layer(x)
        layer.backward(g)
    single = Conv2d(2, 2, 2, dtype=np.float64)
    single.load_state_dict(layer.state_dict())
    single(x)
    single.backward(g)
    np.testing.assert_allclose(layer.weight.grad, 2 * single.weight.grad)
    np.testing.assert_allclose(layer.bias.grad, 2 * single.bias.grad)


def test_two_backwards_after_one_forward_give_the_same_gradients(rng):
    layer = Conv2d(1, 2, 3, dtype=np.float64)
    layer(rng.normal(size=(2, 1, 5, 5)))
    g = rng.normal(size=(2, 2, 3, 3))
    first = layer.backward(g)
    np.testing.assert_array_equal(layer.backward(g), first)     # nothing saved was used up


def test_keeps_nothing_under_no_grad(rng):
    layer = Conv2d(1, 2, 3, padding=1)
    with zeronn.no_grad():
        y = layer(rng.normal(size=(2, 1, 6, 6)).astype(np.float32))
    with pytest.raises(RuntimeError, match="backward"):
        layer.backward(np.ones_like(y))


def test_output_is_a_view_in_batch_last_layout(rng):
    layer = Conv2d(1, 2, 3)
    y = layer(rng.normal(size=(4, 1, 6, 6)).astype(np.float32))
    assert y.transpose(1, 2, 3, 0).flags.c_contiguous         # (C, H, W, N) in memory, no copy made


def test_error_names_layer_and_shapes():
    expected = r"Conv2d\(1 -> 8, kernel_size=3\) expects input of shape \(batch, 1, H, W\), got \(2, 3, 28, 28\)"
    with pytest.raises(ValueError, match=expected):
        Conv2d(1, 8, 3)(np.zeros((2, 3, 28, 28), np.float32))
    with pytest.raises(ValueError, match=r"got \(2, 28, 28\); add the channel axis"):
        Conv2d(1, 8, 3)(np.zeros((2, 28, 28), np.float32))


def test_input_smaller_than_kernel_is_a_clear_error():
    with pytest.raises(ValueError, match=r"Conv2d\(1 -> 2, kernel_size=5\): input of shape \(1, 1, 3, 3\) is smaller"):
        Conv2d(1, 2, 5)(np.zeros((1, 1, 3, 3), np.float32))
    with pytest.raises(ValueError, match="reach 5x5"):
        Conv2d(1, 2, 3, dilation=2)(np.zeros((1, 1, 4, 9), np.float32))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"kernel_size": 0}, "kernel_size must be an integer >= 1"),
        ({"kernel_size": (3, 3, 3)}, "kernel_size must be an integer >= 1 or a pair"),
        ({"kernel_size": 3, "stride": 0}, "stride must be"),
        ({"kernel_size": 3, "padding": -1}, "padding must be an integer >= 0"),
        ({"kernel_size": 3, "padding": "full"}, "Unknown padding 'full'"),
        ({"kernel_size": 3, "padding": "same", "stride": 2}, "padding='same' needs stride 1"),
        ({"kernel_size": 3, "dilation": 0}, "dilation must be"),
    ],
)
def test_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Conv2d(1, 2, **kwargs)


def test_rejects_bad_channel_counts():
    with pytest.raises(ValueError, match="in_channels must be a positive integer"):
        Conv2d(0, 2, 3)


def test_backward_rejects_a_wrongly_shaped_gradient(rng):
    layer = Conv2d(1, 2, 3)
    layer(rng.normal(size=(2, 1, 5, 5)))
    with pytest.raises(ValueError, match=r"expects a gradient of shape \(2, 2, 3, 3\)"):
        layer.backward(np.ones((2, 2, 4, 4)))


def test_repr_and_config():
    layer = Conv2d(3, 8, (3, 5), stride=2, padding=1, dilation=(1, 2), bias=False)
    assert repr(layer) == "Conv2d(3 -> 8, kernel_size=(3, 5), stride=2, padding=1, dilation=(1, 2), bias=False)"
    config = json.loads(json.dumps(layer.get_config()))
    assert config["kernel_size"] == [3, 5] and config["stride"] == 2
    assert repr(Conv2d(1, 2, 3, padding="same")) == "Conv2d(1 -> 2, kernel_size=3, padding='same')"


def test_weight_layout_and_default_init_match_pytorch():
    layer = Conv2d(4, 6, (3, 5), rng=0)
    assert layer.weight.shape == (6, 4, 3, 5) and layer.bias.shape == (6,)
    bound = 1 / np.sqrt(4 * 3 * 5)                             # fan_in = in_channels * kh * kw
    assert bound * 0.9 < np.abs(layer.weight.data).max() <= bound
    assert np.abs(layer.bias.data).max() <= bound


def test_same_seed_same_weights():
    a, b = Conv2d(2, 3, 3, rng=5), Conv2d(2, 3, 3, rng=5)
    assert np.array_equal(a.weight.data, b.weight.data) and np.array_equal(a.bias.data, b.bias.data)


def test_output_shape_formula():
    # H_out = floor((H + 2p - d(k - 1) - 1) / s) + 1 = floor((28 + 2 - 2*4 - 1) / 3) + 1 = 8
    assert Conv2d(1, 1, 5, stride=3, padding=1, dilation=2).output_shape(28, 28) == (8, 8)


def test_learns_a_tiny_problem(rng):
    """A few SGD steps on a toy task lower the loss (the gradients point downhill)."""
    x = rng.normal(size=(16, 1, 6, 6)).astype(np.float32)
    target = x[:, :, 1:-1, 1:-1] - x[:, :, :-2, 1:-1]           # a vertical difference filter
    layer = Conv2d(1, 1, 3, rng=0)
    losses = []
    for _ in range(60):
        error = layer(x) - target
        losses.append(float((error ** 2).mean()))
        layer.zero_grad()
        layer.backward(2 * error / error.size)
        layer.weight.data -= 0.5 * layer.weight.grad
        layer.bias.data -= 0.5 * layer.bias.grad
    assert losses[-1] < 0.05 * losses[0]
