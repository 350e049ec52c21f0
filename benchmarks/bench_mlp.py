"""MLP training throughput: ZeroNN and PyTorch CPU side by side, in one process.

Network 784-256-128-10 with ReLU, softmax cross-entropy, plain SGD (lr 0.01),
batch 128, float32, on 8,192 random samples.  Both frameworks see the same
batches and use the same number of BLAS threads.  The script also measures the
machine's float32 GEMM limit two ways:

- peak: one large (2048 x 2048) @ (2048 x 2048) product, GFLOP/s;
- same-shape: only the matrix products one training epoch of this MLP needs
  (3 forward, 3 weight-gradient and 2 input-gradient GEMMs per batch), timed
  back to back in NumPy: no NumPy implementation can be faster than that.

Run (unset the OpenBLAS overrides some machines set, for this command only):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_mlp.py
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

import zeronn
from zeronn.losses import CrossEntropyLoss
from zeronn.nn import Linear, ReLU, Sequential
from zeronn.optim import SGD

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import blas_report  # noqa: E402

SIZES = (784, 256, 128, 10)


def best_time(function, repeats: int) -> float:
    """Smallest wall time of ``repeats`` calls."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def gemm_peak_gflops(n: int = 2048) -> float:
    """GFLOP/s of one large float32 matrix product."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    out = np.empty((n, n), np.float32)
    np.matmul(a, b, out=out)
    return 2 * n**3 / best_time(lambda: np.matmul(a, b, out=out), 5) / 1e9


def epoch_flops(samples: int) -> float:
    """Floating-point operations of the GEMMs in one epoch (first layer needs no input gradient)."""
    pairs = list(zip(SIZES[:-1], SIZES[1:]))
    forward = sum(2 * i * o for i, o in pairs)
    weight_grads = forward
    input_grads = sum(2 * i * o for i, o in pairs[1:])
    return samples * (forward + weight_grads + input_grads)


def gemm_only_epoch(x: np.ndarray, batch: int) -> float:
    """Time of just the matrix products of one training epoch, in NumPy."""
    rng = np.random.default_rng(1)
    weights = [rng.standard_normal((i, o), dtype=np.float32) * 0.05 for i, o in zip(SIZES[:-1], SIZES[1:])]

    def run():
        for start in range(0, len(x), batch):
            activations = [x[start:start + batch]]
            for w in weights:
                activations.append(activations[-1] @ w)
            grad = activations[-1]
            for layer in range(len(weights) - 1, -1, -1):
                activations[layer].T @ grad
                if layer:
                    grad = grad @ weights[layer].T

    run()
    return best_time(run, 3)


def zeronn_epoch_runner(x: np.ndarray, y: np.ndarray, batch: int, seed: int):
    """Return a function that trains ZeroNN for one epoch over the given batches."""
    zeronn.manual_seed(seed)
    model = Sequential(Linear(784, 256), ReLU(), Linear(256, 128), ReLU(), Linear(128, 10))
    model.needs_input_grad = False
    loss_fn = CrossEntropyLoss()
    optimizer = SGD(model.parameters(), lr=0.01)
    order = np.random.default_rng(seed)

    def run() -> float:
        permutation = order.permutation(len(x))
        for start in range(0, len(x), batch):
            index = permutation[start:start + batch]
            loss = loss_fn(model(x[index]), y[index])
            optimizer.zero_grad()
            model.backward(loss_fn.backward())
            optimizer.step()
        return loss

    return run


def torch_epoch_runner(x: np.ndarray, y: np.ndarray, batch: int, seed: int, threads: int):
    """Return a function that trains the same MLP in PyTorch for one epoch, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    order = np.random.default_rng(seed)

    def run() -> float:
        permutation = torch.from_numpy(order.permutation(len(x)))
        for start in range(0, len(x), batch):
            index = permutation[start:start + batch]
            loss = loss_fn(model(xt[index]), yt[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return loss.item()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=8192)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs per framework (after one warm-up)")
    args = parser.parse_args()

    blas, threads = blas_report()
    print(f"NumPy {np.__version__}; BLAS: {blas}")
    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.samples, 784), dtype=np.float32)
    y = rng.integers(0, 10, args.samples).astype(np.int64)

    peak = gemm_peak_gflops()
    gemm_epoch = gemm_only_epoch(x, args.batch_size)
    flops = epoch_flops(args.samples)
    print(f"float32 GEMM peak (2048^3): {peak:.1f} GFLOP/s")
    print(f"GEMMs of one epoch alone:   {gemm_epoch * 1e3:.1f} ms ({flops / gemm_epoch / 1e9:.1f} GFLOP/s)")

    runners = {"zeronn": zeronn_epoch_runner(x, y, args.batch_size, 0)}
    torch_run = torch_epoch_runner(x, y, args.batch_size, 0, threads)
    if torch_run is not None:
        runners["pytorch"] = torch_run
    times: dict[str, list[float]] = {name: [] for name in runners}
    for name, run in runners.items():
        run()                                                   # warm-up epoch
    for _ in range(args.epochs):                                # interleave to share any machine noise
        for name, run in runners.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)

    print(f"\nMLP 784-256-128-10, batch {args.batch_size}, {args.samples} samples, {threads} thread(s), "
          f"median of {args.epochs} epochs:")
    medians = {name: float(np.median(t)) for name, t in times.items()}
    for name, seconds in medians.items():
        print(f"  {name:8s} {seconds * 1e3:8.1f} ms/epoch  {args.samples / seconds:10,.0f} samples/s  "
              f"{flops / seconds / 1e9:6.1f} GFLOP/s ({flops / seconds / 1e9 / peak:.0%} of GEMM peak, "
              f"{gemm_epoch / seconds:.0%} of the same-shape GEMM limit)")
    if "pytorch" in medians:
        print(f"  ratio zeronn / pytorch time: {medians['zeronn'] / medians['pytorch']:.2f}x")
    else:
        print("  (PyTorch not installed: pip install torch==2.13.0 for the side-by-side numbers)")


if __name__ == "__main__":
    main()
