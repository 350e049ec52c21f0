"""A multilayer perceptron on the real MNIST digits (target: >= 98.0% test accuracy).

    python examples/mnist_mlp.py

The test set is evaluated after every epoch only to show progress; nothing is
tuned or selected on it.  Set ZERONN_DATA to a folder holding mnist/ (see the
README) or let the loader download the files.
"""

import zeronn
from zeronn.nn import Dropout, Linear, ReLU, Sequential
from zeronn.optim import Adam
from zeronn.optim.lr_scheduler import CosineAnnealingLR

from _common import load_images, parse_args, train_and_report


def build_model() -> Sequential:
    """784 -> 512 -> 256 -> 10 with ReLU and dropout."""
    return Sequential(
        Linear(784, 512), ReLU(), Dropout(0.2),
        Linear(512, 256), ReLU(), Dropout(0.2),
        Linear(256, 10),
    )


def main() -> None:
    args = parse_args(__doc__, epochs=15, batch_size=128, lr=1e-3)
    zeronn.manual_seed(args.seed)
    data = load_images("mnist", args.limit, flat=True)
    model = build_model()
    optimizer = Adam(model.parameters(), lr=args.lr)
    scheduler = CosineAnnealingLR(optimizer, T_max=args.epochs)
    train_and_report(model, data, args, optimizer=optimizer, scheduler=scheduler, name="MNIST MLP")


if __name__ == "__main__":
    main()
