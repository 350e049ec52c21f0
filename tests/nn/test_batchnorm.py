"""Tests for zeronn.nn.batchnorm."""

import copy

import numpy as np
import pytest

import zeronn
from tests.torch_helpers import assert_close, require_torch
from zeronn.nn import LAYER_REGISTRY, BatchNorm1d, BatchNorm2d, Linear, Sequential
from zeronn.testing import check_layer

SHAPES = [(BatchNorm1d, (6, 3)), (BatchNorm1d, (4, 3, 5)), (BatchNorm2d, (3, 3, 4, 5))]


def _randomised(layer, rng):
    """Give gamma, beta and the running statistics values away from their 1 / 0 defaults."""
    c = layer.num_features
    if layer.affine:
        layer.weight.data[:] = rng.uniform(0.5, 2.0, c)
        layer.bias.data[:] = rng.normal(size=c)
    if layer.track_running_stats:
        layer.running_mean[:] = rng.normal(size=c)
        layer.running_var[:] = rng.uniform(0.5, 2.0, c)
    return layer


# ---------------------------------------------------------------------------- shared layer checks
# check_layer draws its default input and gradcheck its output weights r from the same seed, so for a
# shape-preserving layer r == x; for batch norm that makes sum(BN(x) * x) a degenerate test function
# with an input gradient of almost exactly 0.  Hence the explicit, independent inputs below.
def _inputs(shape):
    return np.random.default_rng(42).normal(1.0, 2.0, size=shape)


@pytest.mark.parametrize("cls, shape", SHAPES)
@pytest.mark.parametrize("affine", [True, False])
def test_passes_layer_checks_in_training(cls, shape, affine, rng):
    layer = _randomised(cls(3, affine=affine), rng)
    bad = list(shape)
    bad[1] = 4
    check_layer(layer, shape, expected_output_shape=shape, bad_shape=tuple(bad), inputs=_inputs(shape))


@pytest.mark.parametrize("cls, shape", SHAPES)
def test_passes_layer_checks_in_eval(cls, shape, rng):
    layer = _randomised(cls(3), rng).eval()
    check_layer(layer, shape, expected_output_shape=shape, inputs=_inputs(shape))


def test_gradients_flow_through_a_model(rng):
    # Linear without bias: a bias right before batch norm has a gradient of exactly 0 (the mean removes it),
    # which a relative-error gradient check cannot judge
    model = Sequential(Linear(3, 5, bias=False), BatchNorm1d(5), Linear(5, 2))
    check_layer(model, (6, 3), expected_output_shape=(6, 2), inputs=_inputs((6, 3)))


def test_passes_layer_checks_without_running_stats(rng):
    layer = _randomised(BatchNorm2d(3, track_running_stats=False), rng).eval()
    check_layer(layer, (2, 3, 3, 3), expected_output_shape=(2, 3, 3, 3), inputs=_inputs((2, 3, 3, 3)))


# ---------------------------------------------------------------------------- hand-worked example
def test_hand_worked_example():
    layer = BatchNorm1d(1, dtype=np.float64)
    layer.weight.data[:] = 2.0
    layer.bias.data[:] = 1.0
    x = np.array([2.0, 4, 4, 4, 5, 5, 7, 9]).reshape(8, 1)
    # mean = 40 / 8 = 5;  deviations -3 -1 -1 -1 0 0 2 4;  biased var = (9+1+1+1+0+0+4+16) / 8 = 4, std = 2
    # xhat = [-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2];  y = 2 * xhat + 1
    y = layer(x)
    np.testing.assert_allclose(y.ravel(), [-2, 0, 0, 0, 1, 1, 3, 5], rtol=1e-5, atol=1e-5)
    # running_mean = 0.9 * 0 + 0.1 * 5 = 0.5;  unbiased var = 4 * 8/7 = 32/7;  running_var = 0.9 + 0.1 * 32/7
    np.testing.assert_allclose(layer.running_mean, [0.5])
    np.testing.assert_allclose(layer.running_var, [0.9 + 3.2 / 7])
    assert int(layer.num_batches_tracked) == 1
    # g = [1, 0, ..., 0]:  dbeta = 1,  dgamma = sum g * xhat = -1.5
    # dx = gamma * invstd * (g - dbeta/n - xhat * dgamma/n) = 2 * 0.5 * (g - 1/8 + 1.5/8 * xhat)
    #    = [1 - 0.125 - 0.28125, -0.21875 (x3), -0.125 (x2), -0.125 + 0.1875, -0.125 + 0.375]
    g = np.zeros((8, 1))
    g[0] = 1.0
    dx = layer.backward(g)
    np.testing.assert_allclose(layer.bias.grad, [1.0])
    np.testing.assert_allclose(layer.weight.grad, [-1.5], rtol=1e-5, atol=1e-5)
    expected = [0.59375, -0.21875, -0.21875, -0.21875, -0.125, -0.125, 0.0625, 0.25]
    np.testing.assert_allclose(dx.ravel(), expected, rtol=1e-5, atol=1e-5)
    # eval: y = 2 * (x - 0.5) / sqrt(running_var + eps) + 1;  for x = 0.5 that is exactly beta = 1
    layer.eval()
    np.testing.assert_allclose(layer(np.array([[0.5]])), [[1.0]])


def test_training_output_is_standardised_per_channel(rng):
    x = rng.normal(loc=[[[[10.0]], [[-3.0]]]], scale=[[[[5.0]], [[0.5]]]], size=(16, 2, 6, 7)).astype(np.float32)
    y = BatchNorm2d(2)(x)
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1.0, rtol=1e-4)


# ---------------------------------------------------------------------------- PyTorch parity
@pytest.fixture
def torch():
    """PyTorch (test skipped without it), single-threaded while the test runs: for these small tensors its
    thread pool only adds waiting (tens of milliseconds per call on a busy two-core machine)."""
    module = require_torch()
    threads = module.get_num_threads()
    module.set_num_threads(1)
    yield module
    module.set_num_threads(threads)


def _torch_layer(torch, layer, dtype):
    cls = {"BatchNorm1d": torch.nn.BatchNorm1d, "BatchNorm2d": torch.nn.BatchNorm2d}[type(layer).__name__]
    reference = cls(layer.num_features, eps=layer.eps, momentum=layer.momentum, affine=layer.affine,
                    track_running_stats=layer.track_running_stats)
    reference = reference.double() if dtype == np.float64 else reference.float()
    with torch.no_grad():
        for name, value in layer.state_dict().items():
            getattr(reference, name).copy_(torch.from_numpy(np.array(value)))
    return reference


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cls, shape", SHAPES)
@pytest.mark.parametrize("momentum, affine", [(0.1, True), (None, True), (0.3, False)])
def test_matches_pytorch_over_several_steps(dtype, cls, shape, momentum, affine, rng, torch):
    layer = _randomised(cls(3, momentum=momentum, affine=affine, dtype=dtype), rng)
    reference = _torch_layer(torch, layer, dtype)
    for step in range(4):
        training = step < 3
        layer.train(training)
        reference.train(training)
        x = (rng.normal(size=shape) * rng.uniform(0.5, 3.0) + rng.normal() * 2).astype(dtype)
        g = rng.normal(size=shape).astype(dtype)
        layer.zero_grad()
        reference.zero_grad()
        y = layer(x)
        dx = layer.backward(g)
        xt = torch.from_numpy(x.copy()).requires_grad_(True)
        yt = reference(xt)
        yt.backward(torch.from_numpy(g))
        what = f"step {step} ({'train' if training else 'eval'})"
        assert y.dtype == dx.dtype == dtype
        assert_close(y, yt, dtype=dtype, what=f"output, {what}")
        assert_close(dx, xt.grad, dtype=dtype, what=f"input gradient, {what}")
        if affine:
            assert_close(layer.weight.grad, reference.weight.grad, dtype=dtype, what=f"weight gradient, {what}")
            assert_close(layer.bias.grad, reference.bias.grad, dtype=dtype, what=f"bias gradient, {what}")
        assert_close(layer.running_mean, reference.running_mean, dtype=dtype, what=f"running_mean, {what}")
        assert_close(layer.running_var, reference.running_var, dtype=dtype, what=f"running_var, {what}")
        assert int(layer.num_batches_tracked) == int(reference.num_batches_tracked)


def test_float32_matches_pytorch_at_a_realistic_size(rng, torch):
    # sums over N*H*W = 12,544 float32 values: an entry that nearly cancels (a small weight gradient among
    # large ones) can differ in its 5th digit, so compare each tensor relative to its largest entry
    layer = _randomised(BatchNorm2d(16), rng)
    reference = _torch_layer(torch, layer, np.float32)
    for _ in range(2):
        x = rng.normal(5.0, 3.0, size=(64, 16, 14, 14)).astype(np.float32)
        g = rng.normal(size=x.shape).astype(np.float32)
        layer.zero_grad()
        reference.zero_grad()
        y = layer(x)
        dx = layer.backward(g)
        xt = torch.from_numpy(x).requires_grad_(True)
        yt = reference(xt)
        yt.backward(torch.from_numpy(g))
        pairs = {"output": (y, yt), "input gradient": (dx, xt.grad), "weight gradient": (layer.weight.grad,
                 reference.weight.grad), "bias gradient": (layer.bias.grad, reference.bias.grad),
                 "running_mean": (layer.running_mean, reference.running_mean),
                 "running_var": (layer.running_var, reference.running_var)}
        for what, (ours, theirs) in pairs.items():
            theirs = theirs.detach().numpy()
            assert ours.dtype == np.float32, what
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-5 * np.abs(theirs).max(), err_msg=what)


def test_matches_pytorch_without_running_stats_in_eval(rng, torch):
    layer = _randomised(BatchNorm2d(3, track_running_stats=False, dtype=np.float64), rng).eval()
    reference = _torch_layer(torch, layer, np.float64).eval()
    x, g = rng.normal(size=(4, 3, 3, 2)), rng.normal(size=(4, 3, 3, 2))
    xt = torch.from_numpy(x.copy()).requires_grad_(True)
    reference(xt).backward(torch.from_numpy(g))
    assert_close(layer(x), reference(torch.from_numpy(x)))
    assert_close(layer.backward(g), xt.grad)


def test_state_dict_loads_into_pytorch(rng, torch):
    layer = BatchNorm2d(3, dtype=np.float64)
    for _ in range(2):
        layer(rng.normal(size=(4, 3, 2, 2)))
    reference = torch.nn.BatchNorm2d(3).double()
    reference.load_state_dict({name: torch.from_numpy(np.array(value)) for name, value in layer.state_dict().items()})
    x = rng.normal(size=(2, 3, 2, 2))
    assert_close(layer.eval()(x), reference.eval()(torch.from_numpy(x)))


# ---------------------------------------------------------------------------- buffers, modes, dtypes
def test_buffers_are_in_the_state_dict():
    layer = BatchNorm1d(4)
    layer(np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32))
    state = layer.state_dict()
    assert list(state) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert state["num_batches_tracked"].dtype == np.int64 and state["num_batches_tracked"].shape == ()
    fresh = BatchNorm1d(4)
    fresh.load_state_dict(state)
    np.testing.assert_array_equal(fresh.running_var, layer.running_var)
    assert int(fresh.num_batches_tracked) == 1
    fresh(np.zeros((2, 4), np.float32) + np.arange(2, dtype=np.float32)[:, None])
    assert int(fresh.num_batches_tracked) == 2 and int(layer.num_batches_tracked) == 1


def test_without_running_stats_there_are_no_buffers():
    layer = BatchNorm2d(2, affine=False, track_running_stats=False)
    assert layer.state_dict() == {} and layer.parameters() == []
    assert layer.running_mean is None


def test_eval_uses_running_stats_and_does_not_update_them(rng):
    layer = _randomised(BatchNorm2d(2), rng).eval()
    before = layer.state_dict()
    x = rng.normal(size=(3, 2, 4, 4)).astype(np.float32)
    y = layer(x)
    expected = (x - before["running_mean"][:, None, None]) / np.sqrt(before["running_var"][:, None, None] + 1e-5)
    expected = expected * before["weight"][:, None, None] + before["bias"][:, None, None]
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    for name, value in layer.state_dict().items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)


def test_running_stats_update_under_no_grad_in_training(rng):
    # as in PyTorch, the running statistics follow the mode (train/eval), not the gradient switch
    layer = BatchNorm1d(2)
    with zeronn.no_grad():
        layer(rng.normal(size=(4, 2)).astype(np.float32))
    assert int(layer.num_batches_tracked) == 1
    with pytest.raises(RuntimeError, match="backward"):
        layer.backward(np.ones((4, 2), np.float32))


@pytest.mark.parametrize("training", [True, False])
def test_float32_stays_float32(training, rng):
    layer = _randomised(BatchNorm2d(3), rng).train(training)
    x = rng.normal(size=(2, 3, 4, 4)).astype(np.float32)
    y = layer(x)
    dx = layer.backward(np.ones_like(y))
    arrays = [y, dx, layer.weight.grad, layer.bias.grad, layer.running_mean, layer.running_var]
    assert all(a.dtype == np.float32 for a in arrays), [a.dtype for a in arrays]


def test_to_float64_keeps_the_batch_counter_an_integer():
    layer = BatchNorm1d(2).double()
    assert layer.running_mean.dtype == layer.weight.dtype == np.float64
    assert layer.num_batches_tracked.dtype == np.int64


def test_forward_leaves_the_input_untouched(rng):
    x = rng.normal(size=(4, 3, 2, 2))
    kept = x.copy()
    layer = BatchNorm2d(3, dtype=np.float64)
    layer(x)
    layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(x, kept)


def test_integer_images_are_accepted():
    layer = BatchNorm2d(1)
    y = layer(np.arange(32, dtype=np.uint8).reshape(2, 1, 4, 4))
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.mean(), 0.0, atol=1e-5)


def test_first_layer_of_a_model_fills_only_its_parameter_gradients(rng):
    model = Sequential(BatchNorm2d(3))
    model(rng.normal(size=(2, 3, 4, 4)).astype(np.float32))
    assert model.backward(np.ones((2, 3, 4, 4), np.float32)) is None
    assert model[0].weight.grad is not None and model[0].bias.grad is not None


def test_empty_batch_in_training_changes_no_running_statistics():
    layer = BatchNorm1d(3)
    y = layer(np.zeros((0, 3), np.float32))
    assert y.shape == (0, 3) and int(layer.num_batches_tracked) == 0
    assert layer.backward(np.zeros((0, 3), np.float32)).shape == (0, 3)
    np.testing.assert_array_equal(layer.weight.grad, 0)


def test_config_round_trip_and_repr():
    layer = BatchNorm2d(8, eps=1e-3, momentum=None, affine=False)
    rebuilt = BatchNorm2d.from_config(layer.get_config())
    assert rebuilt.get_config() == layer.get_config()
    assert repr(layer) == "BatchNorm2d(8, eps=0.001, momentum=None, affine=False, track_running_stats=True)"
    assert "_BatchNorm" not in LAYER_REGISTRY


# ---------------------------------------------------------------------------- errors
def test_wrong_channel_count_names_the_layer():
    expected = (r"BatchNorm2d\(3, .*\) expects input of shape \(batch, 3, height, width\), "
                r"got \(2, 4, 5, 5\) \(4 channels instead of 3\)")
    with pytest.raises(ValueError, match=expected):
        BatchNorm2d(3)(np.zeros((2, 4, 5, 5), np.float32))


def test_wrong_rank_lists_the_accepted_shapes():
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3, .*\) expects input of shape \(batch, 3\) or "
                                         r"\(batch, 3, length\), got \(2, 3, 4, 4\)$"):
        BatchNorm1d(3)(np.zeros((2, 3, 4, 4), np.float32))
    with pytest.raises(ValueError, match=r"BatchNorm2d"):
        BatchNorm2d(3)(np.zeros((2, 3), np.float32))


def test_batch_of_one_raises_in_training_like_pytorch():
    layer = BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3, .*expected more than 1 value per channel when "
                                         r"training, got input of shape \(1, 3\)"):
        layer(np.zeros((1, 3), np.float32))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        BatchNorm2d(3)(np.zeros((1, 3, 1, 1), np.float32))
    assert int(layer.num_batches_tracked) == 0
    # one sample is fine when there are several values per channel, and in eval mode
    assert BatchNorm2d(3)(np.ones((1, 3, 2, 2), np.float32)).shape == (1, 3, 2, 2)
    assert layer.eval()(np.ones((1, 3), np.float32)).shape == (1, 3)


@pytest.mark.parametrize("kwargs, message", [
    ({"num_features": 0}, "num_features must be a positive integer"),
    ({"num_features": 3, "eps": 0.0}, "Invalid eps value: 0.0"),
    ({"num_features": 3, "momentum": -1}, "Invalid momentum value: -1"),
    ({"num_features": 3, "momentum": 1.5}, "Invalid momentum value: 1.5"),
])
def test_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        BatchNorm2d(**kwargs)


def test_copies_are_independent():
    layer = BatchNorm1d(2)
    twin = copy.deepcopy(layer)
    layer(np.array([[0.0, 1.0], [2.0, 3.0]], np.float32))
    assert int(twin.num_batches_tracked) == 0 and np.all(twin.running_mean == 0)
