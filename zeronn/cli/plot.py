"""``zeronn plot HISTORY.json``: loss and accuracy curves of a saved training history."""

from __future__ import annotations

import argparse
import os
from typing import Any

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
    parser.add_argument("history", metavar="HISTORY",
                        help="history.json or history.csv (or a run folder holding history.json)")
    parser.add_argument("--out", metavar="PNG", help="the picture to write (default: the history's name with .png)")
    parser.add_argument("--logy", action="store_true", help="logarithmic loss axis")
    parser.set_defaults(handler=run)
    return parser


def read_history(path: str) -> Any:
    """Read a history file (``History.to_json``'s JSON or ``History.to_csv``'s CSV) as a ``History``."""
    if os.path.isdir(path):
        path = os.path.join(path, "history.json")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"history file not found: {path}")
    from zeronn.train import History

    if path.lower().endswith(".csv"):
        return History.from_csv(path)
    return History.from_json(path)


def run(args: argparse.Namespace) -> int:
    """Write the curves; return the exit code."""
    from zeronn.plot import plot_history

    history = read_history(args.history)
    source = os.path.join(args.history, "history.json") if os.path.isdir(args.history) else args.history
    out = args.out or os.path.splitext(source)[0] + ".png"
    plot_history(history, out, logy=args.logy)
    print(f"curves saved to {out}")
    return 0
