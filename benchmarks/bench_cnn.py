"""CNN training throughput: ZeroNN and PyTorch CPU side by side, in one run.

Two networks, float32, softmax cross-entropy, plain SGD (lr 0.01), on random
MNIST-shaped data (1 x 28 x 28 images, 10 classes):

  (a) conv 30 5x5 -> ReLU -> maxpool 2 -> Linear 100 -> ReLU -> Linear 10,  batch 100
  (b) LeNet-5: conv 6 5x5 pad 2 -> ReLU -> pool 2 -> conv 16 5x5 -> ReLU -> pool 2
      -> Linear 120 -> ReLU -> Linear 84 -> ReLU -> Linear 10,              batch 64

Both sides run the plain loop a user writes (zero_grad, forward, loss,
backward, step); ZeroNN skips the first layer's input gradient by itself, as
PyTorch does.  ZeroNN runs on each kernel backend ("numpy", and "fast" where
numba is installed: ``zeronn.set_backend``).

Each framework (and each ZeroNN backend) trains in its own child process of
this script (so each one's peak memory, max RSS, is its own), with the same
number of threads (PyTorch's ``set_num_threads`` = NumPy's BLAS threads) and
the same batches.  The parent asks the children for one epoch in turn, so all
see the same background load, after a short pause (so that the other one's
idle threads have stopped spinning); one warm-up epoch each is not timed.
This is repeated ``--runs`` times.  Printed per run: the median epoch and (in
brackets) the best one, the ratio ZeroNN time / PyTorch time (< 1 = ZeroNN
faster), and each process's peak memory (max RSS) with its size after imports,
data and model; at the end the median and range of the ratios over the runs,
with the CPU model, BLAS kernel and backends.
``--profile`` adds ZeroNN's per-layer forward/backward times (``zeronn.profiler``).
On a machine shared with other work, compare within one run: the median and
best epochs move together for both frameworks since their epochs alternate.

Run (unset the OpenBLAS overrides some machines set, for this command only):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_cnn.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_cnn.py --profile   # + per-layer times
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from typing import Any, Callable

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import (  # noqa: E402
    SETTLE_S,
    Worker,
    backend_report,
    blas_report,
    cpu_model,
    peak_rss_mb,
    ratio_summary,
    serve,
    use_backend,
)

MODELS = {
    "a": ("conv 30 5x5 -> ReLU -> maxpool 2 -> 100 -> ReLU -> 10", 100),
    "b": ("LeNet-5: conv 6 5x5 pad 2, pool, conv 16 5x5, pool, 120, 84, 10", 64),
}


def make_data(samples: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random MNIST-shaped images in [0, 1) and labels 0..9 (the same in every process)."""
    rng = np.random.default_rng(seed)
    return rng.random((samples, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, samples)


# ---------------------------------------------------------------------------- ZeroNN
def zeronn_model(name: str) -> Any:
    from zeronn.nn import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential

    if name == "a":
        model = Sequential(
            Conv2d(1, 30, 5), ReLU(), MaxPool2d(2), Flatten(), Linear(30 * 12 * 12, 100), ReLU(), Linear(100, 10)
        )
    else:
        model = Sequential(
            Conv2d(1, 6, 5, padding=2), ReLU(), MaxPool2d(2), Conv2d(6, 16, 5), ReLU(), MaxPool2d(2), Flatten(),
            Linear(16 * 5 * 5, 120), ReLU(), Linear(120, 84), ReLU(), Linear(84, 10),
        )
    return model


def zeronn_trainer(name: str, x: np.ndarray, y: np.ndarray, batch: int) -> Callable[[np.ndarray], None]:
    import zeronn
    from zeronn.losses import CrossEntropyLoss
    from zeronn.optim import SGD

    zeronn.manual_seed(0)
    model = zeronn_model(name)
    loss_fn = CrossEntropyLoss()
    optimizer = SGD(model.parameters(), lr=0.01)

    def epoch(order: np.ndarray) -> None:
        for start in range(0, len(order) - batch + 1, batch):
            index = order[start:start + batch]
            optimizer.zero_grad()
            loss_fn(model(x[index]), y[index])
            model.backward(loss_fn.backward())
            optimizer.step()

    return epoch


# ---------------------------------------------------------------------------- PyTorch
def torch_trainer(name: str, x: np.ndarray, y: np.ndarray, batch: int) -> Callable[[np.ndarray], None]:
    import torch
    from torch import nn

    torch.manual_seed(0)
    if name == "a":
        model = nn.Sequential(
            nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4320, 100), nn.ReLU(),
            nn.Linear(100, 10),
        )
    else:
        model = nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10),
        )
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))

    def epoch(order: np.ndarray) -> None:
        order_t = torch.from_numpy(order)
        for start in range(0, len(order) - batch + 1, batch):
            index = order_t[start:start + batch]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[index]), yt[index])
            loss.backward()
            optimizer.step()

    return epoch


# ---------------------------------------------------------------------------- child process
def run_worker(framework: str, name: str, samples: int, threads: int, backend: str = "numpy") -> None:
    """Serve "epoch" requests: train one epoch, answer with its wall time."""
    x, y = make_data(samples)
    batch = MODELS[name][1]
    hello: dict[str, Any] = {"framework": framework}
    if framework == "pytorch":
        import torch

        torch.set_num_threads(threads)
        hello["about"] = (f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, "
                          f"oneDNN {'yes' if torch.backends.mkldnn.is_available() else 'no'}, "
                          f"MKL {'yes' if torch.backends.mkl.is_available() else 'no'}")
        epoch = torch_trainer(name, x, y, batch)
    else:
        import zeronn

        use_backend(backend)                                          # before the limits: numba loads libraries
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(threads, user_api="blas")
        except ImportError:
            pass
        hello["about"] = f"ZeroNN {zeronn.__version__}, NumPy {np.__version__}, BLAS {blas_report()[0]}"
        hello["kernels"] = backend_report()
        epoch = zeronn_trainer(name, x, y, batch)
    orders = np.random.default_rng(1)
    hello["setup_rss_mb"] = peak_rss_mb()                             # after imports, data and model

    def timed_epoch() -> dict[str, float]:
        order = orders.permutation(samples)
        start = time.perf_counter()
        epoch(order)
        return {"seconds": time.perf_counter() - start}

    serve(hello, {"epoch": timed_epoch})


# ---------------------------------------------------------------------------- parent
def compare(name: str, samples: int, epochs: int, threads: int, backends: list[str], runs: int) -> list[str]:
    """Time ZeroNN (each backend) against PyTorch on model ``name``; return the summary lines."""
    description, batch = MODELS[name]
    script = os.path.abspath(__file__)
    args = ["--model", name, "--samples", str(samples), "--threads", str(threads)]
    workers = {f"zeronn {b}": Worker(script, ["zeronn", *args, "--backend", b]) for b in backends}
    if importlib.util.find_spec("torch") is not None:
        workers["pytorch"] = Worker(script, ["pytorch", *args])
    else:
        print("  (PyTorch is not installed: pip install torch for the side-by-side numbers)")
    for worker in workers.values():
        worker.request("epoch")                                       # warm-up, not timed
    used = samples // batch * batch
    ratios: dict[str, list[float]] = {}
    for run in range(runs):
        times: dict[str, list[float]] = {fw: [] for fw in workers}
        for _ in range(epochs):                                       # alternate: same background load
            for fw, worker in workers.items():
                time.sleep(SETTLE_S)                                  # the other one's threads go idle
                times[fw].append(worker.request("epoch")["seconds"])
        print(f"\n({name}) {description}, batch {batch}, {used} samples/epoch, float32, {threads} thread(s); "
              f"run {run + 1}/{runs}, {epochs} timed epochs:")
        medians = {fw: float(np.median(t)) for fw, t in times.items()}
        bests = {fw: float(np.min(t)) for fw, t in times.items()}
        for fw in times:
            print(f"  {fw:12s} median {medians[fw] * 1e3:7.1f} ms/epoch = {used / medians[fw]:7,.0f} samples/s"
                  f"  (best {used / bests[fw]:7,.0f})")
        if "pytorch" in medians:
            for fw in medians:
                if fw != "pytorch":
                    ratios.setdefault(fw, []).append(medians[fw] / medians["pytorch"])
                    print(f"  ratio {fw} / pytorch time: {medians[fw] / medians['pytorch']:.2f}x median, "
                          f"{bests[fw] / bests['pytorch']:.2f}x best epochs")
    peaks = {fw: worker.close()["peak_rss_mb"] for fw, worker in workers.items()}
    for fw, worker in workers.items():
        print(f"  {fw:12s} peak memory {peaks[fw]:5.0f} MiB ({worker.hello['setup_rss_mb']:.0f} after setup); "
              f"{worker.hello['about']}" + (f"; {worker.hello['kernels']}" if "kernels" in worker.hello else ""))
    return [f"({name}) {fw} / pytorch time: {ratio_summary(values)}" for fw, values in ratios.items()]


def print_profile(name: str, samples: int) -> None:
    """ZeroNN's per-layer breakdown (forward and backward per layer), in this process."""
    from zeronn.losses import CrossEntropyLoss
    from zeronn.optim import SGD
    from zeronn.profiler import profile

    batch = MODELS[name][1]
    x, y = make_data(min(samples, 20 * batch))
    model = zeronn_model(name)
    report = profile(model, x, y, CrossEntropyLoss(), SGD(model.parameters(), lr=0.01),
                     batch_size=batch, steps=40, warmup=5)
    print(f"\nZeroNN per-layer breakdown of ({name}), batch {batch}, kernels {backend_report()}:")
    print(report.table())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=["a", "b", "both"], default="both")
    parser.add_argument("--samples", type=int, default=3200, help="samples per epoch (default 3200)")
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs per framework and run (after one warm-up)")
    parser.add_argument("--runs", type=int, default=3, help="runs; the summary gives the median and range")
    parser.add_argument("--threads", type=int, default=None, help="threads for both (default: NumPy's BLAS threads)")
    parser.add_argument("--backend", choices=["numpy", "fast", "both"], default="both",
                        help="ZeroNN's kernels ('both' needs numba; without it only numpy runs)")
    parser.add_argument("--profile", action="store_true", help="also print ZeroNN's per-layer time breakdown")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.samples < max(batch for _, batch in MODELS.values()) or args.epochs < 1 or args.runs < 1:
        parser.error("--samples must be at least one batch (100), --epochs and --runs at least 1")
    if args.worker:
        run_worker(args.worker, args.model, args.samples, args.threads or 1,
                   args.backend if args.backend != "both" else "numpy")
        return
    blas, blas_threads = blas_report()
    threads = args.threads or blas_threads
    backends = ["numpy", "fast"] if args.backend == "both" else [args.backend]
    if "fast" in backends and importlib.util.find_spec("numba") is None:
        backends.remove("fast")
        print("(numba not installed: only the numpy backend runs; pip install zeronn[fast])")
    print(f"CPU: {cpu_model()}; NumPy {np.__version__}; BLAS: {blas}; both frameworks use {threads} thread(s)")
    names = ["a", "b"] if args.model == "both" else [args.model]
    summary = []
    for name in names:
        summary += compare(name, args.samples, args.epochs, threads, backends, args.runs)
    print(f"\nSummary ({cpu_model()}; {blas.rsplit(',', 1)[0]}; {threads} thread(s) per library):")
    for line in summary:
        print(f"  {line}")
    if args.profile:
        for backend in backends:
            use_backend(backend)
            for name in names:
                print_profile(name, args.samples)


if __name__ == "__main__":
    main()
