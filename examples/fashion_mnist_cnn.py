"""A small batch-normalised CNN on Fashion-MNIST (target: >= 92.0% test accuracy).

    python examples/fashion_mnist_cnn.py

Two blocks of [conv 3x3 -> BatchNorm -> ReLU] x 2 -> max-pool -> Dropout2d,
then a 128-unit dense layer with dropout.  The test set is evaluated after
every epoch only to show progress.
"""

import zeronn
from zeronn.nn import BatchNorm1d, BatchNorm2d, Conv2d, Dropout, Dropout2d, Flatten, Linear, MaxPool2d, ReLU, Sequential
from zeronn.optim import Adam
from zeronn.optim.lr_scheduler import CosineAnnealingLR

from _common import load_images, parse_args, train_and_report


def conv_block(in_channels: int, out_channels: int) -> list:
    """conv 3x3 (same) -> BN -> ReLU, twice, then 2x2 max-pool and channel dropout."""
    return [
        Conv2d(in_channels, out_channels, 3, padding=1, bias=False), BatchNorm2d(out_channels), ReLU(),
        Conv2d(out_channels, out_channels, 3, padding=1, bias=False), BatchNorm2d(out_channels), ReLU(),
        MaxPool2d(2), Dropout2d(0.1),
    ]


def build_model(width: int = 16) -> Sequential:
    """(N, 1, 28, 28) -> (N, w, 14, 14) -> (N, 2w, 7, 7) -> 128 -> 10."""
    return Sequential(
        *conv_block(1, width),
        *conv_block(width, 2 * width),
        Flatten(),
        Linear(2 * width * 7 * 7, 128, bias=False), BatchNorm1d(128), ReLU(), Dropout(0.3),
        Linear(128, 10),
    )


def main() -> None:
    args = parse_args(__doc__, epochs=12, batch_size=128, lr=2e-3)
    zeronn.manual_seed(args.seed)
    data = load_images("fashion-mnist", args.limit, flat=False)
    model = build_model()
    optimizer = Adam(model.parameters(), lr=args.lr)
    scheduler = CosineAnnealingLR(optimizer, T_max=args.epochs)
    train_and_report(model, data, args, optimizer=optimizer, scheduler=scheduler, name="Fashion-MNIST CNN")


if __name__ == "__main__":
    main()
