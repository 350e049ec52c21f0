"""Small two-dimensional datasets for learning and testing, generated in NumPy from a seed.

Each generator returns ``(x, y)``: ``x`` float (n_samples, 2) in the library's
default dtype (float32 unless changed), ``y`` int64 class labels (n_samples,),
rows in random order.  The same seed gives the same bits.

    xor()                              the tutorial's four rows (3 inputs, the third is a constant 1)
    make_moons(200, noise=0.1)         two interleaving half circles
    make_circles(200, factor=0.5)      a small circle inside a large one
    make_spirals(300, n_classes=3)     arms winding around the origin
    make_blobs(300, centers=3)         Gaussian clusters

TensorFlow-Playground-style sets, all inside the square [-1, 1] x [-1, 1]:

    make_xor(200, noise=0.05)          the four quadrants: class 1 where x1 and x2 have different signs
    make_gauss(200, noise=0.1)         two round Gaussian clusters on the diagonal
    make_regression_plane(200)         a real-valued target that rises across the square: y = (x1 + x2) / 2
    make_multi_gauss(200)              a real-valued target made of six Gaussian bumps, up and down
"""

from __future__ import annotations

from typing import Any, Sequence, Union

import numpy as np

from zeronn._validation import check_in_range, check_nonnegative_float, check_positive_int
from zeronn.dtype import resolve_dtype
from zeronn.random import RngLike, as_rng

__all__ = [
    "xor", "make_moons", "make_circles", "make_spirals", "make_blobs",
    "make_xor", "make_gauss", "make_regression_plane", "make_multi_gauss",
]


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


# ---------------------------------------------------------------------- TensorFlow-Playground-style sets
def make_xor(
    n_samples: int = 100, *, noise: float = 0.0, margin: float = 0.05, seed: RngLike = None, dtype: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Points spread over the square [-1, 1]^2, labelled by quadrant: the 2-D "exclusive or".

    x1, x2 ~ U[-1, 1], then pushed ``margin`` away from both axes
    y = 1 where x1 * x2 < 0 (the signs differ), else 0
    Then Gaussian noise of standard deviation ``noise`` on both coordinates
    (the labels keep the quadrant of the clean point, so noise blurs the border).

    A single straight line cannot separate the classes; the feature x1 * x2
    alone can.

    Parameters
    ----------
    n_samples : int, default 100
    noise : float, default 0.0
        Standard deviation of the noise added to each coordinate.
    margin : float in [0, 1), default 0.05
        Gap kept empty on each side of the axes.
    seed : None, int or numpy.random.Generator
    dtype : float32 or float64, optional
    """
    n_samples = check_positive_int("n_samples", n_samples)
    noise = check_nonnegative_float("noise", noise)
    margin = check_in_range("margin", margin, 0.0, 1.0, high_inclusive=False)
    rng = as_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n_samples, 2))                    # (n, 2)
    x = np.sign(x) * (margin + (1.0 - margin) * np.abs(x))              # nobody closer than margin to an axis
    y = (x[:, 0] * x[:, 1] < 0).astype(np.int64)                       # (n,)
    if noise > 0:
        x = x + rng.normal(scale=noise, size=x.shape)
    return x.astype(resolve_dtype(dtype)), y


def make_gauss(
    n_samples: int = 100, *, noise: float = 0.0, spread: float = 0.2, seed: RngLike = None, dtype: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two round Gaussian clusters: class 1 around (0.4, 0.4), class 0 around (-0.4, -0.4).

    Class k:  x ~ N(center_k, spread^2 I), then Gaussian noise of standard
    deviation ``noise`` (so the clusters overlap more as noise grows).

    Parameters
    ----------
    n_samples : int, default 100
        Total number of points, split evenly between the two clusters.
    noise : float, default 0.0
    spread : float > 0, default 0.2
        Standard deviation of each cluster before the noise.
    seed : None, int or numpy.random.Generator
    dtype : float32 or float64, optional
    """
    n_samples = check_positive_int("n_samples", n_samples)
    noise = check_nonnegative_float("noise", noise)
    spread = check_in_range("spread", spread, 0.0, 10.0, low_inclusive=False)
    rng = as_rng(seed)
    sizes = _class_sizes(n_samples, 2)
    centers = np.array([[-0.4, -0.4], [0.4, 0.4]])
    clusters = [center + spread * rng.standard_normal((size, 2)) for center, size in zip(centers, sizes)]
    return _finish(clusters, sizes, noise, rng, dtype)


def make_regression_plane(
    n_samples: int = 100, *, noise: float = 0.0, seed: RngLike = None, dtype: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """A tilted plane: x ~ U[-1, 1]^2, target y = (x1 + x2) / 2 + noise, in [-1, 1] before the noise.

    Returns
    -------
    x : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples, 1)
        Real-valued targets in ``x``'s dtype (fit them with ``MSELoss``).
        ``noise`` is the standard deviation of Gaussian noise on y.
    """
    n_samples = check_positive_int("n_samples", n_samples)
    noise = check_nonnegative_float("noise", noise)
    rng = as_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n_samples, 2))                    # (n, 2)
    y = 0.5 * (x[:, 0] + x[:, 1])                                       # (n,)
    return _finish_regression(x, y, noise, rng, dtype)


#: Centers and signs of the six bumps of ``make_multi_gauss``: (c1, c2, sign).
MULTI_GAUSS_BUMPS = ((-0.8, 0.5, 1.0), (0.0, 0.5, -1.0), (0.8, 0.5, 1.0),
                     (-0.8, -0.5, -1.0), (0.0, -0.5, 1.0), (0.8, -0.5, -1.0))


def make_multi_gauss(
    n_samples: int = 100, *, noise: float = 0.0, width: float = 0.25, seed: RngLike = None, dtype: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """Six Gaussian bumps, alternately up and down, on a 3 x 2 grid: a real-valued target.

    x ~ U[-1, 1]^2
    y = sum over bumps k of sign_k * exp(-|x - c_k|^2 / (2 width^2)),  clipped to [-1, 1], plus noise
    (centers c_k and signs in ``MULTI_GAUSS_BUMPS``)

    Returns
    -------
    x : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples, 1), in ``x``'s dtype
    """
    n_samples = check_positive_int("n_samples", n_samples)
    noise = check_nonnegative_float("noise", noise)
    width = check_in_range("width", width, 0.0, 10.0, low_inclusive=False)
    rng = as_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=(n_samples, 2))                    # (n, 2)
    y = np.zeros(n_samples)                                             # (n,)
    for c1, c2, sign in MULTI_GAUSS_BUMPS:
        distance2 = (x[:, 0] - c1) ** 2 + (x[:, 1] - c2) ** 2          # (n,)
        y += sign * np.exp(-distance2 / (2.0 * width * width))
    return _finish_regression(x, np.clip(y, -1.0, 1.0), noise, rng, dtype)


def _finish_regression(x: np.ndarray, y: np.ndarray, noise: float, rng: np.random.Generator,
                       dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """Add noise to the targets and return (x, y[:, None]) in ``dtype``."""
    if noise > 0:
        y = y + rng.normal(scale=noise, size=y.shape)
    dtype = resolve_dtype(dtype)
    return x.astype(dtype), y[:, None].astype(dtype)                    # (n, 2), (n, 1)
