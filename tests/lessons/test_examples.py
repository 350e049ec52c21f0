"""The lesson scripts in examples/ run the lessons (activations here; the MNIST ones need the data files)."""

import importlib.util
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["lesson_activations", "lesson_learning_rate", "lesson_convolution"])
def test_scripts_exist_and_have_a_main(name):
    assert callable(load(name).main)


def test_activations_script_quick(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["lesson_activations.py", "--quick", "--out", str(tmp_path), "--lang", "en"])
    load("lesson_activations").main()
    out = capsys.readouterr().out
    assert "Activation functions" in out and "dead units" in out
    assert (tmp_path / "lesson.md").is_file() and (tmp_path / "activations.png").stat().st_size > 0
