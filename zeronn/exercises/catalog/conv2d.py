"""Exercise 8: Conv2d forward and backward with loops, checked against ``zeronn.nn.Conv2d``."""

from __future__ import annotations

import numpy as np

from zeronn.exercises.catalog.reference import rng, run_layer, set_parameters
from zeronn.exercises.compare import Mistake
from zeronn.exercises.exercise import Exercise, Function, Text
from zeronn.exercises.grading import Grader
from zeronn.nn.conv import Conv2d

__all__ = ["EXERCISE"]

TEXT = Text(
    """\
A convolution slides small filters over an image.  Shapes (NCHW, as PyTorch):
x (N, C, H, W), W (O, C, k, k), b (O,), stride s, zero padding p on each side:

    H_out = (H + 2p - k) // s + 1          (and the same for W_out)
    xp = x padded with p zeros on each side of H and W
    y[n, o, i, j] = b[o] + sum over c, di, dj of W[o, c, di, dj] * xp[n, c, i*s + di, j*s + dj]

(this is cross-correlation, what every deep-learning library calls convolution:
the filter is not flipped).  Backward, given g = dL/dy (N, O, H_out, W_out):
every product W[o, c, di, dj] * xp[n, c, i*s + di, j*s + dj] in the sum sends
g[n, o, i, j] times the other factor to each factor:

    dW[o, c, di, dj]              += g[n, o, i, j] * xp[n, c, i*s + di, j*s + dj]
    dxp[n, c, i*s + di, j*s + dj] += g[n, o, i, j] * W[o, c, di, dj]
    db[o]                          = sum of g[:, o, :, :]
    dx = dxp without its padding

Loops are fine (four or six nested loops, or loops over (i, j) with NumPy
sums inside).  The same filter is used at every position: weight sharing,
which is why dW sums over all positions and the whole batch.""",
    """\
卷积就是让小的滤波器 (卷积核) 在图像上滑动。形状 (NCHW, 与 PyTorch 相同):
x (N, C, H, W), W (O, C, k, k), b (O,), 步幅 s, 每边补零 p:

    H_out = (H + 2p - k) // s + 1          (W_out 同理)
    xp = 在 x 的 H 和 W 两边各补 p 个零
    y[n, o, i, j] = b[o] + 对 c, di, dj 求和 W[o, c, di, dj] * xp[n, c, i*s + di, j*s + dj]

(这其实是互相关, 所有深度学习库都把它叫做卷积: 卷积核不翻转)。反向传播, 给定
g = dL/dy (N, O, H_out, W_out): 求和中的每一项 W[o, c, di, dj] * xp[n, c, i*s + di, j*s + dj]
把 g[n, o, i, j] 乘以另一个因子传给每个因子:

    dW[o, c, di, dj]              += g[n, o, i, j] * xp[n, c, i*s + di, j*s + dj]
    dxp[n, c, i*s + di, j*s + dj] += g[n, o, i, j] * W[o, c, di, dj]
    db[o]                          = g[:, o, :, :] 的总和
    dx = 去掉补零部分的 dxp

可以用循环 (四到六层嵌套循环, 或者对 (i, j) 循环、内部用 NumPy 求和)。同一个
卷积核用在每个位置上: 这就是权值共享, 所以 dW 要对所有位置和整个批求和。""",
)

FUNCTIONS = (
    Function(
        "def conv2d_forward(x, W, b, stride=1, padding=0):",
        Text("Return y (N, O, H_out, W_out).  x (N, C, H, W), W (O, C, k, k), b (O,).",
             "返回 y (N, O, H_out, W_out)。x (N, C, H, W), W (O, C, k, k), b (O,)。"),
        "    N, C, H, Wd = x.shape\n"
        "    O, _, k, _ = W.shape\n"
        "    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))\n"
        "    H_out = (H + 2 * padding - k) // stride + 1\n"
        "    W_out = (Wd + 2 * padding - k) // stride + 1\n"
        "    y = np.zeros((N, O, H_out, W_out))\n"
        "    for i in range(H_out):\n"
        "        for j in range(W_out):\n"
        "            window = xp[:, :, i * stride:i * stride + k, j * stride:j * stride + k]   # (N, C, k, k)\n"
        "            y[:, :, i, j] = np.tensordot(window, W, axes=([1, 2, 3], [1, 2, 3])) + b  # (N, O)\n"
        "    return y",
    ),
    Function(
        "def conv2d_backward(x, W, g, stride=1, padding=0):",
        Text("Given g = dL/dy (N, O, H_out, W_out), return (dx, dW, db) shaped like x, W and (O,).",
             "给定 g = dL/dy (N, O, H_out, W_out), 返回 (dx, dW, db), 形状分别与 x, W, (O,) 相同。"),
        "    k = W.shape[2]\n"
        "    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))\n"
        "    dxp = np.zeros_like(xp)\n"
        "    dW = np.zeros_like(W)\n"
        "    for i in range(g.shape[2]):\n"
        "        for j in range(g.shape[3]):\n"
        "            rows = slice(i * stride, i * stride + k)\n"
        "            cols = slice(j * stride, j * stride + k)\n"
        "            gij = g[:, :, i, j]                                               # (N, O)\n"
        "            dW += np.tensordot(gij, xp[:, :, rows, cols], axes=([0], [0]))    # (O, C, k, k)\n"
        "            dxp[:, :, rows, cols] += np.tensordot(gij, W, axes=([1], [0]))    # (N, C, k, k)\n"
        "    H, Wd = x.shape[2], x.shape[3]\n"
        "    dx = dxp[:, :, padding:padding + H, padding:padding + Wd]\n"
        "    db = g.sum(axis=(0, 2, 3))\n"
        "    return dx, dW, db",
    ),
)

HINTS = (
    Text("np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) pads only H and W.",
         "np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) 只在 H 和 W 方向补零。"),
    Text("Loop over output positions (i, j); the input window is xp[:, :, i*s:i*s+k, j*s:j*s+k], shape (N, C, k, k).",
         "对输出位置 (i, j) 循环; 对应的输入窗口是 xp[:, :, i*s:i*s+k, j*s:j*s+k], 形状 (N, C, k, k)。"),
    Text("In backward use += : windows overlap, and one input pixel gets gradient from every window it is in.",
         "反向传播里要用 +=: 窗口会重叠, 一个输入像素从它所在的每个窗口都得到梯度。"),
    Text("db[o] sums g over the batch and over every position: g.sum(axis=(0, 2, 3)).",
         "db[o] 要对批和所有位置求和: g.sum(axis=(0, 2, 3))。"),
)

CASES = ((1, 1), (2, 1), (2, 0))                      # (stride, padding)


def _conv(W: np.ndarray, b: np.ndarray, stride: int, padding: int) -> Conv2d:
    out_channels, in_channels, k, _ = W.shape
    layer = Conv2d(in_channels, out_channels, k, stride=stride, padding=padding, dtype=np.float64)
    set_parameters(layer, weight=W, bias=b)
    return layer


def _check_case(grader: Grader, x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int, padding: int) -> None:
    y, _, _ = run_layer(_conv(W, b, stride, padding), x)
    g = rng(13 + stride).normal(size=y.shape)                        # (N, O, H_out, W_out)
    y, dx, grads = run_layer(_conv(W, b, stride, padding), x, g)
    flipped, _, _ = run_layer(_conv(W[:, :, ::-1, ::-1].copy(), b, stride, padding), x)
    no_bias, _, _ = run_layer(_conv(W, np.zeros_like(b), stride, padding), x)
    case = f"stride={stride}, padding={padding}"
    grader.compare(Text(f"conv2d_forward ({case})", f"conv2d_forward ({case})"),
                   lambda: grader.call("conv2d_forward", x, W, b, stride, padding), y, mistakes=[
        Mistake(flipped, Text("you flipped the filter (true convolution): deep-learning convolution is "
                              "cross-correlation, W[o, c, di, dj] * xp[n, c, i*s + di, j*s + dj]",
                              "你翻转了卷积核 (数学上的卷积): 深度学习里的卷积是互相关, "
                              "W[o, c, di, dj] * xp[n, c, i*s + di, j*s + dj]")),
        Mistake(no_bias, Text("forgot the bias b[o]", "忘了偏置 b[o]")),
    ])
    grader.compare_outputs(Text(f"conv2d_backward ({case})", f"conv2d_backward ({case})"),
                           lambda: grader.call("conv2d_backward", x, W, g, stride, padding),
                           (dx, grads["weight"], grads["bias"]), ("dx", "dW", "db"), batch=x.shape[0])


def check(grader: Grader) -> None:
    generator = rng(12)
    batch, channels, size, filters, k = 2, 2, 5, 3, 3
    x = generator.normal(size=(batch, channels, size, size))              # (2, 2, 5, 5)
    W = generator.normal(size=(filters, channels, k, k))                  # (3, 2, 3, 3)
    b = generator.normal(size=(filters,))
    for stride, padding in CASES:
        _check_case(grader, x, W, b, stride, padding)


#: Lines run by ``python FILE`` (under ``if __name__ == "__main__":``), never by the check.
TRY_IT = """\
x, W, b = np.random.randn(1, 1, 5, 5), np.random.randn(2, 1, 3, 3), np.zeros(2)
y = conv2d_forward(x, W, b, stride=1, padding=1)
dx, dW, db = conv2d_backward(x, W, np.ones_like(y), stride=1, padding=1)
print(y.shape, dx.shape, dW.shape, db)                       # (1, 2, 5, 5) (1, 1, 5, 5) (2, 1, 3, 3) [25. 25.]
"""

EXERCISE = Exercise("conv2d", Text("Conv2d: forward and backward", "二维卷积: 前向与反向传播"), TEXT, FUNCTIONS,
                    check, HINTS, try_it=TRY_IT)
