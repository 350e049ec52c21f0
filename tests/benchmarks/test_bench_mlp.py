"""Tests for benchmarks/bench_mlp.py: its loops do the same training, so the comparison is fair."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from zeronn.losses import CrossEntropyLoss
from zeronn.optim import SGD

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_mlp.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_mlp", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_hand_written_numpy_trains_like_zeronn_step_for_step(bench, rng):
    weights = bench.initial_weights(0)
    by_hand = bench.NumpyMLP(weights, batch=16)
    model = bench.zeronn_model(weights)
    loss_fn, optimizer = CrossEntropyLoss(), SGD(model.parameters(), lr=bench.LR)
    x = rng.standard_normal((40, 784), dtype=np.float32)
    y = rng.integers(0, 10, 40)
    for start in (0, 16, 32):                                   # the last batch is short (8 samples)
        xb, yb = x[start:start + 16], y[start:start + 16]
        grads = by_hand.step(xb, yb)
        assert by_hand.loss == pytest.approx(loss_fn(model(xb), yb), rel=1e-5)
        optimizer.zero_grad()
        model.backward(loss_fn.backward())
        expected = [p.grad for p in model.parameters()]
        optimizer.step()
        for got, want in zip(grads, expected):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-7)
        for got, want in zip(by_hand.params, model.parameters()):
            np.testing.assert_allclose(got, want.data, rtol=1e-5, atol=1e-7)


def test_epoch_flops_counts_eight_products_per_batch(bench):
    forward = 2 * (784 * 256 + 256 * 128 + 128 * 10)
    input_grads = 2 * (256 * 128 + 128 * 10)                    # the first layer needs no input gradient
    assert bench.epoch_flops(128) == 128 * (2 * forward + input_grads)


def test_epoch_batches_in_order_and_shuffled(bench):
    in_order = bench.epoch_batches(10, 4, "in-order", np.random.default_rng(0))()
    assert [(s.start, s.stop) for s in in_order] == [(0, 4), (4, 8), (8, 12)]
    make = bench.epoch_batches(10, 4, "shuffled", np.random.default_rng(0))
    first, second = np.concatenate(make()), np.concatenate(make())
    assert sorted(first) == list(range(10)) and sorted(second) == list(range(10))
    assert not np.array_equal(first, second)                    # a new permutation every epoch


def test_gemm_limit_and_loops_run(bench, rng, monkeypatch):
    monkeypatch.setattr(bench, "SETTLE_S", 0.0)
    x = rng.standard_normal((32, 784), dtype=np.float32)
    y = rng.integers(0, 10, 32)
    batches = bench.epoch_batches(32, 16, "shuffled", np.random.default_rng(0))
    for run in (bench.gemm_limit_runner(x, y, batches), bench.numpy_runner(x, y, batches, 16),
                bench.zeronn_runner(x, y, batches)):
        run()
    times = bench.time_loops({"GEMM limit": lambda: None, "zeronn": lambda: None}, rounds=2)
    assert set(times) == {"GEMM limit", "zeronn"} and all(len(t) == 2 for t in times.values())
