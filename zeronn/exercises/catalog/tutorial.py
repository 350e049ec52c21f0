"""Exercise 2: the tutorial's 3-4-1 network, feedforward and backprop, reproducing its numbers."""

from __future__ import annotations

import numpy as np

from zeronn.exercises.catalog.reference import rng
from zeronn.exercises.compare import Mistake
from zeronn.exercises.exercise import Exercise, Function, Text
from zeronn.exercises.grading import Grader, LearnerError
from zeronn.losses.sse import SSELoss
from zeronn.nn.activation import Sigmoid
from zeronn.nn.linear import Linear
from zeronn.nn.sequential import Sequential
from zeronn.optim.sgd import SGD

__all__ = ["EXERCISE", "X", "Y", "reference_network", "reference_training"]

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)      # (4, 3)
Y = np.array([[0], [1], [1], [0]], dtype=np.float64)                              # (4, 1)

TEXT = Text(
    """\
The tutorial's network: 3 inputs -> 4 sigmoid units -> 1 sigmoid output, no biases,
trained on the four rows X to output Y with the sum of squared errors

    loss = sum((y - output)^2)

feedforward:  layer1 = sigmoid(x @ weights1)          (4, 4)
              output = sigmoid(layer1 @ weights2)     (4, 1)
backprop (the chain rule, from the output back to the input):
              delta2 = 2 * (y - output) * sigmoid'(output)
              d_weights2 = layer1.T @ delta2
              delta1 = (delta2 @ weights2.T) * sigmoid'(layer1)
              d_weights1 = x.T @ delta1
As in the tutorial, d_weights are MINUS the gradient of the loss, so that the
training loop ADDS them:  weights += d_weights  (a learning rate of 1).

Write feedforward and backprop as functions.  The check compares them with
ZeroNN's Sequential(Linear, Sigmoid, Linear, Sigmoid) and SSELoss, then trains
1500 iterations with your functions: your loss curve must be the tutorial's.""",
    """\
教程中的网络: 3 个输入 -> 4 个 sigmoid 单元 -> 1 个 sigmoid 输出, 没有偏置,
在四行数据 X 上学习输出 Y, 损失函数是平方误差之和

    loss = sum((y - output)^2)

前向传播:  layer1 = sigmoid(x @ weights1)          (4, 4)
           output = sigmoid(layer1 @ weights2)     (4, 1)
反向传播 (链式法则, 从输出一直传回输入):
           delta2 = 2 * (y - output) * sigmoid'(output)
           d_weights2 = layer1.T @ delta2
           delta1 = (delta2 @ weights2.T) * sigmoid'(layer1)
           d_weights1 = x.T @ delta1
与教程一样, d_weights 是损失函数梯度的相反数, 所以训练循环把它们加上去:
weights += d_weights (学习率为 1)。

请把 feedforward 和 backprop 写成函数。检查程序会与 ZeroNN 的
Sequential(Linear, Sigmoid, Linear, Sigmoid) 和 SSELoss 比较, 然后用你的函数
训练 1500 次迭代: 你的损失曲线必须与教程的一致。""",
)

GIVEN = '''\
import numpy as np

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)   # (4, 3)
Y = np.array([[0], [1], [1], [0]], dtype=float)                           # (4, 1)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def sigmoid_derivative(s):
    """The derivative, written with the sigmoid's output s."""
    return s * (1.0 - s)
'''

FUNCTIONS = (
    Function(
        "def feedforward(x, weights1, weights2):",
        Text("Return (layer1, output): layer1 (N, 4) = sigmoid(x @ weights1), output (N, 1) = sigmoid(layer1 @ "
             "weights2).\nx (N, 3), weights1 (3, 4), weights2 (4, 1).",
             "返回 (layer1, output): layer1 (N, 4) = sigmoid(x @ weights1), output (N, 1) = sigmoid(layer1 @ "
             "weights2)。\nx (N, 3), weights1 (3, 4), weights2 (4, 1)。"),
        "    layer1 = sigmoid(np.dot(x, weights1))            # (N, 4)\n"
        "    output = sigmoid(np.dot(layer1, weights2))       # (N, 1)\n"
        "    return layer1, output",
    ),
    Function(
        "def backprop(x, y, weights1, weights2, layer1, output):",
        Text("Return (d_weights1, d_weights2), shaped like weights1 and weights2: MINUS the gradient of\n"
             "sum((y - output)^2), as the tutorial computes them (the loop adds them to the weights).",
             "返回 (d_weights1, d_weights2), 形状与 weights1、weights2 相同: 即 sum((y - output)^2) 梯度的\n"
             "相反数, 与教程的算法一致 (训练循环把它们加到权重上)。"),
        "    delta2 = 2 * (y - output) * sigmoid_derivative(output)               # (N, 1)\n"
        "    d_weights2 = np.dot(layer1.T, delta2)                                # (4, 1)\n"
        "    delta1 = np.dot(delta2, weights2.T) * sigmoid_derivative(layer1)     # (N, 4)\n"
        "    d_weights1 = np.dot(x.T, delta1)                                     # (3, 4)\n"
        "    return d_weights1, d_weights2",
    ),
)

HINTS = (
    Text("feedforward is two lines: a matrix product with np.dot, then the sigmoid, twice.",
         "feedforward 只有两行: 先用 np.dot 做矩阵乘法, 再套 sigmoid, 重复两次。"),
    Text("sigmoid_derivative takes the OUTPUT of a sigmoid: sigmoid_derivative(output), sigmoid_derivative(layer1).",
         "sigmoid_derivative 接收 sigmoid 的输出: sigmoid_derivative(output), sigmoid_derivative(layer1)。"),
    Text("Check the shapes: layer1.T @ delta2 is (4, N) @ (N, 1) = (4, 1), the shape of weights2.",
         "检查形状: layer1.T @ delta2 是 (4, N) @ (N, 1) = (4, 1), 与 weights2 相同。"),
    Text("The tutorial writes 2 * (y - output), not (output - y): that sign makes d_weights point downhill.",
         "教程写的是 2 * (y - output), 而不是 (output - y): 这个符号让 d_weights 指向下坡方向。"),
)


def reference_network(weights1: np.ndarray, weights2: np.ndarray) -> Sequential:
    """The tutorial's network as ZeroNN layers, starting from the given weights (float64)."""
    model = Sequential(Linear(3, 4, bias=False, dtype=np.float64), Sigmoid(),
                       Linear(4, 1, bias=False, dtype=np.float64), Sigmoid())
    model[0].weight.data = np.array(weights1, dtype=np.float64)
    model[2].weight.data = np.array(weights2, dtype=np.float64)
    return model


def reference_step(x: np.ndarray, y: np.ndarray, w1: np.ndarray, w2: np.ndarray) -> tuple[np.ndarray, ...]:
    """layer1, output, and the tutorial's d_weights1, d_weights2 (= -dL/dW) from ZeroNN's layers."""
    model = reference_network(w1, w2)
    layer1 = model[1](model[0](x))                                  # (N, 4)
    output = model[3](model[2](layer1))                             # (N, 1)
    loss = SSELoss()
    loss(output, y)
    model.zero_grad()
    g = model[3].backward(loss.backward())                          # backward layer by layer
    g = model[1].backward(model[2].backward(g))
    model[0].backward(g)
    return layer1, output, -model[0].weight.grad, -model[2].weight.grad


def reference_training(w1: np.ndarray, w2: np.ndarray, iterations: int) -> list[float]:
    """The tutorial's loop with ZeroNN: SGD with lr=1 on SSELoss; the loss of every iteration."""
    model = reference_network(w1, w2)
    loss_fn, optimizer = SSELoss(), SGD(model.parameters(), lr=1.0)
    losses = []
    for _ in range(iterations):
        losses.append(float(loss_fn(model(X), Y)))
        optimizer.zero_grad()
        model.backward(loss_fn.backward())
        optimizer.step()
    return losses


def _learner_training(grader: Grader, w1: np.ndarray, w2: np.ndarray, iterations: int) -> list[float]:
    losses = []
    for _ in range(iterations):
        layer1, output = grader.call("feedforward", X, w1, w2)
        losses.append(float(np.sum((np.asarray(output) - Y) ** 2)))
        d1, d2 = grader.call("backprop", X, Y, w1, w2, layer1, output)
        w1 = w1 + np.asarray(d1, dtype=np.float64)
        w2 = w2 + np.asarray(d2, dtype=np.float64)
    return losses


def check(grader: Grader) -> None:
    generator = rng(3)
    w1, w2 = generator.random((3, 4)), generator.random((4, 1))     # U[0, 1) like np.random.rand
    layer1, output, d1, d2 = reference_step(X, Y, w1, w2)
    grader.compare_outputs(Text("feedforward", "feedforward"), lambda: grader.call("feedforward", X, w1, w2),
                           (layer1, output), ("layer1", "output"))
    sign = Text("wrong sign: the tutorial's d_weights are MINUS the gradient (2 * (y - output), not "
                "2 * (output - y)), because the loop adds them",
                "符号反了: 教程的 d_weights 是梯度的相反数 (2 * (y - output), 而不是 2 * (output - y)), "
                "因为训练循环是把它们加上去的")
    grader.compare_outputs(
        Text("backprop", "backprop"), lambda: grader.call("backprop", X, Y, w1, w2, layer1, output), (d1, d2),
        ("d_weights1", "d_weights2"),
        mistakes={"d_weights1": [Mistake(-d1, sign)], "d_weights2": [Mistake(-d2, sign)]})
    iterations = 1500
    expected = reference_training(w1, w2, iterations)
    part = Text(f"{iterations} iterations of training reproduce the tutorial's losses",
                f"训练 {iterations} 次迭代, 复现教程的损失值")
    try:
        got = _learner_training(grader, w1, w2, iterations)
    except LearnerError as error:
        grader.record_error(part, error)
        return
    checkpoints = [0, 9, 99, iterations - 1]
    verdict = grader.compare(part, lambda: np.array(got)[checkpoints], np.array(expected)[checkpoints])
    if verdict is not None:
        grader.results[-1].message += grader.t(
            f"; loss after 1, 10, 100, 1500 iterations: yours {np.round(np.array(got)[checkpoints], 6).tolist()}, "
            f"the tutorial's {np.round(np.array(expected)[checkpoints], 6).tolist()}",
            f"; 第 1、10、100、1500 次迭代的损失: 你的 {np.round(np.array(got)[checkpoints], 6).tolist()}, "
            f"教程的 {np.round(np.array(expected)[checkpoints], 6).tolist()}")


#: Lines run by ``python FILE`` (under ``if __name__ == "__main__":``), never by the check.
TRY_IT = """\
np.random.seed(1)
weights1, weights2 = np.random.rand(3, 4), np.random.rand(4, 1)
for _ in range(1500):
    layer1, output = feedforward(X, weights1, weights2)
    d_weights1, d_weights2 = backprop(X, Y, weights1, weights2, layer1, output)
    weights1, weights2 = weights1 + d_weights1, weights2 + d_weights2
print(feedforward(X, weights1, weights2)[1].ravel().round(3))      # close to [0 1 1 0]
"""

EXERCISE = Exercise("tutorial", Text("The tutorial's 3-4-1 network: feedforward and backprop",
                                     "教程中的 3-4-1 网络: 前向传播与反向传播"),
                    TEXT, FUNCTIONS, check, HINTS, given=GIVEN, try_it=TRY_IT)
