"""``zeronn predict MODEL INPUT...``: labels and probabilities for CSV rows or image files."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any, Optional

import numpy as np

from zeronn.cli.errors import CLIError
from zeronn.cli.tables import format_table
from zeronn.data.images import INVERT_CHOICES, is_image_path, prepare_image

__all__ = ["add_parser", "run"]

DESCRIPTION = """\
Predict the class of new inputs with a trained model.

Inputs are CSV files (one prediction per row; with a header, columns are
matched by name and the label column, if present, is ignored) or image files
(PNG, JPEG, BMP, GIF, WebP, TIFF; any size).  Each image is turned into the
model's input like this:
  1. transparent pixels become white; the picture is converted to grayscale;
  2. it is inverted when its background is light (the mean of the border 5%
     of the picture is above mid-grey), because the models learn from MNIST-
     style pictures: light strokes on black.  --invert yes/no overrides this;
  3. it is resized to the model's input size (28x28 for MNIST) with Lanczos
     resampling, without keeping the aspect ratio (crop it square first);
  4. pixel values are scaled to [0, 1], as the training images were.
"""

EPILOG = """\
examples:
  zeronn predict runs/lenet/model.safetensors my_digit.png
  zeronn predict runs/lenet/model.safetensors photos/*.jpg --top 3
  zeronn predict runs/moons/model.safetensors points.csv --json
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``predict`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "predict",
        help="labels and probabilities for a CSV of rows or image files",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", metavar="MODEL", help="a model file (model.safetensors) or a run folder")
    parser.add_argument("inputs", metavar="INPUT", nargs="+", help="CSV files and/or image files")
    parser.add_argument("--top", type=int, default=2, metavar="K",
                        help="how many classes to show per input, most probable first (default: 2)")
    parser.add_argument("--invert", choices=INVERT_CHOICES, default="auto",
                        help="invert images: auto (when the background is light, the default), yes or no")
    parser.add_argument("--encoding", metavar="NAME",
                        help="text encoding of CSV inputs, e.g. latin-1 (default: the training file's, else utf-8)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(handler=run)
    return parser


def _csv_inputs(path: str, info: dict[str, Any], encoding: Optional[str]) -> tuple[np.ndarray, list[str]]:
    from zeronn.cli.data_sources import apply_preprocessing
    from zeronn.data.csv import read_features

    shape = info.get("input_shape")
    if shape is not None and len(shape) != 1:
        raise CLIError(f"{path}: this model takes images of shape {tuple(shape)}; give image files, not a CSV")
    spec = info.get("data", {}).get("spec", {})
    columns = spec.get("feature_columns") or [f"col{i}" for i in range(shape[0] if shape else 0)]
    if not columns:
        raise CLIError(f"cannot read {path}: the model file does not say how many features it takes")
    raw = read_features(path, columns, spec.get("label_column"), encoding=encoding or spec.get("encoding", "utf-8"))
    rule = info.get("data", {}).get("preprocessing", {"kind": "none"})
    names = [f"{os.path.basename(path)}:{row}" for row in range(1, len(raw) + 1)]
    return apply_preprocessing(raw, rule), names


def _gather_inputs(paths: list[str], info: dict[str, Any], invert: str,
                   encoding: Optional[str] = None) -> tuple[np.ndarray, list[str], list[Any]]:
    """Stack every input into one batch; return (x, names, inverted flag per input or None)."""
    batches: list[np.ndarray] = []
    names: list[str] = []
    inverted: list[Optional[bool]] = []
    for path in paths:
        if is_image_path(path):
            shape = info.get("input_shape")
            if shape is None:
                raise CLIError("the model file does not store its input shape, so images cannot be resized for it")
            image, flipped = prepare_image(path, tuple(shape), invert=invert)
            batches.append(image[None])
            names.append(path)
            inverted.append(flipped)
        elif os.path.isdir(path):
            raise CLIError(f"{path} is a folder; give image or CSV files (e.g. {path}/*.png)")
        else:
            x, row_names = _csv_inputs(path, info, encoding)
            batches.append(x)
            names += row_names
            inverted += [None] * len(row_names)
    return np.concatenate(batches).astype(np.float32), names, inverted


def run(args: argparse.Namespace) -> int:
    """Predict and print; return the exit code."""
    from zeronn.cli.modelfile import load_model
    from zeronn.train.inference import predict_proba

    if args.top < 1:
        raise CLIError(f"--top must be at least 1, got {args.top}")
    model, info = load_model(args.model)
    x, names, inverted = _gather_inputs(args.inputs, info, args.invert, args.encoding)
    probabilities = predict_proba(model, x)                  # (N, K)
    classes = info.get("classes") or [str(k) for k in range(probabilities.shape[1])]
    if len(classes) != probabilities.shape[1]:
        classes = [str(k) for k in range(probabilities.shape[1])]
    order = np.argsort(-probabilities, axis=1, kind="stable")      # (N, K), most probable first
    results = []
    for i, name in enumerate(names):
        best = int(order[i, 0])
        entry = {"input": name, "label": classes[best], "class_index": best,
                 "probability": float(probabilities[i, best]),
                 "probabilities": {c: float(p) for c, p in zip(classes, probabilities[i])}}
        if inverted[i] is not None:
            entry["inverted"] = bool(inverted[i])
        results.append(entry)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    top = min(args.top, len(classes))
    header = ["input", "label", "probability"] + (["next"] if top > 1 else [])
    rows = []
    for i, entry in enumerate(results):
        others = ", ".join(f"{classes[k]} ({probabilities[i, k]:.3f})" for k in order[i, 1:top])
        rows.append([entry["input"], entry["label"], f"{entry['probability']:.4f}"] + ([others] if top > 1 else []))
    print(format_table(header, rows, align_right=[False, False, True, False]))
    if any(flag for flag in inverted if flag):
        print("(images with a light background were inverted to light-on-dark; --invert no turns this off)")
    return 0
