"""Exercise 5: a learning rate, and SGD with momentum, checked against ``zeronn.optim.SGD``."""

from __future__ import annotations

import numpy as np

from zeronn.exercises.catalog.reference import rng
from zeronn.exercises.compare import Mistake
from zeronn.exercises.exercise import Exercise, Function, Text
from zeronn.exercises.grading import Grader, LearnerError
from zeronn.nn.parameter import Parameter
from zeronn.optim.sgd import SGD

__all__ = ["EXERCISE"]

TEXT = Text(
    """\
The tutorial adds the whole gradient at every step: a learning rate of 1.
Usually we take a smaller step, lr, against the gradient g = dL/dp:

    sgd:        p = p - lr * g

Momentum keeps a velocity b, a running sum of past gradients, so that steps
grow where the gradients agree and cancel where they zig-zag (PyTorch's and
ZeroNN's form, with b = 0 before the first step):

    momentum:   b = momentum * b + g
                p = p - lr * b

Write one step of each.  Return new arrays; do not change the inputs.  The
check runs 6 steps with made-up gradients and compares with ZeroNN's SGD.""",
    """\
教程每一步都把整个梯度加上去: 相当于学习率为 1。通常我们沿梯度 g = dL/dp 的
反方向走一小步 lr:

    sgd:        p = p - lr * g

动量法保存一个速度 b, 即过去梯度的累加, 这样梯度方向一致时步子变大, 来回
振荡时相互抵消 (PyTorch 和 ZeroNN 的写法, 第一步之前 b = 0):

    动量:       b = momentum * b + g
                p = p - lr * b

请各实现一步更新。返回新的数组, 不要修改输入。检查程序用给定的梯度运行 6 步,
与 ZeroNN 的 SGD 比较。""",
)

FUNCTIONS = (
    Function(
        "def sgd_step(p, g, lr):",
        Text("Return the parameters after one step of gradient descent: p - lr * g.",
             "返回梯度下降一步之后的参数: p - lr * g。"),
        "    return p - lr * g",
    ),
    Function(
        "def momentum_step(p, g, b, lr, momentum):",
        Text("Return (new_p, new_b): b = momentum * b + g, then p = p - lr * b.  b starts at zeros.",
             "返回 (new_p, new_b): b = momentum * b + g, 然后 p = p - lr * b。b 初始为零。"),
        "    b = momentum * b + g\n"
        "    return p - lr * b, b",
    ),
)

HINTS = (
    Text("Descent goes AGAINST the gradient: minus lr times g.", "梯度下降是沿梯度的反方向走: 减去 lr 乘以 g。"),
    Text("Update b first, then use the new b in the step of p.", "先更新 b, 再用新的 b 更新 p。"),
    Text("Keep lr out of b: b = momentum * b + g (b is a sum of gradients, not of steps).",
         "不要把 lr 放进 b: b = momentum * b + g (b 是梯度的累加, 而不是步长的累加)。"),
)

STEPS = 6


def _reference(p0: np.ndarray, grads: list[np.ndarray], lr: float, momentum: float) -> tuple[np.ndarray, np.ndarray]:
    param = Parameter(p0.copy())
    optimizer = SGD([param], lr=lr, momentum=momentum)
    for g in grads:
        param.grad = g.copy()
        optimizer.step()
    return param.data.copy(), optimizer.state[param]["momentum_buffer"].copy() if momentum else np.zeros_like(p0)


def check(grader: Grader) -> None:
    generator = rng(6)
    p0 = generator.normal(size=(3, 2))                                          # (3, 2)
    grads = [generator.normal(size=(3, 2)) for _ in range(STEPS)]
    lr, momentum = 0.1, 0.9
    one, _ = _reference(p0, grads[:1], lr, 0.0)
    grader.compare(Text("sgd_step", "sgd_step"), lambda: grader.call("sgd_step", p0, grads[0], lr), one, mistakes=[
        Mistake(p0 + lr * grads[0], Text("wrong direction: descent subtracts, p - lr * g",
                                         "方向反了: 梯度下降是减去, p - lr * g")),
        Mistake(p0 - grads[0], Text("forgot the learning rate: p - lr * g", "忘了学习率: p - lr * g")),
    ])
    expected_p, expected_b = _reference(p0, grads, lr, momentum)

    def run() -> tuple[np.ndarray, np.ndarray]:
        p, b = p0.copy(), np.zeros_like(p0)
        for g in grads:
            result = grader.call("momentum_step", p, g, b, lr, momentum)
            if not isinstance(result, tuple) or len(result) != 2:
                raise LearnerError("wrong", grader.t("momentum_step should return two arrays, (new_p, new_b)",
                                                     "momentum_step 应返回两个数组 (new_p, new_b)"))
            p, b = np.asarray(result[0], dtype=np.float64), np.asarray(result[1], dtype=np.float64)
        return p, b

    sutskever = Text("your velocity includes the learning rate (b = momentum * b + lr * g): the parameters come out "
                     "the same while lr is constant, but PyTorch and ZeroNN keep lr out of b (b = momentum * b + g), "
                     "so a learning-rate schedule would act differently",
                     "你的速度里包含了学习率 (b = momentum * b + lr * g): 学习率不变时参数结果相同, 但 PyTorch 和 "
                     "ZeroNN 的 b 不含学习率 (b = momentum * b + g), 使用学习率调度时结果会不同")
    grader.compare_outputs(Text(f"momentum_step, {STEPS} steps", f"momentum_step, {STEPS} 步"), run,
                           (expected_p, expected_b), ("p", "b"),
                           mistakes={"b": [Mistake(lr * expected_b, sutskever)]})


#: Lines run by ``python FILE`` (under ``if __name__ == "__main__":``), never by the check.
TRY_IT = """\
p, b = np.array([1.0, -2.0]), np.zeros(2)
for step in range(3):
    g = 2 * p                                                # the gradient of sum(p ** 2)
    p, b = momentum_step(p, g, b, lr=0.1, momentum=0.9)
    print(step, p)                                           # walks towards [0, 0], faster each step
"""

EXERCISE = Exercise("sgd-momentum", Text("A learning rate, and SGD with momentum", "学习率与动量 SGD"),
                    TEXT, FUNCTIONS, check, HINTS, try_it=TRY_IT)
