"""The exported Python program rebuilds and retrains the page's network to the very same weights."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import zeronn
from zeronn.playground import PlaygroundConfig, Session
from zeronn.playground.data import read_csv_source


def run_exported(code: str, folder, monkeypatch) -> str:
    monkeypatch.chdir(folder)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "playground_model.py", "exec"), {"__name__": "__main__"})
    return out.getvalue()


@pytest.mark.parametrize("config", [
    PlaygroundConfig(data="spirals", layers=[6, 4], features=["x1", "x2", "x1sq", "sinx2"], optimizer="adam",
                     reg="l2", reg_rate=0.001, schedule="plateau", noise=10),
    PlaygroundConfig(data="blobs", layers=[], optimizer="momentum", reg="l1", reg_rate=0.01, schedule="step",
                     lang="zh"),
    PlaygroundConfig(data="multigauss", layers=[3], activation="relu", batch=7, ratio=30, noise=20,
                     optimizer="rmsprop", schedule="cosine", lr=0.01),
    PlaygroundConfig(data="xor", layers=[2, 2], activation="linear", features=["x1x2"], optimizer="nesterov"),
])
def test_exported_code_reaches_the_same_weights(config, tmp_path, monkeypatch):
    session = Session(config)
    session.train(4)
    printed = run_exported(session.python_code(), tmp_path, monkeypatch)
    assert f"after 4 epochs: train loss {session.train_loss:.4f}, test loss {session.test_loss:.4f}" in printed
    model = zeronn.load(tmp_path / "playground_model.safetensors")
    for mine, theirs in zip(model.parameters(), session.model.parameters()):
        np.testing.assert_array_equal(mine.data, theirs.data)


def test_exported_code_for_a_csv_file(tmp_path, monkeypatch):
    rows = np.random.default_rng(1).uniform(-3, 3, size=(80, 2))
    path = tmp_path / "points.csv"
    path.write_text("p,q,kind\n" + "\n".join(f"{x:.4f},{y:.4f},{'in' if x * x + y * y < 4 else 'out'}"
                                              for x, y in rows))
    session = Session(PlaygroundConfig(data="csv", layers=[4]), read_csv_source(str(path)))
    assert session.data.classes == ["in", "out"]
    session.train(3)
    code = session.python_code()
    assert str(path) in code
    run_exported(code, tmp_path, monkeypatch)
    model = zeronn.load(tmp_path / "playground_model.safetensors")
    for mine, theirs in zip(model.parameters(), session.model.parameters()):
        np.testing.assert_array_equal(mine.data, theirs.data)


def test_the_code_says_when_the_page_did_more_than_it_can_replay():
    session = Session(PlaygroundConfig(layers=[2]))
    session.train(1)
    session.set_weight(0, 0, 0, 1.0)
    session.apply({"lr": 0.1})
    code = session.python_code()
    assert "weights were edited by hand" in code and "settings changed during training" in code
    chinese = Session(PlaygroundConfig(layers=[2], lang="zh")).python_code()
    assert "反向传播" in chinese and "数据点" in chinese
