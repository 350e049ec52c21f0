"""The settings of a ``zeronn train`` run: one dataclass, its defaults, the saved ``run.json``, and resuming.

``TrainSettings`` lists every setting with its default.  A few defaults
depend on the dataset (a toy set wants a larger learning rate and more
epochs than MNIST): those are the fields marked ``per_dataset`` and their
values per dataset are in ``DATASET_DEFAULTS``; ``defaults_table()`` turns
both into the table that ``zeronn train --help`` prints, so the help cannot
drift from the code.

Every option of ``zeronn train`` defaults to None on the parser, so the
command can tell what was typed from what was left out; ``resolve`` fills in
the rest.  The resolved settings are written to ``OUT/run.json`` before
training starts, and ``--resume`` reads them back: a resumed run keeps its
settings, except those that may change between the two halves (``--epochs``,
to train longer, and how the run prints and draws).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shlex
from dataclasses import dataclass, field
from typing import Any, Optional

from zeronn.cli.errors import CLIError

__all__ = [
    "RUN_FILE",
    "MAX_SAMPLES",
    "MAX_EPOCHS",
    "TrainSettings",
    "DATASET_DEFAULTS",
    "defaults_table",
    "resolve",
    "read_run_file",
    "write_run_file",
    "reproduce_command",
]

RUN_FILE = "run.json"
#: Largest --samples for a generated toy set (10 million 2-D points: 160 MB in float64).
MAX_SAMPLES = 10_000_000
#: Largest --epochs.
MAX_EPOCHS = 1_000_000


def _setting(default: Any, *, per_dataset: bool = False, free: bool = False) -> Any:
    """A field of ``TrainSettings``: ``per_dataset`` defaults come from ``DATASET_DEFAULTS``;
    ``free`` settings may change when a run is resumed."""
    return field(default=default, metadata={"per_dataset": per_dataset, "free": free})


@dataclass
class TrainSettings:
    """Every setting of a ``zeronn train`` run (the flag is the name with dashes: ``--batch-size``)."""

    # data
    data: Optional[str] = _setting(None)                 # dataset name or CSV path (required)
    label_column: Optional[str] = _setting(None)         # CSV: name or position of the label column (last)
    encoding: str = _setting("utf-8")                    # CSV: text encoding of the file
    samples: Optional[int] = _setting(None)              # toy sets: points to generate (per set)
    noise: Optional[float] = _setting(None)              # toy sets: noise (per set)
    limit: Optional[int] = _setting(None)                # use only the first N training/test samples
    test_split: float = _setting(0.2)                    # held out for the final test (toy sets, digits, CSV)
    validation_split: float = _setting(0.1, per_dataset=True)
    # model
    model: str = _setting("mlp")                         # preset or .json/.yaml architecture file
    hidden: Optional[list[int]] = _setting(None)         # mlp: hidden sizes (64 64; 256 128 for images)
    activation: str = _setting("relu")                   # mlp: activation
    dropout: Optional[float] = _setting(None)            # mlp: 0, cnn: 0.3
    # training
    optimizer: str = _setting("adam")
    lr: float = _setting(0.01, per_dataset=True)
    momentum: Optional[float] = _setting(None)           # sgd and rmsprop only
    weight_decay: Optional[float] = _setting(None)
    scheduler: str = _setting("none", per_dataset=True)  # none, cosine, step
    epochs: int = _setting(100, per_dataset=True, free=True)
    batch_size: int = _setting(32, per_dataset=True)
    patience: Optional[int] = _setting(None)             # early stopping (never by default)
    seed: int = _setting(0)
    # output
    out: Optional[str] = _setting(None, free=True)       # runs/DATA-MODEL
    checkpoint_every: int = _setting(10, per_dataset=True)
    plots: bool = _setting(True, free=True)
    quiet: bool = _setting(False, free=True)

    @classmethod
    def names(cls) -> list[str]:
        """The setting names, in declaration order."""
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def identity_names(cls) -> list[str]:
        """Settings that define a run: a resumed run must keep them."""
        return [f.name for f in dataclasses.fields(cls) if not f.metadata.get("free")]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready settings (for ``run.json``)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any], source: str) -> "TrainSettings":
        """Settings read back from ``run.json``; unknown keys are an error (``CLIError`` naming ``source``)."""
        unknown = sorted(set(values) - set(cls.names()))
        if unknown:
            raise CLIError(f"{source} has unknown setting(s) {', '.join(unknown)}: was it written by a newer zeronn?")
        settings = cls(**values)
        settings.check(source=source)
        return settings

    # ------------------------------------------------------------------ checks
    def check(self, source: str = "") -> None:
        """Check every value; ``CLIError`` names the flag, the value and what is allowed."""
        where = f"{source}: " if source else ""

        def fail(name: str, expected: str) -> None:
            raise CLIError(f"{where}--{name.replace('_', '-')} must be {expected}, got {_show(getattr(self, name))}")

        def integer(name: str, low: int, high: Optional[int] = None, optional: bool = True) -> None:
            value = getattr(self, name)
            if value is None and optional:
                return
            if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
                fail(name, f"an integer of at least {low}" + (f" and at most {high:,}" if high else ""))

        def number(name: str, low: float, high: float, *, high_open: bool = False, low_open: bool = False) -> None:
            value = getattr(self, name)
            if value is None:
                return
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
                  and (value > low if low_open else value >= low)
                  and (value < high if high_open else value <= high))
            if not ok:
                interval = f"{'(' if low_open else '['}{low:g}, {'inf' if math.isinf(high) else f'{high:g}'}" \
                           f"{')' if high_open or math.isinf(high) else ']'}"
                fail(name, f"a finite number in {interval}")

        if not isinstance(self.data, str) or not self.data:
            raise CLIError("choose a dataset with --data (e.g. --data moons; see zeronn train --help)")
        for name in ("model", "activation", "optimizer", "scheduler", "encoding"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                fail(name, "a name")
        for name in ("label_column", "out"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                fail(name, "text")
        for name in ("plots", "quiet"):
            if not isinstance(getattr(self, name), bool):
                raise CLIError(f"{where}{name} must be true or false, got {_show(getattr(self, name))}")
        integer("samples", 1, MAX_SAMPLES)
        integer("limit", 1)
        integer("epochs", 1, MAX_EPOCHS, optional=False)
        integer("batch_size", 1, optional=False)
        integer("patience", 1)
        integer("seed", 0, 2**32 - 1, optional=False)
        integer("checkpoint_every", 0, optional=False)
        number("lr", 0.0, math.inf, low_open=True)
        number("momentum", 0.0, 1.0, high_open=True)
        number("weight_decay", 0.0, math.inf)
        number("noise", 0.0, math.inf)
        number("test_split", 0.0, 1.0, high_open=True)
        number("validation_split", 0.0, 1.0, high_open=True)
        number("dropout", 0.0, 1.0, high_open=True)
        if self.hidden is not None:
            if (not isinstance(self.hidden, list) or not self.hidden
                    or not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in self.hidden)):
                fail("hidden", "one or more integers of at least 1")
        if self.scheduler not in ("none", "cosine", "step"):
            fail("scheduler", "none, cosine or step")
        if not isinstance(self.encoding, str) or not self.encoding:
            fail("encoding", "the name of a text encoding such as utf-8 or latin-1")
        self._check_flags_fit_the_data(where)

    def _check_flags_fit_the_data(self, where: str) -> None:
        """Options that only some datasets use are refused elsewhere, rather than silently ignored."""
        from zeronn.cli.data_sources import IMAGE_DATASETS, TOY_DATASETS

        data = self.data or ""
        kind = "toy" if data in TOY_DATASETS else "images" if data in IMAGE_DATASETS else "csv"
        misplaced = []
        if kind != "csv":
            misplaced += [name for name in ("label_column",) if getattr(self, name) is not None]
            misplaced += ["encoding"] if self.encoding != "utf-8" else []
        if kind != "toy" or data == "xor":
            misplaced += [name for name in ("samples", "noise") if getattr(self, name) is not None]
        if data in ("mnist", "fashion-mnist") and self.test_split != 0.2:
            misplaced.append("test_split")
        if misplaced:
            flag = "--" + misplaced[0].replace("_", "-")
            what = {"label_column": "CSV files", "encoding": "CSV files", "test_split": "toy sets, digits and CSV "
                    "files (mnist and fashion-mnist have their official test set)",
                    "samples": "the generated toy sets (moons, circles, spirals, blobs; xor has its 4 rows)",
                    "noise": "the generated toy sets (moons, circles, spirals, blobs; xor has its 4 rows)"}
            raise CLIError(f"{where}{flag} applies to {what[misplaced[0]]}, not to --data {data}")


# Defaults by kind of dataset.  Small datasets train in milliseconds per epoch: a checkpoint every 10
# epochs is plenty.  MNIST and Fashion-MNIST follow examples/: all 60,000 images for training (their
# official test set scores the model at the end), Adam with a cosine-annealed learning rate.
DATASET_DEFAULTS: dict[str, dict[str, Any]] = {
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
}
_CSV_KIND = "CSV file"


def _defaults_for(data: str) -> dict[str, Any]:
    """The per-dataset defaults of ``data`` (a CSV file takes the dataclass's own defaults)."""
    return dict(DATASET_DEFAULTS.get(data, {}))


def _per_dataset_fields() -> list[dataclasses.Field]:
    return [f for f in dataclasses.fields(TrainSettings) if f.metadata.get("per_dataset")]


def defaults_table() -> str:
    """The help's table of the defaults that depend on the dataset, generated from ``TrainSettings``."""
    columns = _per_dataset_fields()
    rows: list[tuple[str, list[str]]] = []
    for name in [*DATASET_DEFAULTS, _CSV_KIND]:
        values = {f.name: f.default for f in columns}
        values.update(_defaults_for(name))
        cells = [_show(values[f.name]) for f in columns]
        if rows and rows[-1][1] == cells:                      # moons and circles share a row
            rows[-1] = (f"{rows[-1][0]}/{name}", cells)
        else:
            rows.append((name, cells))
    header = ["dataset", *(f.name.replace("_", " ") for f in columns)]
    table = [header, *([label, *cells] for label, cells in rows)]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    return "\n".join("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
                     for row in table)


# ------------------------------------------------------------------------------------------ resolving
def _given(args: Any) -> dict[str, Any]:
    """The options typed on the command line (those not left at None)."""
    return {name: getattr(args, name) for name in TrainSettings.names() if getattr(args, name, None) is not None}


def resolve(args: Any) -> TrainSettings:
    """Return the complete, checked settings of this run.

    For ``--resume`` the saved settings are the base; an identity option typed
    again must have the same value (else ``CLIError``).
    """
    given = _given(args)
    if getattr(args, "resume", False):
        if "out" not in given:
            raise CLIError("--resume needs --out: the folder of the run to continue")
        saved = read_run_file(given["out"])
        for name in TrainSettings.identity_names():
            if name in given and _normalise(given[name]) != _normalise(getattr(saved, name)):
                raise CLIError(
                    f"--{name.replace('_', '-')} {_show(given[name])} differs from the interrupted run's "
                    f"{_show(getattr(saved, name))}; a resumed run keeps its settings (only --epochs may change)"
                )
        free = {name: given[name] for name in TrainSettings.names() if name in given and name not in
                TrainSettings.identity_names()}
        free.setdefault("quiet", False)                               # how this invocation prints
        settings = dataclasses.replace(saved, **free)
        settings.check()
        return settings
    if "data" not in given:
        raise CLIError("choose a dataset with --data (e.g. --data moons; see zeronn train --help)")
    values = _defaults_for(given["data"])
    values.update(given)
    settings = TrainSettings(**values)
    if settings.out is None:
        settings.out = os.path.join("runs", f"{_slug(settings.data or '')}-{_slug(settings.model)}")
    settings.check()
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
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# ------------------------------------------------------------------------------------------ run.json
def read_run_file(out: str) -> TrainSettings:
    """Read ``OUT/run.json``; ``CLIError`` if there is no run to resume there."""
    path = os.path.join(out, RUN_FILE)
    if not os.path.isfile(path):
        raise CLIError(f"nothing to resume in {out}: it has no {RUN_FILE} (was the run started with --out {out}?)")
    try:
        with open(path, encoding="utf-8") as handle:
            saved = json.load(handle)
    except (OSError, ValueError, RecursionError) as error:
        raise CLIError(f"cannot read {path}: {error}") from None
    if not isinstance(saved, dict) or not isinstance(saved.get("settings"), dict):
        raise CLIError(f"{path} is not a zeronn run file")
    try:
        return TrainSettings.from_dict(saved["settings"], path)
    except TypeError as error:
        raise CLIError(f"{path} is not a zeronn run file: {error}") from None


def write_run_file(out: str, settings: TrainSettings, command: str) -> str:
    """Write the settings and the command line to ``OUT/run.json`` (atomically); return its path."""
    from zeronn.io.atomic import atomic_write_bytes

    path = os.path.join(out, RUN_FILE)
    text = json.dumps({"command": command, "settings": settings.to_dict()}, indent=2) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"))
    return path


def reproduce_command(settings: TrainSettings) -> str:
    """The ``zeronn train`` command line that repeats this run, every setting spelled out."""
    words = ["zeronn", "train"]
    for name, value in settings.to_dict().items():
        if value is None or name in ("quiet", "plots"):
            continue
        if name == "activation" and settings.model != "mlp":
            continue
        if name == "encoding" and value == "utf-8":
            continue
        flag = "--" + name.replace("_", "-")
        words += [flag, *map(str, value)] if isinstance(value, list) else [flag, str(value)]
    if not settings.plots:
        words.append("--no-plots")
    return shlex.join(words)
