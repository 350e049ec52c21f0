"""``zeronn summary``: layers, shapes, parameter counts."""

from __future__ import annotations

import pytest

pytest.importorskip("safetensors")


def test_summary_of_a_run(cli, moons_run):
    result = cli("summary", moons_run)
    assert result.code == 0, result
    assert "trained on: moons" in result.out and "classes (2): 0, 1" in result.out
    assert "Total parameters: 4,482   input: (batch, 2)" in result.out
    assert "1: Linear   2 -> 64    (batch, 64)" in result.out


def test_image_model_and_explicit_shape(cli, digits_run):
    result = cli("summary", f"{digits_run}/model.safetensors")
    assert "input: (batch, 1, 8, 8)" in result.out
    result = cli("summary", digits_run, "--input-shape", "1x8x8")
    assert result.code == 0 and "input: (batch, 1, 8, 8)" in result.out


def test_bare_model_file(cli, tmp_path):
    from zeronn.io import save
    from zeronn.nn import Linear, Sequential
    from zeronn.nn.conv import Conv2d

    save(Sequential(Linear(3, 2)), tmp_path / "plain.safetensors")
    result = cli("summary", str(tmp_path / "plain.safetensors"))
    assert result.code == 0 and "input: (batch, 3)" in result.out
    save(Sequential(Conv2d(1, 2, 3)), tmp_path / "conv.safetensors")
    result = cli("summary", str(tmp_path / "conv.safetensors"))
    assert result.code == 0 and "give --input-shape" in result.out and "Total parameters: 20" in result.out
    result = cli("summary", str(tmp_path / "conv.safetensors"), "--input-shape", "1,5,5")
    assert "(batch, 2, 3, 3)" in result.out
    result = cli("summary", str(tmp_path / "plain.safetensors"), "--input-shape", "4")
    assert result.code == 1 and "does not take input of shape (4,)" in result.err
