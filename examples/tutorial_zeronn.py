"""The tutorial's 3-4-1 sigmoid network, written with ZeroNN in a few lines.

    python examples/tutorial_zeronn.py

Same network, same loss (sum of squared errors), same update (gradient descent
with learning rate 1, no biases) as examples/tutorial_numpy.py, but each piece
is a library object you can swap: another activation, a learning rate, Adam...
"""

import numpy as np

import zeronn
from zeronn.losses import SSELoss
from zeronn.nn import Linear, Sequential, Sigmoid
from zeronn.optim import SGD

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
Y = np.array([[0], [1], [1], [0]], dtype=np.float64)


def build_model(seed: int = 0) -> Sequential:
    """3 -> 4 -> 1, sigmoid after each layer, weights U[0, 1) like np.random.rand, no biases."""
    rng = np.random.default_rng(seed)
    return Sequential(
        Linear(3, 4, bias=False, weight_init="rand", rng=rng, dtype=np.float64), Sigmoid(),
        Linear(4, 1, bias=False, weight_init="rand", rng=rng, dtype=np.float64), Sigmoid(),
    )


def train(model: Sequential, iterations: int = 1500, lr: float = 1.0) -> list:
    """The plain loop: forward, loss, backward, step.  Returns the loss after every iteration."""
    loss_fn = SSELoss()
    optimizer = SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(iterations):
        output = model(X)                          # feedforward
        losses.append(loss_fn(output, Y))          # sum((output - y)^2)
        optimizer.zero_grad()
        model.backward(loss_fn.backward())         # backprop: chain rule, layer by layer
        optimizer.step()                           # w -= lr * dL/dw
    return losses


def main() -> None:
    model = build_model()
    losses = train(model)
    with zeronn.no_grad():
        output = model(X)
    for row, prediction, target in zip(X, output.ravel(), Y.ravel()):
        print(f"input {row}  prediction {prediction:.4f}  target {target:.0f}")
    print(f"final loss: {losses[-1]:.6f}")
    zeronn.plot.plot_loss(losses, "tutorial_zeronn_loss.png")
    print("loss curve written to tutorial_zeronn_loss.png")


if __name__ == "__main__":
    main()
