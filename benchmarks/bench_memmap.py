"""Train one epoch from a memmap several times larger than the memory the process may use.

    python benchmarks/bench_memmap.py --gb 2 --limit-mb 400

writes a file of MNIST-shaped float32 samples (784 pixels in [0, 1] each,
noisy copies of ten prototypes, so the network has something to learn) with
``zeronn.data.write_memmap``, limits the process's own memory with
``RLIMIT_DATA`` (on Linux this caps anonymous memory - heap and private
mappings - but not the file pages of a read-only memmap, which the kernel
can drop and re-read at will), then trains an MLP 784-256-128-10 for one
shuffled epoch with ``zeronn.fit`` straight from the memmap.

It reports, sampled after every batch from /proc/self/status:

- RssAnon: the process's own memory (what the limit caps): peak and the peak
  above what it was once the model existed (target: O(batch), under 300 MB
  whatever the dataset size);
- VmHWM / RssFile: total resident memory, which also counts the memmap's file
  pages in the page cache (shared with the kernel, not owned by the process).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time

import numpy as np

FEATURES = 784
CLASSES = 10


def status_kb() -> dict[str, int]:
    """The memory lines of /proc/self/status, in kB (RssAnon, RssFile, VmHWM, VmRSS)."""
    values = {}
    with open("/proc/self/status") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("RssAnon", "RssFile", "VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values


def write_dataset(folder: str, n_samples: int, block: int = 65536) -> tuple[str, str]:
    """x.npy (n, 784) float32 and y.npy (n,) int64 written block by block (never all in memory)."""
    from zeronn.data import write_memmap

    rng = np.random.default_rng(0)
    prototypes = rng.random((CLASSES, FEATURES), dtype=np.float32)                      # (10, 784)
    labels = rng.integers(0, CLASSES, size=n_samples)                                 # (n,)

    def blocks():
        for start in range(0, n_samples, block):
            y = labels[start:start + block]
            noise = rng.normal(0.0, 0.3, size=(len(y), FEATURES)).astype(np.float32)
            yield np.clip(prototypes[y] + noise, 0.0, 1.0)                              # (block, 784)

    x_path, y_path = os.path.join(folder, "x.npy"), os.path.join(folder, "y.npy")
    write_memmap(x_path, blocks(), shape=(n_samples, FEATURES), dtype=np.float32)
    write_memmap(y_path, labels.astype(np.int64))
    return x_path, y_path


def reset_peak_rss() -> None:
    """Start VmHWM (peak total RSS) afresh, so that writing the file does not count (Linux clear_refs 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def limit_data_memory(megabytes: int) -> None:
    """Cap the process's anonymous memory (RLIMIT_DATA); file-backed read-only mappings are not counted."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def train_one_epoch(x_path: str, y_path: str, batch_size: int = 256) -> dict[str, float]:
    """One shuffled epoch of an MLP on the memmaps; memory sampled after every batch."""
    import zeronn
    from zeronn import nn
    from zeronn.data import open_memmap
    from zeronn.train import Callback

    x, y = open_memmap(x_path), open_memmap(y_path)
    model = nn.Sequential(nn.Linear(FEATURES, 256, rng=0), nn.ReLU(), nn.Linear(256, 128, rng=1), nn.ReLU(),
                          nn.Linear(128, CLASSES, rng=2))
    model(np.zeros((batch_size, FEATURES), np.float32))                    # buffers of one batch exist
    reset_peak_rss()
    baseline = status_kb()

    class Memory(Callback):
        peak_anon = baseline["RssAnon"]

        def on_batch_end(self, batch, logs=None):
            if batch % 16 == 0:
                Memory.peak_anon = max(Memory.peak_anon, status_kb()["RssAnon"])

    start = time.perf_counter()
    history = zeronn.fit(model, x, y, loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=1,
                         batch_size=batch_size, seed=0, verbose=0, callbacks=[Memory()])
    seconds = time.perf_counter() - start
    end = status_kb()
    return {
        "samples": int(len(x)),
        "file_mb": (os.path.getsize(x_path) + os.path.getsize(y_path)) / 2**20,
        "seconds": seconds,
        "samples_per_s": len(x) / seconds,
        "loss": float(history["loss"][-1]),
        "accuracy": float(history["accuracy"][-1]),
        "anon_baseline_mb": baseline["RssAnon"] / 1024,
        "anon_peak_mb": max(Memory.peak_anon, end["RssAnon"]) / 1024,
        "anon_peak_above_model_mb": (max(Memory.peak_anon, end["RssAnon"]) - baseline["RssAnon"]) / 1024,
        "rss_total_peak_mb": end["VmHWM"] / 1024,                               # since reset_peak_rss()
        "rss_file_end_mb": end["RssFile"] / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gb", type=float, default=2.0, help="size of the dataset file (default 2 GB)")
    parser.add_argument("--limit-mb", type=int, default=400, help="RLIMIT_DATA of the process (default 400 MB)")
    parser.add_argument("--folder", help="where to write the file (default: a temporary folder, removed after)")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--json", action="store_true", help="print the numbers as one JSON line")
    args = parser.parse_args(argv)
    n_samples = int(args.gb * 2**30 / (4 * FEATURES))
    with tempfile.TemporaryDirectory(dir=args.folder) as folder:
        x_path, y_path = write_dataset(folder, n_samples)
        limit_data_memory(args.limit_mb)
        result = train_one_epoch(x_path, y_path, args.batch_size)
    result["limit_mb"] = args.limit_mb
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"dataset: {result['samples']} samples, {result['file_mb']:.0f} MB on disk "
          f"({result['file_mb'] / args.limit_mb:.1f}x the {args.limit_mb} MB RLIMIT_DATA)")
    print(f"one epoch: {result['seconds']:.1f} s ({result['samples_per_s']:.0f} samples/s), "
          f"loss {result['loss']:.4f}, accuracy {result['accuracy']:.4f}")
    print(f"own memory (RssAnon): {result['anon_baseline_mb']:.0f} MB with the model, peak "
          f"{result['anon_peak_mb']:.0f} MB (+{result['anon_peak_above_model_mb']:.1f} MB during the epoch)")
    print(f"total RSS incl. the memmap's file pages: peak {result['rss_total_peak_mb']:.0f} MB "
          f"(VmHWM), file pages at the end {result['rss_file_end_mb']:.0f} MB (RssFile)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
