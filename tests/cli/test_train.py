"""``zeronn train`` end to end on small data: files written, report, resume, errors."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from tests.cli.conftest import data_dir_available

pytest.importorskip("safetensors")
HAVE_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def weights(run_dir: str) -> dict[str, np.ndarray]:
    from zeronn.io import load

    return load(os.path.join(run_dir, "model.safetensors")).state_dict()


def test_moons_writes_model_history_and_report(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("train", "--data", "moons", "--samples", "200", "--epochs", "3", "--out", str(out), "--no-plots")
    assert result.code == 0, result
    for name in ("model.safetensors", "model.json", "history.json", "history.csv", "report.md", "run.json"):
        assert (out / name).stat().st_size > 0, name
    assert list(os.listdir(out / "checkpoints")) == ["epoch-0003.ckpt"]
    history = json.loads((out / "history.json").read_text())
    assert "Training mlp (4,482 parameters) on moons: 160 training samples (16 of them for validation)" in result.out
    assert "test set (40 samples):" in result.out
    report = (out / "report.md").read_text()
    assert "zeronn train --data moons --samples 200 --test-split 0.2 --model mlp" in report
    assert "| test |" in report and "per epoch" in report and "4,482 parameters" in report
    assert "pictures skipped (--no-plots)" in report
    assert json.dumps(history)             # valid JSON
    assert (out / "history.csv").read_text().splitlines()[0].startswith("epoch")


def test_same_seed_same_weights(cli, tmp_path):
    args = ["train", "--data", "circles", "--samples", "120", "--epochs", "2", "--quiet", "--no-plots"]
    assert cli(*args, "--out", str(tmp_path / "a")).code == 0
    assert cli(*args, "--out", str(tmp_path / "b")).code == 0
    assert cli(*args, "--out", str(tmp_path / "c"), "--seed", "1").code == 0
    a, b, c = weights(str(tmp_path / "a")), weights(str(tmp_path / "b")), weights(str(tmp_path / "c"))
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not all(np.array_equal(a[k], c[k]) for k in a)


@pytest.mark.skipif(not HAVE_MATPLOTLIB, reason="needs matplotlib")
def test_pictures_for_two_dimensional_data(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("train", "--data", "spirals", "--samples", "90", "--epochs", "2", "--out", str(out), "--quiet")
    assert result.code == 0, result
    for name in ("curves.png", "confusion_matrix.png", "decision_boundary.png", "decision_boundary.gif"):
        assert (out / name).stat().st_size > 1000, name
    assert (out / "decision_boundary.gif").read_bytes()[:6] in (b"GIF89a", b"GIF87a")
    assert "![decision_boundary.gif](decision_boundary.gif)" in (out / "report.md").read_text()


@pytest.mark.skipif(not HAVE_MATPLOTLIB, reason="needs matplotlib")
def test_pictures_for_images_and_conv_filters(cli, tmp_path):
    pytest.importorskip("sklearn")
    out = tmp_path / "run"
    result = cli("train", "--data", "digits", "--model", "lenet", "--limit", "120", "--epochs", "1",
                 "--out", str(out), "--quiet")
    assert result.code == 0, result
    for name in ("curves.png", "confusion_matrix.png", "predictions.png", "conv_filters.png"):
        assert (out / name).stat().st_size > 1000, name
    assert not (out / "decision_boundary.png").exists()


def test_missing_matplotlib_is_a_note_not_a_failure(cli, tmp_path, monkeypatch):
    import zeronn.plot

    def no_matplotlib(*args, **kwargs):
        raise ImportError("zeronn.plot needs matplotlib")

    monkeypatch.setattr(zeronn.plot, "plot_history", no_matplotlib)
    monkeypatch.setattr("zeronn.cli.train._has_matplotlib", lambda: False)
    out = tmp_path / "run"
    result = cli("train", "--data", "moons", "--samples", "100", "--epochs", "1", "--out", str(out), "--quiet")
    assert result.code == 0
    assert "curves.png was not drawn: zeronn.plot needs matplotlib" in (out / "report.md").read_text()
    assert (out / "model.safetensors").exists() and not (out / "curves.png").exists()


def test_csv_with_named_label_column(cli, tmp_path, iris_like_csv):
    out = tmp_path / "run"
    result = cli("train", "--data", iris_like_csv, "--label-column", "species", "--model", "logistic",
                 "--epochs", "30", "--out", str(out), "--quiet", "--no-plots")
    assert result.code == 0, result
    info = json.loads((out / "model.json").read_text())
    assert info["classes"] == ["setosa", "versicolor", "virginica"]
    assert info["data"]["preprocessing"]["kind"] == "standardize"
    assert info["training"]["test_metrics"]["accuracy"] > 0.8


def test_architecture_file(cli, tmp_path):
    net = tmp_path / "net.json"
    net.write_text(json.dumps([{"Linear": [2, 8]}, "tanh", {"Linear": [8, 2]}]))
    out = tmp_path / "run"
    result = cli("train", "--data", "moons", "--samples", "100", "--model", str(net), "--epochs", "2",
                 "--out", str(out), "--quiet", "--no-plots")
    assert result.code == 0, result
    assert "net.json (architecture file)" in (out / "report.md").read_text()


def test_xor_is_learned(cli, tmp_path):
    out = tmp_path / "run"
    assert cli("train", "--data", "xor", "--out", str(out), "--quiet", "--no-plots").code == 0
    info = json.loads((out / "model.json").read_text())
    assert info["training"]["test_metrics"]["accuracy"] == 1.0


def test_early_stopping_and_scheduler(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("train", "--data", "blobs", "--samples", "150", "--epochs", "40", "--patience", "1",
                 "--scheduler", "cosine", "--optimizer", "sgd", "--momentum", "0.9", "--out", str(out),
                 "--quiet", "--no-plots")
    assert result.code == 0, result
    history = json.loads((out / "history.json").read_text())
    assert len(history["epoch"]) < 40


def test_resume_in_process_is_bit_identical(cli, tmp_path):
    common = ["--data", "spirals", "--samples", "90", "--dropout", "0.2", "--quiet", "--no-plots"]
    assert cli("train", *common, "--epochs", "6", "--out", str(tmp_path / "whole")).code == 0
    assert cli("train", *common, "--epochs", "3", "--out", str(tmp_path / "parts")).code == 0
    result = cli("train", "--resume", "--out", str(tmp_path / "parts"), "--epochs", "6", "--quiet")
    assert result.code == 0, result
    whole, parts = weights(str(tmp_path / "whole")), weights(str(tmp_path / "parts"))
    assert all(np.array_equal(whole[k], parts[k]) for k in whole)
    history = json.loads((tmp_path / "parts" / "history.json").read_text())
    assert len(history["epoch"]) == 6


@pytest.mark.slow
def test_resume_after_killing_the_process(tmp_path):
    """SIGKILL a training subprocess after its first checkpoint, resume it, compare with an uninterrupted run."""
    common = ["train", "--data", "moons", "--samples", "3000", "--batch-size", "4", "--hidden", "8",
              "--epochs", "6", "--checkpoint-every", "1", "--quiet", "--no-plots"]
    env = dict(os.environ, MPLBACKEND="Agg")
    process = subprocess.Popen([sys.executable, "-m", "zeronn", *common, "--out", str(tmp_path / "killed")],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    checkpoints = tmp_path / "killed" / "checkpoints"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if checkpoints.is_dir() and any(name.endswith(".ckpt") for name in os.listdir(checkpoints)):
            break
        time.sleep(0.02)
    if process.poll() is not None:
        pytest.skip("the run finished before it could be interrupted (machine too fast)")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert not (tmp_path / "killed" / "model.safetensors").exists()
    from zeronn.cli.main import main

    assert main(["train", "--resume", "--out", str(tmp_path / "killed"), "--quiet"]) == 0
    assert main([*common, "--out", str(tmp_path / "whole")]) == 0
    killed, whole = weights(str(tmp_path / "killed")), weights(str(tmp_path / "whole"))
    assert all(np.array_equal(killed[k], whole[k]) for k in whole)


@pytest.mark.skipif(not data_dir_available(), reason="needs the MNIST files (ZERONN_DATA)")
def test_tiny_mnist_run(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("train", "--data", "mnist", "--limit", "300", "--epochs", "2", "--out", str(out),
                 "--quiet", "--no-plots")
    assert result.code == 0, result
    info = json.loads((out / "model.json").read_text())
    assert info["input_shape"] == [1, 28, 28] and info["classes"][:3] == ["0", "1", "2"]
    assert info["training"]["test_metrics"]["accuracy"] > 0.3      # 10% is chance; 300 images teach something
    scores = json.loads(cli("evaluate", str(out), "--limit", "100", "--json").out)
    assert scores["samples"] == 100 and scores["data"] == "mnist (test part, 100 samples)"
    Image = pytest.importorskip("PIL.Image")
    from zeronn.datasets import load_mnist

    (_, _), (x_test, _) = load_mnist()
    photo = tmp_path / "digit.jpg"
    Image.fromarray(255 - x_test[0]).resize((120, 120)).save(photo)      # dark ink on white paper, 120x120
    result = cli("predict", str(out), str(photo), "--json")
    assert result.code == 0 and json.loads(result.out)[0]["inverted"] is True


@pytest.mark.parametrize("args, message", [
    (["--data", "moons", "--model", "lenet"], "the 'lenet' model needs images"),
    (["--data", "moons", "--lr", "0"], "--lr must be a positive number"),
    (["--data", "moons", "--epochs", "0"], "--epochs must be at least 1"),
    (["--data", "moons", "--validation-split", "1.5"], "--validation-split must be a fraction in [0, 1)"),
    (["--data", "moons", "--optimizer", "newton"], "Unknown optimizer 'newton'"),
    (["--data", "moons", "--optimizer", "adam", "--momentum", "0.9"], "--momentum applies to sgd and rmsprop"),
    (["--data", "moons", "--model", "lenet", "--hidden", "3"], "--hidden applies to --model mlp only"),
    (["--data", "moons", "--model", "logistic", "--activation", "tanh"], "--activation applies to --model mlp"),
    (["--data", "xor", "--validation-split", "0.5"], "xor has only 4 rows"),
    (["--data", "moons", "--model", "missing.yaml"], "architecture file not found: missing.yaml"),
    (["--data", "missing.csv"], "CSV file not found: missing.csv"),
])
def test_bad_training_arguments(cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = cli("train", *args, "--quiet", "--no-plots")
    assert result.code == 1, result
    assert result.err.startswith("zeronn: error: ") and result.err.count("\n") == 1
    assert message in result.err


def test_model_with_wrong_output_size_or_softmax(cli, tmp_path):
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps([{"Linear": [2, 3]}]))
    result = cli("train", "--data", "moons", "--model", str(wrong), "--out", str(tmp_path / "r"))
    assert result.code == 1 and "gives outputs of shape (3,) per sample, but the data has 2 classes" in result.err
    soft = tmp_path / "soft.json"
    soft.write_text(json.dumps([{"Linear": [2, 2]}, "Softmax"]))
    result = cli("train", "--data", "moons", "--model", str(soft), "--out", str(tmp_path / "r"))
    assert result.code == 1 and "ends with a Softmax; remove it" in result.err
    mismatch = tmp_path / "mismatch.json"
    mismatch.write_text(json.dumps([{"Linear": [5, 2]}]))
    result = cli("train", "--data", "moons", "--model", str(mismatch), "--out", str(tmp_path / "r"))
    assert result.code == 1 and "does not fit the data: Linear(5 -> 2) expects input of shape (batch, 5)" in result.err


def test_resume_without_checkpoint(cli, tmp_path):
    out = tmp_path / "run"
    assert cli("train", "--data", "moons", "--samples", "60", "--epochs", "1", "--checkpoint-every", "0",
               "--out", str(out), "--quiet", "--no-plots").code == 0
    result = cli("train", "--resume", "--out", str(out))
    assert result.code == 1 and "no checkpoint was written there yet" in result.err


def test_missing_safetensors_fails_before_training(cli, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "safetensors" else real(name, *a))
    result = cli("train", "--data", "moons", "--out", str(tmp_path / "run"))
    assert result.code == 1 and "pip install safetensors" in result.err
    assert not (tmp_path / "run").exists()
