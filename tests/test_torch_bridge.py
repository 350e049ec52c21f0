"""zeronn.to_torch / zeronn.from_torch: same outputs both ways for every layer type, weights oriented right."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import zeronn  # noqa: E402
from zeronn import nn  # noqa: E402
from zeronn.torch_bridge import from_torch, to_torch, torch_state_dict  # noqa: E402

torch.set_num_threads(1)


def _randomize(model, seed=0):
    rng = np.random.default_rng(seed)
    for layer in model.modules():
        if isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)) and layer.track_running_stats:
            layer.running_mean[...] = rng.normal(size=layer.num_features)
            layer.running_var[...] = rng.uniform(0.5, 2.0, size=layer.num_features)
            layer.num_batches_tracked = np.array(7, dtype=np.int64)
        for parameter in layer.parameters():
            parameter.data[...] = rng.normal(size=parameter.data.shape) * 0.5


def _agree(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5 * float(np.abs(b).max()) + 1e-7)


def check_both_ways(model, input_shape, *, batch=4, seed=0):
    """ZeroNN -> torch -> ZeroNN: the three give the same outputs on a random batch, in eval mode."""
    _randomize(model, seed)
    model.eval()
    x = np.random.default_rng(seed).normal(size=(batch, *input_shape)).astype(np.float32)
    want = model(x)
    module = to_torch(model)
    assert not module.training
    with torch.no_grad():
        _agree(module(torch.from_numpy(x)).numpy(), want)
    back = from_torch(module)
    assert not back.training
    _agree(back(x), want)
    assert back.get_config() == model.get_config()
    return module, back


LAYERS = [
    ((5,), [nn.Linear(5, 3)]),
    ((5,), [nn.Linear(5, 3, bias=False)]),
    ((2, 8, 7), [nn.Conv2d(2, 3, 3)]),
    ((2, 8, 7), [nn.Conv2d(2, 3, (3, 2), stride=2, padding=(1, 2), bias=False)]),
    ((2, 8, 7), [nn.Conv2d(2, 3, 4, padding="same", dilation=2)]),
    ((2, 8, 7), [nn.MaxPool2d(3, stride=2, padding=1)]),
    ((2, 8, 7), [nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)]),
    ((2, 8, 7), [nn.AvgPool2d(2)]),
    ((2, 8, 7), [nn.AdaptiveAvgPool2d((3, 2))]),
    ((4,), [nn.BatchNorm1d(4)]),
    ((4, 5), [nn.BatchNorm1d(4, affine=False)]),
    ((3, 4, 4), [nn.BatchNorm2d(3, momentum=None)]),
    ((5,), [nn.Dropout(0.3)]),
    ((2, 4, 4), [nn.Dropout2d(0.3)]),
    ((2, 4, 4), [nn.Flatten()]),
    ((5,), [nn.Identity()]),
    ((5,), [nn.Sigmoid()]), ((5,), [nn.Tanh()]), ((5,), [nn.ReLU()]), ((5,), [nn.LeakyReLU(0.2)]),
    ((5,), [nn.ELU(0.5)]), ((5,), [nn.SELU()]), ((5,), [nn.GELU()]), ((5,), [nn.GELU(approximate="tanh")]),
    ((5,), [nn.SiLU()]), ((5,), [nn.Softplus(beta=2.0, threshold=1.0)]), ((5,), [nn.Softmax(dim=1)]),
    ((5,), [nn.LogSoftmax(dim=-1)]),
]


@pytest.mark.parametrize("input_shape, layers", LAYERS, ids=lambda v: repr(v))
def test_every_layer_type(input_shape, layers):
    check_both_ways(nn.Sequential(*layers), input_shape)


def test_example_models_and_nested_sequential():
    from zeronn.models import build_preset

    for name in ("mlp", "lenet", "cnn"):
        zeronn.manual_seed(0)
        check_both_ways(build_preset(name, (1, 28, 28), 10), (1, 28, 28), batch=2)
    check_both_ways(nn.Sequential(nn.Sequential(nn.Linear(3, 4), nn.ReLU()), nn.Linear(4, 2)), (3,))


def test_linear_weight_is_transposed_and_names_match():
    model = nn.Sequential(nn.Flatten(), nn.Linear(6, 4), nn.ReLU(), nn.Linear(4, 2))
    module = to_torch(model)
    assert tuple(module[1].weight.shape) == (4, 6)                        # torch: (out, in)
    np.testing.assert_array_equal(module[1].weight.detach().numpy(), model[1].weight.data.T)
    state = torch_state_dict(model)
    assert set(state) == {"1.weight", "1.bias", "3.weight", "3.bias"}
    assert tuple(state["3.weight"].shape) == (2, 4)


def test_saved_file_read_from_pytorch(tmp_path):
    safetensors_torch = pytest.importorskip("safetensors.torch")
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 676), nn.ReLU(), nn.Dropout(), nn.Linear(676, 10))
    zeronn.save(model, tmp_path / "mlp.safetensors")
    tensors = safetensors_torch.load_file(str(tmp_path / "mlp.safetensors"))
    assert tuple(tensors["state_dict.4.weight"].shape) == (676, 10)        # as documented in torch_bridge
    module = to_torch(model)
    module.load_state_dict(torch_state_dict(zeronn.load(tmp_path / "mlp.safetensors")))
    x = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
    module.eval()
    model.eval()
    with torch.no_grad():
        _agree(module(torch.from_numpy(x)).numpy(), model(x))


def test_float64_and_training_modes_carry_over():
    model = nn.Sequential(nn.Linear(3, 2, dtype=np.float64), nn.BatchNorm1d(2, dtype=np.float64))
    model[1].eval()
    module = to_torch(model)
    assert module[0].weight.dtype == torch.float64
    assert module.training and module[0].training and not module[1].training
    back = from_torch(module)
    assert back.dtype == np.float64 and back.training and not back[1].training


def test_a_torch_model_trained_in_torch_comes_back():
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
                                 torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(4 * 3 * 3, 5))
    x = torch.randn(8, 1, 6, 6)
    module(x)                                                               # updates the running statistics
    module.eval()
    model = from_torch(module)
    with torch.no_grad():
        _agree(model(x.numpy()), module(x).numpy())


def test_unsupported_modules_are_named():
    with pytest.raises(ValueError, match=r"module '1'.*LSTM"):
        from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.LSTM(2, 2)))
    with pytest.raises(ValueError, match="groups=2"):
        from_torch(torch.nn.Sequential(torch.nn.Conv2d(2, 2, 3, groups=2)))
    with pytest.raises(ValueError, match="ceil_mode"):
        from_torch(torch.nn.MaxPool2d(2, ceil_mode=True))

    class Doubler(nn.Layer):
        def forward(self, x):
            return 2 * x

    with pytest.raises(ValueError, match=r"layer '0' Doubler"):
        to_torch(nn.Sequential(Doubler()))
    with pytest.raises(TypeError):
        from_torch(nn.Linear(2, 2))


def test_every_registered_layer_has_a_twin():
    from zeronn.nn import LAYER_REGISTRY
    from zeronn.torch_bridge import SUPPORTED_LAYERS

    built_in = {name for name, cls in LAYER_REGISTRY.items() if cls.__module__.startswith("zeronn.")}
    assert built_in <= set(SUPPORTED_LAYERS), "a new layer needs a PyTorch twin in the bridge"
    tested = {type(layer).__name__ for _, layers in LAYERS for layer in layers} | {"Sequential"}
    assert set(SUPPORTED_LAYERS) <= tested
