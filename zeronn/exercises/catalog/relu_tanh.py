"""Exercise 6: ReLU and tanh, forward and backward, checked against ``zeronn.nn.ReLU`` and ``Tanh``."""

from __future__ import annotations

import numpy as np

from zeronn.exercises.catalog.reference import rng, run_layer
from zeronn.exercises.compare import Mistake
from zeronn.exercises.exercise import Exercise, Function, Text
from zeronn.exercises.grading import Grader, LearnerError
from zeronn.nn.activation import ReLU, Tanh

__all__ = ["EXERCISE"]

TEXT = Text(
    """\
Two activation functions that train better than the sigmoid in most networks.

    ReLU:   y = max(x, 0)           dL/dx = g * (x > 0)        (0 at x = 0, as PyTorch)
    tanh:   y = tanh(x)             dL/dx = g * (1 - y^2)      (written with the output y)

g = dL/dy is the gradient coming from the layer above, same shape as x.  The
backward of an activation multiplies g by the derivative, element by element
(the chain rule).  The sigmoid's derivative is at most 0.25, so every sigmoid
layer shrinks the gradient at least 4 times; tanh's reaches 1 and ReLU's is
exactly 1 for positive inputs.  The check also runs a gradient check of your
backward against finite differences of your forward.""",
    """\
两个在多数网络里比 sigmoid 训练得更好的激活函数。

    ReLU:   y = max(x, 0)           dL/dx = g * (x > 0)        (x = 0 处取 0, 与 PyTorch 相同)
    tanh:   y = tanh(x)             dL/dx = g * (1 - y^2)      (用输出 y 表示)

g = dL/dy 是从上一层传来的梯度, 形状与 x 相同。激活函数的反向传播就是把 g
逐元素乘以导数 (链式法则)。sigmoid 的导数最大只有 0.25, 所以每经过一层 sigmoid,
梯度至少缩小 4 倍; tanh 的导数最大为 1, ReLU 在正输入处的导数恰好是 1。
检查程序还会做梯度检验: 把你的反向传播与你的前向计算的有限差分比较。""",
)

FUNCTIONS = (
    Function("def relu(x):", Text("Return max(x, 0) element by element.", "逐元素返回 max(x, 0)。"),
             "    return np.maximum(x, 0.0)"),
    Function("def relu_backward(x, g):",
             Text("Return dL/dx = g * (x > 0), given the input x and g = dL/dy.",
                  "给定输入 x 和 g = dL/dy, 返回 dL/dx = g * (x > 0)。"),
             "    return g * (x > 0)"),
    Function("def tanh(x):", Text("Return tanh(x) element by element.", "逐元素返回 tanh(x)。"),
             "    return np.tanh(x)"),
    Function("def tanh_backward(y, g):",
             Text("Return dL/dx = g * (1 - y**2), given the OUTPUT y = tanh(x) and g = dL/dy.",
                  "给定输出 y = tanh(x) 和 g = dL/dy, 返回 dL/dx = g * (1 - y**2)。"),
             "    return g * (1.0 - y ** 2)"),
)

HINTS = (
    Text("np.maximum(x, 0) is ReLU; (x > 0) is an array of True/False that multiplies like 1/0.",
         "np.maximum(x, 0) 就是 ReLU; (x > 0) 是 True/False 数组, 相乘时相当于 1/0。"),
    Text("Backward multiplies the incoming gradient g by the derivative; do not return the derivative alone.",
         "反向传播要把传进来的梯度 g 乘以导数; 不要只返回导数本身。"),
    Text("tanh_backward gets y = tanh(x), the output: 1 - y ** 2, not 1 - tanh(y) ** 2.",
         "tanh_backward 收到的是输出 y = tanh(x): 用 1 - y ** 2, 而不是 1 - tanh(y) ** 2。"),
)


def _values(size: tuple[int, int], seed: int) -> np.ndarray:
    x = rng(seed).normal(size=size)
    return np.where(np.abs(x) < 1e-3, 0.5, x)                   # keep clear of ReLU's kink at 0


def _forgot_g(derivative: np.ndarray) -> Mistake:
    return Mistake(derivative, Text("you returned the derivative alone: multiply it by g (the chain rule)",
                                    "你只返回了导数: 还要乘以 g (链式法则)"))


def _self_check(grader: Grader, part: Text, forward: str, backward: str, uses_output: bool) -> None:
    x = _values((3, 4), 8)
    g = rng(9).normal(size=x.shape)
    try:
        y = np.asarray(grader.call(forward, x), dtype=np.float64)
        analytic = grader.call(backward, y if uses_output else x, g)
    except (LearnerError, TypeError, ValueError):
        return                                                   # the parts above already say what is wrong
    grader.gradient_check(part, analytic, lambda z: float(np.sum(np.asarray(grader.call(forward, z)) * g)), x)


def check(grader: Grader) -> None:
    x = _values((4, 5), 7)                                       # (4, 5)
    g = rng(10).normal(size=x.shape)                             # (4, 5)
    y, dx, _ = run_layer(ReLU(), x, g)
    grader.compare(Text("relu", "relu"), lambda: grader.call("relu", x), y)
    grader.compare(Text("relu_backward", "relu_backward"), lambda: grader.call("relu_backward", x, g), dx,
                   mistakes=[_forgot_g((x > 0).astype(float))])
    _self_check(grader, Text("gradient check of relu_backward", "relu_backward 的梯度检验"), "relu", "relu_backward",
                False)
    y, dx, _ = run_layer(Tanh(), x, g)
    again = np.tanh(y)
    grader.compare(Text("tanh", "tanh"), lambda: grader.call("tanh", x), y)
    grader.compare(Text("tanh_backward", "tanh_backward"), lambda: grader.call("tanh_backward", y, g), dx, mistakes=[
        _forgot_g(1 - y ** 2),
        Mistake(g * (1 - again ** 2), Text("you applied tanh again: tanh_backward gets y = tanh(x), use 1 - y ** 2",
                                           "你又套了一次 tanh: tanh_backward 收到的已经是 y = tanh(x), 用 1 - y ** 2")),
        Mistake(g * (1 - y), Text("the derivative of tanh is 1 - y ** 2 (squared), not 1 - y",
                                  "tanh 的导数是 1 - y ** 2 (平方), 而不是 1 - y")),
    ])
    _self_check(grader, Text("gradient check of tanh_backward", "tanh_backward 的梯度检验"), "tanh", "tanh_backward",
                True)


#: Lines run by ``python FILE`` (under ``if __name__ == "__main__":``), never by the check.
TRY_IT = """\
x, g = np.array([-1.0, 0.5, 2.0]), np.ones(3)
print(relu(x), relu_backward(x, g))                          # [0. 0.5 2.] [0. 1. 1.]
print(tanh(x), tanh_backward(tanh(x), g))
"""

EXERCISE = Exercise("relu-tanh", Text("ReLU and tanh", "ReLU 与 tanh"), TEXT, FUNCTIONS, check, HINTS, try_it=TRY_IT)
