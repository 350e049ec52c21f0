"""Small two-dimensional datasets for learning and testing, generated in NumPy from a seed.

Each generator returns ``(x, y)``: ``x`` float (n_samples, 2) in the library's
default dtype (float32 unless changed), ``y`` int64 class labels (n_samples,),
rows in random order.  The same seed gives the same bits.

    xor()                              the tutorial's four rows (3 inputs, the third is a constant 1)
    make_moons(200, noise=0.1)         two interleaving half circles
    make_circles(200, factor=0.5)      a small circle inside a large one
    make_spirals(300, n_classes=3)     arms winding around the origin
    make_blobs(300, centers=3)         Gaussian clusters
"""

from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from zeronn._validation import check_in_range, check_nonnegative_float, check_positive_int
from zeronn.dtype import resolve_dtype
from zeronn.random import RngLike, as_rng

__all__ = ["xor", "make_moons", "make_circles", "make_spirals", "make_blobs"]


def xor(*, dtype: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's dataset: y is x1 XOR x2 (the third input is always 1, acting as a bias).

    Returns
    -------
    x : ndarray of shape (4, 3)
        [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]
    y : ndarray of shape (4, 1)
        [[0], [1], [1], [0]], float like ``x`` (the tutorial fits it with squared errors).
    """
    dtype = resolve_dtype(dtype)
    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=dtype)
    y = np.array([[0], [1], [1], [0]], dtype=dtype)
    return x, y


def _class_sizes(n_samples: int, n_classes: int) -> list[int]:
    """Split ``n_samples`` into ``n_classes`` near-equal counts (the first classes get the remainder)."""
    base, rest = divmod(n_samples, n_classes)
    return [base + (1 if k < rest else 0) for k in range(n_classes)]


def _finish(points: list[np.ndarray], sizes: list[int], noise: float, rng: np.random.Generator,
            dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """Stack per-class points, add Gaussian noise, shuffle the rows, cast."""
    x = np.concatenate(points)                                   # (n, d) float64
    y = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)  # (n,)
    if noise > 0:
        x = x + rng.normal(scale=noise, size=x.shape)
    order = rng.permutation(len(x))
    return x[order].astype(resolve_dtype(dtype)), y[order]


def make_moons(
    n_samples: int = 100, *, noise: float = 0.0, seed: RngLike = None, dtype: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (class 0 on top, class 1 below and shifted).

    Class 0:  (cos t, sin t)               t in [0, pi]
    Class 1:  (1 - cos t, 0.5 - sin t)     t in [0, pi]
    Then Gaussian noise of standard deviation ``noise`` on both coordinates.

    Parameters
    ----------
    n_samples : int, default 100
        Total number of points, split evenly between the two classes.
    noise : float, default 0.0
        Standard deviation of the noise added to each coordinate.
    seed : None, int or numpy.random.Generator
        Source of the noise and of the row order.
    dtype : float32 or float64, optional
        dtype of ``x`` (the library default when omitted).
    """
    n_samples = check_positive_int("n_samples", n_samples)
    noise = check_nonnegative_float("noise", noise)
    rng = as_rng(seed)
    sizes = _class_sizes(n_samples, 2)
    t_top = np.linspace(0.0, np.pi, sizes[0])
    t_bottom = np.linspace(0.0, np.pi, sizes[1])
    top = np.stack([np.cos(t_top), np.sin(t_top)], axis=1)                       # (n0, 2)
    bottom = np.stack([1.0 - np.cos(t_bottom), 0.5 - np.sin(t_bottom)], axis=1)   # (n1, 2)
    return _finish([top, bottom], sizes, noise, rng, dtype)


def make_circles(
    n_samples: int = 100, *, noise: float = 0.0, factor: float = 0.8, seed: RngLike = None, dtype: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """A large circle (class 0, radius 1) around a smaller one (class 1, radius ``factor``).

    Parameters
    ----------
    n_samples : int, default 100
        Total number of points, split evenly between the two circles.
    noise : float, default 0.0
        Standard deviation of the noise added to each coordinate.
    factor : float in (0, 1), default 0.8
        Radius of the inner circle relative to the outer one.
    seed : None, int or numpy.random.Generator
    dtype : float32 or float64, optional
    """
    n_samples = check_positive_int("n_samples", n_samples)
    noise = check_nonnegative_float("noise", noise)
    factor = check_in_range("factor", factor, 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    rng = as_rng(seed)
    sizes = _class_sizes(n_samples, 2)
    circles = []
    for radius, size in zip((1.0, factor), sizes):
        t = np.linspace(0.0, 2.0 * np.pi, size, endpoint=False)
        circles.append(radius * np.stack([np.cos(t), np.sin(t)], axis=1))       # (size, 2)
    return _finish(circles, sizes, noise, rng, dtype)


def make_spirals(
    n_samples: int = 100, *, n_classes: int = 2, noise: float = 0.0, turns: float = 1.0,
    seed: RngLike = None, dtype: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` spiral arms winding out from the origin, one class per arm.

    Arm k:  r = s,  angle = 2 pi k / n_classes + 2 pi turns s,   s in [0, 1]
            point = (r cos(angle), r sin(angle))

    A network needs a few hidden units and some epochs to separate them:
    the classic "this is why depth and nonlinearity matter" example.

    Parameters
    ----------
    n_samples : int, default 100
        Total number of points, split evenly between the arms.
    n_classes : int >= 2, default 2
        Number of arms (classes).
    noise : float, default 0.0
        Standard deviation of the noise added to each coordinate.
    turns : float > 0, default 1.0
        How many full turns each arm makes.
    seed : None, int or numpy.random.Generator
    dtype : float32 or float64, optional
    """
    n_samples = check_positive_int("n_samples", n_samples)
    n_classes = check_positive_int("n_classes", n_classes)
    if n_classes < 2:
        raise ValueError(f"make_spirals needs n_classes >= 2, got {n_classes}")
    noise = check_nonnegative_float("noise", noise)
    turns = check_in_range("turns", turns, 0.0, 100.0, low_inclusive=False)
    rng = as_rng(seed)
    sizes = _class_sizes(n_samples, n_classes)
    arms = []
    for k, size in enumerate(sizes):
        s = np.linspace(0.0, 1.0, size)                                           # (size,)
        angle = 2.0 * np.pi * k / n_classes + 2.0 * np.pi * turns * s
        arms.append(s[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1))  # (size, 2)
    return _finish(arms, sizes, noise, rng, dtype)


def make_blobs(
    n_samples: int = 100,
    *,
    centers: Union[int, Sequence[Sequence[float]], np.ndarray] = 3,
    n_features: int = 2,
    cluster_std: Union[float, Sequence[float]] = 1.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    seed: RngLike = None,
    dtype: Any = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters: class k is drawn from N(center_k, cluster_std_k^2 I).

    Parameters
    ----------
    n_samples : int, default 100
        Total number of points, split evenly between the clusters.
    centers : int or array_like of shape (n_centers, n_features), default 3
        The number of clusters (centers then drawn uniformly in
        ``center_box``) or the centers themselves.
    n_features : int, default 2
        Dimension of each point when ``centers`` is an int.
    cluster_std : float or sequence of float, default 1.0
        Standard deviation of every cluster, or one per cluster.
    center_box : (float, float), default (-10, 10)
        Range of the random centers.
    seed : None, int or numpy.random.Generator
    dtype : float32 or float64, optional
    """
    n_samples = check_positive_int("n_samples", n_samples)
    rng = as_rng(seed)
    center_array = _blob_centers(centers, n_features, center_box, rng)              # (k, d)
    stds = _blob_stds(cluster_std, len(center_array))                               # (k,)
    sizes = _class_sizes(n_samples, len(center_array))
    clusters = [center + std * rng.standard_normal((size, center_array.shape[1]))
                for center, std, size in zip(center_array, stds, sizes)]
    return _finish(clusters, sizes, 0.0, rng, dtype)


def _blob_centers(centers: Any, n_features: int, center_box: tuple[float, float],
                  rng: np.random.Generator) -> np.ndarray:
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        count = check_positive_int("centers", centers)
        n_features = check_positive_int("n_features", n_features)
        low, high = center_box
        if not low < high:
            raise ValueError(f"center_box must be (low, high) with low < high, got {center_box!r}")
        return rng.uniform(low, high, size=(count, n_features))
    array = np.asarray(centers, dtype=np.float64)
    if array.ndim != 2 or len(array) == 0:
        raise ValueError(f"centers must be an int or an array of shape (n_centers, n_features), "
                         f"got shape {array.shape}")
    return array


def _blob_stds(cluster_std: Any, count: int) -> np.ndarray:
    stds = np.asarray(cluster_std, dtype=np.float64)
    if stds.ndim == 0:
        stds = np.full(count, float(stds))
    if stds.shape != (count,):
        raise ValueError(f"cluster_std must be a number or one per center ({count} centers), got {cluster_std!r}")
    if not np.all(np.isfinite(stds)) or np.any(stds < 0):
        raise ValueError(f"cluster_std values must be >= 0, got {cluster_std!r}")
    return stds
