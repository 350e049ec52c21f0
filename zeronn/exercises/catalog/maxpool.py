"""Exercise 9: max pooling's backward, checked against ``zeronn.nn.MaxPool2d``."""

from __future__ import annotations

import numpy as np

from zeronn.exercises.catalog.reference import rng, run_layer
from zeronn.exercises.compare import Mistake
from zeronn.exercises.exercise import Exercise, Function, Text
from zeronn.exercises.grading import Grader
from zeronn.nn.pooling import AvgPool2d, MaxPool2d

__all__ = ["EXERCISE"]

TEXT = Text(
    """\
Max pooling keeps the largest value of each k x k window (stride s):

    y[n, c, i, j] = max of x[n, c, i*s : i*s + k, j*s : j*s + k]

It has no parameters.  Only the input that was the maximum influenced the
output, so backward sends the whole gradient g[n, c, i, j] to that one input
and 0 to the others of the window.  When windows overlap (k > s), an input
that is the maximum of several windows receives the SUM of their gradients.
(Ties do not occur in the check.)  Pooling makes the features a little
insensitive to small shifts and shrinks the image, so later layers see more
of it for the same cost.""",
    """\
最大池化取每个 k x k 窗口 (步幅 s) 中的最大值:

    y[n, c, i, j] = x[n, c, i*s : i*s + k, j*s : j*s + k] 的最大值

它没有参数。只有窗口中的最大值影响了输出, 所以反向传播把整个梯度 g[n, c, i, j]
传给那一个输入, 窗口中其他输入得到 0。窗口重叠时 (k > s), 如果一个输入是多个窗口
的最大值, 它得到这些梯度之和。(检查中不会出现并列最大值。) 池化让特征对小的平移
不那么敏感, 并缩小图像, 使后面的层以同样的计算量看到更大的范围。""",
)

FUNCTIONS = (
    Function(
        "def maxpool_forward(x, k, stride):",
        Text("Return y (N, C, H_out, W_out) with H_out = (H - k) // stride + 1.  x (N, C, H, W).",
             "返回 y (N, C, H_out, W_out), 其中 H_out = (H - k) // stride + 1。x (N, C, H, W)。"),
        "    N, C, H, W = x.shape\n"
        "    H_out, W_out = (H - k) // stride + 1, (W - k) // stride + 1\n"
        "    y = np.zeros((N, C, H_out, W_out))\n"
        "    for i in range(H_out):\n"
        "        for j in range(W_out):\n"
        "            window = x[:, :, i * stride:i * stride + k, j * stride:j * stride + k]   # (N, C, k, k)\n"
        "            y[:, :, i, j] = window.max(axis=(2, 3))\n"
        "    return y",
    ),
    Function(
        "def maxpool_backward(x, g, k, stride):",
        Text("Given g = dL/dy (N, C, H_out, W_out), return dx shaped like x: each g goes to its window's max.",
             "给定 g = dL/dy (N, C, H_out, W_out), 返回与 x 形状相同的 dx: 每个 g 传给其窗口中的最大值。"),
        "    dx = np.zeros_like(x)\n"
        "    for i in range(g.shape[2]):\n"
        "        for j in range(g.shape[3]):\n"
        "            rows = slice(i * stride, i * stride + k)\n"
        "            cols = slice(j * stride, j * stride + k)\n"
        "            window = x[:, :, rows, cols]                                       # (N, C, k, k)\n"
        "            is_max = window == window.max(axis=(2, 3), keepdims=True)\n"
        "            dx[:, :, rows, cols] += is_max * g[:, :, i, j][:, :, None, None]\n"
        "    return dx",
    ),
)

HINTS = (
    Text("window == window.max(axis=(2, 3), keepdims=True) marks the maximum of each window with True.",
         "window == window.max(axis=(2, 3), keepdims=True) 会在每个窗口的最大值处得到 True。"),
    Text("g[:, :, i, j] has shape (N, C); add [:, :, None, None] to multiply it with a (N, C, k, k) mask.",
         "g[:, :, i, j] 的形状是 (N, C); 加上 [:, :, None, None] 才能与 (N, C, k, k) 的掩码相乘。"),
    Text("Use += when writing into dx: overlapping windows add up.", "写入 dx 时用 +=: 重叠的窗口要相加。"),
)

#: (k, stride, x shape): windows that tile the image, then overlapping ones.
CASES: tuple[tuple[int, int, tuple[int, int, int, int]], ...] = ((2, 2, (2, 2, 4, 4)), (3, 2, (1, 2, 5, 5)))


def _check_case(grader: Grader, k: int, stride: int, shape: tuple[int, int, int, int]) -> None:
    x = rng(20 + k).permutation(np.arange(np.prod(shape), dtype=np.float64)).reshape(shape) / 10.0   # no ties
    y, _, _ = run_layer(MaxPool2d(k, stride), x)
    g = rng(30 + k).normal(size=y.shape)
    _, dx, _ = run_layer(MaxPool2d(k, stride), x, g)
    _, spread, _ = run_layer(AvgPool2d(k, stride), x, g)
    case = f"k={k}, stride={stride}"
    grader.compare(Text(f"maxpool_forward ({case})", f"maxpool_forward ({case})"),
                   lambda: grader.call("maxpool_forward", x, k, stride), y)
    mistakes = [Mistake(spread, Text("you spread the gradient over the whole window (that is average pooling's "
                                     "backward): max pooling sends it only to the maximum",
                                     "你把梯度分给了整个窗口 (那是平均池化的反向传播): 最大池化只把梯度传给最大值")),
                Mistake(spread * k * k, Text("you copied the gradient to every input of the window: only the "
                                             "maximum gets it",
                                             "你把梯度复制给了窗口里的每个输入: 只有最大值才能得到梯度"))]
    grader.compare(Text(f"maxpool_backward ({case})", f"maxpool_backward ({case})"),
                   lambda: grader.call("maxpool_backward", x, g, k, stride), dx, mistakes=mistakes)


def check(grader: Grader) -> None:
    for k, stride, shape in CASES:
        _check_case(grader, k, stride, shape)


#: Lines run by ``python FILE`` (under ``if __name__ == "__main__":``), never by the check.
TRY_IT = """\
x = np.arange(16.0).reshape(1, 1, 4, 4)
print(maxpool_forward(x, 2, 2))                              # [[[[ 5.  7.] [13. 15.]]]]
print(maxpool_backward(x, np.ones((1, 1, 2, 2)), 2, 2))      # 1 where each maximum was
"""

EXERCISE = Exercise("maxpool", Text("Max pooling's backward pass", "最大池化的反向传播"), TEXT, FUNCTIONS, check, HINTS,
                    try_it=TRY_IT)
