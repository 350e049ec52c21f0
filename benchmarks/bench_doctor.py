"""The training doctor's overhead on the MLP benchmark (784-256-128-10, batch 128, SGD).

    python benchmarks/bench_doctor.py                  # random data, 10 pairs of epochs
    python benchmarks/bench_doctor.py --mnist          # real MNIST from $ZERONN_DATA
    python benchmarks/bench_doctor.py --every 1        # sample every step (the worst case)

Times one epoch of ``zeronn.fit`` without and with ``Doctor(every=k)``,
alternating the two (and which of them goes first) (with a settle pause before each timed epoch, see
``_common.SETTLE_S``) so both share whatever else the machine is doing, and
prints each pair's overhead and the median, by wall-clock time and by the
process's CPU time (``time.process_time``, all threads; less disturbed by
other programs on a shared machine).  The target is under 10%.

On a machine shared with other busy programs the two epochs of a pair can
differ by far more than the doctor costs; so the script also times the
doctor's own work inside the watched epoch (its callback hooks and the
statistics computed on the watched forward passes) and prints it as a share
of that same epoch, a measure that such noise scales up and down together.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import zeronn  # noqa: E402
import zeronn.doctor.recorder as recorder_module  # noqa: E402
from zeronn import nn  # noqa: E402
from zeronn.doctor import Doctor  # noqa: E402

from _common import SETTLE_S, blas_report, cpu_model  # noqa: E402

#: Seconds spent in the doctor's own code during the current epoch.
_IN_DOCTOR = [0.0]


def _timed(function):
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            _IN_DOCTOR[0] += time.perf_counter() - start
    return wrapper


def _time_the_doctor() -> None:
    """Wrap the doctor's hooks and the recorder's statistics with timers (this script only)."""
    for hook in ("on_batch_begin", "on_batch_end", "on_epoch_end", "on_train_end", "set_trainer"):
        setattr(Doctor, hook, _timed(getattr(Doctor, hook)))
    for name in ("output_stats", "value_sample", "alive_units"):
        setattr(recorder_module, name, _timed(getattr(recorder_module, name)))


def _data(mnist: bool) -> tuple[np.ndarray, np.ndarray]:
    if mnist:
        (x, y), _ = zeronn.datasets.load_mnist(download=False)
        return x.reshape(len(x), -1).astype(np.float32) / 255, y.astype(np.int64)
    rng = np.random.default_rng(0)
    return rng.random((60_000, 784), dtype=np.float32), rng.integers(0, 10, 60_000)


def _model() -> nn.Sequential:
    return nn.Sequential(nn.Linear(784, 256, rng=0), nn.ReLU(), nn.Linear(256, 128, rng=1), nn.ReLU(),
                         nn.Linear(128, 10, rng=2))


def _epoch(x: np.ndarray, y: np.ndarray, doctor: Doctor | None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one epoch."""
    model = _model()
    callbacks = [] if doctor is None else [doctor]
    time.sleep(SETTLE_S)
    start, cpu = time.perf_counter(), time.process_time()
    zeronn.fit(model, x, y, loss="cross_entropy", optimizer="sgd", lr=0.05, epochs=1, batch_size=128,
               callbacks=callbacks, verbose=0, seed=0)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=10, help="pairs of epochs (without, with the doctor)")
    parser.add_argument("--every", type=int, default=10, help="the doctor samples every k-th step")
    parser.add_argument("--mnist", action="store_true", help="real MNIST (needs $ZERONN_DATA) instead of random data")
    args = parser.parse_args()
    print(f"CPU: {cpu_model()}")
    print(f"BLAS: {blas_report()[0]}")
    x, y = _data(args.mnist)
    _time_the_doctor()
    _epoch(x[:5000], y[:5000], None)                            # warm up
    wall, cpu, own = [], [], []
    for pair in range(args.pairs):
        doctor = Doctor(every=args.every)
        if pair % 2 == 0:                                         # alternate which epoch of the pair runs first
            plain = _epoch(x, y, None)
        _IN_DOCTOR[0] = 0.0
        watched = _epoch(x, y, doctor)
        own.append(_IN_DOCTOR[0] / watched[0])
        if pair % 2 == 1:
            plain = _epoch(x, y, None)
        wall.append(watched[0] / plain[0] - 1)
        cpu.append(watched[1] / plain[1] - 1)
        print(f"pair {pair + 1}: without {plain[0]:.3f} s (CPU {plain[1]:.3f} s), with Doctor(every={args.every}) "
              f"{watched[0]:.3f} s (CPU {watched[1]:.3f} s): overhead {wall[-1]:+.1%} wall, {cpu[-1]:+.1%} CPU; "
              f"in the doctor's code {_IN_DOCTOR[0]:.3f} s = {own[-1]:.1%} of the watched epoch "
              f"({len(doctor.findings())} findings)")
    print(f"time in the doctor's own code: median {np.median(own):.2%} of the epoch "
          f"(range {min(own):.2%} .. {max(own):.2%})")
    for name, values in (("wall", wall), ("CPU", cpu)):
        print(f"median overhead ({name} time) {np.median(values):+.1%} (range {min(values):+.1%} .. "
              f"{max(values):+.1%}) over {args.pairs} pairs, {len(x)} samples, batch 128")


if __name__ == "__main__":
    main()
