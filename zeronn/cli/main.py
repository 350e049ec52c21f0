"""The ``zeronn`` command: ``zeronn demo``, ``train``, ``evaluate``, ``predict``, ``summary``, ``plot``.

``main(argv)`` parses the arguments, runs the command and returns its exit
code: 0 on success, 1 when the command fails (a one-line
``zeronn: error: ...`` on stderr), 2 for arguments argparse rejects, 70 for an
internal error (a bug in zeronn: ``zeronn: internal error: ...``), 130 when
interrupted with Ctrl-C.  It never lets a traceback reach the user unless
``--debug`` (or ``ZERONN_DEBUG=1``) asks for one; see ``zeronn.cli.errors``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, Optional

import numpy as np

from zeronn.cli.errors import error_line

__all__ = ["main", "build_parser", "OneLineErrorParser"]

DESCRIPTION = """\
ZeroNN: neural networks built from zero in NumPy, from the command line.

Start with the tutorial's network, then train, inspect and use your own models.
Every command has its own help with examples: zeronn COMMAND --help.
"""

EPILOG = """\
a first session:
  zeronn demo                                          the tutorial's network learns XOR
  zeronn train --data moons --epochs 50 --out runs/moons
                                                       train an MLP, write model, history, plots, report
  zeronn train --data mnist --model lenet --out runs/lenet
  zeronn evaluate runs/lenet/model.safetensors          accuracy, per-class scores, confusion matrix
  zeronn predict runs/lenet/model.safetensors digit.png
  zeronn summary runs/lenet/model.safetensors           layers, shapes, parameter counts
  zeronn plot runs/lenet/history.json                  loss and accuracy curves

Add --debug before the command to see the full traceback of an error.
"""

COMMAND_MODULES = (
    "demo",
    "train",
    "evaluate",
    "predict",
    "summary",
    "plot",
    "export",
    "sweep",
    "playground",
    "lesson",
    "exercise",
    "explain",
    "doctor",
    "lr_find",
)


class OneLineErrorParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: ``zeronn train: error: ... (see: zeronn train --help)``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see: {self.prog} --help)\n")


def _version() -> str:
    """``0.1.0 (kernels: numpy, NumPy 2.4.6)``: the version and what runs the kernels (``zeronn.set_backend``)."""
    import zeronn
    from zeronn.kernels import backend_info

    info = backend_info()
    libraries = f"numba {info['numba']}, NumPy {info['numpy']}" if "numba" in info else f"NumPy {info['numpy']}"
    return f"{zeronn.__version__} (kernels: {info['backend']}, {libraries})"


def build_parser() -> OneLineErrorParser:
    """Build the ``zeronn`` parser with one subcommand per module in ``zeronn.cli``."""
    import importlib

    parser = OneLineErrorParser(
        prog="zeronn",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"zeronn {_version()}")
    parser.add_argument("--debug", action="store_true",
                        help="show the full Python traceback when a command fails")
    subparsers = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"zeronn.cli.{name}").add_parser(subparsers)
    return parser


def _exit_code(error: SystemExit) -> int:
    code = error.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``zeronn`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except SystemExit as error:                 # --help, --version, or an argument argparse rejected
        return _exit_code(error)
    if args.command is None:
        parser.print_help()
        return 0
    args.argv = argv
    debug = args.debug or os.environ.get("ZERONN_DEBUG", "") not in ("", "0")
    try:
        if debug:
            return int(args.handler(args) or 0)
        with np.errstate(all="ignore"):        # overflow/NaN warnings: training reports NaN itself, in one line
            return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        hint = getattr(args, "interrupt_hint", "")
        print(f"\nzeronn: interrupted{hint}", file=sys.stderr)
        return 130
    except BrokenPipeError:                     # output piped into `head` and closed early
        _silence_stdout()
        return 0
    except Exception as error:                  # one line, never a traceback (see zeronn.cli.errors)
        if debug:
            raise
        line, code = error_line(error)
        print(line, file=sys.stderr)
        return code


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so Python's exit flush does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


if __name__ == "__main__":                     # python -m zeronn.cli.main
    sys.exit(main())
