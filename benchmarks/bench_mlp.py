"""MLP training throughput: ZeroNN, hand-written NumPy and PyTorch CPU side by side, in one process.

Network 784-256-128-10 with ReLU, softmax cross-entropy, plain SGD (lr 0.01),
batch 128, float32, on 8,192 random samples.  Four loops train one epoch each,
on the same batches, with the same number of BLAS threads:

- "GEMM limit": only the matrix products one epoch needs (per batch 3 forward,
  3 weight-gradient and 2 input-gradient GEMMs), back to back in NumPy.  No
  NumPy implementation can be faster: this is the machine's float32 GEMM
  limit for this network.  One large (2048 x 2048) product, the machine's
  GEMM peak, is printed as well.
- "NumPy by hand": the same training written directly in NumPy and tuned
  (buffers allocated once, every element-wise step in place).  The gap between
  it and the limit is the element-wise work (bias, ReLU, softmax, update) that
  NumPy runs on one core between the products.
- "zeronn numpy", "zeronn fast" and "pytorch": the plain loop a user writes
  (zero_grad, forward, loss, backward, step), nothing else: ZeroNN skips the
  first layer's input gradient by itself, as PyTorch does (the data needs no
  gradient).  "numpy" and "fast" are ZeroNN's two kernel backends
  (``zeronn.set_backend``); "fast" needs numba (``pip install zeronn[fast]``).

Batches come ``--order in-order`` (batch k holds samples 128k to 128k + 127,
as in the GEMM limit) or ``shuffled`` (a new permutation every epoch, so each
batch is gathered from 128 random rows: a memory-bound copy that the GEMM
limit does not contain); ``both`` (the default) runs both.

Timing: one warm-up epoch per loop, then ``--runs`` runs of ``--rounds``
rounds that run every loop once, in turn, so all of them share whatever else
the machine is doing.
A short pause separates the loops, because a library's idle worker threads
keep spinning for a while after their work (PyTorch's OpenMP threads do) and
would otherwise slow down the next loop.  Printed per loop: the median epoch
(the best one in brackets), samples/s, GFLOP/s of its matrix products, the
share of the GEMM limit (limit time / loop time, medians), the ratio of
ZeroNN's time to PyTorch's per run, and at the end the median and range of
those ratios over the runs, with the CPU model, BLAS kernel and backend.

Run (unset the OpenBLAS overrides some machines set, for this command only):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_mlp.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_mlp.py --order both --runs 5
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from typing import Callable, Optional, Union

import numpy as np

import zeronn
from zeronn.losses import CrossEntropyLoss
from zeronn.nn import Linear, ReLU, Sequential
from zeronn.optim import SGD

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import SETTLE_S, backend_report, blas_report, cpu_model, ratio_summary, use_backend  # noqa: E402

SIZES = (784, 256, 128, 10)
LR = 0.01

#: An epoch's batches: slices (in order) or index arrays (shuffled) into the samples.
Batches = list[Union[slice, np.ndarray]]


def best_time(function: Callable[[], object], repeats: int) -> float:
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


def epoch_batches(samples: int, batch: int, order: str, rng: np.random.Generator) -> Callable[[], Batches]:
    """Return a function giving one epoch's batches: slices in order, or index arrays of a new permutation."""
    starts = range(0, samples, batch)
    if order == "in-order":
        fixed = [slice(start, start + batch) for start in starts]
        return lambda: fixed

    def shuffled() -> Batches:
        permutation = rng.permutation(samples)
        return [permutation[start:start + batch] for start in starts]

    return shuffled


def initial_weights(seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W, b) per layer, W (in, out), PyTorch's default uniform init: the same start for every loop."""
    rng = np.random.default_rng(seed)
    weights = []
    for i, o in zip(SIZES[:-1], SIZES[1:]):
        bound = 1 / np.sqrt(i)
        weights.append((rng.uniform(-bound, bound, (i, o)).astype(np.float32),
                        rng.uniform(-bound, bound, o).astype(np.float32)))
    return weights


# ---------------------------------------------------------------------------- the loops
def gemm_limit_runner(x: np.ndarray, y: np.ndarray, batches: Callable[[], Batches]) -> Callable[[], None]:
    """Just the matrix products of one training epoch, in NumPy (the results are thrown away)."""
    weights = [w for w, _ in initial_weights(1)]

    def run() -> None:
        for index in batches():
            activations = [x[index]]
            for w in weights:
                activations.append(activations[-1] @ w)
            grad = activations[-1]
            for layer in range(len(weights) - 1, -1, -1):
                activations[layer].T @ grad
                if layer:
                    grad = grad @ weights[layer].T

    return run


class NumpyMLP:
    """The benchmark's network trained by hand in NumPy, tuned: every buffer is made once, work is in place.

    ``step(x, y)`` does one SGD step on a batch, keeps the batch's loss in
    ``loss`` and returns the gradients [dW0, db0, dW1, db1, dW2, db2] (views
    of its buffers, overwritten by the next step).  The tests check it
    against ZeroNN step for step.
    """

    def __init__(self, weights: list[tuple[np.ndarray, np.ndarray]], batch: int, lr: float = LR) -> None:
        self.params = [array.copy() for pair in weights for array in pair]   # W0, b0, W1, b1, W2, b2
        self.grads = [np.empty_like(p) for p in self.params]
        self.scratch = [np.empty_like(p) for p in self.params]                # lr * grad
        widths = SIZES[1:]
        self.z = [np.empty((batch, w), np.float32) for w in widths]           # layer outputs, ReLU in place
        self.zeros = [np.zeros((batch, w), np.float32) for w in widths]
        self.g = [np.empty((batch, w), np.float32) for w in widths]           # dL/d(layer output)
        self.mask = [np.empty((batch, w), bool) for w in widths]
        self.ones_batch = np.ones(batch, np.float32)
        self.ones_classes = np.ones(SIZES[-1], np.float32)
        self.rows = np.arange(batch)
        self.lr = np.float32(lr)
        self.loss = float("nan")

    def step(self, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
        w0, b0, w1, b1, w2, b2 = self.params
        n = len(x)                                                            # <= batch (a last, short batch)
        z, g, zeros, mask = ([array[:n] for array in arrays] for arrays in (self.z, self.g, self.zeros, self.mask))
        grads = self.grads
        # forward: z0 = relu(x @ W0 + b0), z1 = relu(z0 @ W1 + b1), z2 = z1 @ W2 + b2 (the logits)
        for layer, (inputs, w, b) in enumerate(((x, w0, b0), (z[0], w1, b1), (z[1], w2, b2))):
            np.matmul(inputs, w, out=z[layer])                               # (N, out)
            z[layer] += b
            if layer < 2:
                np.maximum(z[layer], zeros[layer], out=z[layer])
        # softmax cross-entropy, mean over the batch: g2 = (softmax(z2) - onehot(y)) / N
        p = g[2]
        np.subtract(z[2], np.ascontiguousarray(z[2].T).max(axis=0)[:, None], out=p)
        np.exp(p, out=p)
        p /= (p @ self.ones_classes)[:, None]                                 # (N, C) softmax
        rows = self.rows[:n]
        self.loss = -float(np.log(p[rows, y]).mean(dtype=np.float64))       # the loss value, as the others report
        p[rows, y] -= 1
        p *= np.float32(1 / n)
        # backward, from the last layer to the first
        for layer, (inputs, w) in reversed(list(enumerate(((x, w0), (z[0], w1), (z[1], w2))))):
            np.matmul(inputs.T, g[layer], out=grads[2 * layer])              # dW = inputs.T @ g
            np.matmul(self.ones_batch[:n], g[layer], out=grads[2 * layer + 1])   # db = g summed over the batch
            if layer:
                np.matmul(g[layer], w.T, out=g[layer - 1])                   # dL/d(inputs)
                np.greater(z[layer - 1], 0, out=mask[layer - 1])
                g[layer - 1] *= mask[layer - 1]                               # through the ReLU
        for param, grad, scratch in zip(self.params, grads, self.scratch):
            np.multiply(grad, self.lr, out=scratch)
            param -= scratch                                                  # p = p - lr * g
        return grads


def numpy_runner(x: np.ndarray, y: np.ndarray, batches: Callable[[], Batches], batch: int) -> Callable[[], None]:
    """One epoch of ``NumpyMLP``."""
    mlp = NumpyMLP(initial_weights(0), batch)

    def run() -> None:
        for index in batches():
            mlp.step(x[index], y[index])

    return run


def zeronn_model(weights: list[tuple[np.ndarray, np.ndarray]]) -> Sequential:
    """The benchmark's network in ZeroNN, starting from ``weights``."""
    layers: list = []
    for number, (w, b) in enumerate(weights):
        linear = Linear(*w.shape)
        linear.weight.data[...] = w
        linear.bias.data[...] = b
        layers += [linear, ReLU()] if number < len(weights) - 1 else [linear]
    return Sequential(*layers)


def zeronn_runner(x: np.ndarray, y: np.ndarray, batches: Callable[[], Batches],
                  backend: str = "numpy") -> Callable[[], None]:
    """One epoch of ZeroNN, written as a user would, on the kernels of ``backend``."""
    zeronn.manual_seed(0)
    model = zeronn_model(initial_weights(0))
    loss_fn = CrossEntropyLoss()
    optimizer = SGD(model.parameters(), lr=LR)

    def run() -> None:
        zeronn.set_backend(backend)                     # the loops share one process
        for index in batches():
            optimizer.zero_grad()
            loss_fn(model(x[index]), y[index])
            model.backward(loss_fn.backward())
            optimizer.step()

    return run


def torch_runner(x: np.ndarray, y: np.ndarray, batches: Callable[[], Batches],
                 threads: int) -> Optional[Callable[[], None]]:
    """One epoch of the same MLP in PyTorch, or None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10)
    )
    with torch.no_grad():
        for linear, (w, b) in zip(model[::2], initial_weights(0)):
            linear.weight.copy_(torch.from_numpy(w.T))
            linear.bias.copy_(torch.from_numpy(b))
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))

    def run() -> None:
        for index in batches():
            if not isinstance(index, slice):
                index = torch.from_numpy(index)
            loss = loss_fn(model(xt[index]), yt[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    return run


# ---------------------------------------------------------------------------- timing and report
def time_loops(runners: dict[str, Callable[[], None]], rounds: int) -> dict[str, list[float]]:
    """Warm up each loop once, then time ``rounds`` epochs of each, alternating, with pauses between."""
    for run in runners.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            time.sleep(SETTLE_S)
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def report(times: dict[str, list[float]], samples: int, peak: float) -> dict[str, float]:
    """Print one line per loop and each ZeroNN / PyTorch ratio; return the ratios (of medians)."""
    flops = epoch_flops(samples)
    median = {name: float(np.median(t)) for name, t in times.items()}
    best = {name: min(t) for name, t in times.items()}
    limit = "GEMM limit"
    for name in times:
        gflops = flops / median[name] / 1e9
        print(f"  {name:13s} {median[name] * 1e3:6.1f} ms/epoch ({best[name] * 1e3:5.1f})  "
              f"{samples / median[name]:9,.0f} samples/s  {gflops:5.1f} GFLOP/s  "
              f"{median[limit] / median[name]:4.0%} of the GEMM limit ({best[limit] / best[name]:.0%}), "
              f"{gflops / peak:4.0%} of peak")
    ratios = {}
    if "pytorch" not in times:
        print("  (PyTorch not installed: pip install torch==2.13.0 for the side-by-side numbers)")
        return ratios
    for name in times:
        if name.startswith("zeronn"):
            ratios[name] = median[name] / median["pytorch"]
            print(f"  ratio {name} / pytorch time: {ratios[name]:.2f}x ({best[name] / best['pytorch']:.2f}x best)")
    return ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=8192)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=5, help="timed epochs per loop in each run (after one warm-up)")
    parser.add_argument("--runs", type=int, default=3, help="runs; the summary gives the median and range")
    parser.add_argument("--order", choices=("in-order", "shuffled", "both"), default="shuffled")
    parser.add_argument("--backend", choices=("numpy", "fast", "both"), default="both",
                        help="ZeroNN's kernels ('both' needs numba; without it only numpy runs)")
    parser.add_argument("--threads", type=int, default=None, help="BLAS and PyTorch threads (default: NumPy's)")
    args = parser.parse_args()

    backends = ["numpy", "fast"] if args.backend == "both" else [args.backend]
    if "fast" in backends and importlib.util.find_spec("numba") is None:
        backends.remove("fast")
        print("(numba not installed: only the numpy backend runs; pip install zeronn[fast])")
    reports = []
    for backend in backends:                                      # first: numba loads libraries of its own
        use_backend(backend)
        reports.append(backend_report())
    if args.threads:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads, user_api="blas")
    blas, threads = blas_report()
    print(f"CPU: {cpu_model()}; NumPy {np.__version__}; BLAS: {blas}")
    print("\n".join(reports))
    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.samples, 784), dtype=np.float32)
    y = rng.integers(0, 10, args.samples).astype(np.int64)
    peak = gemm_peak_gflops()
    print(f"float32 GEMM peak (2048^3): {peak:.1f} GFLOP/s")

    for order in ("in-order", "shuffled") if args.order == "both" else (args.order,):
        def batches(order: str = order) -> Callable[[], Batches]:   # every loop gets the same epochs
            return epoch_batches(args.samples, args.batch_size, order, np.random.default_rng(0))

        runners = {
            "GEMM limit": gemm_limit_runner(x, y, epoch_batches(args.samples, args.batch_size, "in-order", rng)),
            "NumPy by hand": numpy_runner(x, y, batches(), args.batch_size),
        }
        for backend in backends:
            runners[f"zeronn {backend}"] = zeronn_runner(x, y, batches(), backend)
        torch_run = torch_runner(x, y, batches(), threads)
        if torch_run is not None:
            runners["pytorch"] = torch_run
        ratios: dict[str, list[float]] = {}
        for run in range(args.runs):
            print(f"\nMLP 784-256-128-10, SGD, batch {args.batch_size}, {args.samples} samples, {order} batches, "
                  f"float32, {threads} thread(s); run {run + 1}/{args.runs}, median of {args.rounds} epochs (best):")
            for name, ratio in report(time_loops(runners, args.rounds), args.samples, peak).items():
                ratios.setdefault(name, []).append(ratio)
        print(f"\nSummary, {order} batches ({cpu_model()}; {blas}):")
        for name, values in ratios.items():
            print(f"  {name} / pytorch time: {ratio_summary(values)}")


if __name__ == "__main__":
    main()
