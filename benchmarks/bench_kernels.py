"""How the fast backend was chosen: NumPy vs numexpr vs numba (serial and parallel) per kernel.

For the element-wise kernels of a training step (ReLU forward and backward,
the SGD update) and max pooling, on the arrays of the MLP benchmark
(128 x 256 activations, 784 x 256 weights) and of CNN (a) (100 x 30 x 24 x 24
feature maps), each candidate is timed in two settings:

- alone: the kernel back to back (what a micro-benchmark shows);
- after a GEMM: each call follows a (128 x 784) @ (784 x 256) float32 product
  on OpenBLAS's threads, as in training, so a candidate whose own worker
  threads fight BLAS's still-spinning threads pays for it here.

numexpr has no pooling; numba's parallel variants use ``prange`` over the
outer axis.  The printed table is what ``zeronn.kernels.numba_backend``'s
choice (serial numba) rests on.  Numbers move with the machine's load: run
it twice and compare.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_kernels.py
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from typing import Callable

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import blas_report, cpu_model  # noqa: E402


def timed(function: Callable[[], object], repeats: int, gemm: Callable[[], object] | None) -> float:
    """Median seconds of ``function`` over ``repeats`` calls, each after ``gemm()`` when given (not counted)."""
    times = []
    for _ in range(repeats):
        if gemm is not None:
            gemm()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def candidates() -> dict[str, dict[str, Callable[..., object]]]:
    """Kernel name -> candidate name -> function(arrays...) writing into ``out``."""
    from zeronn.kernels import numpy_backend

    found: dict[str, dict[str, Callable[..., object]]] = {
        "relu forward": {"numpy": lambda x, out: np.maximum(x, np.zeros_like(x), out=out)},
        "relu backward": {"numpy": lambda y, g, out: np.multiply(g, y > 0, out=out)},
        "sgd update": {"numpy": lambda p, g, lr: numpy_backend.sgd_step(p, g, lr)},
        "maxpool 2x2 fwd": {"numpy": lambda x: numpy_backend.maxpool2d_forward(x, (2, 2), (2, 2), (0, 0))},
    }
    if importlib.util.find_spec("numexpr") is not None:
        import numexpr

        found["relu forward"]["numexpr"] = lambda x, out: numexpr.evaluate("where(x > 0, x, 0)", out=out)
        found["relu backward"]["numexpr"] = lambda y, g, out: numexpr.evaluate("where(y > 0, g, 0)", out=out)
        found["sgd update"]["numexpr"] = lambda p, g, lr: numexpr.evaluate("p - lr * g", out=p,
                                                                          local_dict={"p": p, "g": g, "lr": lr})
    if importlib.util.find_spec("numba") is not None:
        import numba

        from zeronn.kernels import numba_backend

        @numba.njit(parallel=True, cache=True)
        def relu_parallel(x: np.ndarray, out: np.ndarray) -> None:    # pragma: no cover (compiled)
            for i in numba.prange(x.size):
                out[i] = 0.0 if x[i] <= 0 else x[i]

        @numba.njit(parallel=True, cache=True)
        def relu_backward_parallel(y: np.ndarray, g: np.ndarray, out: np.ndarray) -> None:   # pragma: no cover
            for i in numba.prange(y.size):
                out[i] = g[i] * (1.0 if y[i] > 0 else 0.0)

        @numba.njit(parallel=True, cache=True)
        def sgd_parallel(p: np.ndarray, g: np.ndarray, lr: float) -> None:    # pragma: no cover
            for i in numba.prange(p.size):
                p[i] -= lr * g[i]

        flat = numba_backend._flat                                    # the backend's memory-order views
        found["relu forward"]["numba serial"] = lambda x, out: numba_backend._relu_forward(flat(x), flat(out))
        found["relu forward"]["numba parallel"] = lambda x, out: relu_parallel(flat(x), flat(out))
        found["relu backward"]["numba serial"] = lambda y, g, out: numba_backend._relu_backward(
            flat(y), flat(g), flat(out))
        found["relu backward"]["numba parallel"] = lambda y, g, out: relu_backward_parallel(flat(y), flat(g), flat(out))
        found["sgd update"]["numba serial"] = lambda p, g, lr: numba_backend._sgd(flat(p), flat(g), lr)
        found["sgd update"]["numba parallel"] = lambda p, g, lr: sgd_parallel(flat(p), flat(g), lr)
        found["maxpool 2x2 fwd"]["numba serial"] = lambda x: numba_backend.maxpool2d_forward(
            x, (2, 2), (2, 2), (0, 0))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    print(f"CPU: {cpu_model()}; NumPy {np.__version__}; BLAS: {blas_report()[0]}")
    rng = np.random.default_rng(0)
    a, w = rng.standard_normal((128, 784), dtype=np.float32), rng.standard_normal((784, 256), dtype=np.float32)
    product = np.empty((128, 256), np.float32)

    def gemm() -> None:
        np.matmul(a, w, out=product)

    small = rng.standard_normal((128, 256), dtype=np.float32)
    feature_maps = np.ascontiguousarray(rng.standard_normal((30, 24, 24, 100), dtype=np.float32)).transpose(3, 0, 1, 2)
    weights, weight_grad = rng.standard_normal((784, 256), dtype=np.float32), rng.standard_normal((784, 256),
                                                                                                  dtype=np.float32)
    cases: dict[str, list[tuple[str, tuple[np.ndarray, ...]]]] = {
        "relu forward": [("(128, 256)", (small, np.empty_like(small))),
                         ("(100, 30, 24, 24)", (feature_maps, np.empty_like(feature_maps)))],
        "relu backward": [("(128, 256)", (small, small, np.empty_like(small))),
                          ("(100, 30, 24, 24)", (feature_maps, feature_maps, np.empty_like(feature_maps)))],
        "sgd update": [("(784, 256)", (weights, weight_grad, np.float32(1e-6)))],
        "maxpool 2x2 fwd": [("(100, 30, 24, 24)", (feature_maps,))],
    }
    table = candidates()
    for kernel, sizes in cases.items():
        for label, arrays in sizes:
            for function in table[kernel].values():
                function(*arrays)                                     # warm-up / compile
            print(f"\n{kernel} {label}: microseconds per call, alone / after a BLAS product")
            for name, function in table[kernel].items():
                def call(function: Callable[..., object] = function, arrays: tuple = arrays) -> None:
                    function(*arrays)

                alone = timed(call, args.repeats, None)
                after = timed(call, args.repeats, gemm)
                print(f"  {name:15s} {alone * 1e6:9.1f} / {after * 1e6:9.1f}")


if __name__ == "__main__":
    main()
