"""``zeronn evaluate MODEL``: accuracy, loss, per-class precision/recall and a confusion matrix."""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from zeronn.cli.errors import CLIError
from zeronn.cli.tables import format_table

__all__ = ["add_parser", "run", "evaluate_model"]

DESCRIPTION = """\
Score a trained model on a test set: accuracy, cross-entropy loss, precision,
recall and F1 of each class, and the confusion matrix (rows: true class,
columns: predicted class).

Without --data the model's own test set is used: the official test split of
an image dataset, or the part of a toy dataset / CSV file that `zeronn train`
held out (rebuilt from the seed stored in the model file).  --data can name a
dataset or a CSV file with the same columns as the training file; all of its
rows are used (except for the training file itself, whose held-out part is used).
"""

EPILOG = """\
examples:
  zeronn evaluate runs/lenet/model.safetensors
  zeronn evaluate runs/lenet                          a run folder works too
  zeronn evaluate runs/iris/model.safetensors --data iris_test.csv
  zeronn evaluate runs/lenet/model.safetensors --json > scores.json
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``evaluate`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "evaluate",
        help="accuracy, loss, per-class precision/recall and confusion matrix on a test set",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("model", metavar="MODEL", help="a model file (model.safetensors) or a run folder")
    parser.add_argument("--data", metavar="DATA",
                        help="dataset name or CSV file (default: the model's own test set)")
    parser.add_argument("--label-column", metavar="COLUMN",
                        help="label column of the CSV file, name or position (default: as in training)")
    parser.add_argument("--encoding", metavar="NAME",
                        help="text encoding of the CSV file, e.g. latin-1 (default: the training file's, else utf-8)")
    parser.add_argument("--limit", type=int, metavar="N", help="use only the first N test samples")
    parser.add_argument("--batch-size", type=int, default=256, metavar="N",
                        help="samples per forward pass (default: 256; only speed and memory depend on it)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.set_defaults(handler=run)
    return parser


def evaluate_model(model: Any, x: np.ndarray, y: np.ndarray, classes: list[str], *,
                   batch_size: int = 256) -> dict[str, Any]:
    """Return a JSON-ready dict of scores of ``model`` on ``(x, y)``."""
    from zeronn.metrics import classification_report, confusion_matrix
    from zeronn.train.inference import cross_entropy, predict_proba

    probabilities = predict_proba(model, x, batch_size=batch_size)          # (N, K)
    k = len(classes)
    if probabilities.shape[1] != k:
        raise CLIError(f"the model gives {probabilities.shape[1]} outputs but the data has {k} classes")
    predicted = probabilities.argmax(axis=1)                                       # (N,)
    matrix = confusion_matrix(y, predicted, num_classes=k)                         # (K, K)
    report = classification_report(y, predicted, num_classes=k)       # rows keyed "0", "1", ... by index
    per_class = [{"class": name, **report[str(index)]} for index, name in enumerate(classes)]
    macro = report["macro avg"]
    correct = int(np.trace(matrix))
    return {
        "samples": int(len(y)),
        "correct": correct,
        "accuracy": correct / len(y),
        "loss": cross_entropy(probabilities, y),
        "classes": list(classes),
        "per_class": per_class,
        "macro_precision": macro["precision"],
        "macro_recall": macro["recall"],
        "macro_f1": macro["f1"],
        "confusion_matrix": matrix.tolist(),
    }


def format_results(results: dict[str, Any]) -> str:
    """The text report of ``evaluate_model``'s results."""
    lines = [
        f"accuracy  {results['accuracy']:.4f}  ({results['correct']} of {results['samples']})",
        f"loss      {results['loss']:.4f}  (cross-entropy)",
        "",
    ]
    rows = [(c["class"], c["precision"], c["recall"], c["f1"], c["support"]) for c in results["per_class"]]
    rows.append(("macro avg", results["macro_precision"], results["macro_recall"], results["macro_f1"],
                 results["samples"]))
    lines.append(format_table(["class", "precision", "recall", "f1", "support"], rows,
                              align_right=[False, True, True, True, True]))
    lines += ["", "confusion matrix (rows: true class, columns: predicted class)"]
    classes = results["classes"]
    short = [name if len(name) <= 8 else name[:7] + "." for name in classes]
    matrix_rows = [[short[i], *row] for i, row in enumerate(results["confusion_matrix"])]
    lines.append(format_table(["true \\ pred", *short], matrix_rows, align_right=[False] + [True] * len(classes)))
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Evaluate and print; return the exit code."""
    from zeronn.cli.data_sources import load_test_data
    from zeronn.cli.modelfile import load_model

    if args.limit is not None and args.limit < 1:
        raise CLIError(f"--limit must be at least 1, got {args.limit}")
    if args.batch_size < 1:
        raise CLIError(f"--batch-size must be at least 1, got {args.batch_size}")
    model, info = load_model(args.model)
    if not info.get("classes"):
        raise CLIError(f"{args.model} has no class names stored (was it written by `zeronn train`?)")
    x, y, description = load_test_data(args.data, info, limit=args.limit, label_column=args.label_column,
                                       encoding=args.encoding)
    results = evaluate_model(model, x, y, info["classes"], batch_size=args.batch_size)
    results = {"model": args.model, "data": description, **results}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"model: {args.model}\ndata:  {description}\n")
        print(format_results(results))
    return 0
