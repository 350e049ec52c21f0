"""ZeroNN against scikit-learn's MLPClassifier: the same MLP, Adam, batch 128, on real MNIST.

Network 784-256-128-10 with ReLU and softmax cross-entropy, Adam (lr 1e-3,
betas 0.9/0.999, eps 1e-8, no weight decay: sklearn's ``alpha=0``), batch
128, shuffled every epoch, float32 images scaled to [0, 1].  scikit-learn
trains one epoch per ``partial_fit`` call; ZeroNN runs the plain loop a user
writes (zero_grad, forward, loss, backward, step) on each kernel backend
("numpy", and "fast" where numba is installed).

Each library trains in its own child process (so each one's peak memory,
max RSS, is its own), with the same number of BLAS threads; the parent asks
them for one epoch in turn after a short pause, so all share the machine's
background load.  One warm-up epoch each is not timed.  Printed per run: the
median epoch, the ratio ZeroNN time / scikit-learn time, and at the end the
median and range of the ratios over ``--runs`` runs, the test accuracy each
reached, and each process's peak memory.

The MNIST files are read from ``$ZERONN_DATA`` (never downloaded here):

    ZERONN_DATA=/path/to/data env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_sklearn.py
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

HIDDEN = (256, 128)
BATCH = 128
LR = 1e-3


def mnist(samples: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The first ``samples`` MNIST training images as float32 rows in [0, 1], labels, and the test set."""
    from zeronn.datasets import load_mnist

    (x_train, y_train), (x_test, y_test) = load_mnist(download=False)

    def rows(images: np.ndarray) -> np.ndarray:
        return (images.reshape(len(images), -1) / np.float32(255)).astype(np.float32)

    return rows(x_train[:samples]), y_train[:samples].astype(np.int64), rows(x_test), y_test.astype(np.int64)


# ---------------------------------------------------------------------------- the two trainers
def sklearn_trainer(x: np.ndarray, y: np.ndarray) -> tuple[Callable[[], None], Callable[[np.ndarray], np.ndarray]]:
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(hidden_layer_sizes=HIDDEN, activation="relu", solver="adam", alpha=0.0,
                          batch_size=BATCH, learning_rate_init=LR, shuffle=True, random_state=0)
    classes = np.arange(10)

    def epoch() -> None:
        model.partial_fit(x, y, classes=classes)                  # one pass over the data, shuffled

    return epoch, model.predict


def zeronn_trainer(x: np.ndarray, y: np.ndarray) -> tuple[Callable[[], None], Callable[[np.ndarray], np.ndarray]]:
    import zeronn
    from zeronn.losses import CrossEntropyLoss
    from zeronn.nn import Linear, ReLU, Sequential
    from zeronn.optim import Adam

    zeronn.manual_seed(0)
    model = Sequential(Linear(784, HIDDEN[0]), ReLU(), Linear(HIDDEN[0], HIDDEN[1]), ReLU(), Linear(HIDDEN[1], 10))
    loss_fn = CrossEntropyLoss()
    optimizer = Adam(model.parameters(), lr=LR)
    orders = np.random.default_rng(0)

    def epoch() -> None:
        order = orders.permutation(len(x))
        for start in range(0, len(x), BATCH):
            index = order[start:start + BATCH]
            optimizer.zero_grad()
            loss_fn(model(x[index]), y[index])
            model.backward(loss_fn.backward())
            optimizer.step()

    def predict(images: np.ndarray) -> np.ndarray:
        with zeronn.no_grad():
            return model.eval()(images).argmax(axis=1)

    return epoch, predict


# ---------------------------------------------------------------------------- child process
def run_worker(library: str, samples: int, threads: int, backend: str) -> None:
    """Serve "epoch" and "accuracy" requests."""
    from threadpoolctl import threadpool_limits

    if library != "sklearn":
        use_backend(backend)                                          # before the limits: numba loads libraries
    threadpool_limits(threads, user_api="blas")
    x, y, x_test, y_test = mnist(samples)
    hello: dict[str, Any] = {"library": library}
    if library == "sklearn":
        import sklearn

        hello["about"] = f"scikit-learn {sklearn.__version__}, NumPy {np.__version__}, BLAS {blas_report()[0]}"
        epoch, predict = sklearn_trainer(x, y)
    else:
        import zeronn

        hello["about"] = f"ZeroNN {zeronn.__version__}, {backend_report()}"
        epoch, predict = zeronn_trainer(x, y)
    hello["setup_rss_mb"] = peak_rss_mb()

    def timed_epoch() -> dict[str, float]:
        start = time.perf_counter()
        epoch()
        return {"seconds": time.perf_counter() - start}

    def accuracy() -> dict[str, float]:
        return {"accuracy": float(np.mean(predict(x_test) == y_test))}

    serve(hello, {"epoch": timed_epoch, "accuracy": accuracy})


# ---------------------------------------------------------------------------- parent
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=60000, help="training images per epoch (default: all 60000)")
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs per library and run (after one warm-up)")
    parser.add_argument("--runs", type=int, default=3, help="runs; the summary gives the median and range")
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads for both (default: NumPy's)")
    parser.add_argument("--backend", choices=["numpy", "fast", "both"], default="both")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.samples < BATCH or args.epochs < 1 or args.runs < 1:
        parser.error(f"--samples must be at least one batch ({BATCH}), --epochs and --runs at least 1")
    if args.worker:
        run_worker(args.worker, args.samples, args.threads or 1, args.backend if args.backend != "both" else "numpy")
        return
    if importlib.util.find_spec("sklearn") is None:
        parser.error("scikit-learn is not installed: pip install zeronn[sklearn]")
    blas, blas_threads = blas_report()
    threads = args.threads or blas_threads
    backends = ["numpy", "fast"] if args.backend == "both" else [args.backend]
    if "fast" in backends and importlib.util.find_spec("numba") is None:
        backends.remove("fast")
        print("(numba not installed: only the numpy backend runs; pip install zeronn[fast])")
    print(f"CPU: {cpu_model()}; NumPy {np.__version__}; BLAS: {blas}; {threads} thread(s) each")

    script = os.path.abspath(__file__)
    common = ["--samples", str(args.samples), "--threads", str(threads)]
    workers = {"sklearn": Worker(script, ["sklearn", *common])}
    for backend in backends:
        workers[f"zeronn {backend}"] = Worker(script, [f"zeronn-{backend}", *common, "--backend", backend])
    for worker in workers.values():
        worker.request("epoch")                                       # warm-up, not timed
    ratios: dict[str, list[float]] = {}
    for run in range(args.runs):
        times: dict[str, list[float]] = {name: [] for name in workers}
        for _ in range(args.epochs):
            for name, worker in workers.items():
                time.sleep(SETTLE_S)
                times[name].append(worker.request("epoch")["seconds"])
        medians = {name: float(np.median(t)) for name, t in times.items()}
        print(f"\nMLP 784-256-128-10, Adam, batch {BATCH}, {args.samples} MNIST images, float32; "
              f"run {run + 1}/{args.runs}, median of {args.epochs} epochs:")
        for name, seconds in medians.items():
            line = f"  {name:12s} {seconds * 1e3:8.1f} ms/epoch = {args.samples / seconds:9,.0f} samples/s"
            if name != "sklearn":
                ratios.setdefault(name, []).append(seconds / medians["sklearn"])
                line += f"   {seconds / medians['sklearn']:.2f}x scikit-learn's time"
            print(line)
    accuracies = {name: worker.request("accuracy")["accuracy"] for name, worker in workers.items()}
    peaks = {name: worker.close()["peak_rss_mb"] for name, worker in workers.items()}
    epochs_trained = 1 + args.runs * args.epochs
    print(f"\nAfter {epochs_trained} epochs (test accuracy, peak memory = max RSS incl. the data):")
    for name, worker in workers.items():
        print(f"  {name:12s} test accuracy {accuracies[name]:.4f}   peak memory {peaks[name]:5.0f} MiB "
              f"({worker.hello['setup_rss_mb']:.0f} after setup)   {worker.hello['about']}")
    print(f"\nSummary ({cpu_model()}; {blas.rsplit(',', 1)[0]}; {threads} thread(s) per library):")
    for name, values in ratios.items():
        print(f"  {name} / scikit-learn time: {ratio_summary(values)}")


if __name__ == "__main__":
    main()
