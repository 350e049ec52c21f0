"""The playground's points: a built-in 2-D set or the user's CSV, split into train and test, and their features.

The page draws everything in the square [-6, 6] x [-6, 6] (TensorFlow
Playground's coordinates): built-in sets come from ``zeronn.data`` in
[-1, 1] and are scaled up; a CSV file's two columns are scaled to [-5, 5].
The network sees the *features* of a point (x1, x2, x1^2, ..., sin x2) in
those coordinates.  Every step here is also written, line for line, into
the exported Python code (``zeronn.playground.codegen``), whose test checks
that both give the same numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Optional, Sequence

import numpy as np

from zeronn.data import (
    make_blobs,
    make_circles,
    make_gauss,
    make_moons,
    make_multi_gauss,
    make_regression_plane,
    make_spirals,
    make_xor,
    read_csv,
)
from zeronn.data.csv import class_names, encode_labels, spells_number
from zeronn.playground.config import FEATURES, ConfigError, PlaygroundConfig

__all__ = [
    "DOMAIN",
    "MAX_CSV_ROWS",
    "MAX_CLASSES",
    "PlaygroundData",
    "CSVSource",
    "read_csv_source",
    "make_data",
    "feature_matrix",
    "builtin_call",
    "train_size",
    "BUILTIN_SCALING",
    "FEATURE_CODE",
    "loss_targets",
]

#: Half-width of the square the page shows: points and heat-maps live in [-DOMAIN, DOMAIN]^2.
DOMAIN = 6.0
#: A CSV file with more rows is refused (training stays live and memory bounded).
MAX_CSV_ROWS = 5000
#: Most classes the page can colour.
MAX_CLASSES = 8

_GENERATORS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "make_circles": make_circles, "make_xor": make_xor, "make_gauss": make_gauss, "make_spirals": make_spirals,
    "make_moons": make_moons, "make_blobs": make_blobs, "make_regression_plane": make_regression_plane,
    "make_multi_gauss": make_multi_gauss,
}

#: (center, scale) that take each built-in set into the page's square: x_page = (x - center) * scale.
BUILTIN_SCALING: dict[str, tuple[tuple[float, float], float]] = {
    "moons": ((0.5, 0.25), 3.2),
}

#: Python expression of each feature column, in terms of the columns x1 and x2.
FEATURE_CODE = {
    "x1": "x1", "x2": "x2", "x1sq": "x1 ** 2", "x2sq": "x2 ** 2", "x1x2": "x1 * x2",
    "sinx1": "np.sin(x1)", "sinx2": "np.sin(x2)",
}

_FEATURE_FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1sq": lambda x1, x2: x1 ** 2,
    "x2sq": lambda x1, x2: x2 ** 2,
    "x1x2": lambda x1, x2: x1 * x2,
    "sinx1": lambda x1, x2: np.sin(x1),
    "sinx2": lambda x1, x2: np.sin(x2),
}


@dataclass
class CSVSource:
    """A two-feature CSV file, read once.

    Attributes
    ----------
    name : str
        The file name shown in the page and written into the exported code.
    x : ndarray of shape (n, 2), float64
        The two feature columns as read.
    labels : list of str
    columns : list of str
        The feature columns' names.
    path : str
        Where the exported code reads the file from (the path given on the
        command line, or the uploaded file's name).
    """

    name: str
    x: np.ndarray
    labels: list[str]
    columns: list[str]
    path: str = ""

    @property
    def is_regression(self) -> bool:
        """Numeric labels with more than ``MAX_CLASSES`` distinct values are a real-valued target."""
        distinct = set(self.labels)
        return len(distinct) > MAX_CLASSES and all(spells_number(label) for label in distinct)


def read_csv_source(path: str, *, name: Optional[str] = None) -> CSVSource:
    """Read a CSV file with exactly two feature columns and a label column (the last one).

    Raises
    ------
    ConfigError
        The file does not have two feature columns, has too many rows, or
        fewer than two classes.  (``read_csv``'s own errors name row and column.)
    """
    table = read_csv(path)
    shown = name or os.path.basename(path)
    if table.features.shape[1] != 2:
        raise ConfigError(f"{shown}: the playground needs exactly 2 feature columns and a label column, "
                          f"got {table.features.shape[1]} feature columns ({', '.join(table.columns)})")
    if not 2 <= len(table.labels) <= MAX_CSV_ROWS:
        raise ConfigError(f"{shown}: the playground takes 2 to {MAX_CSV_ROWS} rows, got {len(table.labels)}")
    source = CSVSource(shown, np.asarray(table.features, dtype=np.float64), list(table.labels), list(table.columns),
                       path=shown if name else os.path.abspath(path))
    if not source.is_regression:
        count = len(class_names(source.labels))
        if not 2 <= count <= MAX_CLASSES:
            raise ConfigError(f"{shown}: the label column needs 2 to {MAX_CLASSES} classes (or more than "
                              f"{MAX_CLASSES} distinct numbers for a real-valued target), got {count}")
    if not np.all(np.isfinite(source.x)):
        raise ConfigError(f"{shown}: the feature columns hold infinite values")
    return source


@dataclass
class PlaygroundData:
    """Points in the page's coordinates, already split.

    Attributes
    ----------
    x_train, x_test : ndarray of shape (n, 2), float64
    y_train, y_test : ndarray
        int64 (n,) class indices for classification, float64 (n, 1) for
        regression (targets in [-1, 1] for the built-in sets).
    task : {"binary", "multiclass", "regression"}
    classes : list of str
        Class names (empty for regression).
    center, scale : ndarray of shape (2,)
        x_page = (x - center) * scale, for the exported code.
    y_center, y_scale : float
        Regression targets: y_page = (y - y_center) * y_scale.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    task: str
    classes: list[str]
    center: np.ndarray
    scale: np.ndarray
    y_center: float = 0.0
    y_scale: float = 1.0

    @property
    def n_outputs(self) -> int:
        """Output units of the network: 1 (binary, regression) or one per class."""
        return len(self.classes) if self.task == "multiclass" else 1


def _builtin_spec(config: PlaygroundConfig) -> tuple[str, dict[str, Any]]:
    """The ``zeronn.data`` generator of ``config``'s built-in set and its keyword arguments."""
    noise = config.noise / 100.0
    common: dict[str, Any] = {"noise": noise, "seed": config.seed, "dtype": "float64"}
    if config.data == "circles":
        return "make_circles", {"noise": noise, "factor": 0.5, "seed": config.seed, "dtype": "float64"}
    if config.data == "spirals":
        return "make_spirals", {"noise": noise, "turns": 1.5, "seed": config.seed, "dtype": "float64"}
    if config.data == "blobs":
        return "make_blobs", {"centers": [[-0.6, -0.5], [0.6, -0.5], [0.0, 0.6]], "cluster_std": 0.15 + noise,
                              "seed": config.seed, "dtype": "float64"}
    names = {"xor": "make_xor", "gauss": "make_gauss", "moons": "make_moons", "plane": "make_regression_plane",
             "multigauss": "make_multi_gauss"}
    return names[config.data], common


def builtin_call(config: PlaygroundConfig) -> str:
    """The ``zeronn.data`` call that makes ``config``'s built-in set, as Python source."""
    function, kwargs = _builtin_spec(config)
    arguments = ", ".join(f"{name}={value!r}" for name, value in kwargs.items())
    return f"{function}({config.points}, {arguments})"


def train_size(n_points: int, ratio: int) -> int:
    """Points used for training: ``ratio`` percent, at least 1, leaving at least 1 for testing."""
    return min(n_points - 1, max(1, round(n_points * ratio / 100)))


def _builtin_points(config: PlaygroundConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, center, scale) of a built-in set, x still in the generator's coordinates."""
    function, kwargs = _builtin_spec(config)
    x, y = _GENERATORS[function](config.points, **kwargs)
    center, scale = BUILTIN_SCALING.get(config.data, ((0.0, 0.0), 5.0))
    return x, y, np.array(center, dtype=np.float64), np.full(2, scale, dtype=np.float64)


def _csv_points(config: PlaygroundConfig, source: CSVSource) -> tuple[np.ndarray, np.ndarray, str, list[str],
                                                                        np.ndarray, np.ndarray, float, float]:
    low, high = source.x.min(axis=0), source.x.max(axis=0)                      # (2,)
    center = (low + high) / 2
    half = np.where(high > low, (high - low) / 2, 1.0)
    scale = 5.0 / half                                                          # (2,)
    if source.is_regression:
        values = np.array([float(label) for label in source.labels])
        y_low, y_high = float(values.min()), float(values.max())
        y_center = (y_low + y_high) / 2
        y_scale = 2.0 / (y_high - y_low)
        y: np.ndarray = ((values - y_center) * y_scale)[:, None]                # (n, 1) in [-1, 1]
        return source.x, y, "regression", [], center, scale, y_center, y_scale
    classes = class_names(source.labels)
    y = encode_labels(source.labels, classes, source=source.name)
    task = "binary" if len(classes) == 2 else "multiclass"
    return source.x, y, task, classes, center, scale, 0.0, 1.0


def make_data(config: PlaygroundConfig, csv_source: Optional[CSVSource]) -> PlaygroundData:
    """Build ``config``'s points (the rows of a CSV file are shuffled with ``config.seed`` first)."""
    if config.data == "csv":
        if csv_source is None:
            raise ConfigError("setting 'data': 'csv' needs a CSV file (start with --data FILE.csv or upload one)")
        x, y, task, classes, center, scale, y_center, y_scale = _csv_points(config, csv_source)
        order = np.random.default_rng(config.seed).permutation(len(x))
        x, y = x[order], y[order]
    else:
        x, y, center, scale = _builtin_points(config)
        task = "regression" if y.ndim == 2 else ("binary" if y.max() == 1 else "multiclass")
        classes = [] if task == "regression" else [str(k) for k in range(int(y.max()) + 1)]
        y_center, y_scale = 0.0, 1.0
    x = (x - center) * scale                                                    # (n, 2) in the page's square
    n_train = train_size(len(x), config.ratio)
    return PlaygroundData(x[:n_train], y[:n_train], x[n_train:], y[n_train:], task, classes, center, scale,
                          y_center, y_scale)


def feature_matrix(x: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """The network's inputs: one column per feature name (FEATURES order), from points x (n, 2)."""
    x1, x2 = x[:, 0], x[:, 1]                                                   # (n,), (n,)
    return np.stack([_FEATURE_FUNCTIONS[name](x1, x2) for name in FEATURES if name in features], axis=1)


def loss_targets(task: str, y: np.ndarray) -> np.ndarray:
    """What the loss compares with: a (n, 1) float column of 0/1 for two classes, else ``y`` itself."""
    return y[:, None].astype(np.float64) if task == "binary" else y
