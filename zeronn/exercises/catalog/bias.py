"""Exercise 3: the tutorial's network with biases, returning true gradients as PyTorch does."""

from __future__ import annotations

import numpy as np

from zeronn.exercises.catalog.reference import rng
from zeronn.exercises.catalog.tutorial import GIVEN, X, Y
from zeronn.exercises.compare import Mistake
from zeronn.exercises.exercise import Exercise, Function, Text
from zeronn.exercises.grading import Grader
from zeronn.losses.sse import SSELoss
from zeronn.nn.activation import Sigmoid
from zeronn.nn.linear import Linear
from zeronn.nn.sequential import Sequential

__all__ = ["EXERCISE"]

TEXT = Text(
    """\
Without biases every unit's weighted sum is 0 when the input is 0, so the
tutorial had to add a constant third input of 1.  A bias b is a learned
constant added to each unit's sum:

    layer1 = sigmoid(x @ w1 + b1)          b1 (4,)  added to every row
    output = sigmoid(layer1 @ w2 + b2)     b2 (1,)

From now on we follow PyTorch and ZeroNN: backprop returns the GRADIENT of
the loss, dL/dw (no minus sign), and the update subtracts it: w -= lr * dL/dw.
With loss = sum((output - y)^2):

    delta2 = 2 * (output - y) * sigmoid'(output)      (N, 1) = dL/d(sum of layer 2)
    dw2 = layer1.T @ delta2,   db2 = delta2.sum(axis=0)
    delta1 = (delta2 @ w2.T) * sigmoid'(layer1)       (N, 4)
    dw1 = x.T @ delta1,        db1 = delta1.sum(axis=0)

A bias gets the SUM over the batch of its unit's delta: it was added to every row.""",
    """\
没有偏置时, 输入为 0 的样本其加权和总是 0, 所以教程只好加了一个恒为 1 的第三个
输入。偏置 b 是加到每个单元加权和上的可学习常数:

    layer1 = sigmoid(x @ w1 + b1)          b1 (4,)  加到每一行
    output = sigmoid(layer1 @ w2 + b2)     b2 (1,)

从这里开始我们遵循 PyTorch 和 ZeroNN 的约定: backprop 返回损失函数的梯度
dL/dw (没有负号), 更新时减去它: w -= lr * dL/dw。损失为 sum((output - y)^2) 时:

    delta2 = 2 * (output - y) * sigmoid'(output)      (N, 1) = dL/d(第 2 层的加权和)
    dw2 = layer1.T @ delta2,   db2 = delta2.sum(axis=0)
    delta1 = (delta2 @ w2.T) * sigmoid'(layer1)       (N, 4)
    dw1 = x.T @ delta1,        db1 = delta1.sum(axis=0)

偏置的梯度是该单元的 delta 对整个批求和: 因为它被加到了每一行上。""",
)

FUNCTIONS = (
    Function(
        "def feedforward(x, w1, b1, w2, b2):",
        Text("Return (layer1, output) with biases: x (N, 3), w1 (3, 4), b1 (4,), w2 (4, 1), b2 (1,).",
             "返回带偏置的 (layer1, output): x (N, 3), w1 (3, 4), b1 (4,), w2 (4, 1), b2 (1,)。"),
        "    layer1 = sigmoid(x @ w1 + b1)                    # (N, 4)\n"
        "    output = sigmoid(layer1 @ w2 + b2)               # (N, 1)\n"
        "    return layer1, output",
    ),
    Function(
        "def backprop(x, y, w1, b1, w2, b2, layer1, output):",
        Text("Return (dw1, db1, dw2, db2): the gradients of sum((output - y)^2), shaped like w1, b1, w2, b2.",
             "返回 (dw1, db1, dw2, db2): sum((output - y)^2) 的梯度, 形状分别与 w1, b1, w2, b2 相同。"),
        "    delta2 = 2 * (output - y) * sigmoid_derivative(output)          # (N, 1)\n"
        "    delta1 = (delta2 @ w2.T) * sigmoid_derivative(layer1)           # (N, 4)\n"
        "    return x.T @ delta1, delta1.sum(axis=0), layer1.T @ delta2, delta2.sum(axis=0)",
    ),
)

HINTS = (
    Text("x @ w1 has shape (N, 4) and b1 shape (4,): NumPy broadcasting adds b1 to every row.",
         "x @ w1 的形状是 (N, 4), b1 的形状是 (4,): NumPy 的广播会把 b1 加到每一行。"),
    Text("db has the shape of b: delta.sum(axis=0) turns (N, 4) into (4,).",
         "db 的形状与 b 相同: delta.sum(axis=0) 把 (N, 4) 变成 (4,)。"),
    Text("The sign changed from the tutorial: 2 * (output - y), since we now return dL/dw itself.",
         "符号与教程相反: 2 * (output - y), 因为现在返回的是 dL/dw 本身。"),
)


def _reference(x: np.ndarray, y: np.ndarray, w1: np.ndarray, b1: np.ndarray, w2: np.ndarray,
               b2: np.ndarray) -> tuple[np.ndarray, ...]:
    model = Sequential(Linear(3, 4, dtype=np.float64), Sigmoid(), Linear(4, 1, dtype=np.float64), Sigmoid())
    model[0].weight.data, model[0].bias.data = w1.copy(), b1.copy()
    model[2].weight.data, model[2].bias.data = w2.copy(), b2.copy()
    layer1 = model[1](model[0](x))                                            # (N, 4)
    output = model[3](model[2](layer1))                                       # (N, 1)
    loss = SSELoss()
    loss(output, y)
    model.zero_grad()
    g = model[3].backward(loss.backward())
    model[0].backward(model[1].backward(model[2].backward(g)))
    grads = (model[0].weight.grad, model[0].bias.grad, model[2].weight.grad, model[2].bias.grad)
    return (layer1, output) + tuple(np.array(grad) for grad in grads)


def check(grader: Grader) -> None:
    generator = rng(4)
    w1, b1 = generator.normal(size=(3, 4)), generator.normal(size=(4,))
    w2, b2 = generator.normal(size=(4, 1)), generator.normal(size=(1,))
    layer1, output, dw1, db1, dw2, db2 = _reference(X, Y, w1, b1, w2, b2)
    no_bias = _reference(X, Y, w1, np.zeros(4), w2, np.zeros(1))
    forgot = Text("forgot the bias: add b1 to x @ w1 (and b2 to layer1 @ w2)",
                  "忘了偏置: 要把 b1 加到 x @ w1 上 (b2 加到 layer1 @ w2 上)")
    grader.compare_outputs(Text("feedforward", "feedforward"), lambda: grader.call("feedforward", X, w1, b1, w2, b2),
                           (layer1, output), ("layer1", "output"),
                           mistakes={"layer1": [Mistake(no_bias[0], forgot)], "output": [Mistake(no_bias[1], forgot)]})
    sign = Text("wrong sign: now return dL/dw itself, 2 * (output - y) ..., not the tutorial's 2 * (y - output)",
                "符号反了: 现在返回 dL/dw 本身, 用 2 * (output - y) ..., 而不是教程的 2 * (y - output)")
    expected = (dw1, db1, dw2, db2)
    names = ("dw1", "db1", "dw2", "db2")
    grader.compare_outputs(
        Text("backprop", "backprop"), lambda: grader.call("backprop", X, Y, w1, b1, w2, b2, layer1, output),
        expected, names, batch=X.shape[0],
        mistakes={name: [Mistake(-value, sign)] for name, value in zip(names, expected)})


#: Lines run by ``python FILE`` (under ``if __name__ == "__main__":``), never by the check.
TRY_IT = """\
np.random.seed(1)
w1, b1, w2, b2 = np.random.randn(3, 4), np.zeros(4), np.random.randn(4, 1), np.zeros(1)
for _ in range(2000):
    layer1, output = feedforward(X, w1, b1, w2, b2)
    dw1, db1, dw2, db2 = backprop(X, Y, w1, b1, w2, b2, layer1, output)
    w1, b1, w2, b2 = w1 - 0.5 * dw1, b1 - 0.5 * db1, w2 - 0.5 * dw2, b2 - 0.5 * db2
print(feedforward(X, w1, b1, w2, b2)[1].ravel().round(3))          # close to [0 1 1 0]
"""

EXERCISE = Exercise("bias", Text("Adding biases", "加上偏置"), TEXT, FUNCTIONS, check, HINTS, given=GIVEN,
                    try_it=TRY_IT)
