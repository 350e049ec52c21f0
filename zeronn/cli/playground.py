"""``zeronn playground``: a local page where a network learns in front of you (TensorFlow Playground, on ZeroNN)."""

from __future__ import annotations

import argparse
import os
import sys
import webbrowser
from typing import Any

from zeronn.cli.errors import CLIError

__all__ = ["add_parser", "run", "DATA_CHOICES"]

DESCRIPTION = """\
Start a local web page where you build a small network (features, hidden
layers, activation, optimizer, regularization), press play and watch it learn
a 2-D dataset: the decision heat-map, every neuron's picture, the weights,
the losses and what the training doctor says.  Training runs here, in Python,
with ZeroNN itself; the page fetches nothing from the internet.  Download the
trained model (.safetensors, read by zeronn.load) or the Python code that
builds and trains the same network.  Stop with Ctrl-C.
"""

EPILOG = """\
examples:
  zeronn playground                                    opens the page in your browser
  zeronn playground --data spirals --lang zh           start on the spiral, in Chinese
  zeronn playground --data points.csv --no-browser     your own CSV: two feature columns and a label
  zeronn playground --port 8765                        a fixed port (default: any free one)
"""

#: Built-in names accepted by --data (anything ending in .csv is a file).
DATA_CHOICES = ("circles", "xor", "gauss", "spirals", "moons", "blobs", "plane", "multigauss")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``playground`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "playground",
        help="a local page where a network learns in front of you",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", default="circles", metavar="NAME|FILE.csv",
                        help=f"starting dataset: {', '.join(DATA_CHOICES)}, or a CSV file (default: circles)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: only this machine can connect)")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default 0: any free port)")
    parser.add_argument("--no-browser", action="store_true", help="print the address but do not open a browser")
    parser.add_argument("--lang", choices=("en", "zh"), default=None,
                        help="language of the page (default: $ZERONN_LANG, else English)")
    parser.add_argument("--max-sessions", type=int, default=16, metavar="N",
                        help="browser tabs served at once; the least recently used is forgotten (default 16)")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    parser.set_defaults(handler=run)
    return parser


def _starting_config(args: argparse.Namespace) -> tuple[Any, Any]:
    """The settings a new tab starts from, and the CSV file (or None)."""
    from zeronn.lang import resolve_lang
    from zeronn.playground import PlaygroundConfig, read_csv_source

    lang = resolve_lang(args.lang)
    if args.data.lower().endswith(".csv") or os.path.sep in args.data:
        if not os.path.isfile(args.data):
            raise CLIError(f"--data: no such CSV file: {args.data}")
        return PlaygroundConfig(data="csv", lang=lang, layers=[4, 4]), read_csv_source(args.data)
    if args.data not in DATA_CHOICES:
        raise CLIError(f"--data must be one of {', '.join(DATA_CHOICES)} or a .csv file, got {args.data!r}")
    return PlaygroundConfig(data=args.data, lang=lang), None


def run(args: argparse.Namespace) -> int:
    """Serve the playground until Ctrl-C; return the exit code."""
    from zeronn.playground import PlaygroundServer

    if not 0 <= args.port <= 65535:
        raise CLIError(f"--port must be 0 to 65535, got {args.port}")
    if args.max_sessions < 1:
        raise CLIError(f"--max-sessions must be at least 1, got {args.max_sessions}")
    config, csv_source = _starting_config(args)
    try:
        server = PlaygroundServer((args.host, args.port), config=config, csv_source=csv_source,
                                  max_sessions=args.max_sessions, quiet=not args.verbose)
    except OSError as error:
        raise CLIError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}") from None
    print(f"ZeroNN playground at {server.url}  (Ctrl-C stops it)", flush=True)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {args.host}: other machines can reach this page", file=sys.stderr)
    if not args.no_browser:
        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nplayground stopped", flush=True)
    finally:
        server.server_close()
    return 0
