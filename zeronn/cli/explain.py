"""``zeronn explain MODEL``: one batch walked through a saved model, every formula with its live shapes."""

from __future__ import annotations

import argparse
import os
from typing import Any, Optional

import numpy as np

from zeronn.cli.errors import CLIError

__all__ = ["add_parser", "run", "read_input"]

DESCRIPTION = """\
Walk one small batch through a saved model and show, layer by layer, the
forward formula with the live shapes and the first numbers, the output
statistics, the loss, and the backward formulas with the gradient shapes.

The batch: --input FILE (a .npy array, or a .csv/.txt table of numbers, one
sample per row), prepared the way the model's training data was; by default a
few test samples of the dataset the model was trained on, or random inputs
when that dataset is not available.
"""

EPILOG = """\
examples:
  zeronn explain runs/moons/model.safetensors
  zeronn explain runs/moons --samples 2 --lang zh          a run folder works too; in Chinese
  zeronn explain model.safetensors --input batch.npy --markdown > explain.md
  zeronn demo --explain                                    the tutorial's own network
"""

#: Largest batch explained (the text shows every layer for every sample's shapes).
MAX_SAMPLES = 1024


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``explain`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "explain",
        help="show one batch going through a model: formulas, shapes, numbers, gradients",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", metavar="MODEL", help="a model file (model.safetensors) or a run folder")
    parser.add_argument("--input", metavar="FILE", help="inputs: a .npy file, or a .csv/.txt file of numbers")
    parser.add_argument("--samples", type=int, default=4, metavar="N", help="samples in the batch (default: 4)")
    parser.add_argument("--lang", choices=("en", "zh"), help="language of the text (default: $ZERONN_LANG or en)")
    parser.add_argument("--markdown", action="store_true", help="print Markdown instead of plain text")
    parser.add_argument("--seed", type=int, default=0, help="seed of random inputs (default: 0)")
    parser.set_defaults(handler=run)
    return parser


def read_input(path: str, input_shape: Optional[tuple[int, ...]]) -> np.ndarray:
    """Read a batch from a .npy file (no pickles) or a text file of numbers, shaped (N, *input_shape)."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"input file not found: {path}")
    if path.endswith(".npy"):
        try:
            x = np.load(path, allow_pickle=False)
        except ValueError as error:
            raise CLIError(f"{path} is not a plain .npy array: {error}") from None
    else:
        try:
            x = np.loadtxt(path, delimiter="," if path.endswith(".csv") else None, ndmin=2)
        except ValueError as error:
            raise CLIError(f"{path} must hold numbers only, one sample per row: {error}") from None
    if x.dtype.kind not in "fiub":
        raise CLIError(f"{path} must hold numbers, got dtype {x.dtype}")
    if input_shape is not None:
        size = int(np.prod(input_shape))
        if x.ndim == len(input_shape):                        # one sample without the batch axis
            x = x[None]
        if x[0].size != size:
            raise CLIError(f"the model takes samples of shape {input_shape} ({size} values), "
                           f"{path} has {x[0].size} values per sample")
        x = x.reshape((len(x), *input_shape))
    return x


def _dataset_batch(info: dict[str, Any], samples: int) -> Optional[tuple[np.ndarray, np.ndarray, str]]:
    from zeronn.cli.data_sources import load_test_data

    try:
        return load_test_data(None, info, limit=samples)
    except (CLIError, OSError, ValueError, KeyError, ImportError):
        return None


def run(args: argparse.Namespace) -> int:
    """Print the explanation; return the exit code."""
    from zeronn.cli.data_sources import apply_preprocessing
    from zeronn.cli.modelfile import load_model
    from zeronn.explain import explain

    if not 1 <= args.samples <= MAX_SAMPLES:
        raise CLIError(f"--samples must be between 1 and {MAX_SAMPLES}, got {args.samples}")
    path = os.path.join(args.model, "model.safetensors") if os.path.isdir(args.model) else args.model
    model, info = load_model(path)
    shape = tuple(info["input_shape"]) if info.get("input_shape") else None
    y = None
    if args.input:
        x = read_input(args.input, shape)[: args.samples]
        rule = info.get("data", {}).get("preprocessing", {"kind": "none"})
        x = apply_preprocessing(x, rule)
        source = f"{args.input} ({len(x)} samples)"
    else:
        found = _dataset_batch(info, args.samples)
        if found is not None:
            x, y, source = found
        elif shape is not None:
            x = np.random.default_rng(args.seed).normal(size=(args.samples, *shape)).astype(np.float32)
            source = f"random inputs of shape {shape} (the training data is not available)"
        else:
            raise CLIError("the model file does not say its input shape: give a batch with --input FILE")
    if y is not None:
        y = np.asarray(y)
    explanation = explain(model, x, y, lang=args.lang)
    print(f"# {source}" if args.markdown else f"input: {source}")
    print(explanation.markdown if args.markdown else explanation.text, end="")
    return 0
