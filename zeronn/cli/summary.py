"""``zeronn summary MODEL``: the layers of a saved model, their output shapes and parameter counts."""

from __future__ import annotations

import argparse
import math
import re
from typing import Any, Optional

from zeronn.cli.errors import CLIError

__all__ = ["add_parser", "run", "parse_shape", "MAX_INPUT_VALUES"]

#: Largest sample --input-shape accepts (values in one sample, e.g. 3 x 4096 x 4096 is 50 million).
MAX_INPUT_VALUES = 100_000_000

DESCRIPTION = """\
Show a saved model: each layer with its output shape and number of parameters,
the total, and what the model was trained on (when the model file says so).
"""

EPILOG = """\
examples:
  zeronn summary runs/lenet/model.safetensors
  zeronn summary runs/lenet                          a run folder works too
  zeronn summary my_model.safetensors --input-shape 1,28,28
                                                     for a model saved without its input shape
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``summary`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "summary",
        help="layers, output shapes and parameter counts of a model file",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", metavar="MODEL", help="a model file (model.safetensors) or a run folder")
    parser.add_argument("--input-shape", type=parse_shape, metavar="SHAPE",
                        help="one sample's shape without the batch axis, e.g. 784 or 1,28,28 "
                             "(default: as stored in the model file)")
    parser.set_defaults(handler=run)
    return parser


def parse_shape(text: str) -> tuple[int, ...]:
    """Parse ``"1,28,28"`` (or ``"1x28x28"``) into ``(1, 28, 28)``; argparse reports a ValueError."""
    parts = re.split(r"\s*[,x]\s*|\s+", text.strip())
    try:
        shape = tuple(int(part) for part in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a shape is positive integers separated by commas, got {text!r}") from None
    if not shape or min(shape) < 1:
        raise argparse.ArgumentTypeError(f"a shape is positive integers separated by commas, got {text!r}")
    if math.prod(shape) > MAX_INPUT_VALUES:
        raise argparse.ArgumentTypeError(f"one sample of shape {text} would hold {math.prod(shape):,} values; "
                                         f"at most {MAX_INPUT_VALUES:,}")
    return shape


def describe_training(info: dict[str, Any]) -> list[str]:
    """Lines about what the model was trained on, from its info."""
    lines = []
    spec = info.get("data", {}).get("spec", {})
    if spec.get("name"):
        source = spec.get("path") if spec["name"] == "csv" else spec["name"]
        lines.append(f"trained on: {source}")
    classes = info.get("classes")
    if classes:
        shown = ", ".join(classes[:12]) + (", ..." if len(classes) > 12 else "")
        lines.append(f"classes ({len(classes)}): {shown}")
    training = info.get("training", {})
    if training.get("command"):
        lines.append(f"command: {training['command']}")
    for name, value in training.get("test_metrics", {}).items():
        lines.append(f"test {name}: {value:.4f}" if isinstance(value, float) else f"test {name}: {value}")
    return lines


def run(args: argparse.Namespace) -> int:
    """Print the summary; return the exit code."""
    from zeronn.cli.modelfile import load_model

    model, info = load_model(args.model)
    stored = info.get("input_shape")
    shape: Optional[tuple[int, ...]] = args.input_shape or (tuple(stored) if stored else None)
    for line in describe_training(info):
        print(line)
    if shape is None:
        print(repr(model))
        print(f"Total parameters: {model.num_parameters():,}")
        print("(give --input-shape, e.g. 1,28,28, to see each layer's output shape)")
        return 0
    try:
        text = model.summary(shape, print_fn=None)
    except ValueError as error:
        raise CLIError(f"the model does not take input of shape {shape}: {error}") from None
    print(text)
    return 0
