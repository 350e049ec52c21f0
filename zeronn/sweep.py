"""Hyper-parameter sweeps: every configuration x every seed, serially, on local processes (joblib) or on Dask.

>>> result = zeronn.sweep("moons", grid={"lr": [1e-3, 1e-2, 1e-1], "activation": ["relu", "tanh"]},
...                       seeds=3, jobs=2, out="sweeps/moons")               # doctest: +SKIP
>>> print(result.to_markdown())                                            # doctest: +SKIP

answers the tutorial's questions ("which learning rate? which activation?")
with numbers: each configuration is trained once per seed, and the table
gives the mean and standard deviation over the seeds, best first.

How runs are executed
---------------------
- ``jobs=1`` (default): one after the other in this process.
- ``jobs=N``: N local worker processes through joblib (loky).  Each worker's
  BLAS is limited to ``threads_per_worker`` threads (default 1), so N workers
  use N cores instead of fighting over them.
- ``dask=client`` (a ``distributed.Client``) or ``dask="tcp://host:port"``:
  the runs go to a Dask cluster through joblib's "dask" backend.

A run depends only on its configuration and its seed (weights, dropout and
shuffling all draw from generators seeded by it; no global state), and every
run uses the same number of BLAS threads, so the same seeds give the same
numbers serially, on joblib and on Dask.  A configuration that fails (an
unknown activation, a diverging learning rate) is reported in the table with
its error; the others carry on.  Ctrl-C stops the workers (joblib terminates
its processes, Dask cancels the pending runs) and raises KeyboardInterrupt.

With ``out=DIR`` the sweep writes ``results.csv`` and ``results.md`` (one row
per configuration, sorted), ``runs.csv`` (one row per run), ``curves.png``
(the validation curves of every run overlaid, one colour per configuration)
and ``best_model.safetensors`` (the best configuration's best seed).
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import time
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

import numpy as np

from zeronn.nn.activation import get_activation
from zeronn.nn.dropout import Dropout
from zeronn.nn.flatten import Flatten
from zeronn.nn.layer import Layer
from zeronn.nn.linear import Linear
from zeronn.nn.sequential import Sequential
from zeronn.train.history import higher_is_better

__all__ = ["sweep", "SweepResult", "RunResult", "DEFAULTS", "TOY_DATASETS", "grid_configs", "random_configs",
           "parse_value"]

PathLike = Union[str, "os.PathLike[str]"]

#: The configuration every run starts from; a grid or search space overrides some of these.
DEFAULTS: dict[str, Any] = {
    "hidden": (16, 16),           # hidden layer sizes of the MLP
    "activation": "relu",         # any zeronn.nn.get_activation name
    "optimizer": "adam",          # any zeronn.optim.get_optimizer name
    "lr": 1e-2,                   # learning rate
    "epochs": 30,
    "batch_size": 32,
    "weight_decay": 0.0,
    "momentum": 0.0,              # SGD / RMSprop momentum (ignored by the others)
    "dropout": 0.0,               # dropout after every hidden activation
}

#: Toy datasets a sweep can name (generated inside each worker, nothing to send): name -> (function, arguments).
TOY_DATASETS: dict[str, tuple[str, dict[str, Any]]] = {
    "moons": ("make_moons", {"noise": 0.2}),
    "circles": ("make_circles", {"noise": 0.1}),
    "spirals": ("make_spirals", {"noise": 0.1}),
    "xor": ("make_xor", {"noise": 0.1}),
    "gauss": ("make_gauss", {"noise": 0.1}),
    "blobs": ("make_blobs", {"centers": 3}),
}

Builder = Callable[..., Layer]


# ---------------------------------------------------------------------------------------- configurations
def grid_configs(grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """Every combination of the grid's values, in order (the last key varies fastest)."""
    for key, values in grid.items():
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or len(values) == 0:
            raise ValueError(f"sweep grid: {key!r} needs a non-empty list of values, got {values!r}")
    keys = list(grid)
    return [dict(zip(keys, combination)) for combination in itertools.product(*(grid[k] for k in keys))]


def random_configs(space: Mapping[str, Any], n_trials: int, seed: int = 0) -> list[dict[str, Any]]:
    """``n_trials`` configurations drawn from ``space`` with a generator seeded by ``seed``.

    Each entry of ``space`` is a list of choices (drawn uniformly) or a range
    ``(low, high)`` of numbers: log-uniform when both are positive floats
    and high / low >= 10, uniform otherwise; integers when both are ints.
    """
    if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1:
        raise ValueError(f"sweep: n_trials must be a positive integer, got {n_trials!r}")
    rng = np.random.default_rng(seed)
    configs = []
    for _ in range(n_trials):
        config = {}
        for key, choices in space.items():
            config[key] = _draw(key, choices, rng)
        configs.append(config)
    return configs


def _draw(key: str, choices: Any, rng: np.random.Generator) -> Any:
    if isinstance(choices, tuple) and len(choices) == 2 and all(isinstance(v, (int, float)) for v in choices):
        low, high = choices
        if isinstance(low, int) and isinstance(high, int):
            return int(rng.integers(low, high + 1))
        if low > 0 and high / low >= 10:
            return float(math.exp(rng.uniform(math.log(low), math.log(high))))
        return float(rng.uniform(low, high))
    if isinstance(choices, (list, tuple)) and choices:
        return choices[int(rng.integers(len(choices)))]
    raise ValueError(f"sweep space: {key!r} must be a list of choices or a (low, high) range, got {choices!r}")


def parse_value(text: str) -> Any:
    """A value typed on the command line: int, float, bool, None, hidden sizes "16x16", else the string."""
    lowered = text.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "none":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if "x" in lowered and all(part.isdigit() for part in lowered.split("x")):
        return tuple(int(part) for part in lowered.split("x"))
    return text.strip()


# ---------------------------------------------------------------------------------------- one run
@dataclass
class RunResult:
    """One configuration trained with one seed.

    Attributes
    ----------
    config : dict
        The full configuration (defaults filled in).
    seed : int
    metrics : dict of str to float
        The last epoch's values ("loss", "val_loss", "accuracy", "val_accuracy"...); empty when it failed.
    history : dict of str to list of float
        Every epoch's values.
    seconds : float
    error : str or None
        "ExceptionType: message" when the run failed.
    state : dict of str to ndarray, optional
        The trained weights (``model.state_dict()``).
    """

    config: dict[str, Any]
    seed: int
    metrics: dict[str, float] = field(default_factory=dict)
    history: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    error: Optional[str] = None
    state: Optional[dict[str, np.ndarray]] = None


@dataclass(frozen=True)
class _Data:
    """What a worker needs to get the data: a toy dataset's name (generated there) or the arrays themselves."""

    name: Optional[str]
    n_samples: int
    data_seed: int
    x: Optional[np.ndarray] = None
    y: Optional[np.ndarray] = None
    validation: Optional[tuple[Any, Any]] = None
    validation_split: float = 0.2

    def arrays(self) -> tuple[Any, Any]:
        if self.name is None:
            return self.x, self.y
        from zeronn.data import toy

        function_name, arguments = TOY_DATASETS[self.name]
        return getattr(toy, function_name)(self.n_samples, seed=self.data_seed, dtype=np.float32, **arguments)


def _mlp(config: dict[str, Any], input_shape: tuple[int, ...], n_outputs: int, rng: np.random.Generator) -> Layer:
    hidden = config["hidden"]
    sizes = (hidden,) if isinstance(hidden, int) else tuple(hidden)
    layers: list[Layer] = [Flatten()] if len(input_shape) > 1 else []
    previous = int(np.prod(input_shape))
    for size in sizes:
        layers += [Linear(previous, int(size), rng=rng), get_activation(config["activation"])]
        if config["dropout"]:
            layers.append(Dropout(float(config["dropout"]), rng=rng))
        previous = int(size)
    layers.append(Linear(previous, n_outputs, rng=rng))
    return Sequential(*layers)


def _optimizer(config: dict[str, Any], model: Layer) -> Any:
    from zeronn.optim import get_optimizer

    kwargs: dict[str, Any] = {"lr": float(config["lr"])}
    if config["weight_decay"]:
        kwargs["weight_decay"] = float(config["weight_decay"])
    if config["momentum"]:
        kwargs["momentum"] = float(config["momentum"])
    return get_optimizer(config["optimizer"], model.parameters(), **kwargs)


def _limit_threads(threads: int) -> Any:
    """A context that caps BLAS/OpenMP threads (threadpoolctl), or does nothing when it is not installed."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=threads)


def run_one(config: dict[str, Any], seed: int, data: _Data, task: dict[str, Any], builder: Optional[Builder],
            threads: int, keep_state: bool = True) -> RunResult:
    """Train ``config`` with ``seed`` (in whatever process this runs); never raises for a failing config."""
    from zeronn.train.fit import fit

    start = time.perf_counter()
    try:
        with _limit_threads(threads):
            x, y = data.arrays()
            if task["loss"] == "mse" and isinstance(y, np.ndarray) and y.ndim == 1:
                y = y.reshape(-1, 1)                                    # one value per sample: (n, 1)
            rng = np.random.default_rng(seed)
            build = builder or _mlp
            model = build(config, task["input_shape"], task["n_outputs"], rng)
            history = fit(model, x, y, loss=task["loss"], optimizer=_optimizer(config, model),
                          epochs=int(config["epochs"]), batch_size=int(config["batch_size"]),
                          validation_data=data.validation,
                          validation_split=0.0 if data.validation is not None else data.validation_split,
                          metrics=task["metrics"], seed=np.random.default_rng(seed + 1), verbose=0)
        curves = {key: [float(v) for v in history[key]] for key in history.keys() if key not in ("time", "lr")}
        metrics = {key: values[-1] for key, values in curves.items()}
        state = {name: array.copy() for name, array in model.state_dict().items()} if keep_state else None
        return RunResult(config, seed, metrics, curves, time.perf_counter() - start, None, state)
    except Exception as error:                                  # a failing configuration is a result, not a crash
        message = f"{type(error).__name__}: {error}".splitlines()[0]
        if os.environ.get("ZERONN_DEBUG"):
            message += "\n" + traceback.format_exc()
        return RunResult(config, seed, seconds=time.perf_counter() - start, error=message)


# ---------------------------------------------------------------------------------------- the result
def _mean_std(values: list[float]) -> tuple[float, float]:
    array = np.asarray(values, dtype=np.float64)
    return float(array.mean()), float(array.std(ddof=1)) if len(array) > 1 else 0.0


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return "x".join(str(v) for v in value)
    return str(value)


@dataclass
class SweepResult:
    """Every run of a sweep, and the table of configurations built from them.

    Attributes
    ----------
    runs : list of RunResult
        In the order configurations x seeds.
    keys : list of str
        The configuration entries that were varied (the table's first columns).
    metric : str
        What the table is sorted by ("val_accuracy" for classes, else "val_loss").
    rows : list of dict
        One per configuration, best first: the varied values, ``"<metric>_mean"``
        and ``"<metric>_std"`` for every metric, ``"runs"``, ``"failed"``, ``"error"``.
    best : dict
        The best row.
    paths : dict of str to str
        Files written with ``out=``.
    """

    runs: list[RunResult]
    keys: list[str]
    metric: str
    task: dict[str, Any]
    builder: Optional[Builder] = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    paths: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rows = self._table()

    @property
    def best(self) -> dict[str, Any]:
        return self.rows[0]

    @property
    def metric_names(self) -> list[str]:
        names: list[str] = []
        for run in self.runs:
            names += [key for key in run.metrics if key not in names]
        return sorted(names, key=lambda k: (k != self.metric, k.startswith("val_") is False, k))

    def _table(self) -> list[dict[str, Any]]:
        groups: dict[str, list[RunResult]] = {}
        for run in self.runs:
            groups.setdefault(repr(sorted(run.config.items())), []).append(run)
        rows = []
        for runs in groups.values():
            row: dict[str, Any] = {key: runs[0].config[key] for key in self.keys}
            ok = [run for run in runs if run.error is None]
            for name in self.metric_names:
                values = [run.metrics[name] for run in ok if name in run.metrics]
                if values:
                    row[f"{name}_mean"], row[f"{name}_std"] = _mean_std(values)
            row["runs"], row["failed"] = len(ok), len(runs) - len(ok)
            row["error"] = next((run.error for run in runs if run.error), "")
            row["seconds"] = float(np.mean([run.seconds for run in runs]))
            row["config"] = dict(runs[0].config)
            rows.append(row)
        high = higher_is_better(self.metric)
        key = f"{self.metric}_mean"

        tie = "val_loss_mean" if self.metric != "val_loss" else "loss_mean"

        def order(row: dict[str, Any]) -> tuple[int, float, float]:
            value = row.get(key)
            if value is None or not math.isfinite(value):
                return (1, 0.0, 0.0)                                    # failed configurations last
            return (0, -value if high else value, row.get(tie, 0.0))   # ties: the lower loss first

        return sorted(rows, key=order)

    def best_run(self) -> RunResult:
        """The best configuration's run with the best value of ``metric``."""
        config = self.best["config"]
        candidates = [run for run in self.runs if run.config == config and run.error is None]
        if not candidates:
            raise RuntimeError("every run of the sweep failed; see the table's error column")
        high = higher_is_better(self.metric)
        return (max if high else min)(candidates, key=lambda run: run.metrics.get(self.metric, math.nan))

    def best_model(self) -> Layer:
        """The model of ``best_run()``, rebuilt and filled with its trained weights (in eval mode)."""
        run = self.best_run()
        build = self.builder or _mlp
        model = build(run.config, self.task["input_shape"], self.task["n_outputs"], np.random.default_rng(run.seed))
        model.load_state_dict(run.state or {})
        return model.eval()

    # ------------------------------------------------------------------ writing
    def _columns(self) -> list[str]:
        columns = list(self.keys)
        for name in self.metric_names:
            columns += [f"{name}_mean", f"{name}_std"]
        return columns + ["runs", "failed", "seconds", "error"]

    def to_markdown(self) -> str:
        """The table as Markdown: one row per configuration, best first, metrics as mean ± std over seeds."""
        header = ["rank", *self.keys, *self.metric_names, "runs", "s/run"]
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for rank, row in enumerate(self.rows, start=1):
            cells = [str(rank), *(_format_value(row[key]) for key in self.keys)]
            if row["runs"] == 0:
                cells += [f"failed: {row['error']}"] + [""] * (len(self.metric_names) - 1)
            else:
                for name in self.metric_names:
                    mean, std = row.get(f"{name}_mean"), row.get(f"{name}_std")
                    cells.append("" if mean is None else f"{mean:.4f} ± {std:.4f}")
            runs = f"{row['runs']}" + (f" ({row['failed']} failed)" if row["failed"] else "")
            cells += [runs, f"{row['seconds']:.2f}"]
            lines.append("| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |")
        seeds = sorted({run.seed for run in self.runs})
        lines.append("")
        lines.append(f"Sorted by {self.metric} ({'higher' if higher_is_better(self.metric) else 'lower'} is better); "
                     f"mean ± standard deviation over seeds {', '.join(map(str, seeds))}.")
        return "\n".join(lines) + "\n"

    def to_csv(self, path: PathLike) -> None:
        """The table (one row per configuration, sorted) as CSV."""
        columns = self._columns()
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            for row in self.rows:
                writer.writerow([_format_value(row.get(column, "")) for column in columns])

    def runs_to_csv(self, path: PathLike) -> None:
        """Every run (configuration, seed, final metrics, error) as CSV."""
        config_keys = list(self.runs[0].config) if self.runs else []
        names = self.metric_names
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([*config_keys, "seed", *names, "seconds", "error"])
            for run in self.runs:
                writer.writerow([*(_format_value(run.config[k]) for k in config_keys), run.seed,
                                 *(_format_value(run.metrics.get(n, "")) for n in names), f"{run.seconds:.3f}",
                                 run.error or ""])

    def plot_curves(self, path: Optional[PathLike] = None, *, key: Optional[str] = None) -> Any:
        """Overlay ``key`` (default "val_loss", else "loss") of every run, one colour per configuration."""
        from zeronn.plot._colors import class_color
        from zeronn.plot._mpl import finish, new_figure

        key = key or ("val_loss" if any("val_loss" in run.history for run in self.runs) else "loss")
        figure = new_figure((7.0, 4.5), 100)
        ax = figure.add_subplot()
        for index, row in enumerate(self.rows):
            label = ", ".join(f"{k}={_format_value(row[k])}" for k in self.keys) or "default"
            for n, run in enumerate(r for r in self.runs if r.config == row["config"] and key in r.history):
                curve = run.history[key]
                ax.plot(np.arange(1, len(curve) + 1), curve, color=class_color(index), alpha=0.8, linewidth=1.2,
                        label=label if n == 0 else None)
        ax.set_xlabel("epoch")
        ax.set_ylabel(key)
        drawn = sum(key in run.history for run in self.runs)
        ax.set_title(f"{key} of every run ({drawn} runs)")
        ax.grid(True, alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="best")
        return finish(figure, path, 100)

    def save(self, out: PathLike, *, plot: bool = True) -> dict[str, str]:
        """Write results.csv, results.md, runs.csv, curves.png (with matplotlib) and best_model.safetensors."""
        from zeronn.io import save as save_model

        os.makedirs(out, exist_ok=True)
        paths = {name: os.path.join(os.fspath(out), name)
                 for name in ("results.csv", "results.md", "runs.csv", "curves.png", "best_model.safetensors")}
        self.to_csv(paths["results.csv"])
        with open(paths["results.md"], "w", encoding="utf-8") as handle:
            handle.write(self.to_markdown())
        self.runs_to_csv(paths["runs.csv"])
        if plot:
            try:
                self.plot_curves(paths["curves.png"])
            except ImportError:
                del paths["curves.png"]                                 # matplotlib not installed
        else:
            del paths["curves.png"]
        if any(run.error is None for run in self.runs):
            run = self.best_run()
            save_model(self.best_model(), paths["best_model.safetensors"], metadata={
                "format": "zeronn-cli-info", "version": 1, "input_shape": list(self.task["input_shape"]),
                "output": "logits" if self.task["loss"] == "cross_entropy" else "values",
                "sweep": {"config": {k: _format_value(v) for k, v in run.config.items()}, "seed": run.seed,
                          "metric": self.metric, "value": run.metrics.get(self.metric)},
            })
        else:
            del paths["best_model.safetensors"]
        self.paths = paths
        return paths


# ---------------------------------------------------------------------------------------- running them all
def _target_facts(y: Any) -> tuple[np.dtype, int, int]:
    """dtype, ndim and largest value of the targets, read in blocks (never all at once)."""
    largest = 0
    for start in range(0, len(y), 65536):
        block = np.asarray(y[start:start + 65536])                      # (block, ...)
        if block.size and block.dtype.kind in "biu":
            largest = max(largest, int(block.max()))
    first = np.asarray(y[0:1])
    return first.dtype, first.ndim, largest


def _task(x: Any, y: Any) -> dict[str, Any]:
    """Input shape, outputs, loss and metrics, from the data (integer labels: cross-entropy and accuracy)."""
    from zeronn.data.loader import as_sample_array, inputs_and_targets

    x, y = inputs_and_targets(x, y)
    if y is None:
        raise ValueError("sweep: the data has no targets; give (x, y) or a dataset returning (inputs, targets)")
    x, y = as_sample_array("x", x), as_sample_array("y", y)
    dtype, ndim, largest = _target_facts(y)
    if ndim == 1 and dtype.kind in "biu":
        return {"input_shape": tuple(x.shape[1:]), "n_outputs": largest + 1, "loss": "cross_entropy",
                "metrics": ("accuracy",), "metric": "val_accuracy"}
    outputs = 1 if ndim == 1 else int(np.prod(y.shape[1:]))
    return {"input_shape": tuple(x.shape[1:]), "n_outputs": outputs, "loss": "mse", "metrics": (),
            "metric": "val_loss"}


def _data_spec(data: Any, n_samples: int, data_seed: int, validation_data: Any,
               validation_split: float) -> _Data:
    if isinstance(data, str):
        if data not in TOY_DATASETS:
            raise ValueError(f"sweep: unknown dataset {data!r}; toy datasets are {', '.join(TOY_DATASETS)}, "
                             "or give (x, y) arrays")
        return _Data(data, n_samples, data_seed, validation=validation_data, validation_split=validation_split)
    from zeronn.data.loader import is_dataset

    if is_dataset(data):                                                # a dataset of (inputs, targets) pairs
        return _Data(None, 0, data_seed, data, None, validation_data, validation_split)
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise TypeError(f"sweep: data must be a toy dataset name, a pair (x, y) or a dataset object, "
                        f"got {type(data).__name__}")
    return _Data(None, 0, data_seed, data[0], data[1], validation_data, validation_split)


def _execute(calls: list[tuple[Any, ...]], jobs: int, dask: Any, threads: int) -> list[RunResult]:
    if dask is None and jobs == 1:
        return [run_one(*call) for call in calls]
    from joblib import Parallel, delayed, parallel_config

    if isinstance(dask, str):                                           # an address: connect for this sweep only
        from distributed import Client

        with Client(dask) as client:
            return _execute(calls, jobs, client, threads)
    if dask is not None:
        with parallel_config(backend="dask", client=dask):
            return list(Parallel(n_jobs=-1)(delayed(run_one)(*call) for call in calls))
    with parallel_config(backend="loky", inner_max_num_threads=threads):
        return list(Parallel(n_jobs=jobs)(delayed(run_one)(*call) for call in calls))


def _check_seeds(seeds: Union[int, Sequence[int]]) -> list[int]:
    if isinstance(seeds, bool):
        raise TypeError("sweep: seeds must be a number of seeds or a list of ints, got a bool")
    if isinstance(seeds, (int, np.integer)):
        if seeds < 1:
            raise ValueError(f"sweep: seeds must be at least 1, got {seeds}")
        return list(range(int(seeds)))
    values = [int(s) for s in seeds]
    if not values:
        raise ValueError("sweep: seeds is empty")
    return values


def sweep(
    data: Any = "moons",
    grid: Optional[Mapping[str, Sequence[Any]]] = None,
    *,
    space: Optional[Mapping[str, Any]] = None,
    n_trials: Optional[int] = None,
    seeds: Union[int, Sequence[int]] = 3,
    jobs: int = 1,
    dask: Any = None,
    out: Optional[PathLike] = None,
    base: Optional[Mapping[str, Any]] = None,
    model: Optional[Builder] = None,
    metric: Optional[str] = None,
    validation_data: Optional[tuple[Any, Any]] = None,
    validation_split: float = 0.2,
    n_samples: int = 500,
    data_seed: int = 0,
    search_seed: int = 0,
    threads_per_worker: int = 1,
    plot: bool = True,
) -> SweepResult:
    """Train every configuration with every seed and tabulate the results.

    Parameters
    ----------
    data : str, (x, y) or a dataset object, default "moons"
        A toy dataset name (``TOY_DATASETS``: made with ``n_samples`` points
        and ``data_seed`` in each worker), arrays (``np.memmap`` too: joblib
        hands large arrays to its workers as memory maps, nothing is copied),
        or a dataset object returning ``(inputs, targets)`` batches for index
        arrays (see ``zeronn.data.loader``; it is sent to the workers).
    grid : dict of str to list, optional
        Grid search: every combination, e.g. ``{"lr": [1e-3, 1e-2], "activation": ["relu", "tanh"]}``.
    space : dict, optional
        Random search instead: ``n_trials`` configurations drawn from ``space``
        (lists of choices, or ``(low, high)`` ranges; see ``random_configs``).
    n_trials : int, optional
        Number of random configurations (with ``space``).
    seeds : int or list of int, default 3
        Seeds 0..seeds-1, or these seeds.  Each seeds the weights, dropout and shuffling.
    jobs : int, default 1
        Local worker processes (joblib); 1 runs everything in this process.
    dask : distributed.Client or str, optional
        Run on this Dask cluster (or the scheduler at this address, "tcp://host:port").
    out : str or os.PathLike, optional
        Folder for results.csv, results.md, runs.csv, curves.png and best_model.safetensors.
    base : dict, optional
        Values that override ``DEFAULTS`` for every run (e.g. ``{"epochs": 50}``).
    model : callable, optional
        ``model(config, input_shape, n_outputs, rng) -> Layer``; default an MLP
        from ``config["hidden"]``, ``config["activation"]`` and ``config["dropout"]``.
    metric : str, optional
        Sort key: default "val_accuracy" for class labels, "val_loss" otherwise.
    validation_data : (x_val, y_val), optional
        Held-out data; default the last ``validation_split`` of the data.
    threads_per_worker : int, default 1
        BLAS threads of every run (serial runs too, so all modes compute alike).
    plot : bool, default True
        Draw curves.png with ``out`` (needs matplotlib).

    Returns
    -------
    SweepResult
    """
    if (grid is None) == (space is None):
        raise ValueError("sweep: give grid= (grid search) or space= with n_trials= (random search)")
    if space is not None:
        if n_trials is None:
            raise ValueError("sweep: a random search (space=) needs n_trials=")
        configs = random_configs(space, n_trials, search_seed)
        keys = list(space)
    else:
        configs = grid_configs(grid or {})
        keys = list(grid or {})
    defaults = {**DEFAULTS, **(base or {})}
    unknown = sorted((set(keys) | set(base or {})) - set(DEFAULTS)) if model is None else []
    if unknown:
        raise ValueError(f"sweep: unknown configuration entries {unknown}; the default MLP knows "
                         f"{', '.join(DEFAULTS)} (pass model= to use others)")
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"sweep: jobs must be a positive integer, got {jobs!r}")
    seed_list = _check_seeds(seeds)
    spec = _data_spec(data, n_samples, data_seed, validation_data, validation_split)
    x, y = spec.arrays()
    task = _task(x, y)
    full_configs = [{**defaults, **config} for config in configs]
    calls = [(config, seed, spec, task, model, threads_per_worker) for config in full_configs for seed in seed_list]
    runs = _execute(calls, jobs, dask, threads_per_worker)
    result = SweepResult(runs, keys, metric or task["metric"], task, model)
    if out is not None:
        result.save(out, plot=plot)
    return result
