"""Settings of ``zeronn train``: defaults, resuming, and the command that repeats a run."""

from __future__ import annotations

import shlex

import pytest

from zeronn.cli.errors import CLIError
from zeronn.cli.main import build_parser
from zeronn.cli.settings import read_run_file, reproduce_command, resolve, write_run_file


def parse(*words: str):
    return build_parser().parse_args(["train", *words])


def test_defaults_depend_on_the_dataset():
    moons = resolve(parse("--data", "moons"))
    mnist = resolve(parse("--data", "mnist", "--model", "lenet"))
    assert (moons.epochs, moons.lr, moons.batch_size) == (50, 0.01, 32)
    assert (mnist.epochs, mnist.lr, mnist.batch_size) == (12, 0.002, 64)
    assert mnist.scheduler == "cosine" and mnist.validation_split == 0.0
    assert moons.scheduler == "none" and moons.checkpoint_every == 10
    assert moons.out.endswith("moons-mlp") and mnist.out.endswith("mnist-lenet")
    assert resolve(parse("--data", "my data.csv")).out.endswith("my-data-mlp")
    assert moons.seed == 0 and moons.optimizer == "adam"


def test_typed_options_win():
    settings = resolve(parse("--data", "moons", "--lr", "0.5", "--epochs", "3", "--hidden", "4", "5"))
    assert settings.lr == 0.5 and settings.epochs == 3 and settings.hidden == [4, 5]


def test_reproduce_command_parses_back_to_the_same_settings():
    settings = resolve(parse("--data", "spirals", "--hidden", "16", "16", "--activation", "tanh", "--lr", "0.02",
                             "--patience", "3", "--no-plots", "--out", "runs/my run"))
    command = reproduce_command(settings)
    assert command.startswith("zeronn train --data spirals")
    assert "'runs/my run'" in command
    again = resolve(build_parser().parse_args(shlex.split(command)[1:]))
    assert again == settings


def test_resume_keeps_the_saved_settings(tmp_path):
    first = resolve(parse("--data", "moons", "--lr", "0.3", "--epochs", "5", "--out", str(tmp_path)))
    write_run_file(str(tmp_path), first, "zeronn train ...")
    assert read_run_file(str(tmp_path)) == first
    resumed = resolve(parse("--resume", "--out", str(tmp_path), "--epochs", "9"))
    assert resumed.lr == 0.3 and resumed.epochs == 9 and resumed.data == "moons"
    same = resolve(parse("--resume", "--out", str(tmp_path), "--data", "moons", "--lr", "0.3"))
    assert same.epochs == 5
    with pytest.raises(CLIError, match="--lr 0.1 differs from the interrupted run's 0.3"):
        resolve(parse("--resume", "--out", str(tmp_path), "--lr", "0.1"))


def test_resume_errors(tmp_path):
    with pytest.raises(CLIError, match="--resume needs --out"):
        resolve(parse("--resume"))
    with pytest.raises(CLIError, match="nothing to resume in"):
        resolve(parse("--resume", "--out", str(tmp_path)))


def test_help_table_is_generated_from_the_dataclass():
    from zeronn.cli.settings import DATASET_DEFAULTS, TrainSettings, defaults_table

    table = defaults_table().splitlines()
    assert table[0].split() == ["dataset", "validation", "split", "lr", "scheduler", "epochs", "batch", "size",
                                "checkpoint", "every"]
    rows = {line.split()[0]: line.split()[1:] for line in table[1:]}
    assert rows["moons/circles"] == ["0.1", "0.01", "none", "50", "32", "10"]
    assert rows["mnist"] == ["0", "0.002", "cosine", "12", "64", "1"]
    defaults = TrainSettings()
    assert rows["CSV"][1:] == [f"{defaults.validation_split:g}", f"{defaults.lr:g}", defaults.scheduler,
                               str(defaults.epochs), str(defaults.batch_size), str(defaults.checkpoint_every)]
    assert set(DATASET_DEFAULTS) <= {name for row in rows for name in row.split("/")}


def test_help_shows_the_table(cli):
    from zeronn.cli.settings import defaults_table

    result = cli("train", "--help")
    assert defaults_table() in result.out


def test_run_file_with_unknown_or_bad_settings_is_refused(tmp_path):
    import json

    (tmp_path / "run.json").write_text(json.dumps({"settings": {"data": "moons", "wiggle": 1}}))
    with pytest.raises(CLIError, match="run.json has unknown setting\\(s\\) wiggle"):
        read_run_file(str(tmp_path))
    (tmp_path / "run.json").write_text(json.dumps({"settings": {"data": "moons", "epochs": -3}}))
    with pytest.raises(CLIError, match="run.json: --epochs must be an integer of at least 1"):
        read_run_file(str(tmp_path))
    (tmp_path / "run.json").write_text("[[[[" * 100000)
    with pytest.raises(CLIError, match="cannot read .*run.json"):
        read_run_file(str(tmp_path))


@pytest.mark.parametrize("bad, message", [
    ({"model": 5}, "--model must be a name, got 5"),
    ({"hidden": "abc"}, "--hidden must be one or more integers of at least 1"),
    ({"lr": "0.1"}, "--lr must be a finite number"),
    ({"label_column": [1]}, "--label-column must be text"),
    ({"plots": "yes"}, "plots must be true or false"),
    ({"seed": 1.5}, "--seed must be an integer"),
])
def test_tampered_run_file_is_refused(tmp_path, bad, message):
    import json

    (tmp_path / "run.json").write_text(json.dumps({"settings": {"data": "moons", **bad}}))
    with pytest.raises(CLIError, match=message):
        read_run_file(str(tmp_path))
