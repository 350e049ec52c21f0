"""Tests for zeronn.plot.curves."""

import math

import numpy as np
import pytest

from tests.plot.pictures import assert_png
from zeronn.plot import plot_history, plot_loss
from zeronn.train.history import History

DPI = 40


def _history(epochs=4, validation=True):
    """A real History, filled the way fit fills it (epochs counted from 0)."""
    history = History()
    for epoch in range(epochs):
        logs = {"loss": 1.0 / (epoch + 1), "accuracy": 0.5 + 0.1 * epoch, "lr": 0.1, "time": 0.2}
        if validation:
            logs.update(val_loss=1.2 / (epoch + 1), val_accuracy=0.45 + 0.1 * epoch)
        history.append(epoch, logs)
    return history


def test_loss_from_a_plain_list_like_the_tutorial(tmp_path):
    losses = list(np.exp(-np.linspace(0.0, 5.0, 1500)))
    figure = plot_loss(losses, tmp_path / "loss.png", dpi=DPI)
    assert_png(tmp_path / "loss.png", figure, DPI)
    (line,) = figure.axes[0].get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 1501))     # iterations 1..1500
    np.testing.assert_allclose(line.get_ydata(), losses)
    assert figure.axes[0].get_xlabel() == "iteration"


def test_loss_from_a_history_shows_train_and_validation(tmp_path):
    figure = plot_loss(_history(), tmp_path / "loss.png", dpi=DPI, logy=True)
    assert_png(tmp_path / "loss.png", figure, DPI)
    ax = figure.axes[0]
    train, validation, best = ax.get_lines()
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3, 4])          # History epochs 0..3 -> 1..4
    np.testing.assert_allclose(validation.get_ydata(), [1.2, 0.6, 0.4, 0.3])
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch"


def test_history_panels_side_by_side(tmp_path):
    figure = plot_history(_history(), tmp_path / "history.png", dpi=DPI)
    assert_png(tmp_path / "history.png", figure, DPI)
    titles = [ax.get_title() for ax in figure.axes]
    assert titles == ["loss", "accuracy"]                                     # "lr" and "time" are not metrics
    assert all(len(ax.get_lines()) == 3 for ax in figure.axes)                # train, validation, best star
    assert [t.get_text() for t in figure.axes[1].get_legend().get_texts()] == [
        "train", "validation", "best val accuracy: epoch 4"]
    np.testing.assert_allclose(figure.get_size_inches(), (9.0, 3.5))         # 4.5 inches per panel


def test_history_from_a_dict_and_chosen_panels(tmp_path):
    data = {"loss": [0.9, 0.5, None], "val_loss": [1.0, 0.7, 0.6], "lr": [0.1, 0.05, 0.01]}
    figure = plot_history(data, tmp_path / "h.png", metrics=["loss", "lr"], dpi=DPI)
    assert_png(tmp_path / "h.png", figure, DPI)
    assert [ax.get_title() for ax in figure.axes] == ["loss", "lr"]
    train = figure.axes[0].get_lines()[0].get_ydata()
    assert math.isnan(train[2])                                               # None -> a gap


def test_history_without_validation_draws_training_only():
    figure = plot_history(_history(validation=False), dpi=DPI, mark_best=False)
    assert all(len(ax.get_lines()) == 1 for ax in figure.axes)


def test_best_and_restored_epochs_are_marked():
    history = History()
    for epoch, (loss, val_loss) in enumerate([(1.0, 0.9), (0.6, 0.5), (0.4, 0.7), (0.3, 0.8)]):
        history.append(epoch, {"loss": loss, "val_loss": val_loss})
    figure = plot_history(history, dpi=DPI, restored_epoch=2)
    ax = figure.axes[0]
    star = ax.get_lines()[2]
    assert star.get_marker() == "*"
    np.testing.assert_array_equal(star.get_xdata(), [2]) and np.testing.assert_allclose(star.get_ydata(), [0.5])
    restored = ax.get_lines()[3]
    np.testing.assert_array_equal(restored.get_xdata(), [2, 2])               # the dashed vertical line
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["train", "validation", "best val loss: epoch 2", "weights restored: epoch 2"]
    with pytest.raises(ValueError, match="restored_epoch"):
        plot_history(history, restored_epoch=0)


def test_one_epoch_history_draws_labelled_dots(tmp_path):
    history = History()
    history.append(0, {"loss": 0.7, "val_loss": 0.8, "accuracy": 0.5})
    figure = plot_history(history, tmp_path / "one.png", dpi=DPI)
    assert_png(tmp_path / "one.png", figure, DPI)
    ax = figure.axes[0]
    assert ax.get_xlim() == (0.5, 1.5) and list(ax.get_xticks()) == [1]
    assert [t.get_text() for t in ax.texts] == ["0.7", "0.8"]
    assert all(line.get_marker() == "o" for line in ax.get_lines())           # no "best" star for one epoch


@pytest.mark.parametrize(
    "bad, error, match",
    [
        ([], ValueError, "at least one loss"),
        ({}, ValueError, "empty"),
        ({"loss": ["a", "b"]}, TypeError, "list of numbers"),
        ([[1.0, 2.0], [3.0, 4.0]], ValueError, "one number per epoch"),
        (3.5, TypeError, "list of numbers"),
    ],
)
def test_plot_loss_rejects_bad_input(bad, error, match):
    with pytest.raises(error, match=match):
        plot_loss(bad)


def test_plot_history_rejects_unknown_metric_naming_what_exists():
    with pytest.raises(ValueError, match="cannot plot.*'f1'.*loss, val_loss"):
        plot_history({"loss": [1.0], "val_loss": [1.0]}, metrics=["f1"])
    with pytest.raises(TypeError, match="History"):
        plot_history([1.0, 2.0])
    with pytest.raises(ValueError, match="no 'loss'"):
        plot_loss({"accuracy": [0.5]})


def test_history_returned_by_fit(tmp_path):
    from zeronn.data import make_moons
    from zeronn.nn import Linear
    from zeronn.train import fit

    x, y = make_moons(40, noise=0.1, seed=0)
    history = fit(Linear(2, 2, rng=0), x, y, loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=3,
                  validation_split=0.25, verbose=0, seed=0)
    figure = plot_history(history, tmp_path / "fit.png", dpi=DPI)
    assert_png(tmp_path / "fit.png", figure, DPI)
    assert [ax.get_title() for ax in figure.axes] == ["loss", "accuracy"]
    np.testing.assert_array_equal(figure.axes[0].get_lines()[1].get_xdata(), [1, 2, 3])
