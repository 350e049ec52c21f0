"""``zeronn sweep``: which learning rate, which activation?  Train every combination with several seeds."""

from __future__ import annotations

import argparse
import os
from typing import Any

from zeronn.cli.errors import CLIError

__all__ = ["add_parser", "run", "parse_grid"]

DESCRIPTION = """\
Train a small MLP for every combination of the values given with --grid, once per
seed, and write a table of the results (mean ± std over the seeds, best first),
the curves of every run overlaid, and the best configuration's model.

Runs go to local worker processes with --jobs N (one BLAS thread each), or to a
Dask cluster with --dask-scheduler tcp://HOST:PORT. The same seeds give the same
numbers either way. A configuration that fails is reported in the table.
Ctrl-C stops the workers.

Entries (default): hidden (16x16), activation (relu), optimizer (adam), lr (0.01),
epochs (30), batch_size (32), weight_decay (0), momentum (0), dropout (0).
"""

EPILOG = """\
examples:
  zeronn sweep --data moons --grid lr=1e-3,1e-2,1e-1 activation=relu,tanh --seeds 3 --jobs 2
  zeronn sweep --data spirals --grid hidden=8,16x16,32x32 --set epochs=60 --out sweeps/spirals
  zeronn sweep --data moons --random 12 --grid lr=1e-4:1 activation=relu,tanh,gelu
  zeronn sweep --data flowers.csv --grid lr=1e-3,1e-2 --dask-scheduler tcp://10.0.0.5:8786
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``sweep`` on the ``zeronn`` command's subparsers."""
    from zeronn.sweep import TOY_DATASETS

    parser = subparsers.add_parser(
        "sweep",
        help="train every combination of hyper-parameters with several seeds; table of mean ± std",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", default="moons",
                        help=f"a toy dataset ({', '.join(TOY_DATASETS)}) or a CSV file (label in the last column)")
    parser.add_argument("--grid", nargs="+", metavar="KEY=V1,V2", required=True,
                        help="values to try, e.g. lr=1e-3,1e-2 activation=relu,tanh hidden=16,16x16; "
                             "with --random, LOW:HIGH is a range")
    parser.add_argument("--random", type=int, metavar="N", help="random search: N configurations drawn from --grid")
    parser.add_argument("--set", nargs="+", default=[], metavar="KEY=VALUE",
                        help="fixed values for every run, e.g. epochs=50 batch_size=64")
    parser.add_argument("--seeds", type=int, default=3, help="seeds per configuration (default 3)")
    parser.add_argument("--jobs", type=int, default=1, help="local worker processes (default 1)")
    parser.add_argument("--dask-scheduler", metavar="ADDRESS", help="run on this Dask scheduler (tcp://HOST:PORT)")
    parser.add_argument("--samples", type=int, default=500, help="points of a toy dataset (default 500)")
    parser.add_argument("--metric", help="sort by this (default val_accuracy, or val_loss for regression)")
    parser.add_argument("--out", metavar="DIR", help="folder for the results (default sweeps/<data>)")
    parser.add_argument("--no-plots", action="store_true", help="do not draw curves.png")
    parser.set_defaults(handler=run, interrupt_hint=" (the sweep's workers were stopped)")
    return parser


def _pair(text: str, option: str) -> tuple[str, str]:
    key, sep, values = text.partition("=")
    if not sep or not key.strip() or not values.strip():
        raise CLIError(f"{option} takes KEY=VALUES, e.g. lr=1e-3,1e-2; got {text!r}")
    return key.strip(), values.strip()


def parse_grid(items: list[str], *, ranges: bool = False) -> dict[str, Any]:
    """['lr=1e-3,1e-2', 'activation=relu,tanh'] -> {'lr': [0.001, 0.01], 'activation': ['relu', 'tanh']}.

    With ``ranges``, 'lr=1e-4:1' becomes the range (0.0001, 1.0) of a random search.
    """
    from zeronn.sweep import parse_value

    grid: dict[str, Any] = {}
    for item in items:
        key, values = _pair(item, "--grid")
        if key in grid:
            raise CLIError(f"--grid names {key!r} twice")
        if ranges and ":" in values:
            low, _, high = values.partition(":")
            bounds = (parse_value(low), parse_value(high))
            numbers = all(isinstance(b, (int, float)) and not isinstance(b, bool) for b in bounds)
            if not numbers or bounds[0] >= bounds[1]:
                raise CLIError(f"--grid {key}: a range is LOW:HIGH with numbers LOW < HIGH, got {values!r}")
            grid[key] = bounds
        else:
            grid[key] = [parse_value(value) for value in values.split(",")]
    return grid


def _read_data(name: str) -> Any:
    from zeronn.sweep import TOY_DATASETS

    if name in TOY_DATASETS:
        return name
    if not name.lower().endswith(".csv"):
        raise CLIError(f"unknown --data {name!r}: use one of {', '.join(TOY_DATASETS)} or a .csv file")
    import numpy as np

    from zeronn.data import read_csv

    table = read_csv(name)
    classes, labels = np.unique(np.asarray(table.labels), return_inverse=True)
    if len(classes) < 2:
        raise CLIError(f"{name}: the label column {table.label_column!r} has a single class")
    return (table.features.astype(np.float32), labels.astype(np.int64))


def _dask_client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise CLIError('--dask-scheduler needs Dask: pip install "zeronn[dask]"') from None
    try:
        return Client(address, timeout=10)
    except OSError as error:
        raise CLIError(f"cannot reach the Dask scheduler at {address}: {error}") from None


def run(args: argparse.Namespace) -> int:
    """Run the sweep; return the exit code."""
    from zeronn.sweep import grid_configs, parse_value, sweep

    grid = parse_grid(args.grid, ranges=args.random is not None)
    base = {key: parse_value(value) for key, value in (_pair(item, "--set") for item in args.set)}
    data = _read_data(args.data)
    label = os.path.splitext(os.path.basename(args.data))[0]
    out = args.out or os.path.join("sweeps", label)
    client = _dask_client(args.dask_scheduler) if args.dask_scheduler else None
    search = {"space": grid, "n_trials": args.random} if args.random is not None else {"grid": grid}
    where = f"Dask at {args.dask_scheduler}" if client is not None else (
        f"{args.jobs} worker processes" if args.jobs > 1 else "this process")
    print(f"sweep on {label}: {args.random or len(grid_configs(grid))} configurations x {args.seeds} seeds, "
          f"in {where}")
    try:
        result = sweep(data, **search, seeds=args.seeds, jobs=args.jobs, dask=client, out=out, base=base,
                       metric=args.metric, n_samples=args.samples, plot=not args.no_plots)
    finally:
        if client is not None:
            client.close()
    print(result.to_markdown(), end="")
    print(f"best: {', '.join(f'{k}={v}' for k, v in result.best['config'].items() if k in result.keys)}")
    for name, path in result.paths.items():
        print(f"{name:24s} {path}")
    if result.best["runs"] == 0:
        raise CLIError("every configuration failed; see the table above")
    return 0

