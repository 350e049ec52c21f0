"""Exercise 1: the sigmoid and its derivative, as the tutorial writes them."""

from __future__ import annotations

import numpy as np

from zeronn.exercises.catalog.reference import rng, run_layer
from zeronn.exercises.compare import Mistake
from zeronn.exercises.exercise import Exercise, Function, Text
from zeronn.exercises.grading import Grader, LearnerError
from zeronn.nn.activation import Sigmoid

__all__ = ["EXERCISE"]

TEXT = Text(
    """\
The tutorial's network squashes every weighted sum with the sigmoid

    sigmoid(x) = 1 / (1 + exp(-x))

which maps any number into (0, 1).  Backpropagation needs its derivative.
Written with the sigmoid's OUTPUT s = sigmoid(x), it is remarkably simple:

    sigmoid'(x) = s * (1 - s)

Write both, element by element, for NumPy arrays of any shape.  The check
compares them with ZeroNN's Sigmoid layer and runs a gradient check: your
derivative must match (sigmoid(x + h) - sigmoid(x - h)) / 2h.""",
    """\
教程中的网络用 sigmoid 激活函数压缩每一个加权和:

    sigmoid(x) = 1 / (1 + exp(-x))

它把任意实数映射到 (0, 1)。反向传播需要它的导数。用 sigmoid 的输出
s = sigmoid(x) 来写, 导数非常简单:

    sigmoid'(x) = s * (1 - s)

请对任意形状的 NumPy 数组逐元素实现这两个函数。检查程序会与 ZeroNN 的
Sigmoid 层比较, 并做梯度检验: 你的导数必须与
(sigmoid(x + h) - sigmoid(x - h)) / 2h 一致。""",
)

FUNCTIONS = (
    Function(
        "def sigmoid(x):",
        Text("Return 1 / (1 + exp(-x)), element by element.  x: array of any shape; same shape out.",
             "逐元素返回 1 / (1 + exp(-x))。x: 任意形状的数组; 输出形状相同。"),
        "    return 1.0 / (1.0 + np.exp(-x))",
    ),
    Function(
        "def sigmoid_derivative(s):",
        Text("Return the derivative of the sigmoid, given its OUTPUT s = sigmoid(x): s * (1 - s).",
             "给定 sigmoid 的输出 s = sigmoid(x), 返回 sigmoid 的导数: s * (1 - s)。"),
        "    return s * (1.0 - s)",
    ),
)

HINTS = (
    Text("np.exp works on whole arrays: no loop is needed.", "np.exp 可以直接作用于整个数组: 不需要循环。"),
    Text("sigmoid_derivative receives s, the sigmoid's output, not x: do not apply the sigmoid again.",
         "sigmoid_derivative 接收的是 sigmoid 的输出 s, 而不是 x: 不要再套一次 sigmoid。"),
    Text("sigmoid(x) = 1.0 / (1.0 + np.exp(-x));  sigmoid_derivative(s) = s * (1.0 - s)",
         "sigmoid(x) = 1.0 / (1.0 + np.exp(-x));  sigmoid_derivative(s) = s * (1.0 - s)"),
)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(run_layer(Sigmoid(), x)[0])


def check(grader: Grader) -> None:
    x = rng(1).normal(scale=3.0, size=(4, 5))                              # (4, 5)
    x[0, 0] = 0.0                                                          # sigmoid(0) = 0.5 exactly
    s, _, _ = run_layer(Sigmoid(), x)
    grader.compare(Text("sigmoid(x)", "sigmoid(x)"), lambda: grader.call("sigmoid", x), s, mistakes=[
        Mistake(1.0 - s, Text("you computed 1 / (1 + exp(x)): the sign inside exp must be minus, exp(-x)",
                              "你算的是 1 / (1 + exp(x)): exp 里应该是负号, exp(-x)")),
        Mistake(np.exp(-x), Text("you returned exp(-x) alone: sigmoid is 1 / (1 + exp(-x))",
                                 "你只返回了 exp(-x): sigmoid 是 1 / (1 + exp(-x))")),
    ])
    _, derivative, _ = run_layer(Sigmoid(), x, np.ones_like(x))            # backward of ones = s (1 - s)
    inner = _sigmoid(s)
    grader.compare(Text("sigmoid_derivative(s)", "sigmoid_derivative(s)"),
                   lambda: grader.call("sigmoid_derivative", s), derivative, mistakes=[
        Mistake(inner * (1 - inner), Text(
            "you applied the sigmoid again: sigmoid_derivative gets s = sigmoid(x) already, return s * (1 - s)",
            "你又套了一次 sigmoid: sigmoid_derivative 收到的已经是 s = sigmoid(x), 直接返回 s * (1 - s)")),
        Mistake(1 - s, Text("you returned 1 - s: the derivative is s * (1 - s)", "你返回了 1 - s: 导数是 s * (1 - s)")),
    ])
    points = rng(2).normal(size=(6,))                                      # (6,)

    def forward(z: np.ndarray) -> float:
        return float(np.sum(grader.call("sigmoid", z)))

    try:
        analytic = grader.call("sigmoid_derivative", grader.call("sigmoid", points))
    except LearnerError:                                                   # reported by the parts above
        return
    grader.gradient_check(Text("gradient check: sigmoid_derivative vs finite differences of your sigmoid",
                               "梯度检验: sigmoid_derivative 与你的 sigmoid 的有限差分"), analytic, forward, points)


#: Lines run by ``python FILE`` (under ``if __name__ == "__main__":``), never by the check.
TRY_IT = """\
x = np.array([-2.0, 0.0, 2.0])
print("sigmoid:", sigmoid(x))                             # about [0.119 0.5 0.881]
print("derivative:", sigmoid_derivative(sigmoid(x)))      # at most 0.25, at x = 0
"""

EXERCISE = Exercise("sigmoid", Text("The sigmoid and its derivative", "sigmoid 函数及其导数"), TEXT, FUNCTIONS,
                    check, HINTS, try_it=TRY_IT)
