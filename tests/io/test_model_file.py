"""Tests of zeronn.io.save / load / save_weights / load_weights."""

import importlib
import json
import pkgutil
import struct

import numpy as np
import pytest

import zeronn
import zeronn.nn as nn
from zeronn.io import ModelFileError, load, load_weights, save, save_weights, write_archive

pytest.importorskip("safetensors")

# Import every module of zeronn.nn, so that layers not yet re-exported are registered too.
for _module in pkgutil.iter_modules(nn.__path__):
    importlib.import_module(f"zeronn.nn.{_module.name}")


def _sequential(cls):
    inner = cls(nn.Linear(5, 3), nn.Identity())
    return cls(nn.Linear(4, 5), nn.Dropout(0.5), inner)


# Every public layer class: name -> (build(cls), input shape for a forward check).
# A layer registered in zeronn.nn but missing here fails test_every_public_layer_is_in_the_table.
LAYER_TABLE = {
    "Linear": (lambda cls: cls(4, 3), (2, 4)),
    "Sequential": (_sequential, (2, 4)),
    "Flatten": (lambda cls: cls(), (2, 3, 2)),
    "Identity": (lambda cls: cls(), (2, 3)),
    "Dropout": (lambda cls: cls(0.3), (2, 3)),
    "Sigmoid": (lambda cls: cls(), (2, 3)),
    "Tanh": (lambda cls: cls(), (2, 3)),
    "ReLU": (lambda cls: cls(), (2, 3)),
    "LeakyReLU": (lambda cls: cls(0.2), (2, 3)),
    "ELU": (lambda cls: cls(0.7), (2, 3)),
    "SELU": (lambda cls: cls(), (2, 3)),
    "GELU": (lambda cls: cls(), (2, 3)),
    "SiLU": (lambda cls: cls(), (2, 3)),
    "Swish": (lambda cls: cls(), (2, 3)),
    "Softplus": (lambda cls: cls(), (2, 3)),
    "Softmax": (lambda cls: cls(dim=-1), (2, 3)),
    "LogSoftmax": (lambda cls: cls(dim=-1), (2, 3)),
    "Conv2d": (lambda cls: cls(2, 3, 3, stride=1, padding=1), (2, 2, 5, 5)),
    "MaxPool2d": (lambda cls: cls(2), (2, 2, 4, 4)),
    "AvgPool2d": (lambda cls: cls(2), (2, 2, 4, 4)),
    "AdaptiveAvgPool2d": (lambda cls: cls(2), (2, 2, 4, 4)),
    "BatchNorm1d": (lambda cls: cls(4), (3, 4)),
    "BatchNorm2d": (lambda cls: cls(3), (2, 3, 4, 4)),
    "Dropout2d": (lambda cls: cls(0.3), (2, 3, 4, 4)),
}


def public_layers():
    return sorted(name for name, cls in nn.LAYER_REGISTRY.items()
                  if cls.__module__.startswith("zeronn.") and not name.startswith("_"))


def test_every_public_layer_is_in_the_table():
    forgotten = [name for name in public_layers() if name not in LAYER_TABLE]
    assert not forgotten, f"add these layers to LAYER_TABLE in {__file__}: {forgotten}"


def build(name):
    factory, input_shape = LAYER_TABLE[name]
    return factory(nn.LAYER_REGISTRY[name]), input_shape


def scramble(model, seed=0):
    """Give every parameter and buffer values no constructor would produce."""
    rng = np.random.default_rng(seed)
    for parameter in model.parameters():
        parameter.data = rng.standard_normal(parameter.shape).astype(parameter.dtype)
    for layer in model.modules():
        for name in layer.buffer_names:
            value = getattr(layer, name)
            if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                setattr(layer, name, rng.uniform(0.5, 2.0, value.shape).astype(value.dtype))
            elif isinstance(value, np.ndarray):
                setattr(layer, name, np.full(value.shape, 7, dtype=value.dtype))
            elif isinstance(value, (int, np.integer)) and not isinstance(value, bool):
                setattr(layer, name, type(value)(7))
    return model


def assert_same_state(actual, expected):
    actual_state, expected_state = actual.state_dict(), expected.state_dict()
    assert list(actual_state) == list(expected_state)
    for name, value in expected_state.items():
        assert actual_state[name].dtype == value.dtype, name
        assert actual_state[name].shape == value.shape, name
        assert actual_state[name].tobytes() == value.tobytes(), name


@pytest.mark.parametrize("name", [name for name in LAYER_TABLE if name in nn.LAYER_REGISTRY])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_round_trip_every_layer(tmp_path, name, dtype):
    zeronn.set_default_dtype(dtype)
    model, input_shape = build(name)
    scramble(model)
    path = tmp_path / "model.safetensors"
    save(model, path)
    zeronn.set_default_dtype("float32")         # loading must not depend on the current default
    loaded = load(path)
    assert type(loaded) is type(model)
    assert nn.layer_to_spec(loaded) == nn.layer_to_spec(model)
    assert_same_state(loaded, model)
    x = np.random.default_rng(1).standard_normal(input_shape).astype(dtype)
    model.eval()
    loaded.eval()
    with zeronn.no_grad():
        expected, actual = model(x), loaded(x)
    assert actual.dtype == expected.dtype
    assert actual.tobytes() == expected.tobytes()


def test_float64_model_loads_as_float64(tmp_path):
    model = nn.Sequential(nn.Linear(3, 2)).double()
    save(model, tmp_path / "m")
    loaded = load(tmp_path / "m")
    assert loaded.dtype == np.float64
    assert_same_state(loaded, model)


def test_nested_sequential_round_trip(tmp_path):
    model = nn.Sequential(nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Linear(3, 3))), nn.Linear(3, 1))
    scramble(model, seed=5)
    save(model, tmp_path / "m")
    loaded = load(tmp_path / "m")
    assert repr(loaded) == repr(model)
    assert list(loaded.state_dict()) == ["0.0.weight", "0.0.bias", "0.1.0.weight", "0.1.0.bias",
                                         "1.weight", "1.bias"]
    assert_same_state(loaded, model)


def test_batchnorm_running_stats_round_trip(tmp_path):
    if "BatchNorm1d" not in nn.LAYER_REGISTRY:
        pytest.skip("BatchNorm1d is not written yet")
    model = nn.Sequential(nn.Linear(4, 3), nn.LAYER_REGISTRY["BatchNorm1d"](3))
    rng = np.random.default_rng(0)
    for _ in range(3):                                     # training steps move the running statistics
        model(rng.standard_normal((8, 4)).astype(np.float32) * 3 + 1)
    assert list(model.named_buffers()), "BatchNorm1d should list its running statistics in buffer_names"
    save(model, tmp_path / "m")
    loaded = load(tmp_path / "m")
    assert_same_state(loaded, model)
    x = rng.standard_normal((5, 4)).astype(np.float32)
    assert loaded.eval()(x).tobytes() == model.eval()(x).tobytes()


@nn.register_layer(namespace="tests")
class Doubler(nn.Layer):
    """A user-defined layer with a buffer and a scalar counter, registered (under a namespace) to be loadable."""

    buffer_names = ("scale", "count")

    def __init__(self, size=2):
        super().__init__()
        self.size = size
        self.scale = np.full(size, 2.0, dtype=np.float32)
        self.count = 0

    def forward(self, x):
        return x * self.scale

    def get_config(self):
        return {"size": self.size}


def test_user_defined_layer_round_trip(tmp_path):
    layer = Doubler(3)
    layer.scale = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    layer.count = 41
    save(layer, tmp_path / "m")
    loaded = load(tmp_path / "m")
    assert loaded.scale.tolist() == [1.0, 2.0, 3.0] and loaded.scale.dtype == np.float32
    assert loaded.count == 41 and type(loaded.count) is int


def test_modes_and_frozen_parameters_are_restored(tmp_path):
    model = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5), nn.Linear(2, 1))
    model.layers[1].eval()
    model.layers[2].bias.requires_grad = False
    save(model, tmp_path / "m")
    loaded = load(tmp_path / "m")
    assert [layer.training for layer in loaded.modules()] == [True, True, False, True]
    assert [p.requires_grad for p in loaded.parameters()] == [True, True, True, False]
    save(model.eval(), tmp_path / "m")
    assert not any(layer.training for layer in load(tmp_path / "m").modules())


def test_loaded_arrays_are_writable(tmp_path):
    save(nn.Linear(2, 2), tmp_path / "m")
    loaded = load(tmp_path / "m")
    loaded.weight.data -= 1.0                     # optimizers update in place


def test_save_refuses_non_layers(tmp_path):
    with pytest.raises(TypeError, match="takes a zeronn Layer, got dict"):
        save({"w": np.zeros(2)}, tmp_path / "m")


@nn.register_layer(namespace="tests")
class Unsaveable(nn.Layer):
    def get_config(self):
        return {"activation": len}


def test_save_refuses_configs_that_are_not_json(tmp_path):
    with pytest.raises(TypeError, match="architecture.config.activation"):
        save(Unsaveable(), tmp_path / "m")


# ------------------------------------------------------------------------------------------ tampered files
def model_tree(model):
    return {"architecture": nn.layer_to_spec(model), "state_dict": model.state_dict(),
            "eval_modules": [], "frozen": []}


def write_model_tree(path, tree):
    write_archive(path, tree, kind="model")
    return path


def expect_load_error(path, fragment):
    with pytest.raises(ModelFileError, match=fragment) as info:
        load(path)
    assert path.name in str(info.value)
    return info.value


@pytest.fixture
def mlp():
    return nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))


def test_unknown_layer_lists_valid_names(tmp_path, mlp):
    tree = model_tree(mlp)
    tree["architecture"]["config"]["layers"][1]["class"] = "os.system"
    error = expect_load_error(write_model_tree(tmp_path / "m", tree), "Unknown layer 'os.system'")
    assert "Linear" in str(error) and "Sequential" in str(error)


@pytest.mark.parametrize(
    "config",
    [{"in_features": -3, "out_features": 4}, {"in_features": "3", "out_features": 4},
     {"in_features": 3}, {"in_features": 3, "out_features": 4, "nonsense": 1},
     {"in_features": 3, "out_features": 4, "weight_init": "evil"}],
)
def test_config_that_does_not_build(tmp_path, mlp, config):
    tree = model_tree(mlp)
    tree["architecture"]["config"]["layers"][0]["config"] = config
    expect_load_error(write_model_tree(tmp_path / "m", tree), "cannot be rebuilt")


@pytest.mark.parametrize("architecture", [None, "Sequential", {"config": {}}, {"class": "Sequential", "config": 3},
                                          {"class": "Sequential", "config": {"layers": [1]}}])
def test_malformed_architecture(tmp_path, mlp, architecture):
    tree = model_tree(mlp)
    tree["architecture"] = architecture
    expect_load_error(write_model_tree(tmp_path / "m", tree), "architecture")


def test_deeply_nested_architecture(tmp_path):
    depth = 300
    spec = '{"class":"Sequential","config":{"layers":[' * depth + '{"class":"Identity"}' + "]}}" * depth
    text = '{"architecture":' + spec + ',"state_dict":{}}'
    path = tmp_path / "deep"
    write_model_tree(path, {"x": 1})
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    header["__metadata__"]["tree"] = text
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data[8 + size :])
    expect_load_error(path, "too deeply|cannot be rebuilt")


def test_wrong_shape(tmp_path, mlp):
    tree = model_tree(mlp)
    tree["state_dict"]["1.weight"] = np.zeros((4, 3), dtype=np.float32)
    error = expect_load_error(write_model_tree(tmp_path / "m", tree), "'1.weight' has shape \\(4, 3\\)")
    assert "(4, 2)" in str(error)


@pytest.mark.parametrize("dtype", [np.int32, np.float16, np.bool_, np.uint8])
def test_wrong_dtype(tmp_path, mlp, dtype):
    tree = model_tree(mlp)
    tree["state_dict"]["0.bias"] = np.zeros(4, dtype=dtype)
    expect_load_error(write_model_tree(tmp_path / "m", tree), f"'0.bias' has dtype {np.dtype(dtype)}")


def test_wrong_dtype_of_integer_buffer(tmp_path):
    tree = model_tree(Doubler(2))
    tree["state_dict"]["count"] = np.array(1.5)
    expect_load_error(write_model_tree(tmp_path / "m", tree), "'count' has dtype float64, .* needs int64")


def test_missing_tensor(tmp_path, mlp):
    tree = model_tree(mlp)
    del tree["state_dict"]["1.bias"]
    expect_load_error(write_model_tree(tmp_path / "m", tree), "missing '1.bias', unexpected nothing")


def test_extra_tensor(tmp_path, mlp):
    tree = model_tree(mlp)
    tree["state_dict"]["2.weight"] = np.zeros(2)
    expect_load_error(write_model_tree(tmp_path / "m", tree), "missing nothing, unexpected '2.weight'")


def test_state_dict_that_is_not_arrays(tmp_path, mlp):
    tree = model_tree(mlp)
    tree["state_dict"]["0.bias"] = [0.0, 0.0, 0.0, 0.0]
    expect_load_error(write_model_tree(tmp_path / "m", tree), "'0.bias' is list, not an array")
    tree["state_dict"] = "weights"
    expect_load_error(write_model_tree(tmp_path / "m", tree), "no state_dict")


@pytest.mark.parametrize("key, value", [("eval_modules", ["7"]), ("frozen", ["0.gamma"]), ("frozen", "all")])
def test_bad_flags(tmp_path, mlp, key, value):
    tree = model_tree(mlp)
    tree[key] = value
    expect_load_error(write_model_tree(tmp_path / "m", tree), key)


def test_bad_json_in_the_architecture(tmp_path, mlp):
    path = tmp_path / "m"
    save(mlp, path)
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    header["__metadata__"]["tree"] = header["__metadata__"]["tree"].replace('"architecture":{', '"architecture":{{', 1)
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data[8 + size :])
    expect_load_error(path, "not valid JSON")


def test_truncated_model_file(tmp_path, mlp):
    path = tmp_path / "m"
    save(mlp, path)
    path.write_bytes(path.read_bytes()[:-10])
    expect_load_error(path, "truncated")


def test_newer_model_file(tmp_path, mlp):
    path = tmp_path / "m"
    save(mlp, path)
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"format_version":"1"', b'"format_version":"9"'))
    expect_load_error(path, "newer ZeroNN \\(format 9")


def test_weights_file_is_not_a_model(tmp_path, mlp):
    save_weights(mlp, tmp_path / "w")
    error = expect_load_error(tmp_path / "w", "weights file, not a model file")
    assert "load_weights" in str(error)


# ------------------------------------------------------------------------------------------ weights alone
def test_weights_round_trip_into_a_model(tmp_path, mlp):
    scramble(mlp, seed=3)
    save_weights(mlp, tmp_path / "w")
    other = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    other.load_state_dict(load_weights(tmp_path / "w"))
    assert_same_state(other, mlp)


def test_save_weights_from_a_state_dict(tmp_path):
    state = {"a.weight": np.arange(4.0), "a.steps": np.int64(3)}
    save_weights(state, tmp_path / "w")
    back = load_weights(tmp_path / "w")
    assert back["a.weight"].tolist() == [0.0, 1.0, 2.0, 3.0] and back["a.weight"].dtype == np.float64
    assert back["a.steps"].shape == () and back["a.steps"] == 3


def test_load_weights_reads_model_files_too(tmp_path, mlp):
    save(mlp, tmp_path / "m")
    assert list(load_weights(tmp_path / "m")) == list(mlp.state_dict())


def test_save_weights_refuses_bad_input(tmp_path):
    with pytest.raises(TypeError, match="Layer or a state dict, got list"):
        save_weights([np.zeros(2)], tmp_path / "w")
    with pytest.raises(TypeError, match="keys must be str"):
        save_weights({0: np.zeros(2)}, tmp_path / "w")
    with pytest.raises(TypeError, match="object is not supported"):
        save_weights({"w": [object()]}, tmp_path / "w")


def test_load_weights_refuses_checkpoints(tmp_path):
    write_archive(tmp_path / "c", {"epoch": 1}, kind="checkpoint")
    with pytest.raises(ModelFileError, match="checkpoint file, not a weights or model file"):
        load_weights(tmp_path / "c")


def test_top_level_access():
    assert zeronn.io.save is save and zeronn.io.load is load


def test_metadata_round_trip(tmp_path):
    path = tmp_path / "with_info.safetensors"
    info = {"input_shape": [1, 28, 28], "classes": ["0", "1"], "scale": 255.0}
    zeronn.io.save(nn.Linear(3, 2), path, metadata=info)
    assert zeronn.io.load_metadata(path) == info
    assert isinstance(zeronn.io.load(path), nn.Linear)
    zeronn.io.save(nn.Linear(3, 2), tmp_path / "plain.safetensors")
    assert zeronn.io.load_metadata(tmp_path / "plain.safetensors") == {}
    with pytest.raises(TypeError, match="metadata must be a dict"):
        zeronn.io.save(nn.Linear(3, 2), path, metadata=[1, 2])


# ------------------------------------------------------------------------------------------ strictness
def test_unknown_entry_in_a_model_file_is_refused(tmp_path, mlp):
    tree = model_tree(mlp)
    tree["preprmcessing"] = {"kind": "scale"}
    error = expect_load_error(write_model_tree(tmp_path / "m", tree), "unknown entries 'preprmcessing'")
    assert "valid: architecture, state_dict" in str(error)
    with pytest.raises(ModelFileError, match="unknown entries"):
        zeronn.io.load_metadata(tmp_path / "m")
    with pytest.raises(ModelFileError, match="unknown entries"):
        load_weights(tmp_path / "m")


def test_unknown_entry_in_a_weights_file_is_refused(tmp_path):
    write_archive(tmp_path / "w", {"state_dict": {"a": np.zeros(2)}, "extra": 1}, kind="weights")
    with pytest.raises(ModelFileError, match="unknown entries 'extra'"):
        load_weights(tmp_path / "w")


def test_unknown_key_in_a_layer_description_is_refused(tmp_path, mlp):
    tree = model_tree(mlp)
    tree["architecture"]["config"]["layers"][0]["cofnig"] = {}
    expect_load_error(write_model_tree(tmp_path / "m", tree), "unknown keys \\['cofnig'\\]")


def test_load_metadata_checks_the_architecture_against_the_tensors(tmp_path, mlp):
    tree = model_tree(mlp)
    tree["metadata"] = {"classes": ["a", "b"]}
    tree["state_dict"]["1.weight"] = np.zeros((4, 3), dtype=np.float32)
    write_model_tree(tmp_path / "m", tree)
    with pytest.raises(ModelFileError, match="'1.weight' has shape"):
        zeronn.io.load_metadata(tmp_path / "m")


@nn.register_layer(namespace="tests")
class HiddenArray(nn.Layer):
    """Keeps an initialised array that is neither a parameter nor a listed buffer: a file cannot restore it."""

    def __init__(self):
        super().__init__()
        self.table = nn.init.normal((3,))

    def forward(self, x):
        return x + self.table


def test_a_layer_array_the_file_cannot_provide_is_reported(tmp_path):
    save(HiddenArray(), tmp_path / "m")
    expect_load_error(tmp_path / "m", "keeps an array 'table' that is neither a parameter nor a listed buffer")


def test_build_model_fills_the_architecture_from_a_state(tmp_path, mlp):
    from zeronn.io.model_file import build_model

    scramble(mlp, seed=5)
    rebuilt = build_model(nn.layer_to_spec(mlp), mlp.state_dict(), source="'test'")
    assert_same_state(rebuilt, mlp)
    with pytest.raises(ModelFileError, match="'test': the architecture would take"):
        build_model(nn.layer_to_spec(mlp), mlp.state_dict(), source="'test'", max_bytes=10)
