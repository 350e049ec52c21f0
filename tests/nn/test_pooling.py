"""Tests for zeronn.nn.pooling."""

import json

import numpy as np
import pytest

import zeronn
from tests.torch_helpers import assert_close, require_torch, torch_forward_backward
from zeronn.nn import AdaptiveAvgPool2d, AvgPool2d, Conv2d, MaxPool2d, ReLU, layer_from_spec, layer_to_spec
from zeronn.testing import check_layer

# (class name, args, kwargs, input shape, expected output shape)
CONFIGS = [
    ("MaxPool2d", (2,), {}, (2, 3, 6, 6), (2, 3, 3, 3)),
    ("MaxPool2d", (3,), {"stride": 2, "padding": 1}, (2, 3, 7, 8), (2, 3, 4, 4)),       # stride 2 with padding
    ("MaxPool2d", ((3, 2),), {"stride": (1, 2)}, (1, 2, 5, 7), (1, 2, 3, 3)),           # overlap, non-square
    ("MaxPool2d", (3,), {"stride": 1}, (1, 1, 4, 5), (1, 1, 2, 3)),                     # kernel larger than stride
    ("MaxPool2d", (2,), {}, (2, 3, 5, 7), (2, 3, 2, 3)),                                # leftover rows/columns
    ("AvgPool2d", (2,), {}, (2, 3, 6, 6), (2, 3, 3, 3)),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1}, (2, 3, 7, 8), (2, 3, 4, 4)),
    ("AvgPool2d", (3,), {"stride": 2, "padding": 1, "count_include_pad": False}, (2, 3, 7, 8), (2, 3, 4, 4)),
    ("AvgPool2d", ((3, 2),), {"stride": (1, 2), "padding": 1}, (1, 2, 5, 7), (1, 2, 5, 4)),
    ("AvgPool2d", (2,), {"stride": 1}, (1, 2, 3, 4), (1, 2, 2, 3)),
    ("AdaptiveAvgPool2d", (1,), {}, (2, 3, 5, 7), (2, 3, 1, 1)),                       # global average
    ("AdaptiveAvgPool2d", ((3, 4),), {}, (2, 3, 5, 7), (2, 3, 3, 4)),
    ("AdaptiveAvgPool2d", ((None, 4),), {}, (1, 2, 5, 7), (1, 2, 5, 4)),
    ("AdaptiveAvgPool2d", (4,), {}, (1, 2, 3, 6), (1, 2, 4, 4)),                       # larger than the input
]
ZERONN = {"MaxPool2d": MaxPool2d, "AvgPool2d": AvgPool2d, "AdaptiveAvgPool2d": AdaptiveAvgPool2d}


@pytest.mark.parametrize("name, args, kwargs, in_shape, out_shape", CONFIGS)
def test_passes_layer_checks(name, args, kwargs, in_shape, out_shape):
    layer = ZERONN[name](*args, **kwargs)
    check_layer(layer, in_shape, expected_output_shape=out_shape, bad_shape=in_shape[1:])


@pytest.mark.parametrize("name, args, kwargs, in_shape, out_shape", CONFIGS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matches_torch(name, args, kwargs, in_shape, out_shape, dtype, rng):
    torch = require_torch()
    layer = ZERONN[name](*args, **kwargs)
    reference = getattr(torch.nn, name)(*args, **kwargs)
    x = rng.normal(size=in_shape).astype(dtype)
    g = rng.normal(size=out_shape).astype(dtype)
    yt, dxt = torch_forward_backward(reference, x, g)
    y = layer(x)
    dx = layer.backward(g)
    assert y.dtype == dx.dtype == dtype
    assert_close(y, yt, dtype=dtype, what="output")
    assert_close(dx, dxt, dtype=dtype, what="input gradient")


@pytest.mark.parametrize("batch_last", [False, True], ids=["NCHW-memory", "CHWN-memory"])
@pytest.mark.parametrize(
    "kwargs, size",
    [({"kernel_size": 2}, (6, 8)), ({"kernel_size": 2}, (7, 8)), ({"kernel_size": 3, "stride": 1}, (7, 8)),
     ({"kernel_size": 3, "stride": 2, "padding": 1}, (7, 8))],
)
def test_max_pool_ties_route_the_gradient_like_torch(kwargs, size, batch_last, rng):
    """With many equal values (small integers), the gradient goes to one max per window, the same one as PyTorch's.

    Both memory layouts are checked: a Conv2d output keeps the batch axis last in memory, which takes
    the whole-window path when windows tile the image (kernel = stride, 6x8 input).
    """
    torch = require_torch()
    x = rng.integers(0, 3, size=(2, 3, *size)).astype(np.float64)
    if batch_last:
        x = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    layer = MaxPool2d(**kwargs)
    y = layer(x)
    g = rng.normal(size=y.shape)
    _, dxt = torch_forward_backward(torch.nn.MaxPool2d(**kwargs), x, g)
    assert_close(layer.backward(g), dxt)     # equal up to the order of sums where windows overlap


def test_max_pool_tie_goes_to_the_first_in_row_major_order():
    layer = MaxPool2d(2)
    x = np.array([[[[0.0, 7.0], [7.0, 7.0]]]])
    layer(x)
    # three inputs share the max 7: the gradient goes to the first of them, row by row: (0, 1)
    np.testing.assert_array_equal(layer.backward(np.array([[[[5.0]]]])), [[[[0.0, 5.0], [0.0, 0.0]]]])


def test_max_pool_hand_worked_example():
    layer = MaxPool2d(2, stride=1)
    x = np.array([[[[1.0, 5.0, 2.0], [3.0, 4.0, 9.0], [0.0, 6.0, 7.0]]]])
    # windows: {1,5,3,4} -> 5   {5,2,4,9} -> 9   {3,4,0,6} -> 6   {4,9,6,7} -> 9
    np.testing.assert_array_equal(layer(x), [[[[5.0, 9.0], [6.0, 9.0]]]])
    dx = layer.backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
    # 5 at (0, 1) gets 1;  6 at (2, 1) gets 3;  9 at (1, 2) is the max of two windows: 2 + 4 = 6
    np.testing.assert_array_equal(dx, [[[[0.0, 1.0, 0.0], [0.0, 0.0, 6.0], [0.0, 3.0, 0.0]]]])


def test_avg_pool_hand_worked_example():
    layer = AvgPool2d(2, stride=1)
    x = np.array([[[[1.0, 5.0, 2.0], [3.0, 4.0, 9.0], [0.0, 6.0, 7.0]]]])
    # (1+5+3+4)/4 = 3.25   (5+2+4+9)/4 = 5   (3+4+0+6)/4 = 3.25   (4+9+6+7)/4 = 6.5
    np.testing.assert_allclose(layer(x), [[[[3.25, 5.0], [3.25, 6.5]]]])
    dx = layer.backward(np.array([[[[4.0, 8.0], [12.0, 16.0]]]]))
    # each window hands g/4 to its four pixels: 1, 2, 3, 4; the centre is in all four windows: 1+2+3+4 = 10
    np.testing.assert_allclose(dx, [[[[1.0, 3.0, 2.0], [4.0, 10.0, 6.0], [3.0, 7.0, 4.0]]]])


def test_avg_pool_count_include_pad():
    x = np.ones((1, 1, 2, 2))
    # a 3x3 window at stride 2 with padding 1 covers the 2x2 image's four ones and five padding zeros
    np.testing.assert_allclose(AvgPool2d(3, stride=2, padding=1)(x), [[[[4 / 9]]]])
    np.testing.assert_allclose(AvgPool2d(3, stride=2, padding=1, count_include_pad=False)(x), [[[[1.0]]]])


def test_adaptive_avg_pool_hand_worked_example():
    layer = AdaptiveAvgPool2d(2)
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)    # [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    # rows of output 0: [floor(0*3/2), ceil(1*3/2)) = [0, 2);  output 1: [floor(3/2), ceil(6/2)) = [1, 3)
    # y[0, 0] = mean(1, 2, 4, 5) = 3   y[0, 1] = mean(2, 3, 5, 6) = 4   y[1, 0] = 6   y[1, 1] = 7
    np.testing.assert_allclose(layer(x), [[[[3.0, 4.0], [6.0, 7.0]]]])
    dx = layer.backward(np.ones((1, 1, 2, 2)))
    # every window hands 1/4 to each of its 4 pixels; the centre is in all four windows
    np.testing.assert_allclose(dx, [[[[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]]]])


def test_global_average_pooling_is_the_mean(rng):
    x = rng.normal(size=(2, 3, 4, 5))
    np.testing.assert_allclose(AdaptiveAvgPool2d(1)(x)[:, :, 0, 0], x.mean(axis=(2, 3)))


@pytest.mark.parametrize("layer", [MaxPool2d(2), AvgPool2d(2), AdaptiveAvgPool2d(1)])
def test_float32_stays_float32_and_integers_become_float32(layer, rng):
    y = layer(rng.normal(size=(2, 3, 4, 4)).astype(np.float32))
    dx = layer.backward(np.ones_like(y))
    assert y.dtype == dx.dtype == np.float32
    assert layer(rng.integers(0, 256, size=(2, 3, 4, 4)).astype(np.uint8)).dtype == np.float32


@pytest.mark.parametrize("layer", [MaxPool2d(2), AvgPool2d(2), AdaptiveAvgPool2d(1)])
def test_keeps_nothing_under_no_grad(layer, rng):
    with zeronn.no_grad():
        y = layer(rng.normal(size=(1, 1, 4, 4)))
    with pytest.raises(RuntimeError, match="backward"):
        layer.backward(np.ones_like(y))


def test_max_pool_after_conv_and_relu_matches_torch_in_float32(rng):
    """The layout a Conv2d returns (batch last in memory) goes through ReLU and pooling correctly."""
    torch = require_torch()
    conv = Conv2d(2, 3, 3)
    reference = torch.nn.Conv2d(2, 3, 3).float()
    with torch.no_grad():
        reference.weight.copy_(torch.from_numpy(conv.weight.data))
        reference.bias.copy_(torch.from_numpy(conv.bias.data))
    relu, pool = ReLU(), MaxPool2d(2)
    x = rng.normal(size=(4, 2, 8, 10)).astype(np.float32)
    g = rng.normal(size=(4, 3, 3, 4)).astype(np.float32)
    yt, dxt = torch_forward_backward(lambda xt: torch.nn.functional.max_pool2d(torch.relu(reference(xt)), 2), x, g)
    y = pool(relu(conv(x)))
    assert_close(y, yt, dtype=np.float32)
    dx = conv.backward(relu.backward(pool.backward(g)))
    assert_close(dx, dxt, dtype=np.float32)
    assert_close(conv.weight.grad, reference.weight.grad, dtype=np.float32)


@pytest.mark.parametrize("cls", [MaxPool2d, AvgPool2d])
def test_errors_name_the_layer(cls):
    with pytest.raises(ValueError, match=rf"{cls.__name__}\(kernel_size=2\) expects input of shape "
                                         r"\(batch, channels, H, W\), got \(3, 4, 4\); add the channel axis"):
        cls(2)(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match=rf"{cls.__name__}\(kernel_size=3\): input of shape \(1, 1, 2, 5\) is smaller"):
        cls(3)(np.zeros((1, 1, 2, 5)))
    with pytest.raises(ValueError, match="padding must be at most half the kernel size"):
        cls(2, padding=2)
    with pytest.raises(ValueError, match="kernel_size must be an integer >= 1"):
        cls(0)


def test_adaptive_pool_rejects_bad_arguments():
    with pytest.raises(ValueError, match="output_size must be a positive integer"):
        AdaptiveAvgPool2d(0)
    with pytest.raises(ValueError, match=r"AdaptiveAvgPool2d\(output_size=1\) expects input of shape"):
        AdaptiveAvgPool2d(1)(np.zeros((2, 3)))


def test_backward_rejects_a_wrongly_shaped_gradient(rng):
    layer = MaxPool2d(2)
    layer(rng.normal(size=(1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"expects a gradient of shape \(1, 1, 2, 2\)"):
        layer.backward(np.ones((1, 1, 3, 3)))


def test_reprs_and_configs():
    assert repr(MaxPool2d(2)) == "MaxPool2d(kernel_size=2)"
    assert repr(MaxPool2d(3, stride=2, padding=1)) == "MaxPool2d(kernel_size=3, stride=2, padding=1)"
    assert repr(AvgPool2d((2, 3), count_include_pad=False)) == "AvgPool2d(kernel_size=(2, 3), count_include_pad=False)"
    assert repr(AdaptiveAvgPool2d((None, 7))) == "AdaptiveAvgPool2d(output_size=(None, 7))"
    for layer in [MaxPool2d((2, 3), stride=1), AvgPool2d(3, 2, 1, False), AdaptiveAvgPool2d((None, 7))]:
        rebuilt = layer_from_spec(json.loads(json.dumps(layer_to_spec(layer))))
        assert repr(rebuilt) == repr(layer)


def test_output_shape_formula():
    # H_out = floor((H + 2p - k) / s) + 1 = floor((28 + 2 - 3) / 2) + 1 = 14
    assert MaxPool2d(3, stride=2, padding=1).output_shape(28, 28) == (14, 14)
