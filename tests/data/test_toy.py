"""Toy datasets: shapes, dtypes, class balance, geometry and seeding."""

import numpy as np
import pytest

import zeronn
from zeronn.data import (
    make_blobs,
    make_circles,
    make_gauss,
    make_moons,
    make_multi_gauss,
    make_regression_plane,
    make_spirals,
    make_xor,
    xor,
)


def test_xor_is_the_tutorial_data():
    x, y = xor()
    assert x.tolist() == [[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]
    assert y.tolist() == [[0], [1], [1], [0]]
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert xor(dtype="float64")[0].dtype == np.float64


@pytest.mark.parametrize("make", [make_moons, make_circles, make_spirals, make_blobs])
def test_shapes_dtypes_balance_and_seed(make):
    x, y = make(101, seed=0)
    assert x.shape == (101, 2) and x.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    x2, y2 = make(101, seed=0)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(make(101, seed=1)[0], x)
    zeronn.set_default_dtype("float64")
    assert make(10, seed=0)[0].dtype == np.float64


def test_moons_geometry_without_noise():
    x, y = make_moons(200, seed=0, dtype="float64")
    top, bottom = x[y == 0], x[y == 1]
    # class 0 lies on the unit circle's upper half; class 1 on the circle of centre (1, 0.5), lower half
    np.testing.assert_allclose(np.hypot(top[:, 0], top[:, 1]), 1.0)
    assert np.all(top[:, 1] >= -1e-12)
    np.testing.assert_allclose(np.hypot(bottom[:, 0] - 1.0, bottom[:, 1] - 0.5), 1.0)
    assert np.all(bottom[:, 1] <= 0.5 + 1e-12)


def test_circles_radii():
    x, y = make_circles(100, factor=0.3, seed=0, dtype="float64")
    radius = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)


def test_noise_moves_points():
    clean, _ = make_moons(50, seed=0)
    noisy, _ = make_moons(50, noise=0.2, seed=0)
    assert not np.allclose(clean, noisy)


def test_spirals_three_classes_radius_grows():
    x, y = make_spirals(300, n_classes=3, seed=0, dtype="float64")
    assert set(np.unique(y)) == {0, 1, 2}
    assert np.hypot(x[:, 0], x[:, 1]).max() == pytest.approx(1.0)


def test_blobs_given_centers():
    centers = [[0.0, 0.0], [10.0, 10.0]]
    x, y = make_blobs(400, centers=centers, cluster_std=0.5, seed=0, dtype="float64")
    np.testing.assert_allclose(x[y == 1].mean(axis=0), [10.0, 10.0], atol=0.2)
    assert x[y == 0].std(axis=0) == pytest.approx([0.5, 0.5], abs=0.1)
    x3, _ = make_blobs(30, centers=4, n_features=3, seed=0)
    assert x3.shape == (30, 3)


def test_errors():
    with pytest.raises(ValueError, match="n_samples must be a positive integer"):
        make_moons(0)
    with pytest.raises(ValueError, match="Invalid noise value"):
        make_moons(10, noise=-1)
    with pytest.raises(ValueError, match="Invalid factor value"):
        make_circles(10, factor=1.0)
    with pytest.raises(ValueError, match="n_classes >= 2"):
        make_spirals(10, n_classes=1)
    with pytest.raises(ValueError, match="one per center"):
        make_blobs(10, centers=3, cluster_std=[1.0, 2.0])
    with pytest.raises(ValueError, match="cluster_std values must be >= 0"):
        make_blobs(10, centers=2, cluster_std=-1.0)
    with pytest.raises(ValueError, match="shape \\(n_centers, n_features\\)"):
        make_blobs(10, centers=[1.0, 2.0])
    with pytest.raises(ValueError, match="center_box"):
        make_blobs(10, center_box=(1, 1))


# ---------------------------------------------------------------------- TensorFlow-Playground-style sets
@pytest.mark.parametrize("make", [make_xor, make_gauss])
def test_playground_classification_sets_shapes_and_seed(make):
    x, y = make(200, noise=0.05, seed=3)
    assert x.shape == (200, 2) and x.dtype == np.float32
    assert y.shape == (200,) and y.dtype == np.int64 and set(np.unique(y)) == {0, 1}
    x2, y2 = make(200, noise=0.05, seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)


def test_xor_labels_follow_the_quadrants_and_keep_the_margin():
    x, y = make_xor(500, seed=0)
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] < 0).astype(np.int64))
    assert np.abs(x).min() >= 0.05 - 1e-7 and np.abs(x).max() <= 1.0


def test_gauss_clusters_sit_on_the_diagonal():
    x, y = make_gauss(2000, seed=0, dtype="float64")
    np.testing.assert_allclose(x[y == 1].mean(axis=0), [0.4, 0.4], atol=0.03)
    np.testing.assert_allclose(x[y == 0].mean(axis=0), [-0.4, -0.4], atol=0.03)
    np.testing.assert_allclose(x[y == 1].std(axis=0), [0.2, 0.2], atol=0.02)


def test_regression_plane_target_is_the_mean_of_the_inputs():
    x, y = make_regression_plane(50, seed=1, dtype="float64")
    assert y.shape == (50, 1) and y.dtype == np.float64
    np.testing.assert_allclose(y[:, 0], (x[:, 0] + x[:, 1]) / 2, rtol=0, atol=1e-12)
    _, noisy = make_regression_plane(50, noise=0.1, seed=1, dtype="float64")
    assert 0.05 < np.std(noisy - y) < 0.2


def test_multi_gauss_has_bumps_of_both_signs():
    x, y = make_multi_gauss(3000, seed=2, dtype="float64")
    assert y.shape == (3000, 1) and y.min() >= -1 and y.max() <= 1
    near = np.hypot(x[:, 0] - 0.0, x[:, 1] - 0.5) < 0.05     # the bump at (0, 0.5) points down
    assert y[near].mean() < -0.8
    near = np.hypot(x[:, 0] - 0.0, x[:, 1] + 0.5) < 0.05     # the one at (0, -0.5) points up
    assert y[near].mean() > 0.8


@pytest.mark.parametrize("make", [make_xor, make_gauss, make_regression_plane, make_multi_gauss])
def test_playground_sets_reject_bad_arguments(make):
    with pytest.raises(ValueError, match="n_samples"):
        make(0)
    with pytest.raises(ValueError, match="noise"):
        make(10, noise=-1.0)
