"""The beginner tutorial's network, ported faithfully: plain NumPy, no ZeroNN.

A 3-4-1 network with sigmoid activations and no biases learns the XOR-like rows
below by hand-written backpropagation of the sum of squared errors, with an
implicit learning rate of 1.  Run it as is:

    python examples/tutorial_numpy.py

ZeroNN's version of the same network is ``python examples/tutorial_zeronn.py``
(or ``zeronn demo``); ``tests/test_tutorial.py`` checks the two agree.
"""

from __future__ import annotations

from typing import Optional

import numpy as np


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x))."""
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_derivative(s: np.ndarray) -> np.ndarray:
    """Derivative of the sigmoid written in terms of its output s = sigmoid(x): s * (1 - s)."""
    return s * (1.0 - s)


class NeuralNetwork:
    """The tutorial's class: input -> 4 sigmoid units -> 1 sigmoid output.

    ``weights1`` / ``weights2`` default to ``np.random.rand`` as in the
    tutorial; pass them to start from known values.
    """

    def __init__(
        self,
        x: np.ndarray,
        y: np.ndarray,
        weights1: Optional[np.ndarray] = None,
        weights2: Optional[np.ndarray] = None,
    ) -> None:
        self.input = x
        self.weights1 = np.random.rand(self.input.shape[1], 4) if weights1 is None else weights1.copy()
        self.weights2 = np.random.rand(4, 1) if weights2 is None else weights2.copy()
        self.y = y
        self.output = np.zeros(self.y.shape)

    def feedforward(self) -> None:
        self.layer1 = sigmoid(np.dot(self.input, self.weights1))         # (4, 4)
        self.output = sigmoid(np.dot(self.layer1, self.weights2))        # (4, 1)

    def backprop(self) -> None:
        # chain rule on loss = sum((y - output)^2); these are -dLoss/dW, so "+=" descends
        delta2 = 2 * (self.y - self.output) * sigmoid_derivative(self.output)          # (4, 1)
        d_weights2 = np.dot(self.layer1.T, delta2)                                    # (4, 1)
        delta1 = np.dot(delta2, self.weights2.T) * sigmoid_derivative(self.layer1)    # (4, 4)
        d_weights1 = np.dot(self.input.T, delta1)                                     # (3, 4)
        self.weights1 += d_weights1
        self.weights2 += d_weights2

    def loss(self) -> float:
        return float(((self.output - self.y) ** 2).sum())


X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
Y = np.array([[0], [1], [1], [0]], dtype=float)


def train(iterations: int = 1500, seed: Optional[int] = None, **weights: np.ndarray) -> tuple[NeuralNetwork, list]:
    """Train the tutorial network; returns it and the loss after each iteration."""
    if seed is not None:
        np.random.seed(seed)
    network = NeuralNetwork(X, Y, **weights)
    losses = []
    for _ in range(iterations):
        network.feedforward()
        network.backprop()
        losses.append(network.loss())
    return network, losses


def main() -> None:
    network, losses = train(seed=0)
    network.feedforward()
    print("predictions:", network.output.ravel().round(4))
    print("targets:    ", Y.ravel())
    print(f"final loss: {losses[-1]:.6f}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(install matplotlib to plot the loss curve)")
        return
    plt.plot(losses)
    plt.xlabel("iteration")
    plt.ylabel("sum of squared errors")
    plt.savefig("tutorial_loss.png", dpi=100)
    print("loss curve written to tutorial_loss.png")


if __name__ == "__main__":
    main()
