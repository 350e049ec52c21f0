"""Model files with their info: embedded or as a JSON sidecar, and input shapes guessed for bare files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zeronn.cli.errors import CLIError
from zeronn.cli.modelfile import infer_input_shape, info_path, load_model, save_model
from zeronn.nn import Flatten, Linear, Sequential

pytest.importorskip("safetensors")


def test_round_trip_with_info(tmp_path):
    model = Sequential(Flatten(), Linear(4, 3))
    path = tmp_path / "m.safetensors"
    written = save_model(model, path, {"classes": ["a", "b", "c"], "input_shape": [2, 2]})
    assert str(path) in written
    loaded, info = load_model(path)
    assert info["classes"] == ["a", "b", "c"] and info["input_shape"] == [2, 2]
    assert not loaded.training
    for name, value in model.state_dict().items():
        assert np.array_equal(loaded.state_dict()[name], value)


def test_run_folder_is_accepted(tmp_path):
    save_model(Sequential(Linear(2, 2)), tmp_path / "model.safetensors", {"classes": ["0", "1"]})
    _, info = load_model(tmp_path)
    assert info["classes"] == ["0", "1"]
    with pytest.raises(CLIError, match="is a folder without a model.safetensors"):
        load_model(tmp_path / "..")


def test_bare_model_file_gets_a_guessed_input_shape(tmp_path):
    from zeronn.io import save

    save(Sequential(Flatten(), Linear(784, 10)), tmp_path / "bare.safetensors")
    _, info = load_model(tmp_path / "bare.safetensors")
    assert info == {"input_shape": [1, 28, 28]}


def test_unrelated_json_beside_the_model_is_ignored(tmp_path):
    from zeronn.io import save

    save(Sequential(Linear(3, 2)), tmp_path / "m.safetensors")
    (tmp_path / "m.json").write_text(json.dumps({"something": "else"}))
    assert load_model(tmp_path / "m.safetensors")[1] == {"input_shape": [3]}


def test_infer_input_shape():
    assert infer_input_shape(Sequential(Linear(5, 2))) == (5,)
    assert infer_input_shape(Sequential(Flatten(), Linear(64, 2))) == (1, 8, 8)
    assert infer_input_shape(Sequential(Flatten(), Linear(10, 2))) == (10,)
    assert infer_input_shape(Sequential(Flatten())) is None


def test_info_path():
    assert info_path("runs/x/model.safetensors") == "runs/x/model.json"
