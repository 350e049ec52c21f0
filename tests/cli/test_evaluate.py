"""``zeronn evaluate``: scores on the model's own test part, on a named dataset and on a CSV file."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("safetensors")


def test_text_report(cli, moons_run):
    result = cli("evaluate", moons_run)
    assert result.code == 0, result
    assert "data:  moons (test part, 60 samples)" in result.out
    assert result.out.count("accuracy  ") == 1 and "loss      " in result.out
    assert "class      precision  recall      f1  support" in result.out
    assert "confusion matrix (rows: true class, columns: predicted class)" in result.out


def test_json_matches_training_report(cli, moons_run):
    result = cli("evaluate", f"{moons_run}/model.safetensors", "--json")
    assert result.code == 0
    scores = json.loads(result.out)
    info = json.loads(open(f"{moons_run}/model.json").read())
    assert scores["accuracy"] == pytest.approx(info["training"]["test_metrics"]["accuracy"])
    assert scores["loss"] == pytest.approx(info["training"]["test_metrics"]["loss"])
    assert scores["samples"] == 60 and sum(map(sum, scores["confusion_matrix"])) == 60
    assert [c["class"] for c in scores["per_class"]] == ["0", "1"]
    assert sum(c["support"] for c in scores["per_class"]) == 60


def test_limit_and_batch_size(cli, moons_run):
    small = json.loads(cli("evaluate", moons_run, "--json", "--limit", "10", "--batch-size", "3").out)
    assert small["samples"] == 10


def test_csv_file_with_labels(cli, tmp_path, iris_like_csv):
    out = tmp_path / "run"
    assert cli("train", "--data", iris_like_csv, "--epochs", "20", "--out", str(out), "--quiet", "--no-plots").code == 0
    default = json.loads(cli("evaluate", str(out), "--json").out)
    assert default["samples"] == 18                           # the held-out 20% of 90 rows
    other = tmp_path / "new.csv"
    lines = open(iris_like_csv).read().splitlines()
    other.write_text("\n".join(lines[:1] + lines[1:11]) + "\n")
    scores = json.loads(cli("evaluate", str(out), "--data", str(other), "--json").out)
    assert scores["samples"] == 10 and scores["data"].endswith("(10 rows)")


def test_errors(cli, moons_run, tmp_path):
    result = cli("evaluate", moons_run, "--data", "circles")
    assert result.code == 1 and "trained on 'moons'; it cannot be evaluated on 'circles'" in result.err
    result = cli("evaluate", moons_run, "--limit", "0")
    assert result.code == 1 and "--limit must be at least 1" in result.err
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,label\n1,2,7\n")
    result = cli("evaluate", moons_run, "--data", str(bad))
    assert result.code == 1 and "label '7' (data row 1) is not one of the model's classes: 0, 1" in result.err


def test_image_model(cli, digits_run):
    scores = json.loads(cli("evaluate", digits_run, "--json").out)
    assert scores["samples"] == 360 and len(scores["classes"]) == 10
    assert scores["accuracy"] > 0.5


def test_evaluate_model_hand_worked():
    """Three samples, two classes; the model outputs fixed logits."""
    import numpy as np

    from zeronn.cli.evaluate import evaluate_model
    from zeronn.nn import Identity, Sequential

    logits = np.log(np.array([[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]]))    # softmax gives these back
    scores = evaluate_model(Sequential(Identity()), logits, np.array([0, 1, 1]), ["cat", "dog"])
    # predictions 0, 1, 0 (argmax; the tie goes to class 0): 2 of 3 right
    assert scores["correct"] == 2 and scores["accuracy"] == pytest.approx(2 / 3)
    assert scores["confusion_matrix"] == [[1, 0], [1, 1]]
    # cat: precision 1/2, recall 1/1; dog: precision 1/1, recall 1/2
    assert scores["per_class"][0] == {"class": "cat", "precision": 0.5, "recall": 1.0,
                                      "f1": pytest.approx(2 / 3), "support": 1}
    assert scores["per_class"][1]["precision"] == 1.0 and scores["per_class"][1]["recall"] == 0.5
    assert scores["loss"] == pytest.approx(np.mean([-np.log(0.5), -np.log(0.75), -np.log(0.1)]))


def test_csv_test_part_is_the_one_training_held_out(cli, tmp_path, iris_like_csv):
    out = tmp_path / "run"
    assert cli("train", "--data", iris_like_csv, "--limit", "60", "--epochs", "5", "--out", str(out),
               "--quiet", "--no-plots").code == 0
    info = json.loads((out / "model.json").read_text())
    scores = json.loads(cli("evaluate", str(out), "--json").out)
    assert scores["samples"] == 12                            # 20% of the first 60 rows
    assert scores["accuracy"] == pytest.approx(info["training"]["test_metrics"]["accuracy"])
    assert scores["loss"] == pytest.approx(info["training"]["test_metrics"]["loss"])
