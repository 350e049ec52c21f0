"""LeNet-5 on the real MNIST digits: the tutorial's third question, answered (target: >= 99.0%).

    python examples/mnist_lenet.py

conv 6@5x5 (pad 2) -> ReLU -> max-pool 2 -> conv 16@5x5 -> ReLU -> max-pool 2
-> 120 -> 84 -> 10, trained with Adam and a cosine learning-rate decay.
The test set is evaluated after every epoch only to show progress.
"""

import zeronn
from zeronn.nn import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential
from zeronn.optim import Adam
from zeronn.optim.lr_scheduler import CosineAnnealingLR

from _common import load_images, parse_args, train_and_report


def build_model() -> Sequential:
    """LeNet-5 with ReLU and max pooling (the modern reading of LeCun et al., 1998)."""
    return Sequential(
        Conv2d(1, 6, 5, padding=2), ReLU(), MaxPool2d(2),        # (N, 6, 14, 14)
        Conv2d(6, 16, 5), ReLU(), MaxPool2d(2),                  # (N, 16, 5, 5)
        Flatten(),                                               # (N, 400)
        Linear(400, 120), ReLU(),
        Linear(120, 84), ReLU(),
        Linear(84, 10),
    )


def main() -> None:
    args = parse_args(__doc__, epochs=12, batch_size=64, lr=2e-3)
    zeronn.manual_seed(args.seed)
    data = load_images("mnist", args.limit, flat=False)
    model = build_model()
    optimizer = Adam(model.parameters(), lr=args.lr)
    scheduler = CosineAnnealingLR(optimizer, T_max=args.epochs)
    train_and_report(model, data, args, optimizer=optimizer, scheduler=scheduler, name="MNIST LeNet-5")


if __name__ == "__main__":
    main()
