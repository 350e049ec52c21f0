"""The settings of a ``zeronn train`` run: defaults, the saved ``run.json``, and resuming.

Every option of ``zeronn train`` defaults to None on the parser, so the
command can tell what was typed from what was left out.  ``resolve`` then
fills in the defaults, several of which depend on the dataset (a toy set
wants a larger learning rate and more epochs than MNIST).  The resolved
settings are written to ``OUT/run.json`` before training starts, and
``--resume`` reads them back: a resumed run continues with the very same
settings, except for the few options that may change between the two halves
(``--epochs``, to train longer, and the output options).
"""

from __future__ import annotations

import json
import os
import shlex
from typing import Any

from zeronn.cli.errors import CLIError

__all__ = [
    "RUN_FILE",
    "IDENTITY_KEYS",
    "FREE_KEYS",
    "dataset_defaults",
    "resolve",
    "read_run_file",
    "write_run_file",
    "reproduce_command",
]

RUN_FILE = "run.json"

#: Options that define a run: a resumed run must keep them.
IDENTITY_KEYS = (
    "data", "label_column", "samples", "noise", "limit", "test_split", "model", "hidden", "activation",
    "dropout", "optimizer", "lr", "momentum", "weight_decay", "scheduler", "batch_size", "seed",
    "validation_split", "patience", "checkpoint_every",
)
#: Options that may differ between an interrupted run and its resumption.
FREE_KEYS = ("epochs", "quiet", "plots")

# Defaults by kind of dataset: epochs, lr, batch size, validation split.
# Small datasets train in milliseconds per epoch: a checkpoint every 10 epochs is plenty.  MNIST and
# Fashion-MNIST follow examples/: all 60,000 images for training (their official test set scores the
# model at the end), Adam with a cosine-annealed learning rate.
_DEFAULTS = {
    "xor": {"epochs": 300, "lr": 0.05, "batch_size": 4, "validation_split": 0.0, "checkpoint_every": 50},
    "moons": {"epochs": 50, "lr": 0.01, "batch_size": 32, "validation_split": 0.1, "checkpoint_every": 10},
    "circles": {"epochs": 50, "lr": 0.01, "batch_size": 32, "validation_split": 0.1, "checkpoint_every": 10},
    "blobs": {"epochs": 30, "lr": 0.01, "batch_size": 32, "validation_split": 0.1, "checkpoint_every": 10},
    "spirals": {"epochs": 200, "lr": 0.01, "batch_size": 32, "validation_split": 0.1, "checkpoint_every": 10},
    "digits": {"epochs": 30, "lr": 0.002, "batch_size": 32, "validation_split": 0.1, "checkpoint_every": 5},
    "mnist": {"epochs": 12, "lr": 0.002, "batch_size": 64, "validation_split": 0.0, "checkpoint_every": 1,
              "scheduler": "cosine"},
    "fashion-mnist": {"epochs": 12, "lr": 0.002, "batch_size": 128, "validation_split": 0.0, "checkpoint_every": 1,
                      "scheduler": "cosine"},
    "csv": {"epochs": 100, "lr": 0.01, "batch_size": 32, "validation_split": 0.1, "checkpoint_every": 10},
}

_FIXED_DEFAULTS: dict[str, Any] = {
    "model": "mlp",
    "activation": "relu",
    "optimizer": "adam",
    "scheduler": "none",
    "seed": 0,
    "test_split": 0.2,
    "quiet": False,
    "plots": True,
}


def dataset_defaults(data: str) -> dict[str, Any]:
    """The epoch, learning-rate, batch-size, validation-split and checkpoint defaults for ``data``."""
    return dict(_DEFAULTS.get(data, _DEFAULTS["csv"]))


def _given(args: Any) -> dict[str, Any]:
    """The options typed on the command line (those not left at None)."""
    keys = IDENTITY_KEYS + FREE_KEYS + ("out",)
    return {key: getattr(args, key) for key in keys if getattr(args, key, None) is not None}


def resolve(args: Any) -> dict[str, Any]:
    """Return the complete settings of this run (a JSON-ready dict).

    For ``--resume`` the saved settings are the base; an identity option typed
    again must have the same value (else ``CLIError``).
    """
    given = _given(args)
    if getattr(args, "resume", False):
        if "out" not in given:
            raise CLIError("--resume needs --out: the folder of the run to continue")
        saved = read_run_file(given["out"])
        for key in IDENTITY_KEYS:
            if key in given and _normalise(given[key]) != _normalise(saved.get(key)):
                raise CLIError(
                    f"--{key.replace('_', '-')} {_show(given[key])} differs from the interrupted run's "
                    f"{_show(saved.get(key))}; a resumed run keeps its settings (only --epochs may change)"
                )
        settings = {**saved, **{key: given[key] for key in FREE_KEYS if key in given}}
        settings["quiet"] = bool(given.get("quiet", False))      # how this invocation prints, not the run's
        settings["out"] = given["out"]
        return settings
    if "data" not in given:
        raise CLIError("choose a dataset with --data (e.g. --data moons; see zeronn train --help)")
    data = given["data"]
    kind = data if data in _DEFAULTS else "csv"
    settings = {key: None for key in IDENTITY_KEYS + FREE_KEYS}
    settings.update(_FIXED_DEFAULTS)
    settings.update(dataset_defaults(kind))
    settings.update(given)
    if "out" not in given:
        settings["out"] = os.path.join("runs", f"{_slug(data)}-{_slug(str(settings['model']))}")
    return settings


def _slug(text: str) -> str:
    base = os.path.splitext(os.path.basename(text))[0]
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in base) or "run"


def _normalise(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return " ".join(map(str, value))
    return str(value)


def read_run_file(out: str) -> dict[str, Any]:
    """Read ``OUT/run.json``; ``CLIError`` if there is no run to resume there."""
    path = os.path.join(out, RUN_FILE)
    if not os.path.isfile(path):
        raise CLIError(f"nothing to resume in {out}: it has no {RUN_FILE} (was the run started with --out {out}?)")
    try:
        with open(path, encoding="utf-8") as handle:
            saved = json.load(handle)
    except (OSError, ValueError) as error:
        raise CLIError(f"cannot read {path}: {error}") from None
    if not isinstance(saved, dict) or not isinstance(saved.get("settings"), dict):
        raise CLIError(f"{path} is not a zeronn run file")
    return saved["settings"]


def write_run_file(out: str, settings: dict[str, Any], command: str) -> str:
    """Write the settings and the command line to ``OUT/run.json`` (atomically); return its path."""
    from zeronn.io.atomic import atomic_write_bytes

    path = os.path.join(out, RUN_FILE)
    text = json.dumps({"command": command, "settings": settings}, indent=2) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"))
    return path


def reproduce_command(settings: dict[str, Any]) -> str:
    """The ``zeronn train`` command line that repeats this run, every setting spelled out."""
    words = ["zeronn", "train"]
    order = ("data", "label_column", "samples", "noise", "limit", "test_split", "model", "hidden", "activation",
             "dropout", "optimizer", "lr", "momentum", "weight_decay", "scheduler", "epochs", "batch_size",
             "validation_split", "patience", "seed", "checkpoint_every", "out")
    for key in order:
        value = settings.get(key)
        if value is None:
            continue
        if key == "activation" and settings.get("model") != "mlp":
            continue
        flag = "--" + key.replace("_", "-")
        if isinstance(value, (list, tuple)):
            words += [flag, *map(str, value)]
        else:
            words += [flag, str(value)]
    if settings.get("plots") is False:
        words.append("--no-plots")
    return shlex.join(words)
