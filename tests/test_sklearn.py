"""zeronn.sklearn: scikit-learn's estimator checks, pipelines, searches, partial_fit, model files."""

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import make_blobs, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import zeronn  # noqa: E402
from zeronn import nn  # noqa: E402
from zeronn.sklearn import ZeroNNClassifier, ZeroNNRegressor  # noqa: E402


@parametrize_with_checks([ZeroNNClassifier(), ZeroNNRegressor()])
def test_sklearn_estimator_checks(estimator, check, monkeypatch):
    # sklearn skips its array-API input check unless this is set; with NumPy alone it needs nothing else.
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    check(estimator)


def _blobs(n=120, centers=3, seed=0):
    x, y = make_blobs(n_samples=n, centers=centers, n_features=4, random_state=seed, cluster_std=1.0)
    return StandardScaler().fit_transform(x), y


def test_classifier_binary_and_multiclass_learn():
    for centers in (2, 3):
        x, y = _blobs(centers=centers)
        clf = ZeroNNClassifier(hidden_layer_sizes=(16,), lr=1e-2, max_epochs=60, random_state=0).fit(x, y)
        assert clf.classes_.tolist() == list(range(centers))
        assert clf.n_features_in_ == 4
        proba = clf.predict_proba(x)
        assert proba.shape == (len(x), centers)
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
        assert clf.score(x, y) > 0.95
        assert len(clf.loss_curve_) == clf.n_iter_ == len(clf.history_)
        assert clf.loss_curve_[-1] < clf.loss_curve_[0]


def test_string_labels_and_same_seed_same_model():
    x, y = _blobs(centers=2)
    labels = np.array(["cat", "dog"])[y]
    a = ZeroNNClassifier(hidden_layer_sizes=(8,), max_epochs=20, random_state=3).fit(x, labels)
    b = ZeroNNClassifier(hidden_layer_sizes=(8,), max_epochs=20, random_state=3).fit(x, labels)
    assert set(a.predict(x)) <= {"cat", "dog"}
    np.testing.assert_array_equal(a.predict_proba(x), b.predict_proba(x))


def test_partial_fit_needs_classes_then_continues():
    x, y = _blobs()
    clf = ZeroNNClassifier(hidden_layer_sizes=(16,), lr=1e-2, random_state=0)
    with pytest.raises(ValueError, match="classes="):
        clf.partial_fit(x, y)
    clf.partial_fit(x[:60], y[:60], classes=[0, 1, 2])
    for _ in range(30):
        clf.partial_fit(x, y)
    assert clf.n_iter_ == 31 and len(clf.loss_curve_) == 31
    assert clf.score(x, y) > 0.9


def test_regressor_single_and_multi_output():
    x, y = make_regression(n_samples=150, n_features=5, n_targets=2, noise=0.1, random_state=0)
    y = y / y.std(axis=0)
    reg = ZeroNNRegressor(hidden_layer_sizes=(32,), lr=1e-2, max_epochs=150, random_state=0).fit(x, y)
    assert reg.predict(x).shape == (150, 2) and reg.n_outputs_ == 2
    assert reg.score(x, y) > 0.9
    single = ZeroNNRegressor(hidden_layer_sizes=(32,), lr=1e-2, max_epochs=150, random_state=0).fit(x, y[:, 0])
    assert single.predict(x).shape == (150,)


def test_early_stopping_holds_out_validation_and_stops():
    x, y = _blobs(n=200)
    clf = ZeroNNClassifier(hidden_layer_sizes=(16,), lr=5e-2, early_stopping=True, n_iter_no_change=3,
                           max_epochs=500, random_state=0).fit(x, y)
    assert "val_loss" in clf.history_.keys()
    assert clf.n_iter_ < 500


def test_warm_start_continues_from_the_fitted_network():
    x, y = _blobs()
    clf = ZeroNNClassifier(hidden_layer_sizes=(8,), max_epochs=5, warm_start=True, random_state=0,
                           n_iter_no_change=100)
    with pytest.warns(Warning):
        clf.fit(x, y)
    first = clf.model_
    with pytest.warns(Warning):
        clf.fit(x, y)
    assert clf.model_ is first


def test_module_as_layer_and_as_builder():
    x, y = _blobs()
    layer = nn.Sequential(nn.Linear(4, 8, rng=0), nn.Tanh(), nn.Linear(8, 3, rng=1)).double()
    clf = ZeroNNClassifier(module=layer, lr=1e-2, max_epochs=30, random_state=0).fit(x, y)
    assert clf.model_ is not layer                                  # a copy is trained, the given one is kept
    assert clf.score(x, y) > 0.9

    def builder(n_features, n_outputs, rng):
        return nn.Sequential(nn.Linear(n_features, 8, rng=rng), nn.ReLU(), nn.Linear(8, n_outputs, rng=rng))

    clf = ZeroNNClassifier(module=builder, lr=1e-2, max_epochs=30, random_state=0).fit(x, y)
    assert clf.score(x, y) > 0.9


def test_module_with_wrong_output_size_is_a_clear_error():
    x, y = _blobs()
    clf = ZeroNNClassifier(module=nn.Sequential(nn.Linear(4, 2)))
    with pytest.raises(ValueError, match="3 outputs"):
        clf.fit(x, y)


def test_cnn_module_on_flat_pixels_with_input_shape():
    rng = np.random.default_rng(0)
    x = rng.random((40, 36))
    y = (x[:, :18].sum(axis=1) > x[:, 18:].sum(axis=1)).astype(int)
    cnn = nn.Sequential(nn.Conv2d(1, 2, 3, rng=0), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 4 * 4, 2, rng=0))
    clf = ZeroNNClassifier(module=cnn, input_shape=(1, 6, 6), max_epochs=3, random_state=0)
    with pytest.warns(Warning):
        clf.fit(x, y)
    assert clf.predict(x).shape == (40,)


def test_pipeline_grid_search_and_cross_val_score():
    x, y = _blobs(n=90)
    pipe = make_pipeline(StandardScaler(), ZeroNNClassifier(hidden_layer_sizes=(8,), max_epochs=40, random_state=0))
    search = GridSearchCV(pipe, {"zeronnclassifier__lr": [1e-3, 3e-2]}, cv=3, n_jobs=2)
    search.fit(x, y)
    assert search.best_params_ == {"zeronnclassifier__lr": 3e-2}
    scores = cross_val_score(ZeroNNRegressor(hidden_layer_sizes=(8,), lr=1e-2, max_epochs=40, random_state=0),
                             x, x[:, 0] - x[:, 1], cv=3)
    assert scores.shape == (3,) and scores.min() > 0.5


def test_save_and_load_round_trip(tmp_path):
    x, y = _blobs()
    labels = np.array(["a", "b", "c"])[y]
    clf = ZeroNNClassifier(hidden_layer_sizes=(8,), lr=1e-2, max_epochs=20, random_state=0).fit(x, labels)
    path = tmp_path / "clf.safetensors"
    clf.save(path)
    back = ZeroNNClassifier.load(path)
    np.testing.assert_array_equal(back.predict_proba(x), clf.predict_proba(x))
    assert back.predict(x).tolist() == clf.predict(x).tolist()
    assert back.get_params() == clf.get_params()
    assert back.loss_curve_ == clf.loss_curve_
    assert isinstance(zeronn.load(path), nn.Sequential)            # an ordinary model file

    reg = ZeroNNRegressor(hidden_layer_sizes=(8,), max_epochs=5, random_state=0)
    with pytest.warns(Warning):
        reg.fit(x, x[:, :2])
    reg.save(tmp_path / "reg.safetensors")
    np.testing.assert_array_equal(ZeroNNRegressor.load(tmp_path / "reg.safetensors").predict(x), reg.predict(x))
    with pytest.raises(ValueError, match="ZeroNNRegressor.load"):
        ZeroNNClassifier.load(tmp_path / "reg.safetensors")
    zeronn.save(nn.Sequential(nn.Linear(4, 3)), tmp_path / "plain.safetensors")
    with pytest.raises(ValueError, match="without scikit-learn"):
        ZeroNNClassifier.load(tmp_path / "plain.safetensors")


def test_bad_parameters_raise_in_fit_naming_them():
    x, y = _blobs()
    with pytest.raises(ValueError, match="max_epochs"):
        ZeroNNClassifier(max_epochs=0).fit(x, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        ZeroNNClassifier(hidden_layer_sizes=(4, -1)).fit(x, y)
    with pytest.raises(ValueError, match="activation"):
        ZeroNNClassifier(activation="nope").fit(x, y)


def test_partial_fit_with_early_stopping_set_runs_one_plain_epoch():
    x, y = _blobs(n=30)
    reg = ZeroNNRegressor(hidden_layer_sizes=(4,), early_stopping=True, random_state=0)
    reg.partial_fit(x, x[:, 0])
    reg.partial_fit(x, x[:, 0])
    assert reg.n_iter_ == 2 and "val_loss" not in reg.history_.keys()
