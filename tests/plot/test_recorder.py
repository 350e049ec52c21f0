"""Tests for zeronn.plot.recorder (DecisionBoundaryRecorder)."""

import numpy as np
import pytest
from PIL import Image

from tests.plot.pictures import assert_png
from zeronn.data import make_moons
from zeronn.nn import Linear, Sequential
from zeronn.nn.activation import Tanh
from zeronn.plot import DecisionBoundaryRecorder
from zeronn.plot.recorder import pick_evenly
from zeronn.train import Callback, fit

DPI = 30


def _fit_with_recorder(epochs=9, every=2, **kwargs):
    x, y = make_moons(80, noise=0.1, seed=0)
    model = Sequential(Linear(2, 8, rng=0), Tanh(), Linear(8, 2, rng=1))
    recorder = DecisionBoundaryRecorder(x, y, every=every, resolution=20, **kwargs)
    fit(model, x, y, loss="cross_entropy", optimizer="adam", lr=0.05, epochs=epochs, batch_size=16,
        callbacks=[recorder], verbose=0, seed=0)
    return recorder, model


def test_records_before_training_every_n_epochs_and_the_last():
    recorder, _ = _fit_with_recorder(epochs=9, every=4)
    assert isinstance(recorder, Callback)
    # before training (0), after epochs 1, 5, 9 (0-based 0, 4, 8); 9 is also the last
    assert [frame.epoch for frame in recorder.frames] == [0, 1, 5, 9]
    assert recorder.frames[0].loss is None and recorder.frames[-1].loss > 0
    assert recorder.frames[-1].grid.values.shape == (20, 20)


def test_last_epoch_is_recorded_even_off_the_schedule():
    recorder, _ = _fit_with_recorder(epochs=6, every=4)
    assert [frame.epoch for frame in recorder.frames] == [0, 1, 5, 6]


def test_gif_has_several_small_frames_with_titles(tmp_path):
    recorder, _ = _fit_with_recorder(epochs=12, every=1)
    path = recorder.save_gif(tmp_path / "anim" / "moons.gif", fps=10, max_frames=5, figsize=(2.0, 2.0), dpi=DPI)
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.is_animated
        assert gif.n_frames == 5                                   # 13 frames subsampled to 5
        assert gif.size == (60, 60)
        assert gif.info["loop"] == 0
    assert pick_evenly(13, 5) == [0, 3, 6, 9, 12]                  # first and last kept


def test_frame_series_figure(tmp_path):
    recorder, _ = _fit_with_recorder(epochs=5, every=1)
    figure = recorder.plot_frames(n=4, path=tmp_path / "frames.png", cols=2, dpi=DPI)
    assert_png(tmp_path / "frames.png", figure, DPI)
    titles = [ax.get_title() for ax in figure.axes]
    assert titles[0] == "before training" and titles[-1].startswith("epoch 5   loss ")


def test_memory_stays_bounded_on_long_runs():
    recorder, _ = _fit_with_recorder(epochs=20, every=1, max_stored=6)
    epochs = [frame.epoch for frame in recorder.frames]
    assert len(epochs) <= 7 and epochs[0] == 0 and epochs[-1] == 20
    assert epochs == sorted(epochs)


def test_errors():
    x, y = make_moons(10, seed=0)
    recorder = DecisionBoundaryRecorder(x, y)
    with pytest.raises(RuntimeError, match="no frames yet"):
        recorder.save_gif("never.gif")
    with pytest.raises(RuntimeError, match="not attached to a trainer"):
        recorder.record(0)
    with pytest.raises(ValueError, match=r"x must have shape \(n_samples, 2\), got \(10, 3\)"):
        DecisionBoundaryRecorder(np.zeros((10, 3)), y)
    with pytest.raises(ValueError, match="every must be a positive integer"):
        DecisionBoundaryRecorder(x, y, every=0)


def test_resumed_run_starts_at_the_resumed_epoch(tmp_path):
    from zeronn.train import ModelCheckpoint

    x, y = make_moons(40, noise=0.1, seed=0)
    model = Sequential(Linear(2, 4, rng=0), Tanh(), Linear(4, 2, rng=1))
    settings = dict(loss="cross_entropy", optimizer="sgd", lr=0.1, batch_size=20, verbose=0, seed=0)
    fit(model, x, y, epochs=2, callbacks=[ModelCheckpoint(tmp_path)], **settings)
    recorder = DecisionBoundaryRecorder(x, y, resolution=8)
    fit(model, x, y, epochs=4, callbacks=[recorder], resume_from=tmp_path, **settings)
    assert [frame.epoch for frame in recorder.frames] == [2, 3, 4]      # not "before training"
    assert recorder.frames[0].loss is None
