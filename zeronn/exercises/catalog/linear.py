"""Exercise 4: a Linear layer's forward and backward, checked against ``zeronn.nn.Linear``."""

from __future__ import annotations

import numpy as np

from zeronn.exercises.catalog.reference import rng, run_layer, set_parameters
from zeronn.exercises.compare import Mistake
from zeronn.exercises.exercise import Exercise, Function, Text
from zeronn.exercises.grading import Grader
from zeronn.nn.linear import Linear

__all__ = ["EXERCISE"]

TEXT = Text(
    """\
A fully connected (Linear) layer is the tutorial's matrix product plus a bias,
for a whole batch at once.  ZeroNN stores the weight as (in_features, out_features):

    forward:   y = x @ W + b          x (N, in), W (in, out), b (out,), y (N, out)

Backward receives g = dL/dy (N, out) and returns the three gradients:

    dx = g @ W.T           (N, in)     what the layer before needs
    dW = x.T @ g           (in, out)   summed over the batch by the product
    db = g.sum(axis=0)     (out,)

No 1/N here: if the loss is a mean, g already carries it.  Tip: each
gradient has the shape of the thing it is the gradient of; the shapes alone
tell you where the transposes go.""",
    """\
全连接 (Linear) 层就是教程里的矩阵乘法加上偏置, 一次处理一整个批。
ZeroNN 把权重存成 (in_features, out_features):

    前向:   y = x @ W + b          x (N, in), W (in, out), b (out,), y (N, out)

反向传播收到 g = dL/dy (N, out), 返回三个梯度:

    dx = g @ W.T           (N, in)     前一层需要的梯度
    dW = x.T @ g           (in, out)   矩阵乘法已经对批求和
    db = g.sum(axis=0)     (out,)

这里没有 1/N: 如果损失取了平均, g 里已经包含了。提示: 每个梯度的形状与
它所对应的量相同; 只看形状就能知道该在哪里转置。""",
)

FUNCTIONS = (
    Function(
        "def linear_forward(x, W, b):",
        Text("Return y = x @ W + b.  x (N, in), W (in, out), b (out,) -> y (N, out).",
             "返回 y = x @ W + b。x (N, in), W (in, out), b (out,) -> y (N, out)。"),
        "    return x @ W + b",
    ),
    Function(
        "def linear_backward(x, W, g):",
        Text("Given g = dL/dy (N, out), return (dx, dW, db) with shapes (N, in), (in, out), (out,).",
             "给定 g = dL/dy (N, out), 返回 (dx, dW, db), 形状分别为 (N, in), (in, out), (out,)。"),
        "    dx = g @ W.T                # (N, in)\n"
        "    dW = x.T @ g                # (in, out)\n"
        "    db = g.sum(axis=0)          # (out,)\n"
        "    return dx, dW, db",
    ),
)

HINTS = (
    Text("Match the shapes: dW must be (in, out); x.T is (in, N) and g is (N, out).",
         "对齐形状: dW 必须是 (in, out); x.T 是 (in, N), g 是 (N, out)。"),
    Text("db is the sum of g over the batch axis: g.sum(axis=0).", "db 是 g 沿批的轴求和: g.sum(axis=0)。"),
    Text("Do not divide by N: the loss's gradient g already includes any 1/N.",
         "不要除以 N: 损失函数的梯度 g 里已经包含了 1/N。"),
)


def check(grader: Grader) -> None:
    generator = rng(5)
    n, fan_in, fan_out = 5, 4, 3
    x = generator.normal(size=(n, fan_in))                                # (5, 4)
    W, b = generator.normal(size=(fan_in, fan_out)), generator.normal(size=(fan_out,))
    g = generator.normal(size=(n, fan_out))                               # (5, 3)
    layer = set_parameters(Linear(fan_in, fan_out, dtype=np.float64), weight=W, bias=b)
    y, dx, grads = run_layer(layer, x, g)
    grader.compare(Text("linear_forward", "linear_forward"), lambda: grader.call("linear_forward", x, W, b), y,
                   mistakes=[Mistake(x @ W, Text("forgot the bias: y = x @ W + b", "忘了偏置: y = x @ W + b"))])
    grader.compare_outputs(Text("linear_backward", "linear_backward"),
                           lambda: grader.call("linear_backward", x, W, g),
                           (dx, grads["weight"], grads["bias"]), ("dx", "dW", "db"), batch=n)


#: Lines run by ``python FILE`` (under ``if __name__ == "__main__":``), never by the check.
TRY_IT = """\
x, W, b = np.random.randn(5, 4), np.random.randn(4, 3), np.zeros(3)
g = np.ones((5, 3))                                          # dL/dy for L = sum(y)
dx, dW, db = linear_backward(x, W, g)
print(linear_forward(x, W, b).shape, dx.shape, dW.shape, db.shape)   # (5, 3) (5, 4) (4, 3) (3,)
"""

EXERCISE = Exercise("linear", Text("A Linear layer's backward pass", "全连接层的反向传播"), TEXT, FUNCTIONS, check,
                    HINTS, try_it=TRY_IT)
