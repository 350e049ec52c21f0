"""``zeronn export MODEL --format onnx``."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

import zeronn  # noqa: E402
from zeronn import nn  # noqa: E402


def test_export_a_trained_run_and_check(cli, moons_run):
    result = cli("export", moons_run, "--format", "onnx", "--check")
    assert result.code == 0, result
    assert "model.onnx" in result.out and "input (batch, 2)" in result.out
    assert "onnxruntime agrees" in result.out
    onnx.checker.check_model(onnx.load(f"{moons_run}/model.onnx"), full_check=True)


def test_export_with_input_shape_and_out(cli, tmp_path):
    zeronn.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 3)).eval()
    zeronn.save(model, tmp_path / "net.safetensors")
    out = tmp_path / "net.onnx"
    result = cli("export", str(tmp_path / "net.safetensors"), "--input-shape", "1,6,6", "--out", str(out))
    assert result.code == 0, result
    x = np.random.default_rng(0).normal(size=(4, 1, 6, 6)).astype(np.float32)
    got = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"]).run(None, {"input": x})[0]
    np.testing.assert_allclose(got, model(x), rtol=1e-5, atol=1e-6)


def test_export_errors_are_one_line(cli, tmp_path):
    result = cli("export", str(tmp_path / "missing.safetensors"))
    assert result.code == 1 and result.err.startswith("zeronn: error:") and "Traceback" not in result.err
    zeronn.save(nn.Sequential(nn.Conv2d(1, 2, 3)), tmp_path / "conv.safetensors")
    result = cli("export", str(tmp_path / "conv.safetensors"))
    assert result.code == 1 and "--input-shape" in result.err
    result = cli("export", str(tmp_path / "conv.safetensors"), "--input-shape", "1,a")
    assert result.code == 1 and "integers" in result.err
