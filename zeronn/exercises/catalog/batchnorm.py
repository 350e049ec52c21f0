"""Exercise 10: batch normalisation's backward pass, checked against ``zeronn.nn.BatchNorm1d``."""

from __future__ import annotations

import numpy as np

from zeronn.exercises.catalog.reference import rng, run_layer, set_parameters
from zeronn.exercises.compare import Mistake
from zeronn.exercises.exercise import Exercise, Function, Text
from zeronn.exercises.grading import Grader
from zeronn.nn.batchnorm import BatchNorm1d

__all__ = ["EXERCISE"]

TEXT = Text(
    """\
Batch normalisation (training mode) standardises every feature over the batch,
then scales and shifts it with learned gamma and beta.  x (N, D), per feature:

    mean = x.mean(axis=0)                   var = x.var(axis=0)     (divides by N)
    xhat = (x - mean) / sqrt(var + eps)
    y    = gamma * xhat + beta              gamma, beta (D,)

Backward, given g = dL/dy (N, D).  The mean and the variance depend on EVERY
sample of the batch, so moving one x moves all the xhat: dx has two extra terms.

    dbeta  = g.sum(axis=0)
    dgamma = (g * xhat).sum(axis=0)
    dx     = gamma / sqrt(var + eps) * (g - dbeta / N - xhat * dgamma / N)

Derive it if you like (the chain rule through mean and var), or follow the
formula.  Batch norm keeps every layer's input at a steady scale, which lets
deep networks train with larger learning rates.""",
    """\
批归一化 (训练模式) 在批上把每个特征标准化, 再用可学习的 gamma 和 beta 缩放和平移。
x (N, D), 对每个特征:

    mean = x.mean(axis=0)                   var = x.var(axis=0)     (除以 N)
    xhat = (x - mean) / sqrt(var + eps)
    y    = gamma * xhat + beta              gamma, beta (D,)

反向传播, 给定 g = dL/dy (N, D)。均值和方差依赖于批中的每一个样本, 所以改变一个 x
会改变所有的 xhat: dx 多了两项。

    dbeta  = g.sum(axis=0)
    dgamma = (g * xhat).sum(axis=0)
    dx     = gamma / sqrt(var + eps) * (g - dbeta / N - xhat * dgamma / N)

可以自己推导 (链式法则穿过 mean 和 var), 也可以直接照公式写。批归一化让每一层的
输入保持稳定的尺度, 从而让深层网络可以用更大的学习率训练。""",
)

FUNCTIONS = (
    Function(
        "def batchnorm_forward(x, gamma, beta, eps=1e-5):",
        Text("Return y (N, D): x normalised with the batch's mean and (biased) variance, then gamma * xhat + beta.",
             "返回 y (N, D): 用批的均值和 (有偏) 方差标准化 x, 然后计算 gamma * xhat + beta。"),
        "    xhat = (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps)     # (N, D)\n"
        "    return gamma * xhat + beta",
    ),
    Function(
        "def batchnorm_backward(x, gamma, g, eps=1e-5):",
        Text("Given g = dL/dy (N, D), return (dx, dgamma, dbeta) with shapes (N, D), (D,), (D,).",
             "给定 g = dL/dy (N, D), 返回 (dx, dgamma, dbeta), 形状分别为 (N, D), (D,), (D,)。"),
        "    N = x.shape[0]\n"
        "    invstd = 1.0 / np.sqrt(x.var(axis=0) + eps)                      # (D,)\n"
        "    xhat = (x - x.mean(axis=0)) * invstd                            # (N, D)\n"
        "    dbeta = g.sum(axis=0)                                           # (D,)\n"
        "    dgamma = (g * xhat).sum(axis=0)                                 # (D,)\n"
        "    dx = gamma * invstd * (g - dbeta / N - xhat * dgamma / N)       # (N, D)\n"
        "    return dx, dgamma, dbeta",
    ),
)

HINTS = (
    Text("x.var(axis=0) divides by N (the biased variance), which is what batch norm uses in training.",
         "x.var(axis=0) 除以 N (有偏方差), 这正是批归一化在训练时使用的。"),
    Text("Recompute xhat in backward from x, the same way as in forward.",
         "在反向传播里用 x 按前向的方式重新算出 xhat。"),
    Text("If only dx is wrong: did you keep the terms - dbeta / N and - xhat * dgamma / N?",
         "如果只有 dx 不对: 是否漏掉了 - dbeta / N 和 - xhat * dgamma / N 这两项?"),
)


def check(grader: Grader) -> None:
    generator = rng(40)
    N, D, eps = 6, 3, 1e-5
    x = generator.normal(loc=2.0, scale=3.0, size=(N, D))                # (6, 3)
    gamma, beta = generator.normal(size=(D,)), generator.normal(size=(D,))
    g = generator.normal(size=(N, D))
    layer = set_parameters(BatchNorm1d(D, eps=eps, dtype=np.float64), weight=gamma, bias=beta)
    y, dx, grads = run_layer(layer, x, g)
    unbiased = gamma * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + beta
    grader.compare(Text("batchnorm_forward", "batchnorm_forward"),
                   lambda: grader.call("batchnorm_forward", x, gamma, beta, eps), y, batch=N, mistakes=[
        Mistake(unbiased, Text("you used the unbiased variance (divided by N - 1): batch norm divides by N",
                               "你用了无偏方差 (除以 N - 1): 批归一化除以 N")),
    ])
    constant = gamma / np.sqrt(x.var(0) + eps) * g
    grader.compare_outputs(
        Text("batchnorm_backward", "batchnorm_backward"),
        lambda: grader.call("batchnorm_backward", x, gamma, g, eps),
        (dx, grads["weight"], grads["bias"]), ("dx", "dgamma", "dbeta"), batch=N,
        mistakes={"dx": [Mistake(constant, Text(
            "you treated the mean and variance as constants (dx = gamma * g / std): they depend on every sample, "
            "add the terms - dbeta / N - xhat * dgamma / N",
            "你把均值和方差当成了常数 (dx = gamma * g / std): 它们依赖于每一个样本, 需要加上 "
            "- dbeta / N - xhat * dgamma / N 这两项"))]})


#: Lines run by ``python FILE`` (under ``if __name__ == "__main__":``), never by the check.
TRY_IT = """\
x, gamma, beta = np.random.randn(8, 3) * 5 + 2, np.ones(3), np.zeros(3)
y = batchnorm_forward(x, gamma, beta)
print(y.mean(axis=0).round(6), y.std(axis=0).round(3))      # about 0 and 1 per feature
print([a.shape for a in batchnorm_backward(x, gamma, np.ones_like(y))])
"""

EXERCISE = Exercise("batchnorm", Text("Batch normalisation's backward pass", "批归一化的反向传播"), TEXT, FUNCTIONS,
                    check, HINTS, try_it=TRY_IT)
