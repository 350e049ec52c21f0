"""Architecture files: the short form, the long form, JSON and YAML, and their error messages."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zeronn.models import build_architecture, load_architecture
from zeronn.nn.layer import layer_to_spec


def kinds(model) -> list[str]:
    return [type(layer).__name__ for layer in model]


def test_short_form_list():
    built = build_architecture([
        "Flatten", {"Linear": [4, 8]}, "relu", {"Dropout": 0.5},
        {"Linear": {"in_features": 8, "out_features": 3, "bias": False}},
    ])
    assert kinds(built.model) == ["Flatten", "Linear", "ReLU", "Dropout", "Linear"]
    assert built.model[3].p == 0.5
    assert built.model[4].bias is None and built.model[4].weight.shape == (8, 3)
    assert built.input_shape is None
    assert built.model(np.ones((2, 4), dtype=np.float32)).shape == (2, 3)


def test_positional_and_keyword_arguments_together():
    built = build_architecture([{"Linear": [4, 2, {"bias": False}]}])
    assert built.model[0].bias is None


def test_names_in_any_case_and_activation_names():
    built = build_architecture(["flatten", {"linear": [2, 2]}, "Leaky-ReLU", "TANH", "ReLU"])
    assert kinds(built.model) == ["Flatten", "Linear", "LeakyReLU", "Tanh", "ReLU"]


def test_mapping_with_layers_and_input_shape():
    built = build_architecture({"input_shape": [1, 2, 2], "layers": ["Flatten", {"Linear": [4, 2]}]})
    assert built.input_shape == (1, 2, 2)


def test_nested_sequential():
    built = build_architecture([{"Sequential": [{"Linear": [2, 3]}, "relu"]}, {"Linear": [3, 1]}])
    assert kinds(built.model) == ["Sequential", "Linear"]
    assert kinds(built.model[0]) == ["Linear", "ReLU"]


def test_long_form_as_zeronn_writes_it():
    from zeronn.nn import Linear, Sequential

    spec = layer_to_spec(Sequential(Linear(2, 3), Linear(3, 1)))
    built = build_architecture(spec)
    assert kinds(built.model) == ["Linear", "Linear"]
    mixed = build_architecture([{"class": "Linear", "config": {"in_features": 2, "out_features": 2}}, "relu"])
    assert kinds(mixed.model) == ["Linear", "ReLU"]


@pytest.mark.parametrize("description, message", [
    (["Wiggle"], "layer 0: unknown layer 'Wiggle'; layer classes are: "),
    ([{"Linear": [2]}], "layer 0 \\(Linear\\): "),
    ([{"Linear": {"in_features": 2, "out_features": 0}}], "layer 0 \\(Linear\\): out_features must be a positive"),
    ([{"Linear": [2, 2], "relu": None}], "expected a layer name"),
    ([], "the list of layers is empty"),
    (42, "an architecture is a list of layers"),
    ({"layers": ["relu"], "inputs": 3}, "unknown top-level key\\(s\\) inputs"),
    ({"layers": ["relu"], "input_shape": [0]}, "input_shape must be a list of positive integers"),
    ([{"Linear": [2, 2, {"rng": 1}]}], "'rng' cannot be set from a file"),
    ([{"class": "Nope", "config": {}}], "Unknown layer 'Nope'"),
])
def test_errors(description, message):
    with pytest.raises(ValueError, match=message):
        build_architecture(description)


def test_unknown_name_also_lists_activations():
    with pytest.raises(ValueError, match="activation names are: .*relu"):
        build_architecture(["relux"])


def test_json_file(tmp_path):
    path = tmp_path / "net.json"
    path.write_text(json.dumps([{"Linear": [2, 4]}, "tanh", {"Linear": [4, 2]}]))
    assert kinds(load_architecture(path).model) == ["Linear", "Tanh", "Linear"]


def test_yaml_file(tmp_path):
    pytest.importorskip("yaml")
    path = tmp_path / "net.yaml"
    path.write_text("input_shape: [2]\nlayers:\n  - Linear: [2, 4]\n  - sigmoid\n"
                    "  - Linear: {in_features: 4, out_features: 2}\n")
    built = load_architecture(path)
    assert kinds(built.model) == ["Linear", "Sigmoid", "Linear"] and built.input_shape == (2,)


def test_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("[{'Linear': [2, 2]}]")
    with pytest.raises(ValueError, match="bad.json is not valid JSON"):
        load_architecture(bad)
    wrong = tmp_path / "wrong.json"
    wrong.write_text('["Wiggle"]')
    with pytest.raises(ValueError, match="wrong.json: layer 0: unknown layer 'Wiggle'"):
        load_architecture(wrong)
    with pytest.raises(FileNotFoundError, match="architecture file not found"):
        load_architecture(tmp_path / "missing.yaml")


def test_yaml_is_loaded_safely(tmp_path):
    pytest.importorskip("yaml")
    path = tmp_path / "evil.yaml"
    path.write_text("- !!python/object/apply:os.system ['echo hacked']\n")
    with pytest.raises(ValueError, match="is not valid YAML"):
        load_architecture(path)


@pytest.mark.parametrize("description, where", [
    ([{"Linear": [10**6, 10**6]}], "layer 0 \\(Linear\\) would have 1,000,001,000,000 parameters"),
    ([{"BatchNorm2d": 10**9}], "layer 0 \\(BatchNorm2d\\) would have 4,000,000,000 parameters"),
    ([{"Conv2d": {"in_channels": 10**4, "out_channels": 10**4, "kernel_size": 3}}], "layer 0 \\(Conv2d\\)"),
    ([{"Sequential": [{"Linear": [5000, 5000]}] * 5}], "this architecture would have 125,025,000 parameters"),
    ({"class": "Linear", "config": {"in_features": 10**6, "out_features": 10**6}}, "the model \\(Linear\\)"),
])
def test_huge_layers_are_refused_before_anything_is_allocated(description, where):
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=f"{where}.*more than the limit of 100,000,000"):
            build_architecture(description)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000                       # bytes: nothing near the layer's size was allocated


def test_parameter_limit_can_be_lowered():
    with pytest.raises(ValueError, match="would have 110 parameters .* limit of 100"):
        build_architecture([{"Linear": [10, 10]}], max_parameters=100)


def test_private_classes_and_rng_cannot_be_named():
    with pytest.raises(ValueError, match="unknown layer '_Pool2d'"):
        build_architecture(["_Pool2d"])
    with pytest.raises(ValueError, match="'rng' cannot be set from a file"):
        build_architecture([{"Linear": {"in_features": 2, "out_features": 2, "rng": 0}}])


def test_deep_nesting_is_refused():
    description: list = [{"Linear": [2, 2]}]
    for _ in range(40):
        description = [{"Sequential": description}]
    with pytest.raises(ValueError, match="nested more than 32 deep"):
        build_architecture(description)


def test_binary_or_huge_files_are_refused(tmp_path):
    binary = tmp_path / "net.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(ValueError, match="net.json is not UTF-8 text"):
        load_architecture(binary)
    huge = tmp_path / "big.json"
    huge.write_text("[" + " " * 2_000_000 + "]")
    with pytest.raises(ValueError, match="big.json is 2,000,002 bytes; an architecture file is at most 1,000,000"):
        load_architecture(huge)


def test_yaml_anchor_bomb_is_refused_quickly(tmp_path):
    pytest.importorskip("yaml")
    lines = ["- &a0 {Sequential: [relu, relu, relu, relu, relu, relu, relu, relu, relu, relu]}"]
    for level in range(1, 9):                                # 10**9 layers if expanded
        lines.append(f"- &a{level} {{Sequential: [{', '.join([f'*a{level - 1}'] * 10)}]}}")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match="more than 10,000 layers in one description"):
        load_architecture(path)
