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
    assert "zeronn train --data moons --samples 200 --test-split 0.2 --validation-split 0.1 --model mlp" in report
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


def test_ctrl_c_keeps_what_was_trained(tmp_path):
    """SIGINT a training subprocess mid-run: exit 130, one line, and the model trained so far is written."""
    out = tmp_path / "run"
    command = [sys.executable, "-m", "zeronn", "train", "--data", "moons", "--samples", "4000", "--batch-size", "2",
               "--hidden", "8", "--epochs", "1000", "--checkpoint-every", "1", "--no-plots", "--out", str(out)]
    process = subprocess.Popen(command, env=dict(os.environ, MPLBACKEND="Agg"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    checkpoints = out / "checkpoints"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if checkpoints.is_dir() and any(name.endswith(".ckpt") for name in os.listdir(checkpoints)):
            break
        time.sleep(0.02)
    assert process.poll() is None, process.communicate()
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and stderr.strip().count("\n") == 0, stderr
    assert "zeronn: interrupted in epoch " in stderr and "the model as trained so far was written to" in stderr
    assert "continue from the last checkpoint with: zeronn train --resume --out" in stderr
    from zeronn.io import load

    model = load(str(out / "model.safetensors"))
    assert model.num_parameters() > 0
    from zeronn.cli.main import main

    assert main(["evaluate", str(out)]) == 0                        # usable like a finished run's model
    assert len(json.loads((out / "history.json").read_text())["epoch"]) >= 1     # the epochs done so far
    assert "Training mlp" in stdout


def test_resume_after_a_finished_cosine_run_trains_longer(cli, tmp_path):
    out = str(tmp_path / "run")
    common = ["--quiet", "--no-plots"]
    assert cli("train", "--data", "blobs", "--samples", "120", "--epochs", "4", "--scheduler", "cosine",
               "--checkpoint-every", "1", "--out", out, *common).code == 0
    before = json.loads((tmp_path / "run" / "history.json").read_text())
    assert before["history"]["lr"][-1] > 0                           # lr of epoch 4 (the cosine reaches 0 after it)
    result = cli("train", "--resume", "--out", out, "--epochs", "8", "--no-plots")
    assert result.code == 0, result
    assert "follow a new cosine schedule from lr 0.01 down to 0 (a warm restart)" in result.out
    history = json.loads((tmp_path / "run" / "history.json").read_text())
    lrs = history["history"]["lr"]
    assert len(lrs) == 8 and lrs[:4] == before["history"]["lr"]
    assert lrs[4] == pytest.approx(0.01) and lrs[4] > lrs[5] > lrs[6] > lrs[7] > 0
    again = cli("train", "--resume", "--out", out, "--epochs", "8", *common)
    assert again.code == 0, again                                    # nothing left: results written again
    fewer = cli("train", "--resume", "--out", out, "--epochs", "5", *common)
    assert fewer.code == 1
    assert "has already trained 8 epochs; --epochs 5 would train none: give --epochs above 8" in fewer.err


def test_resume_of_an_early_stopped_run_is_explained(cli, tmp_path):
    out = str(tmp_path / "run")
    result = cli("train", "--data", "moons", "--samples", "200", "--epochs", "200", "--patience", "1",
                 "--lr", "0.3", "--out", out, "--checkpoint-every", "1", "--no-plots")
    assert result.code == 0, result
    assert "early stopping: val_loss has not improved for 1 epoch(s)" in result.out
    assert "Restored the weights of epoch" in result.out
    assert "stopped early at epoch" in result.out                   # in the final summary line too
    again = cli("train", "--resume", "--out", out, "--epochs", "300", "--quiet")
    assert again.code == 1 and "stopped early after epoch" in again.err


def test_quiet_prints_only_the_final_summary(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("train", "--data", "moons", "--samples", "200", "--epochs", "2", "--out", str(out), "--quiet",
                 "--no-plots")
    assert result.code == 0
    lines = result.out.splitlines()
    assert len(lines) == 1 and lines[0].startswith("done: trained 2 epochs in ")
    assert "test accuracy 0." in lines[0] and str(out) in lines[0] and "model.safetensors" in lines[0]


def test_csv_errors_name_the_file(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "latin.csv").write_bytes("a,b,farbe\n1,2,grün\n3,4,blau\n5,6,grün\n7,8,blau\n".encode("latin-1"))
    result = cli("train", "--data", "latin.csv", "--quiet", "--no-plots", "--epochs", "1")
    assert result.code == 1 and "latin.csv is not valid utf-8 text" in result.err and "--encoding latin-1" in result.err
    ok = cli("train", "--data", "latin.csv", "--encoding", "latin-1", "--quiet", "--no-plots", "--epochs", "1",
             "--test-split", "0.5", "--validation-split", "0")
    assert ok.code == 0, ok
    (tmp_path / "digit.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    picture = cli("train", "--data", "digit.png", "--quiet", "--no-plots")
    assert picture.code == 1 and picture.err == "zeronn: error: digit.png is not a CSV file: it is a PNG image\n"
    (tmp_path / "big.csv").write_text("a,b,y\n1,1e999,p\n2,3,q\n")
    big = cli("train", "--data", "big.csv", "--quiet", "--no-plots")
    assert big.code == 1 and "big.csv, row 2, column 'b': '1e999', which is too large for a float" in big.err


def test_huge_architecture_file_is_refused_before_allocating(cli, tmp_path):
    net = tmp_path / "net.json"
    net.write_text(json.dumps([{"Linear": [1000000, 1000000]}]))
    result = cli("train", "--data", "moons", "--model", str(net), "--quiet", "--no-plots", "--out",
                 str(tmp_path / "run"))
    assert result.code == 1
    assert "layer 0 (Linear) would have 1,000,001,000,000 parameters" in result.err


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
    (["--data", "moons", "--lr", "0"], "--lr must be a finite number in (0, inf), got 0"),
    (["--data", "moons", "--lr", "nan"], "--lr must be a finite number in (0, inf), got nan"),
    (["--data", "moons", "--lr", "inf"], "--lr must be a finite number in (0, inf), got inf"),
    (["--data", "moons", "--seed", "-1"], "--seed must be an integer of at least 0 and at most 4,294,967,295, got -1"),
    (["--data", "moons", "--seed", str(2**40)], "--seed must be an integer of at least 0"),
    (["--data", "moons", "--samples", "3000000000"],
     "--samples must be an integer of at least 1 and at most 10,000,000"),
    (["--data", "moons", "--samples", "0"], "--samples must be an integer of at least 1"),
    (["--data", "moons", "--batch-size", "-3"], "--batch-size must be an integer of at least 1"),
    (["--data", "moons", "--limit", "0"], "--limit must be an integer of at least 1"),
    (["--data", "moons", "--patience", "0"], "--patience must be an integer of at least 1"),
    (["--data", "moons", "--checkpoint-every", "-1"], "--checkpoint-every must be an integer of at least 0"),
    (["--data", "moons", "--epochs", str(10**7)], "--epochs must be an integer of at least 1 and at most 1,000,000"),
    (["--data", "moons", "--noise", "-0.1"], "--noise must be a finite number in [0, inf), got -0.1"),
    (["--data", "moons", "--noise", "inf"], "--noise must be a finite number in [0, inf), got inf"),
    (["--data", "moons", "--test-split", "1"], "--test-split must be a finite number in [0, 1), got 1"),
    (["--data", "moons", "--dropout", "1"], "--dropout must be a finite number in [0, 1), got 1"),
    (["--data", "moons", "--momentum", "-0.5", "--optimizer", "sgd"], "--momentum must be a finite number in [0, 1)"),
    (["--data", "moons", "--weight-decay", "nan"], "--weight-decay must be a finite number in [0, inf)"),
    (["--data", "moons", "--hidden", "0"], "--hidden must be one or more integers of at least 1, got 0"),
    (["--data", "moons", "--hidden", "1000000", "1000000"],
     "the mlp model: layer 3 (Linear) would have 1,000,001,000,000 parameters"),
    (["--data", "moons", "--encoding", "klingon", "--data", "x.csv"], "CSV file not found: x.csv"),
    (["--data", "moons", "--encoding", "latin-1"], "--encoding applies to CSV files, not to --data moons"),
    (["--data", "moons", "--label-column", "y"], "--label-column applies to CSV files"),
    (["--data", "xor", "--samples", "100"], "--samples applies to the generated toy sets"),
    (["--data", "x.csv", "--noise", "0.1"], "--noise applies to the generated toy sets"),
    (["--data", "mnist", "--test-split", "0.5"], "--test-split applies to toy sets, digits and CSV files"),
    (["--data", "moons", "--lr", "1e300", "--epochs", "2"], "The loss became NaN at epoch 1/2"),
    (["--data", "moons", "--epochs", "0"], "--epochs must be an integer of at least 1 and at most 1,000,000, got 0"),
    (["--data", "moons", "--validation-split", "1.5"], "--validation-split must be a finite number in [0, 1), got 1.5"),
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


def test_hopeless_batch_is_refused_before_training(cli, tmp_path, monkeypatch):
    monkeypatch.setattr("zeronn.models.memory.physical_memory_bytes", lambda: 1_000_000)      # a 1 MB machine
    result = cli("train", "--data", "moons", "--batch-size", "3000000000", "--out", str(tmp_path / "run"),
                 "--quiet", "--no-plots")
    assert result.code == 1
    assert "--batch-size 3000000000: one training step of 800 samples would need about" in result.err
    assert "MB, more than this machine's 1.0 MB of memory allows; use a smaller --batch-size" in result.err
