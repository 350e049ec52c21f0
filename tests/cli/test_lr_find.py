"""Tests for ``zeronn lr-find``."""

import pytest


def test_suggests_a_learning_rate(cli):
    result = cli("lr-find", "--data", "moons", "--samples", "200", "--steps", "30", "--no-plots")
    assert result.code == 0, result
    assert "suggested learning rate (" in result.out
    assert "next: zeronn train --data moons --lr " in result.out


def test_draws_the_curve(cli, tmp_path):
    pytest.importorskip("matplotlib")
    picture = tmp_path / "curve.png"
    result = cli("lr-find", "--data", "moons", "--samples", "200", "--steps", "30", "--plot", str(picture))
    assert result.code == 0, result
    assert picture.stat().st_size > 0


def test_takes_the_train_options(cli):
    result = cli("lr-find", "--data", "moons", "--samples", "200", "--steps", "20", "--optimizer", "sgd",
                 "--momentum", "0.9", "--hidden", "8", "--no-plots")
    assert result.code == 0, result
    assert "sgd" in result.out
    bad = cli("lr-find", "--data", "moons", "--start-lr", "1", "--end-lr", "0.1", "--no-plots")
    assert bad.code == 1 and "end_lr" in bad.err


def test_train_lr_auto_trains_with_the_suggestion(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("train", "--data", "moons", "--samples", "300", "--lr", "auto", "--epochs", "5", "--out", str(out),
                 "--no-plots")
    assert result.code == 0, result
    assert "lr auto: the learning-rate range test" in result.out
    found = result.out.split("suggests ")[1].split(" ")[0]
    assert f"lr={found}" in result.out                               # the optimizer line uses it
    assert str(float(found)) in (out / "run.json").read_text(encoding="utf-8")   # --resume reuses the rate found
    bad = cli("train", "--data", "moons", "--lr", "fast")
    assert bad.code == 2 and "'auto'" in bad.err
