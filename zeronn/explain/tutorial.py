"""The tutorial's own variable names, for the tutorial's network.

The "neural network from scratch" tutorial writes its 3-4-1 network as::

    self.layer1 = sigmoid(np.dot(self.input, self.weights1))
    self.output = sigmoid(np.dot(self.layer1, self.weights2))
    d_weights2 = np.dot(self.layer1.T, (2*(self.y - self.output) * sigmoid_derivative(self.output)))
    d_weights1 = np.dot(self.input.T, (np.dot(2*(self.y - self.output) * sigmoid_derivative(self.output),
                                              self.weights2.T) * sigmoid_derivative(self.layer1)))
    self.weights1 += d_weights1
    self.weights2 += d_weights2

which is ``Sequential(Linear(3, 4, bias=False), Sigmoid(), Linear(4, 1, bias=False), Sigmoid())``
trained with ``SSELoss``.  Its ``d_weights`` are the *negative* gradients
(the tutorial adds them to the weights), so ``d_weights2 = -dW`` of layer 2.
"""

from __future__ import annotations

from typing import Any, Optional

from zeronn.lang import tr
from zeronn.losses import SSELoss
from zeronn.nn.activation import Sigmoid
from zeronn.nn.layer import Layer
from zeronn.nn.linear import Linear

__all__ = ["is_tutorial_network", "tutorial_lines", "tutorial_loss_line"]


def is_tutorial_network(layers: list[Layer], loss: Any) -> bool:
    """Linear(no bias), Sigmoid, Linear(no bias), Sigmoid, with the sum of squared errors."""
    if len(layers) != 4 or not isinstance(loss, SSELoss) or loss.reduction != "sum":
        return False
    kinds = [Linear, Sigmoid, Linear, Sigmoid]
    if not all(type(layer) is kind for layer, kind in zip(layers, kinds)):
        return False
    return all(layer.bias is None for layer in layers if isinstance(layer, Linear))


def tutorial_lines(index: int, lang: Optional[str]) -> tuple[str, dict[str, str]]:
    """For layer ``index`` of the tutorial network: its forward line and its gradient lines (by name)."""
    minus = tr("(the tutorial adds it, so it is -dW)", "（教程把它加到权重上，所以它是 -dW）", lang)
    delta2 = "2*(self.y - self.output) * sigmoid_derivative(self.output)"
    if index == 0:
        return "np.dot(self.input, self.weights1)", {
            "dW": f"d_weights1 = np.dot(self.input.T, np.dot({delta2}, self.weights2.T) "
                  f"* sigmoid_derivative(self.layer1))   {minus}",
        }
    if index == 1:
        return "self.layer1 = sigmoid(np.dot(self.input, self.weights1))", {
            "dx": f"np.dot({delta2}, self.weights2.T) * sigmoid_derivative(self.layer1)   (= -dx)",
        }
    if index == 2:
        return "np.dot(self.layer1, self.weights2)", {
            "dW": f"d_weights2 = np.dot(self.layer1.T, {delta2})   {minus}",
            "dx": f"np.dot({delta2}, self.weights2.T)   (= -dx)",
        }
    return "self.output = sigmoid(np.dot(self.layer1, self.weights2))", {
        "dx": f"{delta2}   (= -dx)",
    }


def tutorial_loss_line(lang: Optional[str]) -> str:
    """How the tutorial writes the loss and its gradient."""
    return tr("tutorial: loss = sum((self.y - self.output)**2); it writes the gradient as 2*(self.y - self.output), "
              "the negative of dL/dp",
              "教程：loss = sum((self.y - self.output)**2)；它把梯度写成 2*(self.y - self.output)，即 dL/dp 的相反数",
              lang)
