"""Tests for zeronn.profiler."""

import numpy as np
import pytest

from zeronn.losses import CrossEntropyLoss
from zeronn.nn import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential
from zeronn.optim import SGD
from zeronn.profiler import Profiler, profile


def small_cnn():
    return Sequential(Conv2d(1, 2, 3), ReLU(), MaxPool2d(2), Flatten(), Linear(8, 3))


def data(rng, n=8):
    return rng.normal(size=(n, 1, 6, 6)).astype(np.float32), rng.integers(0, 3, n)


def test_profile_times_every_layer_and_the_training_step(rng):
    model = small_cnn()
    x, y = data(rng)
    report = profile(model, x, y, CrossEntropyLoss(), SGD(model.parameters(), lr=0.1), batch_size=4, steps=3, warmup=1)
    assert report.steps == 3
    assert [entry.name for entry in report.layers] == ["0", "1", "2", "3", "4"]
    for entry in report.layers:
        forward, backward = entry.per_step("median")
        assert entry.calls == 3 and forward > 0 and backward > 0, entry
    assert {entry.name for entry in report.sections} >= {"loss forward", "loss backward", "optimizer step"}
    table = report.table()
    assert "Conv2d(1 -> 2, kernel_size=3)" in table and "median of 3 step(s)" in table and "wall" in table
    assert report.table(sort=True, statistic="mean").count("\n") == table.count("\n")
    assert len(report.layers[0].forward_steps) == 3
    with pytest.raises(ValueError, match="Unknown statistic"):
        report.table(statistic="max")


def test_per_step_median_ignores_one_slow_step(rng):
    model = small_cnn()
    prof = Profiler(model)
    for seconds in (0.001, 0.001, 0.5):
        prof.layers[0].forward = seconds
        prof.step()
    assert prof.layers[0].per_step("median")[0] == 0.001
    assert prof.layers[0].per_step("mean")[0] > 0.1


def test_profiler_removes_its_timers_on_exit(rng):
    model = small_cnn()
    x, y = data(rng)
    with Profiler(model) as prof:
        model(x)
        prof.step()
    assert all("forward" not in vars(layer) and "backward" not in vars(layer) for layer in model.modules())
    assert prof.layers[0].calls == 1
    reference = small_cnn()
    reference.load_state_dict(model.state_dict())
    np.testing.assert_array_equal(model(x), reference(x))        # the model works as before


def test_sections_and_reset(rng):
    model = small_cnn()
    with Profiler(model) as prof:
        with prof.section("data"):
            x, _ = data(rng)
        model(x)
        prof.reset()
        assert prof.sections[0].forward == 0 and prof.layers[0].calls == 0
        model(x)
    assert prof.layers[0].calls == 1


def test_nested_profiling_of_the_same_model_is_refused(rng):
    model = small_cnn()
    with Profiler(model):
        with pytest.raises(RuntimeError, match="already being profiled"):
            Profiler(model).__enter__()


def test_rejects_what_is_not_a_layer():
    with pytest.raises(TypeError, match="Profiler takes a zeronn Layer"):
        Profiler(lambda x: x)
