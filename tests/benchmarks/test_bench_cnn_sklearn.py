"""Tests for benchmarks/bench_cnn.py and bench_sklearn.py: their training loops run and learn."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name):
    sys.path.insert(0, str(BENCHMARKS))
    try:
        spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCHMARKS))
    return module


@pytest.mark.parametrize("name", ["a", "b"])
def test_cnn_zeronn_trainer_runs_a_plain_loop(name):
    bench = _load("bench_cnn")
    x, y = bench.make_data(bench.MODELS[name][1])
    epoch = bench.zeronn_trainer(name, x, y, bench.MODELS[name][1])
    epoch(np.arange(len(x)))                                    # one batch; no input-gradient hack needed


def test_sklearn_bench_trainers_learn_the_same_task(rng):
    pytest.importorskip("sklearn")
    bench = _load("bench_sklearn")
    y = rng.integers(0, 2, 256)
    x = rng.random((256, 784), dtype=np.float32)
    x[:, :100] += y[:, None]                                    # class 1 is brighter in the first 100 pixels
    for make in (bench.sklearn_trainer, bench.zeronn_trainer):
        epoch, predict = make(x, y)
        for _ in range(10):
            epoch()
        assert np.mean(predict(x) == y) > 0.8, make.__name__
