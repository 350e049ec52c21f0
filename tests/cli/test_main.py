"""The ``zeronn`` entry point: help texts, exit codes, one-line errors, console script and ``python -m``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from zeronn.cli.main import COMMAND_MODULES, main


def _command_names() -> list[str]:
    """The command names the parser knows (a module lr_find.py may register the command lr-find)."""
    import argparse

    from zeronn.cli.main import build_parser

    (subparsers,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return list(subparsers.choices)


COMMANDS = _command_names()
assert len(COMMANDS) == len(COMMAND_MODULES)


def test_no_command_prints_help(cli):
    result = cli()
    assert result.code == 0
    assert "commands:" in result.out and "zeronn demo" in result.out


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help_with_examples(cli, command):
    result = cli(command, "--help")
    assert result.code == 0
    assert f"usage: zeronn {command}" in result.out
    assert "examples:" in result.out


def test_top_level_help_lists_every_command(cli):
    result = cli("--help")
    assert result.code == 0
    for command in COMMANDS:
        assert f"    {command}" in result.out


def test_version(cli):
    import zeronn

    result = cli("--version")
    assert result.code == 0
    assert result.out.strip().startswith(f"zeronn {zeronn.__version__} (kernels: {zeronn.get_backend()}, ")


def test_unknown_command_is_one_line_with_exit_code_2(cli):
    result = cli("fly")
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert result.err.startswith("zeronn: error: argument COMMAND: invalid choice: 'fly'")
    assert "Traceback" not in result.err


@pytest.mark.parametrize("args", [
    ["demo", "--epochs", "many"],
    ["train", "--lr", "fast"],
    ["train", "--scheduler", "sometimes"],
    ["predict", "model.safetensors"],            # no INPUT
    ["evaluate"],                                # no MODEL
    ["summary", "m", "--input-shape", "1,x"],
])
def test_argparse_errors_are_one_line_with_exit_code_2(cli, args):
    result = cli(*args)
    assert result.code == 2
    assert result.err.count("\n") == 1, result.err
    assert result.err.startswith(f"zeronn {args[0]}: error: ")
    assert f"(see: zeronn {args[0]} --help)" in result.err
    assert result.out == ""


@pytest.mark.parametrize("args, message", [
    (["demo", "--activation", "wiggly", "--quiet"], "Unknown activation 'wiggly'; valid choices are: "),
    (["demo", "--epochs", "0"], "--epochs must be at least 1"),
    (["evaluate", "no/such/model.safetensors"], "model file not found: no/such/model.safetensors"),
    (["summary", "missing.safetensors"], "model file not found"),
    (["plot", "missing.json"], "history file not found: missing.json"),
    (["train", "--data", "atlantis"], "unknown dataset 'atlantis'"),
    (["train"], "choose a dataset with --data"),
])
def test_failures_are_one_line_with_exit_code_1(cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = cli(*args)
    assert result.code == 1, result
    assert result.err.startswith("zeronn: error: ")
    assert message in result.err
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err


def test_damaged_model_file_is_a_clear_error(cli, tmp_path):
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    result = cli("summary", str(path))
    assert result.code == 1
    assert result.err.startswith("zeronn: error: ") and str(path) in result.err
    assert "Traceback" not in result.err


def test_debug_flag_lets_the_exception_through(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match="Unknown activation"):
        main(["--debug", "demo", "--activation", "wiggly"])


def test_debug_environment_variable(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZERONN_DEBUG", "1")
    with pytest.raises(ValueError):
        main(["demo", "--activation", "wiggly"])


def test_keyboard_interrupt_exits_130_with_resume_hint(cli, monkeypatch, tmp_path):

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("zeronn.train.Trainer.fit", interrupted)
    result = cli("train", "--data", "moons", "--out", str(tmp_path / "run"), "--quiet", "--no-plots")
    assert result.code == 130
    assert "interrupted in epoch 1 (0 complete); the model as trained so far was written to" in result.err
    assert "; continue from the last checkpoint with: zeronn train --resume --out" in result.err
    assert (tmp_path / "run" / "model.safetensors").stat().st_size > 0


def _subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["MPLBACKEND"] = "Agg"
    return env


def test_python_dash_m_zeronn(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "zeronn", "demo", "--quiet", "--epochs", "300", "--out", str(tmp_path / "c.png")],
        capture_output=True, text=True, timeout=120, env=_subprocess_env(),
    )
    assert completed.returncode == 0, completed.stderr
    assert "final loss (sum of squared errors)" in completed.stdout


def test_console_script_bad_argument(tmp_path):
    script = shutil.which("zeronn") or os.path.join(os.path.dirname(sys.executable), "zeronn")
    if not os.path.exists(script):
        pytest.skip("the zeronn console script is not installed (pip install -e .)")
    completed = subprocess.run([script, "train", "--epochs", "ten"], capture_output=True, text=True, timeout=120,
                               env=_subprocess_env(), cwd=tmp_path)
    assert completed.returncode == 2
    assert completed.stderr.count("\n") == 1
    assert "Traceback" not in completed.stderr


def test_console_script_failure_has_no_traceback(tmp_path):
    script = shutil.which("zeronn") or os.path.join(os.path.dirname(sys.executable), "zeronn")
    if not os.path.exists(script):
        pytest.skip("the zeronn console script is not installed (pip install -e .)")
    completed = subprocess.run([script, "evaluate", "nothing.safetensors"], capture_output=True, text=True,
                               timeout=120, env=_subprocess_env(), cwd=tmp_path)
    assert completed.returncode == 1
    assert completed.stderr == "zeronn: error: model file not found: nothing.safetensors\n"
