"""The datasets the command line knows, loaded into train and test arrays ready for a model.

Names: ``xor``, ``moons``, ``circles``, ``spirals``, ``blobs`` (generated from
the seed), ``digits`` (scikit-learn's 8x8 digits), ``mnist``,
``fashion-mnist``, or the path of a CSV file (see ``zeronn.data.csv``).

How inputs are scaled (the same rule is stored in the model file so that
``evaluate`` and ``predict`` apply it again):

- toy sets: used as generated (coordinates of order 1);
- images: pixel / 255, i.e. in [0, 1], shaped (N, 1, height, width) (the
  loaders give uint8 pixels 0-255, the 8x8 digits included);
- CSV: each feature standardised with the training part's mean and standard
  deviation, (x - mean) / std.

Test parts: ``xor`` tests on its four training rows; the other toy sets and
CSV files keep a random ``test_split`` fraction (default 0.2, stratified, from
the seed), and so does ``digits``; MNIST and Fashion-MNIST use their official
test split.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

from zeronn.cli.errors import CLIError
from zeronn.cli.settings import MAX_SAMPLES
from zeronn.data.csv import class_names, encode_labels, read_csv

__all__ = [
    "DATASETS",
    "TOY_DATASETS",
    "IMAGE_DATASETS",
    "DataBundle",
    "load_dataset",
    "load_test_data",
    "apply_preprocessing",
]

TOY_DATASETS = ("xor", "moons", "circles", "spirals", "blobs")
IMAGE_DATASETS = ("digits", "mnist", "fashion-mnist")
DATASETS = TOY_DATASETS + IMAGE_DATASETS

#: Default number of generated points per toy dataset (xor always has its 4 rows).
TOY_SAMPLES = {"moons": 1000, "circles": 1000, "spirals": 900, "blobs": 900}
#: Default noise (standard deviation added to each coordinate).
TOY_NOISE = {"moons": 0.2, "circles": 0.1, "spirals": 0.05, "blobs": 1.0}

@dataclass
class DataBundle:
    """Train and test arrays plus what is needed to prepare new inputs the same way.

    Attributes
    ----------
    name : str
        Dataset name, or the CSV path.
    x_train, y_train, x_test, y_test : ndarray
        Inputs float32 (N, *input_shape), labels int64 (N,).  ``x_test`` is None
        when there is no test part.
    classes : list of str
        Class names; label k means ``classes[k]``.
    kind : {"points", "images", "table"}
        2-D toy points (decision boundaries can be drawn), images, or CSV rows.
    spec : dict
        JSON description of the source (name, seed, sizes...), stored in the
        model file so ``zeronn evaluate`` can rebuild the same test part.
    preprocessing : dict
        JSON rule turning raw inputs into model inputs (see ``apply_preprocessing``).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: Optional[np.ndarray]
    y_test: Optional[np.ndarray]
    classes: list[str]
    kind: str
    spec: dict[str, Any]
    preprocessing: dict[str, Any] = field(default_factory=lambda: {"kind": "none"})

    @property
    def input_shape(self) -> tuple[int, ...]:
        """One sample's shape, without the batch axis."""
        return tuple(int(d) for d in self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        return len(self.classes)


# ------------------------------------------------------------------------------------------ preprocessing
def apply_preprocessing(x: np.ndarray, rule: dict[str, Any]) -> np.ndarray:
    """Turn raw inputs into model inputs (float32) following a stored rule.

    Rules: ``{"kind": "none"}``; ``{"kind": "scale", "divide_by": 255}`` (pixels
    to [0, 1]); ``{"kind": "standardize", "mean": [...], "std": [...]}``.
    """
    kind = rule.get("kind", "none")
    x = np.asarray(x, dtype=np.float32)
    if kind == "none":
        return x
    if kind == "scale":
        return x / np.float32(rule["divide_by"])
    if kind == "standardize":
        mean = np.asarray(rule["mean"], dtype=np.float32)
        std = np.asarray(rule["std"], dtype=np.float32)
        if x.shape[-1] != mean.shape[0]:
            raise CLIError(f"the model takes {mean.shape[0]} features per row, the data has {x.shape[-1]}")
        return (x - mean) / std
    raise CLIError(f"the model file names an unknown preprocessing {kind!r}")


def _standardize_rule(features: np.ndarray) -> dict[str, Any]:
    mean = features.mean(axis=0)
    std = features.std(axis=0)
    std[std == 0] = 1.0                    # a constant column stays constant (0) instead of dividing by 0
    return {"kind": "standardize", "mean": mean.tolist(), "std": std.tolist()}


# ------------------------------------------------------------------------------------------ toy sets
def _generate_toy(name: str, samples: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from zeronn.data import make_blobs, make_circles, make_moons, make_spirals

    if name == "moons":
        return make_moons(samples, noise=noise, seed=seed)
    if name == "circles":
        return make_circles(samples, noise=noise, factor=0.5, seed=seed)
    if name == "spirals":
        return make_spirals(samples, n_classes=3, noise=noise, seed=seed)
    return make_blobs(samples, centers=3, cluster_std=noise, center_box=(-5.0, 5.0), seed=seed)


def _split(x: np.ndarray, y: np.ndarray, test_split: float, seed: int):
    from zeronn.data import train_test_split

    if test_split <= 0:
        return x, None, y, None
    counts = np.bincount(y)
    stratify = bool(counts[counts > 0].min() >= 2)
    return train_test_split(x, y, test_size=test_split, stratify=stratify, seed=seed)


def _load_toy(name: str, *, seed: int, samples: Optional[int], noise: Optional[float],
              test_split: float) -> DataBundle:
    if name == "xor":
        from zeronn.data import xor

        x, y = xor()
        labels = y.reshape(-1).astype(np.int64)
        return DataBundle("xor", x, labels, x.copy(), labels.copy(), ["0", "1"], "points", {"name": "xor"})
    samples = TOY_SAMPLES[name] if samples is None else samples
    if not 1 <= samples <= MAX_SAMPLES:
        raise CLIError(f"--samples must be an integer in [1, {MAX_SAMPLES:,}], got {samples}")
    noise = TOY_NOISE[name] if noise is None else noise
    x, y = _generate_toy(name, samples, noise, seed)
    y = y.astype(np.int64)
    x_train, x_test, y_train, y_test = _split(x, y, test_split, seed)
    spec: dict[str, Any] = {"name": name, "samples": samples, "noise": noise, "seed": seed, "test_split": test_split}
    classes = [str(k) for k in range(int(y.max()) + 1)]
    return DataBundle(name, x_train, y_train, x_test, y_test, classes, "points", spec)


# ------------------------------------------------------------------------------------------ images
def _load_images(name: str, *, seed: int, limit: Optional[int], test_split: float) -> DataBundle:
    from zeronn import datasets

    if name == "mnist":
        (x_train, y_train), (x_test, y_test) = datasets.load_mnist()
        classes = list(datasets.MNIST_CLASSES)
    elif name == "fashion-mnist":
        (x_train, y_train), (x_test, y_test) = datasets.load_fashion_mnist()
        classes = list(datasets.FASHION_MNIST_CLASSES)
    else:
        (x_train, y_train), (x_test, y_test) = datasets.load_digits(test_size=test_split or 0.2, rng=seed)
        classes = [str(k) for k in range(10)]
    if limit is not None:
        x_train, y_train = x_train[:limit], y_train[:limit]
        x_test, y_test = x_test[:limit], y_test[:limit]
    rule = {"kind": "scale", "divide_by": 255.0}              # uint8 pixels -> [0, 1]
    spec = {"name": name, "seed": seed, "limit": limit, "test_split": test_split}
    return DataBundle(
        name,
        datasets.as_images(apply_preprocessing(x_train, rule)),      # (N, 1, H, W) float32
        np.asarray(y_train, dtype=np.int64),
        datasets.as_images(apply_preprocessing(x_test, rule)),
        np.asarray(y_test, dtype=np.int64),
        classes,
        "images",
        spec,
        rule,
    )


# ------------------------------------------------------------------------------------------ CSV
def _load_csv(path: str, *, label_column: Any, seed: int, test_split: float, limit: Optional[int],
              encoding: str) -> DataBundle:
    table = read_csv(path, label_column=label_column, encoding=encoding)
    features, labels = table.features, table.labels
    if limit is not None:
        features, labels = features[:limit], labels[:limit]
    classes = class_names(labels)
    if len(classes) < 2:
        raise CLIError(f"{path}: the label column {table.label_column!r} has a single class ({classes[0]!r})")
    y = encode_labels(labels, classes, source=path)
    x_train, x_test, y_train, y_test = _split(features, y, test_split, seed)
    rule = _standardize_rule(x_train)
    spec = {
        "name": "csv", "path": os.path.abspath(path), "label_column": table.label_column,
        "feature_columns": table.columns, "seed": seed, "test_split": test_split, "limit": limit,
        "encoding": encoding,
    }
    return DataBundle(
        path,
        apply_preprocessing(x_train, rule),
        y_train,
        None if x_test is None else apply_preprocessing(x_test, rule),
        y_test,
        classes,
        "table",
        spec,
        rule,
    )


def _is_csv_path(name: str) -> bool:
    return name.lower().endswith((".csv", ".tsv", ".txt")) or os.sep in name or os.path.isfile(name)


# ------------------------------------------------------------------------------------------ public
def load_dataset(
    name: str,
    *,
    seed: int = 0,
    test_split: float = 0.2,
    limit: Optional[int] = None,
    samples: Optional[int] = None,
    noise: Optional[float] = None,
    label_column: Any = None,
    encoding: str = "utf-8",
) -> DataBundle:
    """Load a dataset by name (or CSV path) for training.

    Parameters
    ----------
    name : str
        One of ``DATASETS`` or the path of a CSV file.
    seed : int
        Seeds the toy generators and the train/test split.
    test_split : float in [0, 1)
        Fraction kept for testing (toy sets, CSV, digits); 0 keeps none.
    limit : int, optional
        Use only the first ``limit`` training and test samples (quick runs).
    samples, noise : optional
        Size and noise of the generated toy sets.
    label_column : str or int, optional
        The CSV file's label column (default: the last one).
    encoding : str, default "utf-8"
        The CSV file's text encoding.
    """
    if name in TOY_DATASETS:
        bundle = _load_toy(name, seed=seed, samples=samples, noise=noise, test_split=test_split)
        if limit is not None and name != "xor":
            bundle.x_train, bundle.y_train = bundle.x_train[:limit], bundle.y_train[:limit]
            if bundle.x_test is not None and bundle.y_test is not None:
                bundle.x_test, bundle.y_test = bundle.x_test[:limit], bundle.y_test[:limit]
            bundle.spec["limit"] = limit
        return bundle
    if name in IMAGE_DATASETS:
        return _load_images(name, seed=seed, limit=limit, test_split=test_split)
    if _is_csv_path(name):
        return _load_csv(name, label_column=label_column, seed=seed, test_split=test_split, limit=limit,
                         encoding=encoding)
    raise CLIError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}, or give the path of a CSV file")


def load_test_data(
    name: Optional[str], info: dict[str, Any], *, limit: Optional[int] = None, label_column: Any = None,
    encoding: Optional[str] = None,
) -> tuple[np.ndarray, np.ndarray, str]:
    """Inputs and labels to evaluate a trained model on, prepared as it was trained.

    ``name`` None means the model's own dataset (its test part, rebuilt from
    the stored seed).  A dataset name gives that dataset's test part.  A CSV
    path gives all of that file's rows, except for the training file itself,
    whose test part is used.

    Returns
    -------
    x, y, description
    """
    data = info.get("data", {})
    spec = data.get("spec", {})
    rule = data.get("preprocessing", {"kind": "none"})
    classes = info.get("classes") or []
    trained_on = spec.get("name")
    if name is None:
        if trained_on is None:
            raise CLIError("the model file does not say which dataset it was trained on; give --data")
        name = spec["path"] if trained_on == "csv" else trained_on
    same_csv = trained_on == "csv" and os.path.abspath(name) == spec.get("path")
    if name in DATASETS or same_csv:
        if name in DATASETS and trained_on not in (None, name):
            raise CLIError(f"this model was trained on {trained_on!r}; it cannot be evaluated on {name!r}")
        keyword = {key: spec[key] for key in ("seed", "test_split", "samples", "noise") if key in spec}
        if same_csv:                     # the same rows, split the same way as in training
            keyword.update(label_column=spec.get("label_column"), limit=spec.get("limit"),
                           encoding=spec.get("encoding", "utf-8"))
        bundle = load_dataset(name, **keyword)
        if bundle.x_test is None or bundle.y_test is None:
            raise CLIError(f"the model was trained on all of {name!r} (--test-split 0): there is no test part left")
        x, y = bundle.x_test[:limit], bundle.y_test[:limit]
        return x, y, f"{name} (test part, {len(x)} samples)"
    if not _is_csv_path(name):
        raise CLIError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}, or give the path of a CSV file")
    column = label_column if label_column is not None else spec.get("label_column")
    table = read_csv(name, label_column=column, encoding=encoding or spec.get("encoding", "utf-8"))
    features = table.features
    expected = spec.get("feature_columns")
    if expected and table.has_header and table.columns != expected:
        if all(c in table.columns for c in expected):
            features = features[:, [table.columns.index(c) for c in expected]]
        else:
            raise CLIError(f"{name}: columns {table.columns} do not match the model's features {expected}")
    labels = table.labels
    if limit is not None:
        features, labels = features[:limit], labels[:limit]
    y = encode_labels(labels, classes, source=name)
    return apply_preprocessing(features, rule), y, f"{name} ({len(y)} rows)"
