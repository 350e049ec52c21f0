"""``zeronn plot HISTORY.json``: loss and accuracy curves of a saved training history."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from zeronn.cli.errors import CLIError

__all__ = ["add_parser", "run", "read_history"]

DESCRIPTION = """\
Draw the loss and metric curves (training and validation, one panel each) of
a history saved by `zeronn train` (history.json) or by History.to_json.
"""

EPILOG = """\
examples:
  zeronn plot runs/moons/history.json                 writes runs/moons/history.png
  zeronn plot runs/moons/history.json --out curves.png --logy
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``plot`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "plot",
        help="loss and accuracy curves of a saved history (history.json)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("history", metavar="HISTORY", help="a history JSON file (or a run folder holding history.json)")
    parser.add_argument("--out", metavar="PNG", help="the picture to write (default: the history's name with .png)")
    parser.add_argument("--logy", action="store_true", help="logarithmic loss axis")
    parser.set_defaults(handler=run)
    return parser


def read_history(path: str) -> Any:
    """Read a history JSON file as a ``History`` (or, failing that, a dict of lists)."""
    if os.path.isdir(path):
        path = os.path.join(path, "history.json")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"history file not found: {path}")
    try:
        from zeronn.train import History

        return History.from_json(path)
    except ImportError:
        pass
    with open(path, encoding="utf-8") as handle:
        try:
            data = json.load(handle)
        except ValueError as error:
            raise CLIError(f"{path} is not valid JSON: {error}") from None
    return data.get("history", data) if isinstance(data, dict) else data


def run(args: argparse.Namespace) -> int:
    """Write the curves; return the exit code."""
    from zeronn.plot import plot_history

    history = read_history(args.history)
    source = os.path.join(args.history, "history.json") if os.path.isdir(args.history) else args.history
    out = args.out or os.path.splitext(source)[0] + ".png"
    plot_history(history, out, logy=args.logy)
    print(f"curves saved to {out}")
    return 0
