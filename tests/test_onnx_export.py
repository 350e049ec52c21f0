"""zeronn.export_onnx: every layer and the example models, checked by onnx.checker and run by onnxruntime."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import zeronn  # noqa: E402
from zeronn import nn  # noqa: E402
from zeronn.models import build_preset  # noqa: E402
from zeronn.onnx_export import export_onnx  # noqa: E402


def _run_onnx(path, x):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return session.run(None, {"input": x})[0]


def _randomize_batchnorm(model, seed=0):
    rng = np.random.default_rng(seed)
    for layer in model.modules():
        if isinstance(layer, (nn.BatchNorm1d, nn.BatchNorm2d)):
            c = layer.num_features
            layer.running_mean[...] = rng.normal(size=c)
            layer.running_var[...] = rng.uniform(0.5, 2.0, size=c)
            if layer.weight is not None:
                layer.weight.data[...] = rng.normal(size=c)
                layer.bias.data[...] = rng.normal(size=c)


def check_export(model, input_shape, tmp_path, *, batch=3, seed=0):
    """Export, full onnx check, then onnxruntime on a random batch == ZeroNN in float32 (relative 1e-5)."""
    _randomize_batchnorm(model, seed)
    model.eval()
    path = tmp_path / "model.onnx"
    proto = export_onnx(model, path, input_shape=input_shape)
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    x = np.random.default_rng(seed).normal(size=(batch, *input_shape)).astype(np.float32)
    want = model(x)
    got = _run_onnx(path, x)
    assert got.dtype == np.float32 and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * float(np.abs(want).max()) + 1e-7)
    return proto


ACTIVATIONS = [nn.Sigmoid(), nn.Tanh(), nn.ReLU(), nn.LeakyReLU(0.2), nn.ELU(0.7), nn.SELU(), nn.GELU(),
               nn.GELU(approximate="tanh"), nn.SiLU(), nn.Softplus(), nn.Softplus(beta=2.0, threshold=3.0),
               nn.Softmax(), nn.Softmax(dim=1), nn.LogSoftmax(), nn.Identity()]


@pytest.mark.parametrize("activation", ACTIVATIONS, ids=repr)
def test_every_activation(activation, tmp_path):
    model = nn.Sequential(nn.Linear(5, 7, rng=0), activation)
    check_export(model, (5,), tmp_path)


@pytest.mark.parametrize("conv", [
    nn.Conv2d(2, 4, 3, rng=0),
    nn.Conv2d(2, 4, 3, stride=2, padding=1, rng=0),
    nn.Conv2d(2, 4, (3, 2), stride=(1, 2), padding=(2, 1), bias=False, rng=0),
    nn.Conv2d(2, 4, 4, padding="same", rng=0),                  # even kernel: extra row/column bottom/right
    nn.Conv2d(2, 4, 3, padding="same", dilation=2, rng=0),
    nn.Conv2d(2, 4, 3, padding="valid", dilation=(2, 1), rng=0),
], ids=repr)
def test_conv2d(conv, tmp_path):
    check_export(nn.Sequential(conv), (2, 9, 8), tmp_path)


@pytest.mark.parametrize("pool", [
    nn.MaxPool2d(2), nn.MaxPool2d(3, stride=2, padding=1), nn.MaxPool2d((2, 3), stride=1),
    nn.AvgPool2d(2), nn.AvgPool2d(3, stride=2, padding=1),
    nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
    nn.AdaptiveAvgPool2d(1), nn.AdaptiveAvgPool2d((3, 2)), nn.AdaptiveAvgPool2d((None, 4)),
], ids=repr)
def test_pooling(pool, tmp_path):
    check_export(nn.Sequential(pool), (3, 9, 7), tmp_path)


def test_batchnorm_dropout_flatten(tmp_path):
    model = nn.Sequential(nn.Conv2d(1, 3, 3, rng=0), nn.BatchNorm2d(3), nn.Dropout2d(0.5), nn.Flatten(),
                          nn.Linear(3 * 4 * 4, 6, bias=False, rng=0), nn.BatchNorm1d(6), nn.Dropout(0.3),
                          nn.Linear(6, 2, rng=1))
    check_export(model, (1, 6, 6), tmp_path)
    check_export(nn.Sequential(nn.BatchNorm1d(4, affine=False)), (4,), tmp_path)


def test_nested_sequential_keeps_parameter_names(tmp_path):
    model = nn.Sequential(nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU()), nn.Linear(4, 2, rng=0))
    proto = check_export(model, (3,), tmp_path)
    names = {init.name for init in proto.graph.initializer}
    assert {"0.0.weight", "0.0.bias", "1.weight", "1.bias"} <= names


@pytest.mark.parametrize("name, shape", [("mlp", (1, 28, 28)), ("lenet", (1, 28, 28)), ("cnn", (1, 28, 28)),
                                         ("lenet", (1, 8, 8)), ("logistic", (4,))])
def test_example_models(name, shape, tmp_path):
    zeronn.manual_seed(0)
    model = build_preset(name, shape, 10)
    check_export(model, shape, tmp_path, batch=2)


def test_dynamic_batch_axis(tmp_path):
    model = nn.Sequential(nn.Linear(4, 3, rng=0), nn.Tanh()).eval()
    export_onnx(model, tmp_path / "m.onnx", input_shape=(4,))
    for batch in (1, 17):
        x = np.random.default_rng(batch).normal(size=(batch, 4)).astype(np.float32)
        np.testing.assert_allclose(_run_onnx(tmp_path / "m.onnx", x), model(x), rtol=1e-5, atol=1e-7)
    graph = onnx.load(str(tmp_path / "m.onnx")).graph
    assert graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"


def test_float64_export(tmp_path):
    model = nn.Sequential(nn.Linear(4, 3, rng=0, dtype=np.float64), nn.Sigmoid()).eval()
    export_onnx(model, tmp_path / "m.onnx", input_shape=(4,), dtype=np.float64)
    x = np.random.default_rng(0).normal(size=(5, 4))
    np.testing.assert_allclose(_run_onnx(tmp_path / "m.onnx", x), model(x), rtol=1e-12)


def test_unsupported_layer_is_named(tmp_path):
    class Doubler(nn.Layer):
        def forward(self, x):
            return 2 * x

    with pytest.raises(ValueError, match=r"layer '1' Doubler\(\).*no ONNX conversion"):
        export_onnx(nn.Sequential(nn.Linear(2, 2), Doubler()), tmp_path / "m.onnx", input_shape=(2,))
    assert not (tmp_path / "m.onnx").exists()


def test_bad_arguments(tmp_path):
    model = nn.Sequential(nn.Linear(4, 2))
    with pytest.raises(ValueError, match="input_shape"):
        export_onnx(model, tmp_path / "m.onnx", input_shape=(0,))
    with pytest.raises(ValueError, match="rejects input_shape"):
        export_onnx(model, tmp_path / "m.onnx", input_shape=(5,))
    with pytest.raises(ValueError, match="track_running_stats"):
        export_onnx(nn.Sequential(nn.BatchNorm1d(4, track_running_stats=False)), tmp_path / "m.onnx",
                    input_shape=(4,))
    with pytest.raises(TypeError, match="Layer"):
        export_onnx("model", tmp_path / "m.onnx", input_shape=(4,))


def test_every_registered_layer_has_a_conversion():
    from zeronn.nn import LAYER_REGISTRY
    from zeronn.onnx_export import SUPPORTED_LAYERS

    built_in = {name for name, cls in LAYER_REGISTRY.items() if cls.__module__.startswith("zeronn.")}
    assert built_in <= set(SUPPORTED_LAYERS), "a new layer needs an ONNX conversion"
