"""Tests for ``zeronn explain MODEL``."""

import numpy as np


def test_explains_test_samples_of_the_models_dataset(cli, moons_run):
    result = cli("explain", moons_run, "--samples", "3")
    assert result.code == 0, result
    assert "input: moons (test part, 3 samples)" in result.out
    assert "y = x @ W + b" in result.out and "(3, 2) @ (2, 64) + (64,) -> (3, 64)" in result.out
    assert "dW = x.T @ g" in result.out and "(2, 3) @ (3, 64) -> (2, 64)" in result.out
    assert "CrossEntropyLoss()" in result.out


def test_chinese_and_markdown(cli, moons_run):
    result = cli("explain", moons_run, "--lang", "zh", "--markdown")
    assert result.code == 0, result
    assert "## 前向传播" in result.out and "## 反向传播" in result.out and "```text" in result.out


def test_input_file(cli, moons_run, tmp_path):
    batch = tmp_path / "batch.npy"
    np.save(batch, np.array([[0.5, 0.25], [1.0, -0.5]], dtype=np.float32))
    result = cli("explain", f"{moons_run}/model.safetensors", "--input", str(batch))
    assert result.code == 0, result
    assert "input: " + str(batch) + " (2 samples)" in result.out
    assert "no targets given" in result.out
    rows = tmp_path / "rows.csv"
    rows.write_text("0.5,0.25\n1.0,-0.5\n0.1,0.2\n", encoding="utf-8")
    assert cli("explain", moons_run, "--input", str(rows)).code == 0


def test_errors_are_one_line(cli, moons_run, tmp_path):
    wrong = tmp_path / "wrong.npy"
    np.save(wrong, np.zeros((2, 5)))
    result = cli("explain", moons_run, "--input", str(wrong))
    assert result.code == 1 and "takes samples of shape (2,)" in result.err and "Traceback" not in result.err
    result = cli("explain", str(tmp_path / "missing.safetensors"))
    assert result.code == 1 and result.err.startswith("zeronn: error:")
    assert cli("explain", moons_run, "--samples", "0").code == 1


def test_demo_explain_shows_the_tutorials_multiplications(cli, tmp_path):
    result = cli("demo", "--explain", "--epochs", "5", "--out", str(tmp_path / "loss.png"))
    assert result.code == 0, result
    assert "(4, 3) @ (3, 4) -> (4, 4)" in result.out and "(3, 4) @ (4, 4) -> (3, 4)" in result.out
    assert "self.layer1" in result.out and "d_weights1" in result.out and "d_weights2" in result.out
    chinese = cli("demo", "--explain", "--lang", "zh", "--epochs", "5", "--out", str(tmp_path / "loss.png"))
    assert chinese.code == 0 and "反向传播" in chinese.out
