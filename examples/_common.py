"""Shared command-line options and reporting for the MNIST / Fashion-MNIST examples."""

from __future__ import annotations

import argparse
import platform
import time
from collections.abc import Callable

import numpy as np

import zeronn
from zeronn.datasets import as_images, load_fashion_mnist, load_mnist, to_float

LOADERS = {"mnist": load_mnist, "fashion-mnist": load_fashion_mnist}


def parse_args(description: str, *, epochs: int, batch_size: int, lr: float) -> argparse.Namespace:
    """Options every example takes, with the defaults that produced the README's numbers."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch-size", type=int, default=batch_size)
    parser.add_argument("--lr", type=float, default=lr)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N training images (smoke test)")
    parser.add_argument("--save", default=None, help="write the trained model to this file (zeronn.save)")
    return parser.parse_args()


def load_images(dataset: str, limit: int | None, *, flat: bool):
    """Return float32 (x_train, y_train, x_test, y_test), scaled to [0, 1], as (N, 784) or (N, 1, 28, 28)."""
    (x_train, y_train), (x_test, y_test) = LOADERS[dataset]()
    if limit is not None:
        x_train, y_train = x_train[:limit], y_train[:limit]
    shape: Callable[[np.ndarray], np.ndarray] = (lambda x: x.reshape(len(x), -1)) if flat else as_images
    return shape(to_float(x_train)), y_train.astype(np.int64), shape(to_float(x_test)), y_test.astype(np.int64)


def train_and_report(model, data, args, *, optimizer, scheduler=None, name: str) -> float:
    """Train with per-epoch progress, print the final test accuracy and the wall time; return the accuracy."""
    x_train, y_train, x_test, y_test = data
    print(f"{name}: {model.num_parameters():,} parameters, {len(x_train):,} training images, "
          f"{args.epochs} epochs, batch {args.batch_size}")
    start = time.perf_counter()
    zeronn.fit(model, x_train, y_train, loss="cross_entropy", optimizer=optimizer, scheduler=scheduler,
               epochs=args.epochs, batch_size=args.batch_size, validation_data=(x_test, y_test),
               seed=args.seed, verbose=1)
    seconds = time.perf_counter() - start
    result = zeronn.evaluate(model, x_test, y_test, loss="cross_entropy")
    print(f"final test accuracy: {result['accuracy']:.2%}   test loss: {result['loss']:.4f}")
    print(f"wall time: {seconds / 60:.1f} min ({seconds / args.epochs:.1f} s per epoch) "
          f"on {platform.processor() or platform.machine()}")
    if args.save:
        zeronn.save(model, args.save)
        print(f"model written to {args.save}")
    return result["accuracy"]
