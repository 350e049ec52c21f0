"""``zeronn predict``: CSV rows and image files to labels and probabilities."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("safetensors")


def test_csv_rows(cli, moons_run, tmp_path):
    rows = tmp_path / "points.csv"
    rows.write_text("x,y\n-1.0,0.5\n2.0,-0.3\n")
    result = cli("predict", moons_run, str(rows))
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0].split() == ["input", "label", "probability", "next"]
    assert lines[2].startswith("points.csv:1") and lines[3].startswith("points.csv:2")


def test_json_probabilities_sum_to_one(cli, moons_run, tmp_path):
    rows = tmp_path / "points.csv"
    rows.write_text("-1.0,0.5\n2.0,-0.3\n0.5,0.25\n")
    results = json.loads(cli("predict", moons_run, str(rows), "--json").out)
    assert len(results) == 3
    for entry in results:
        assert set(entry) == {"input", "label", "class_index", "probability", "probabilities"}
        assert sum(entry["probabilities"].values()) == pytest.approx(1.0)
        assert entry["probability"] == max(entry["probabilities"].values())
        assert entry["label"] == str(entry["class_index"])
    # (-1, 0.5) lies on the upper moon (class 0), (2, -0.3) at the tip of the lower one (class 1)
    assert [entry["label"] for entry in results[:2]] == ["0", "1"]


def test_images(cli, digits_run, tmp_path):
    Image = pytest.importorskip("PIL.Image")
    from zeronn.datasets import load_digits

    (_, _), (x_test, y_test) = load_digits()
    paths = []
    for i in range(4):
        picture = Image.fromarray(255 - x_test[i]).resize((64, 64), Image.Resampling.NEAREST)   # dark ink on white
        paths.append(str(tmp_path / f"digit{i}.png"))
        picture.save(paths[-1])
    result = cli("predict", digits_run, *paths, "--json")
    assert result.code == 0, result
    results = json.loads(result.out)
    assert [entry["inverted"] for entry in results] == [True] * 4
    assert all(len(entry["probabilities"]) == 10 for entry in results)
    predicted = [int(entry["label"]) for entry in results]
    assert np.mean(np.array(predicted) == y_test[:4]) >= 0.5
    text = cli("predict", digits_run, *paths, "--top", "3").out
    assert "(images with a light background were inverted" in text


def test_mixed_inputs_and_errors(cli, moons_run, digits_run, tmp_path):
    Image = pytest.importorskip("PIL.Image")
    picture = tmp_path / "p.png"
    Image.fromarray(np.zeros((10, 10), dtype=np.uint8)).save(picture)
    result = cli("predict", moons_run, str(picture))
    assert result.code == 1 and "this model takes (2,) (give rows of numbers" in result.err
    rows = tmp_path / "rows.csv"
    rows.write_text("1,2\n")
    result = cli("predict", digits_run, str(rows))
    assert result.code == 1 and "this model takes images of shape (1, 8, 8)" in result.err
    result = cli("predict", moons_run, str(tmp_path / "nothing.csv"))
    assert result.code == 1 and "CSV file not found" in result.err
    result = cli("predict", moons_run, str(tmp_path))
    assert result.code == 1 and "is a folder" in result.err
    result = cli("predict", moons_run, str(rows), "--top", "0")
    assert result.code == 1 and "--top must be at least 1" in result.err
    three = tmp_path / "three.csv"
    three.write_text("1,2,3\n")
    result = cli("predict", moons_run, str(three))
    assert result.code == 1 and "has 3 values per row; the model takes 2" in result.err
