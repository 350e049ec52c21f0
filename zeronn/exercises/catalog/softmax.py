"""Exercise 7: softmax and cross-entropy, and their joint backward, against ``zeronn.losses.CrossEntropyLoss``."""

from __future__ import annotations

import numpy as np

from zeronn import functional as F
from zeronn.exercises.catalog.reference import rng
from zeronn.exercises.compare import Mistake
from zeronn.exercises.exercise import Exercise, Function, Text
from zeronn.exercises.grading import Grader, LearnerError
from zeronn.losses.cross_entropy import CrossEntropyLoss

__all__ = ["EXERCISE"]

TEXT = Text(
    """\
For classification into C classes the last layer outputs raw scores z (N, C),
the logits.  Softmax turns each row into probabilities, and the cross-entropy
is minus the log-probability of the true class, averaged over the batch:

    p[n, c] = exp(z[n, c]) / sum over c' of exp(z[n, c'])
    loss    = -(1/N) * sum over n of log p[n, t[n]]          t (N,) class indices

Subtract each row's maximum before exp (the result does not change, and
exp(1000) would overflow to inf).  The gradient of the two together is
famously simple ("softmax minus target"):

    dL/dz = (p - onehot(t)) / N                              (N, C)""",
    """\
分成 C 类时, 最后一层输出原始分数 z (N, C), 称为 logits。softmax 把每一行变成
概率, 交叉熵是真实类别概率的对数取负, 再对批求平均:

    p[n, c] = exp(z[n, c]) / (对 c' 求和 exp(z[n, c']))
    loss    = -(1/N) * (对 n 求和 log p[n, t[n]])            t (N,) 类别编号

在 exp 之前先减去每一行的最大值 (结果不变, 否则 exp(1000) 会溢出成 inf)。
两者合在一起的梯度非常简洁 ("softmax 减去目标"):

    dL/dz = (p - onehot(t)) / N                              (N, C)""",
)

FUNCTIONS = (
    Function("def softmax(z):",
             Text("Return the row-wise softmax of z (N, C): every row positive, summing to 1.",
                  "返回 z (N, C) 按行的 softmax: 每一行都为正, 且和为 1。"),
             "    e = np.exp(z - z.max(axis=1, keepdims=True))      # (N, C), no overflow\n"
             "    return e / e.sum(axis=1, keepdims=True)"),
    Function("def cross_entropy(z, t):",
             Text("Return the mean cross-entropy (a float) of logits z (N, C) for integer labels t (N,).",
                  "返回 logits z (N, C) 对整数标签 t (N,) 的平均交叉熵 (一个浮点数)。"),
             "    p = softmax(z)\n"
             "    return float(-np.log(p[np.arange(len(t)), t]).mean())"),
    Function("def cross_entropy_backward(z, t):",
             Text("Return dL/dz (N, C) of the mean cross-entropy: (softmax(z) - onehot(t)) / N.",
                  "返回平均交叉熵的 dL/dz (N, C): (softmax(z) - onehot(t)) / N。"),
             "    grad = softmax(z)\n"
             "    grad[np.arange(len(t)), t] -= 1.0\n"
             "    return grad / len(t)"),
)

HINTS = (
    Text("z.max(axis=1, keepdims=True) has shape (N, 1), so z - it broadcasts over each row.",
         "z.max(axis=1, keepdims=True) 的形状是 (N, 1), 所以 z 减去它会按行广播。"),
    Text("p[np.arange(N), t] picks, in every row n, the probability of the true class t[n].",
         "p[np.arange(N), t] 在每一行 n 取出真实类别 t[n] 的概率。"),
    Text("The loss is a MEAN over the batch, so its gradient has a 1/N.", "损失是对批的平均, 所以梯度里有 1/N。"),
)


def check(grader: Grader) -> None:
    generator = rng(11)
    n, c = 4, 3
    z = generator.normal(scale=2.0, size=(n, c))                          # (4, 3)
    t = np.array([0, 2, 1, 2])                                            # (4,)
    p = F.softmax(z, axis=1)
    grader.compare(Text("softmax", "softmax"), lambda: grader.call("softmax", z), p, mistakes=[
        Mistake(np.exp(z) / np.exp(z).sum(), Text(
            "you normalised over the whole array: each ROW must sum to 1 (sum(axis=1, keepdims=True))",
            "你对整个数组做了归一化: 应该每一行的和为 1 (sum(axis=1, keepdims=True))")),
    ])
    grader.compare(Text("softmax with large logits (z + 1000)", "大 logits 时的 softmax (z + 1000)"),
                   lambda: grader.call("softmax", z + 1000.0), p)
    loss_fn = CrossEntropyLoss()
    loss = float(loss_fn(z, t))
    grad = loss_fn.backward()                                             # (N, C)
    grader.compare(Text("cross_entropy", "cross_entropy"), lambda: grader.call("cross_entropy", z, t), loss, batch=n)
    onehot = np.eye(c)[t]
    grader.compare(Text("cross_entropy_backward", "cross_entropy_backward"),
                   lambda: grader.call("cross_entropy_backward", z, t), grad, batch=n, mistakes=[
        Mistake(p / n, Text("you forgot to subtract the one-hot target: (softmax(z) - onehot(t)) / N",
                            "忘了减去 one-hot 目标: (softmax(z) - onehot(t)) / N")),
        Mistake((onehot - p) / n, Text("wrong sign: softmax MINUS target, (p - onehot(t)) / N",
                                       "符号反了: 是 softmax 减去目标, (p - onehot(t)) / N")),
    ])
    try:
        analytic = grader.call("cross_entropy_backward", z, t)
    except LearnerError:
        return
    grader.gradient_check(Text("gradient check of cross_entropy_backward", "cross_entropy_backward 的梯度检验"),
                          analytic, lambda point: float(grader.call("cross_entropy", point, t)), z)


#: Lines run by ``python FILE`` (under ``if __name__ == "__main__":``), never by the check.
TRY_IT = """\
z, t = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, 0.0]]), np.array([2, 0])
print(softmax(z).round(3))                                   # rows sum to 1, no overflow warning
print(cross_entropy(z, t), cross_entropy_backward(z, t).round(3))
"""

EXERCISE = Exercise("softmax-cross-entropy", Text("Softmax and cross-entropy", "softmax 与交叉熵"), TEXT, FUNCTIONS,
                    check, HINTS, try_it=TRY_IT)
