"""``zeronn demo``: the tutorial's network, reproduced with ZeroNN."""

from __future__ import annotations

import importlib.util
import os
import re

import numpy as np
import pytest

from zeronn.cli.demo import build_network, train_network
from zeronn.data import xor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _predictions(text: str) -> list[int]:
    """The 'rounded' column of the demo's table."""
    rows = re.findall(r"^\d \d \d\s+\d\s+[0-9.]+\s+(\d)$", text, flags=re.MULTILINE)
    return [int(r) for r in rows]


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_tutorial_settings_learn_xor(cli, tmp_path, seed):
    out = tmp_path / "loss.png"
    result = cli("demo", "--seed", str(seed), "--out", str(out), "--quiet")
    assert result.code == 0, result
    assert _predictions(result.out) == [0, 1, 1, 0]
    assert "4 of 4 rows right after rounding" in result.out
    final = float(re.search(r"final loss \(sum of squared errors\): ([0-9.]+)", result.out).group(1))
    assert final < 0.01
    if importlib.util.find_spec("matplotlib"):
        assert out.stat().st_size > 1000
        assert f"loss curve saved to {out}" in result.out


def test_progress_lines_unless_quiet(cli, tmp_path):
    loud = cli("demo", "--epochs", "100", "--out", str(tmp_path / "a.png"))
    quiet = cli("demo", "--epochs", "100", "--out", str(tmp_path / "b.png"), "--quiet")
    assert "epoch 100/100" in loud.out and "3-4-1" in loud.out
    assert "/100  loss" not in quiet.out


def test_demo_without_matplotlib_prints_a_note(cli, tmp_path, monkeypatch):
    import zeronn.plot

    def no_matplotlib(*args, **kwargs):
        raise ImportError("zeronn.plot needs matplotlib: pip install matplotlib")

    monkeypatch.setattr(zeronn.plot, "plot_loss", no_matplotlib)
    out = tmp_path / "never.png"
    result = cli("demo", "--quiet", "--out", str(out))
    assert result.code == 0
    assert "(no loss curve: zeronn.plot needs matplotlib" in result.out
    assert not out.exists()


@pytest.mark.parametrize("flags", [
    ["--activation", "tanh"],
    ["--hidden", "8", "8", "--activation", "relu", "--init", "kaiming_uniform", "--lr", "0.1"],
    ["--optimizer", "adam", "--lr", "0.1", "--epochs", "500"],
    ["--bias", "--activation", "sigmoid"],
])
def test_flags_answer_the_tutorials_questions(cli, tmp_path, flags):
    result = cli("demo", "--quiet", "--out", str(tmp_path / "c.png"), *flags)
    assert result.code == 0, result
    assert _predictions(result.out) == [0, 1, 1, 0]


def test_network_shape_follows_flags():
    model = build_network(3, [8, 5], "tanh", bias=True, seed=0)
    names = [type(layer).__name__ for layer in model]
    assert names == ["Linear", "Tanh", "Linear", "Tanh", "Linear", "Sigmoid"]
    assert [layer.weight.shape for layer in model if hasattr(layer, "weight")] == [(3, 8), (8, 5), (5, 1)]
    assert all(layer.bias is not None for layer in model if hasattr(layer, "bias"))
    no_bias = build_network(3, [4], "sigmoid", bias=False, seed=0)
    assert all(layer.bias is None for layer in no_bias if hasattr(layer, "bias"))


def test_initial_weights_are_the_tutorials_uniform_0_1():
    model = build_network(3, [4], "sigmoid", bias=False, seed=7)
    weights = np.concatenate([layer.weight.data.ravel() for layer in model if hasattr(layer, "weight")])
    assert weights.min() >= 0.0 and weights.max() < 1.0
    again = build_network(3, [4], "sigmoid", bias=False, seed=7)
    assert np.array_equal(model[0].weight.data, again[0].weight.data)


def test_same_trajectory_as_the_numpy_tutorial_port():
    """SGD with lr=1 on SSELoss is the tutorial's `weights += d`: same losses from the same weights."""
    path = os.path.join(ROOT, "examples", "tutorial_numpy.py")
    if not os.path.isfile(path):
        pytest.skip("examples/tutorial_numpy.py is not there")
    spec = importlib.util.spec_from_file_location("tutorial_numpy_for_test", path)
    tutorial = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tutorial)
    x, y = xor(dtype=np.float64)
    model = build_network(3, [4], "sigmoid", bias=False, seed=3, dtype=np.float64)
    w1, w2 = model[0].weight.data.copy(), model[2].weight.data.copy()
    ours = train_network(model, x, y, optimizer="sgd", lr=1.0, epochs=200)
    _, theirs = tutorial.train(200, weights1=w1, weights2=w2)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=0)


def test_bad_demo_arguments(cli, tmp_path):
    assert cli("demo", "--hidden", "0", "--out", str(tmp_path / "x.png")).code == 1
    assert cli("demo", "--lr", "-1", "--out", str(tmp_path / "x.png")).code == 1
    result = cli("demo", "--out", str(tmp_path / "no" / "such" / "folder.png"))
    assert result.code == 1 and "does not exist" in result.err


def test_non_finite_loss_names_the_epoch():
    from zeronn.cli.errors import CLIError

    x, y = xor(dtype=np.float64)
    x = x.copy()
    x[0, 0] = np.nan                        # a NaN input makes the very first loss NaN
    model = build_network(3, [4], "sigmoid", bias=False, seed=0, dtype=np.float64)
    with pytest.raises(CLIError, match="the loss became nan at epoch 1; try a smaller --lr"):
        train_network(model, x, y, optimizer="sgd", lr=1.0, epochs=5)


def _readme_demo_commands() -> list[list[str]]:
    """The ``zeronn demo ...`` lines of the README's shell blocks and of ``zeronn demo --help``, as arguments."""
    import shlex

    from zeronn.cli.demo import EPILOG

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as handle:
        readme = handle.read()
    shell = "\n".join(re.findall(r"^```bash\n(.*?)^```", readme, flags=re.S | re.M))
    lines = re.findall(r"^\s*zeronn demo\b(.*)$", shell + "\n" + EPILOG, flags=re.M)
    commands = []
    for line in lines:
        command = re.split(r"\s{2,}", line.split("#")[0].rstrip())[0]     # the help explains after 2+ spaces
        words = shlex.split(command)
        if words not in commands:
            commands.append(words)
    return commands


README_DEMOS = _readme_demo_commands()


def test_the_readme_shows_demo_variants():
    assert [] in README_DEMOS and ["--hidden", "8", "8", "--activation", "gelu"] in README_DEMOS
    assert len(README_DEMOS) >= 5


@pytest.mark.parametrize("flags", README_DEMOS, ids=[" ".join(flags) or "tutorial" for flags in README_DEMOS])
def test_every_documented_demo_learns_xor(cli, tmp_path, monkeypatch, flags):
    monkeypatch.chdir(tmp_path)
    flags = [word for word in flags if word != "--quiet"]
    if "--out" not in flags:
        flags += ["--out", str(tmp_path / "loss.png")]
    result = cli("demo", *flags, "--quiet")
    assert result.code == 0, result
    assert _predictions(result.out) == [0, 1, 1, 0], (flags, result.out)
    assert "4 of 4 rows right after rounding" in result.out


def test_default_initial_weights():
    from zeronn.cli.demo import default_init

    assert default_init([4], "sigmoid") == "rand"                   # the tutorial, exactly
    assert default_init([8, 8], "gelu") == "kaiming_uniform"
    assert default_init([4], "relu") == "kaiming_uniform"
    assert default_init([4], "tanh") == "xavier_uniform"
    assert default_init([8], "sigmoid") == "xavier_uniform"         # another shape is not the tutorial's


def test_the_tutorials_own_weights_leave_the_gelu_network_stuck(cli, tmp_path):
    """Why non-tutorial networks get another default: with U[0, 1) weights this one does not learn XOR."""
    stuck = cli("demo", "--hidden", "8", "8", "--activation", "gelu", "--init", "rand", "--quiet",
                "--out", str(tmp_path / "a.png"))
    assert stuck.code == 0 and "4 of 4 rows right" not in stuck.out
    learned = cli("demo", "--hidden", "8", "8", "--activation", "gelu", "--quiet", "--out", str(tmp_path / "b.png"))
    assert "4 of 4 rows right" in learned.out


def test_demo_numbers_are_checked(cli, tmp_path):
    out = ["--out", str(tmp_path / "x.png")]
    assert "--seed must be an integer in [0, 2**32)" in cli("demo", "--seed", "-1", *out).err
    assert "--epochs must be at most 1,000,000" in cli("demo", "--epochs", "10000000", *out).err
    assert "--lr must be a positive finite number, got nan" in cli("demo", "--lr", "nan", *out).err
    assert "--hidden: at most 100 layers of at most 10,000 units" in cli("demo", "--hidden", "100000", *out).err
