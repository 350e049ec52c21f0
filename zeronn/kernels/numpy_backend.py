"""The NumPy backend: every kernel in plain NumPy, always available, and the reference for the others.

Each function computes exactly what its docstring says, in a few array
operations a reader can follow; ``tests/kernels/`` checks each one against
an even plainer loop version in float64.  A compiled backend (``fast``)
provides the same functions under the same names.

Layout.  The convolution kernels work on images held *channels first, batch
last*, (C, H, W, N), in memory: every kernel offset then copies long runs of
neighbouring numbers.  ``im2col`` accepts x (N, C, H, W) in any memory layout
and ``col2im`` returns dx (N, C, H, W) as a transposed view of batch-last
memory; a convolution's output comes out the same way (see ``Conv2d``).  All
other kernels accept any memory layout and return arrays laid out like their
main input, so batch-last data flows through ReLU and pooling without copies.
"""

from __future__ import annotations

import math
from typing import Optional

import numpy as np

__all__ = [
    "NAME",
    "output_size",
    "window_slices",
    "im2col",
    "col2im",
    "matmul_transposed",
    "relu_forward",
    "relu_backward",
    "column_sum",
    "maxpool2d_forward",
    "maxpool2d_backward",
    "avgpool2d_forward",
    "avgpool2d_backward",
    "softmax_cross_entropy",
    "softmax_cross_entropy_backward",
    "batchnorm_statistics",
    "batchnorm_backward",
    "sgd_step",
    "sgd_momentum_step",
    "adam_step",
]

NAME = "numpy"

Pads = tuple[int, int, int, int]          # zeros added (top, bottom, left, right)
Pair = tuple[int, int]


# ---------------------------------------------------------------------- sliding windows
def output_size(size: int, kernel: int, stride: int, pad_total: int, dilation: int = 1) -> int:
    """Number of window positions along one axis.

    out = floor((size + pad_total - dilation * (kernel - 1) - 1) / stride) + 1,
    with ``pad_total`` the padding of both sides together (2p when symmetric).
    """
    return (size + pad_total - dilation * (kernel - 1) - 1) // stride + 1


def window_slices(kernel: Pair, stride: Pair, dilation: Pair, out_hw: Pair) -> list[tuple[slice, slice]]:
    """(rows, cols) of every kernel offset (i, j), in row-major order.

    Offset (i, j) meets, in the window of output pixel (r, q), the input pixel
    (r*s + i*d, q*s + j*d).  For a fixed offset these pixels form one strided
    slice per axis, so ``image[..., rows, cols]`` is an (H_out, W_out) grid.
    """
    slices = []
    for i in range(kernel[0]):
        rows = slice(i * dilation[0], i * dilation[0] + stride[0] * (out_hw[0] - 1) + 1, stride[0])
        for j in range(kernel[1]):
            cols = slice(j * dilation[1], j * dilation[1] + stride[1] * (out_hw[1] - 1) + 1, stride[1])
            slices.append((rows, cols))
    return slices


def _out_hw(hp: int, wp: int, kernel: Pair, stride: Pair, dilation: Pair) -> Pair:
    return (output_size(hp, kernel[0], stride[0], 0, dilation[0]),
            output_size(wp, kernel[1], stride[1], 0, dilation[1]))


# ---------------------------------------------------------------------- convolution
def im2col(x: np.ndarray, kernel: Pair, stride: Pair, pads: Pads, dilation: Pair,
           dtype: Optional[np.dtype] = None) -> np.ndarray:
    """The im2col matrix of a convolution: every window of the zero-padded x as one column.

    x (N, C, H, W), any memory layout; xp is x with ``pads`` zeros (top, bottom, left, right).

        X_col[(c, i, j), (r, q, n)] = xp[n, c, r*s_h + i*d_h, q*s_w + j*d_w]     X_col (C*kh*kw, H_out*W_out*N)

    Columns run over (r, q, n), batch last: ``W2 @ X_col`` reshaped to
    (O, H_out, W_out, N) and transposed is the (N, O, H_out, W_out) output,
    as a view.  ``dtype`` converts x on the way (default: x's dtype).
    """
    n, c, h, w = x.shape
    top, bottom, left, right = pads
    xp = np.zeros((c, h + top + bottom, w + left + right, n), dtype=dtype or x.dtype)   # (C, Hp, Wp, N)
    xp[:, top:top + h, left:left + w] = x.transpose(1, 2, 3, 0)
    ho, wo = _out_hw(xp.shape[1], xp.shape[2], kernel, stride, dilation)
    cols = np.empty((c, kernel[0] * kernel[1], ho, wo, n), dtype=xp.dtype)           # (C, kh*kw, Ho, Wo, N)
    for k, (rows, columns) in enumerate(window_slices(kernel, stride, dilation, (ho, wo))):
        cols[:, k] = xp[:, rows, columns]                                               # (C, Ho, Wo, N) slab
    return cols.reshape(c * kernel[0] * kernel[1], ho * wo * n)


def col2im(dcols: np.ndarray, x_shape: tuple[int, ...], kernel: Pair, stride: Pair, pads: Pads,
           dilation: Pair) -> np.ndarray:
    """The adjoint of ``im2col``: add every entry of dX_col back to the pixel it was copied from.

        dxp[n, c, r*s_h + i*d_h, q*s_w + j*d_w] += dX_col[(c, i, j), (r, q, n)]    then the padding is cut off

    dcols (C*kh*kw, H_out*W_out*N); returns dx of ``x_shape`` (N, C, H, W), a
    view of batch-last (C, H, W, N) memory.  A pixel inside several windows
    receives the sum of their gradients.
    """
    n, c, h, w = x_shape
    top, bottom, left, right = pads
    dxp = np.zeros((c, h + top + bottom, w + left + right, n), dtype=dcols.dtype)      # (C, Hp, Wp, N)
    ho, wo = _out_hw(dxp.shape[1], dxp.shape[2], kernel, stride, dilation)
    slabs = dcols.reshape(c, kernel[0] * kernel[1], ho, wo, n)
    for k, (rows, columns) in enumerate(window_slices(kernel, stride, dilation, (ho, wo))):
        dxp[:, rows, columns] += slabs[:, k]                                            # (C, Ho, Wo, N) slab
    return dxp[:, top:top + h, left:left + w].transpose(3, 0, 1, 2)                     # (N, C, H, W) view


#: Multiply-adds per piece of ``matmul_transposed`` (see there).
GEMM_PIECE_WORK = 1_000_000
GEMM_MIN_COLUMNS = 1024


def matmul_transposed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b.T for a (M, L) and b (K, L): the weight gradient G @ X_col.T of a convolution.

    Computed as the sum over pieces p of a[:, p] @ b[:, p].T: OpenBLAS runs a
    product with small M and K and a very long inner axis L (H_out*W_out*N)
    several times slower than pieces of about a million multiply-adds
    (measured: 20 vs 60 GFLOP/s for M=30, K=26, L=57,600).
    """
    m, length = a.shape
    chunk = max(GEMM_MIN_COLUMNS, GEMM_PIECE_WORK // max(m * b.shape[0], 1))
    if length <= 2 * chunk:
        return a @ b.T                                                                  # (M, K)
    out = a[:, :chunk] @ b[:, :chunk].T                                                 # (M, K)
    for start in range(chunk, length, chunk):
        out += a[:, start:start + chunk] @ b[:, start:start + chunk].T
    return out


# ---------------------------------------------------------------------- element-wise
def relu_forward(x: np.ndarray) -> np.ndarray:
    """y = max(x, 0), element by element (laid out like x).

    The 0 is given as an array of zeros laid out like x: NumPy runs its vector
    loop for two arrays alike, 1.6-5x faster than against the scalar 0
    (measured with float32 (128, 256) and (100, 30, 24, 24) arrays).
    """
    return np.maximum(x, np.zeros_like(x))


def relu_backward(y: np.ndarray, g: np.ndarray) -> np.ndarray:
    """dx = g where y > 0, else 0 (the derivative of max(x, 0), taken as 0 at x = 0)."""
    return g * (y > 0)


def column_sum(g: np.ndarray) -> np.ndarray:
    """g.sum(axis=0) of a (N, K) array -> (K,): the bias gradient of a linear layer.

    Computed as the product ones(N) @ g, which BLAS runs about 4x faster than
    NumPy's sum along the first axis for a (128, 256) float32 array.
    """
    return np.ones(len(g), dtype=g.dtype) @ g


# ---------------------------------------------------------------------- pooling
def _padded(x: np.ndarray, pad: Pair, value: float) -> np.ndarray:
    """x (N, C, H, W) with ``pad`` rows/columns of ``value`` on each side, laid out like x."""
    ph, pw = pad
    if ph == pw == 0:
        return x
    n, c, h, w = x.shape
    xp = np.full_like(x, value, shape=(n, c, h + 2 * ph, w + 2 * pw))
    xp[:, :, ph:ph + h, pw:pw + w] = x
    return xp


def _laid_out_like(template: np.ndarray, values: np.ndarray) -> np.ndarray:
    """A copy of ``values`` in the memory layout (axis order) of ``template``."""
    same = np.empty_like(template, dtype=values.dtype)
    same[...] = values
    return same


def maxpool2d_forward(x: np.ndarray, kernel: Pair, stride: Pair, pad: Pair) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling: y[n, c, r, q] = max over (i, j) of xp[n, c, r*s_h + i, q*s_w + j].

    xp is x (N, C, H, W) with ``pad`` -inf borders.  Returns y (N, C, H_out, W_out)
    and ``argmax`` (same shape, uint8 or int32), the row-major window offset
    k = i*kw + j of the maximum: the first one on ties, the last NaN when the
    window holds a NaN (then y is NaN), exactly as PyTorch's CPU kernel picks.
    """
    xp = _padded(x, pad, -np.inf)
    out_hw = _out_hw(xp.shape[2], xp.shape[3], kernel, stride, (1, 1))
    windows = [xp[:, :, rows, cols] for rows, cols in window_slices(kernel, stride, (1, 1), out_hw)]
    y = np.array(windows[0], order="K")                                                 # (N, C, Ho, Wo)
    argmax = np.zeros_like(y, dtype=np.uint8 if len(windows) < 256 else np.int32)
    for k, window in enumerate(windows[1:], start=1):
        better = (window > y) | np.isnan(window)          # ties keep the earlier offset; a NaN always takes over
        argmax *= ~better                                 # argmax = k where better, written as arithmetic:
        argmax += better * argmax.dtype.type(k)           #   masked assignment is ~15x slower on strided views
        np.maximum(y, window, out=y)                      # y = max(y, window); NaN propagates
    return y, argmax


def maxpool2d_backward(g: np.ndarray, argmax: np.ndarray, x_shape: tuple[int, ...], kernel: Pair,
                       stride: Pair, pad: Pair) -> np.ndarray:
    """The gradient of each window goes to its maximum: dxp[n, c, r*s_h + i, q*s_w + j] += g[n, c, r, q]
    for the (i, j) that ``argmax`` names; the padding is cut off.  Returns dx (N, C, H, W), laid out like argmax.

    Where windows overlap, an input that is the maximum of several windows
    receives the sum of their gradients.  A g laid out differently from argmax
    (C-ordered from a Linear, while argmax is batch-last from a convolution)
    is first copied into argmax's layout: NumPy's element-wise loops over
    operands laid out differently ran ~7x slower here.
    """
    n, c, h, w = x_shape
    ph, pw = pad
    if g.strides != argmax.strides:
        g = _laid_out_like(argmax, g)
    dxp = np.zeros_like(argmax, dtype=g.dtype, shape=(n, c, h + 2 * ph, w + 2 * pw))   # (N, C, Hp, Wp)
    overlapping = kernel[0] > stride[0] or kernel[1] > stride[1]
    for k, (rows, cols) in enumerate(window_slices(kernel, stride, (1, 1), argmax.shape[2:])):
        if overlapping:
            dxp[:, :, rows, cols] += g * (argmax == k)                                  # (N, C, Ho, Wo)
        else:                                   # each pixel in one window at most: write, don't add
            np.multiply(g, argmax == k, out=dxp[:, :, rows, cols])
    return dxp[:, :, ph:ph + h, pw:pw + w]


def avgpool2d_forward(x: np.ndarray, kernel: Pair, stride: Pair, pad: Pair, divisor: np.ndarray) -> np.ndarray:
    """Average pooling: y[n, c, r, q] = sum over (i, j) of xp[n, c, r*s_h + i, q*s_w + j] / D[r, q].

    xp is x with ``pad`` zero borders; ``divisor`` D is a scalar or (H_out, W_out).
    """
    xp = _padded(x, pad, 0.0)
    out_hw = _out_hw(xp.shape[2], xp.shape[3], kernel, stride, (1, 1))
    windows = [xp[:, :, rows, cols] for rows, cols in window_slices(kernel, stride, (1, 1), out_hw)]
    y = np.array(windows[0], order="K")                                                 # (N, C, Ho, Wo)
    for window in windows[1:]:
        y += window
    y /= divisor
    return y


def avgpool2d_backward(g: np.ndarray, x_shape: tuple[int, ...], kernel: Pair, stride: Pair, pad: Pair,
                       divisor: np.ndarray) -> np.ndarray:
    """dxp[n, c, r*s_h + i, q*s_w + j] += g[n, c, r, q] / D[r, q] for every (i, j); the padding is cut off."""
    n, c, h, w = x_shape
    ph, pw = pad
    share = g / divisor                                                                 # (N, C, Ho, Wo)
    dxp = np.zeros_like(share, shape=(n, c, h + 2 * ph, w + 2 * pw))                    # (N, C, Hp, Wp)
    for rows, cols in window_slices(kernel, stride, (1, 1), g.shape[2:]):
        dxp[:, :, rows, cols] += share
    return dxp[:, :, ph:ph + h, pw:pw + w]


# ---------------------------------------------------------------------- losses
def softmax_cross_entropy(logits: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cross-entropy of softmax(logits) against class indices, per sample.

    logits x (N, C), target t (N,) integers in [0, C).  With m_n = max_c x[n, c]:

        p[n, c] = exp(x[n, c] - m_n) / sum_c' exp(x[n, c'] - m_n)        probs (N, C), softmax(x)
        l[n]    = log(sum_c exp(x[n, c] - m_n)) - (x[n, t_n] - m_n)      losses (N,), -log p[n, t_n]

    Returns (losses, probs).
    """
    shifted = logits - logits.max(axis=1, keepdims=True)                                # (N, C), entries <= 0
    e = np.exp(shifted)                                                                 # (N, C)
    total = e.sum(axis=1)                                                               # (N,), in [1, C]
    losses = np.log(total) - shifted[np.arange(len(logits)), target]                   # (N,)
    return losses, e / total[:, None]


def softmax_cross_entropy_backward(probs: np.ndarray, target: np.ndarray, scale: float) -> np.ndarray:
    """dL/dx = scale * (p - onehot(t)): the gradient of scale * sum_n l[n] with respect to the logits."""
    grad = probs.copy()                                                                 # (N, C)
    grad[np.arange(len(probs)), target] -= 1
    grad *= grad.dtype.type(scale)
    return grad


# ---------------------------------------------------------------------- batch norm
def batchnorm_statistics(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel mean and biased variance of x (N, C, L) over n = N*L values: (mean (C,), var (C,)).

        mean[c] = (1/n) sum_{i, l} x[i, c, l],   var[c] = (1/n) sum_{i, l} (x[i, c, l] - mean[c])^2
    """
    mean = x.mean(axis=(0, 2))                                                          # (C,)
    var = ((x - mean[:, None]) ** 2).mean(axis=(0, 2))                                  # (C,)
    return mean, var


def batchnorm_backward(g: np.ndarray, xhat: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                     np.ndarray]:
    """Backward of training-mode batch norm per channel, over n = N*L values of g, xhat (N, C, L).

        dbeta  = sum g,   dgamma = sum g * xhat                                          (C,) each
        dx     = scale * (g - dbeta / n - xhat * dgamma / n)     with scale = gamma / sqrt(var + eps)

    Returns (dx, dgamma, dbeta).
    """
    n = max(g.shape[0] * g.shape[2], 1)                                                 # 1 for an empty batch
    dbeta = g.sum(axis=(0, 2))                                                          # (C,)
    dgamma = (g * xhat).sum(axis=(0, 2))                                                # (C,)
    dx = scale[:, None] * (g - dbeta[:, None] / n - xhat * (dgamma[:, None] / n))      # (N, C, L)
    return dx, dgamma, dbeta


# ---------------------------------------------------------------------- optimizer updates
def sgd_step(p: np.ndarray, g: np.ndarray, lr: float) -> None:
    """Plain SGD, in place: p = p - lr * g."""
    p -= p.dtype.type(lr) * g


def sgd_momentum_step(p: np.ndarray, g: np.ndarray, buf: np.ndarray, lr: float, momentum: float,
                      dampening: float, nesterov: bool) -> None:
    """SGD with momentum after the first step, in place (buf is the momentum buffer b):

        b = momentum * b + (1 - dampening) * g
        p = p - lr * (g + momentum * b)      if nesterov
        p = p - lr * b                       otherwise
    """
    buf *= momentum
    buf += (1 - dampening) * g
    p -= lr * (g + momentum * buf) if nesterov else lr * buf


def adam_step(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, lr: float, beta1: float,
              beta2: float, eps: float, step: int, v_max: Optional[np.ndarray] = None) -> None:
    """One Adam update at step t = ``step`` (1, 2, ...), in place:

        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g^2
        v_max = max(v_max, v)                    when v_max is given (AMSGrad); it replaces v below
        p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)

    The last line is evaluated as PyTorch does, (lr / (1 - beta1^t)) * (m / (sqrt(v) / sqrt(1 - beta2^t) + eps)),
    so that float64 trajectories agree with ``torch.optim.Adam`` to the last digits.
    """
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * (g * g)
    if v_max is not None:
        np.maximum(v_max, v, out=v_max)
        v = v_max
    denom = np.sqrt(v) / math.sqrt(1 - beta2**step) + eps
    p -= (lr / (1 - beta1**step)) * (m / denom)
