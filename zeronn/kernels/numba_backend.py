"""The ``fast`` backend: the element-wise, pooling, loss and optimizer kernels as compiled loops (numba).

Each kernel computes what the NumPy kernel of the same name computes (see
``zeronn.kernels.numpy_backend`` for the reference docstrings); the
equivalence tests in ``tests/kernels/`` run on both.  What a loop gains:
one pass over memory instead of one per NumPy operation, no temporaries, and
pooling without kh*kw strided passes.

- Kernels are serial (``parallel=False``).  OpenBLAS keeps its own threads
  spinning after each matrix product; numba's worker threads fighting them
  for the cores made a parallel ReLU take ~30 ms instead of 0.004-0.2 ms
  right after a product (``benchmarks/bench_kernels.py``).  numexpr, also
  measured there, was 5-60x slower than serial numba on these arrays.
- Element-wise kernels walk arrays in memory order, so they accept any dense
  layout (C order, or the batch-last views a convolution returns) as long as
  their operands share it; otherwise they hand over to the NumPy kernel.
- Pooling has two loop orders: NCHW for C-ordered data, and batch-last
  (C, H, W, N) for a convolution's output, so the innermost loop always runs
  along contiguous memory.
- Compiled code is cached on disk (``cache=True``, in numba's cache folder);
  where no folder is writable, kernels compile in memory at each start.
- im2col, col2im, the products, average pooling and batch norm are the NumPy
  kernels themselves: they already run at memory or BLAS speed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Optional

import numba
import numpy as np

from zeronn.kernels import numpy_backend
from zeronn.kernels.numpy_backend import (
    Pair,
    avgpool2d_backward,
    avgpool2d_forward,
    batchnorm_backward,
    batchnorm_statistics,
    col2im,
    im2col,
    matmul_transposed,
    output_size,
    window_slices,
)

__all__ = [
    "NAME",
    "warm_up",
    "describe",
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

NAME = "fast"

_cache_enabled = True


def _jit(function: Callable[..., Any]) -> Any:
    """numba.njit with the on-disk cache; compiled in memory only where no cache folder is writable.

    ``error_model="numpy"``: division follows IEEE rules (inf, NaN) exactly as
    NumPy's does, instead of a ZeroDivisionError check per element, which
    also kept LLVM from vectorising the Adam loop (2x slower).
    """
    global _cache_enabled
    try:
        return numba.njit(cache=True, nogil=True, error_model="numpy")(function)
    except RuntimeError:                                   # numba: "cannot cache function ...: no locator"
        _cache_enabled = False
        return numba.njit(cache=False, nogil=True, error_model="numpy")(function)


# ---------------------------------------------------------------------- memory order
def _flat(a: np.ndarray) -> Optional[np.ndarray]:
    """A 1-D view of a's memory in memory order, or None when a is not one dense block."""
    if a.flags.c_contiguous:
        return a.reshape(-1)
    order = np.argsort([-abs(s) for s in a.strides], kind="stable")
    view = a.transpose(order)
    return view.reshape(-1) if view.flags.c_contiguous else None


def _flat_pair(a: np.ndarray, b: np.ndarray) -> Optional[tuple[np.ndarray, np.ndarray]]:
    """1-D memory-order views of a and b when both are dense with the same layout, else None."""
    if a.shape != b.shape or a.strides != b.strides or a.dtype != b.dtype:
        return None
    fa, fb = _flat(a), _flat(b)
    return None if fa is None or fb is None else (fa, fb)


# ---------------------------------------------------------------------- element-wise
@_jit
def _relu_forward(x: np.ndarray, y: np.ndarray) -> None:       # pragma: no cover (compiled)
    for i in range(x.size):
        y[i] = 0.0 if x[i] <= 0 else x[i]                         # NaN stays NaN, as np.maximum


@_jit
def _relu_backward(y: np.ndarray, g: np.ndarray, dx: np.ndarray) -> None:    # pragma: no cover
    for i in range(y.size):
        dx[i] = g[i] * (1.0 if y[i] > 0 else 0.0)                # g * (y > 0), exactly


def relu_forward(x: np.ndarray) -> np.ndarray:
    """y = max(x, 0); see ``numpy_backend.relu_forward``."""
    y = np.empty_like(x)
    flats = _flat_pair(x, y) if x.dtype.kind == "f" else None
    if flats is None:
        return numpy_backend.relu_forward(x)
    _relu_forward(*flats)
    return y


def relu_backward(y: np.ndarray, g: np.ndarray) -> np.ndarray:
    """dx = g where y > 0, else 0; see ``numpy_backend.relu_backward``."""
    if g.dtype != y.dtype:
        return numpy_backend.relu_backward(y, g)
    dx = np.empty_like(y)
    flats, g_flat = _flat_pair(y, dx), _flat_pair(g, dx)
    if flats is None or g_flat is None:
        return numpy_backend.relu_backward(y, g)
    _relu_backward(flats[0], g_flat[0], flats[1])
    return dx


@_jit
def _column_sum(g: np.ndarray, out: np.ndarray) -> None:       # pragma: no cover
    out[:] = 0.0
    for n in range(g.shape[0]):
        for k in range(g.shape[1]):
            out[k] += g[n, k]


def column_sum(g: np.ndarray) -> np.ndarray:
    """g.sum(axis=0) of a (N, K) array; see ``numpy_backend.column_sum``."""
    if g.dtype.kind != "f" or g.ndim != 2:
        return numpy_backend.column_sum(g)
    out = np.empty(g.shape[1], dtype=g.dtype)
    _column_sum(g, out)
    return out


# ---------------------------------------------------------------------- max pooling
@_jit
def _maxpool_nchw(x: np.ndarray, y: np.ndarray, argmax: np.ndarray, kh: int, kw: int, sh: int, sw: int,
                  ph: int, pw: int) -> None:                    # pragma: no cover
    n_, c_, h, w = x.shape
    ho, wo = y.shape[2], y.shape[3]
    for n in range(n_):
        for c in range(c_):
            for r in range(ho):
                for q in range(wo):
                    best = -np.inf
                    where = 0
                    for i in range(kh):
                        row = r * sh + i - ph
                        if row < 0 or row >= h:
                            continue
                        for j in range(kw):
                            col = q * sw + j - pw
                            if col < 0 or col >= w:
                                continue
                            v = x[n, c, row, col]
                            if v > best or np.isnan(v):
                                best = v
                                where = i * kw + j
                    y[n, c, r, q] = best
                    argmax[n, c, r, q] = where


@_jit
def _maxpool_chwn(x: np.ndarray, y: np.ndarray, argmax: np.ndarray, kh: int, kw: int, sh: int, sw: int,
                  ph: int, pw: int) -> None:                    # pragma: no cover
    c_, h, w, n_ = x.shape                                      # batch last: n is the innermost loop
    ho, wo = y.shape[1], y.shape[2]
    for c in range(c_):
        for r in range(ho):
            for q in range(wo):
                for n in range(n_):
                    y[c, r, q, n] = -np.inf
                    argmax[c, r, q, n] = 0
                for i in range(kh):
                    row = r * sh + i - ph
                    if row < 0 or row >= h:
                        continue
                    for j in range(kw):
                        col = q * sw + j - pw
                        if col < 0 or col >= w:
                            continue
                        k = i * kw + j
                        for n in range(n_):
                            v = x[c, row, col, n]
                            if v > y[c, r, q, n] or np.isnan(v):
                                y[c, r, q, n] = v
                                argmax[c, r, q, n] = k


@_jit
def _maxpool_backward_nchw(g: np.ndarray, argmax: np.ndarray, dx: np.ndarray, kw: int, sh: int, sw: int,
                           ph: int, pw: int) -> None:           # pragma: no cover
    n_, c_, ho, wo = argmax.shape
    for n in range(n_):
        for c in range(c_):
            for r in range(ho):
                for q in range(wo):
                    k = argmax[n, c, r, q]
                    dx[n, c, r * sh + k // kw - ph, q * sw + k % kw - pw] += g[n, c, r, q]


@_jit
def _maxpool_backward_chwn(g: np.ndarray, argmax: np.ndarray, dx: np.ndarray, kh: int, kw: int, sh: int,
                           sw: int, ph: int, pw: int) -> None:  # pragma: no cover
    c_, h_, w_, n_ = dx.shape                                   # batch last; dx need not be zeroed
    ho, wo = argmax.shape[1], argmax.shape[2]
    for c in range(c_):
        for row in range(h_):
            for col in range(w_):
                for n in range(n_):
                    dx[c, row, col, n] = 0.0
                for i in range(kh):                             # the windows (r, q) that hold (row, col)
                    t = row + ph - i
                    if t < 0 or t % sh != 0 or t // sh >= ho:
                        continue
                    for j in range(kw):
                        u = col + pw - j
                        if u < 0 or u % sw != 0 or u // sw >= wo:
                            continue
                        r, q, k = t // sh, u // sw, i * kw + j
                        for n in range(n_):
                            if argmax[c, r, q, n] == k:
                                dx[c, row, col, n] += g[c, r, q, n]


def _batch_last(a: np.ndarray) -> bool:
    """Whether a (N, C, H, W) array is a view of C-ordered (C, H, W, N) memory."""
    return a.shape[0] > 1 and a.transpose(1, 2, 3, 0).flags.c_contiguous and not a.flags.c_contiguous


def maxpool2d_forward(x: np.ndarray, kernel: Pair, stride: Pair, pad: Pair) -> tuple[np.ndarray, np.ndarray]:
    """(y, argmax) of max pooling; see ``numpy_backend.maxpool2d_forward`` (same ties and NaN rule)."""
    if x.dtype.kind != "f":
        return numpy_backend.maxpool2d_forward(x, kernel, stride, pad)
    n, c, h, w = x.shape
    ho = output_size(h, kernel[0], stride[0], 2 * pad[0])
    wo = output_size(w, kernel[1], stride[1], 2 * pad[1])
    index_dtype = np.uint8 if kernel[0] * kernel[1] < 256 else np.int32
    arguments = (*kernel, *stride, *pad)
    if _batch_last(x):
        y = np.empty((c, ho, wo, n), x.dtype)
        argmax = np.empty((c, ho, wo, n), index_dtype)
        _maxpool_chwn(x.transpose(1, 2, 3, 0), y, argmax, *arguments)
        return y.transpose(3, 0, 1, 2), argmax.transpose(3, 0, 1, 2)
    y = np.empty((n, c, ho, wo), x.dtype)
    argmax = np.empty((n, c, ho, wo), index_dtype)
    _maxpool_nchw(np.ascontiguousarray(x), y, argmax, *arguments)
    return y, argmax


def maxpool2d_backward(g: np.ndarray, argmax: np.ndarray, x_shape: tuple[int, ...], kernel: Pair,
                       stride: Pair, pad: Pair) -> np.ndarray:
    """dx of max pooling; see ``numpy_backend.maxpool2d_backward``.

    Batch-last data is gathered: each input pixel sums the gradients of the
    windows whose maximum it is, so dx is written once, in memory order,
    without zeroing it first (2-2.5x faster than scattering into zeros for
    (64, 6, 28, 28) and (100, 30, 24, 24) float32).  A C-ordered g (from a
    Linear after Flatten) is first copied batch-last (0.1 of the 0.5 ms).
    """
    if g.dtype.kind != "f":
        return numpy_backend.maxpool2d_backward(g, argmax, x_shape, kernel, stride, pad)
    n, c, h, w = x_shape
    if _batch_last(argmax):
        g_last = np.ascontiguousarray(g.transpose(1, 2, 3, 0))            # (C, Ho, Wo, N), a copy if C-ordered
        dx = np.empty((c, h, w, n), g.dtype)
        _maxpool_backward_chwn(g_last, argmax.transpose(1, 2, 3, 0), dx, *kernel, *stride, *pad)
        return dx.transpose(3, 0, 1, 2)
    dx = np.zeros((n, c, h, w), g.dtype)
    _maxpool_backward_nchw(g, argmax, dx, kernel[1], *stride, *pad)
    return dx


# ---------------------------------------------------------------------- softmax cross-entropy
@_jit
def _softmax_cross_entropy(x: np.ndarray, target: np.ndarray, losses: np.ndarray,
                           probs: np.ndarray) -> None:          # pragma: no cover
    n_, c_ = x.shape
    for n in range(n_):
        m = x[n, 0]
        for c in range(1, c_):
            if x[n, c] > m:
                m = x[n, c]
        total = 0.0
        for c in range(c_):
            e = np.exp(x[n, c] - m)
            probs[n, c] = e
            total += e
        for c in range(c_):
            probs[n, c] /= total
        losses[n] = np.log(total) - (x[n, target[n]] - m)


@_jit
def _softmax_cross_entropy_backward(probs: np.ndarray, target: np.ndarray, scale: float,
                                    grad: np.ndarray) -> None:  # pragma: no cover
    n_, c_ = probs.shape
    for n in range(n_):
        for c in range(c_):
            grad[n, c] = probs[n, c] * scale
        grad[n, target[n]] -= scale


def softmax_cross_entropy(logits: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(losses, probs); see ``numpy_backend.softmax_cross_entropy``."""
    if logits.dtype.kind != "f" or logits.shape[1] == 0:
        return numpy_backend.softmax_cross_entropy(logits, target)
    losses = np.empty(len(logits), logits.dtype)
    probs = np.empty(logits.shape, logits.dtype)
    _softmax_cross_entropy(logits, np.asarray(target, dtype=np.int64), losses, probs)
    return losses, probs


def softmax_cross_entropy_backward(probs: np.ndarray, target: np.ndarray, scale: float) -> np.ndarray:
    """scale * (probs - onehot(target)); see ``numpy_backend.softmax_cross_entropy_backward``."""
    grad = np.empty_like(probs)
    _softmax_cross_entropy_backward(probs, np.asarray(target, dtype=np.int64), probs.dtype.type(scale), grad)
    return grad


# ---------------------------------------------------------------------- optimizer updates
@_jit
def _sgd(p: np.ndarray, g: np.ndarray, lr: float) -> None:      # pragma: no cover
    for i in range(p.size):
        p[i] -= lr * g[i]


@_jit
def _sgd_momentum(p: np.ndarray, g: np.ndarray, buf: np.ndarray, lr: float, momentum: float, keep: float,
                  nesterov: bool) -> None:                      # pragma: no cover
    for i in range(p.size):
        b = momentum * buf[i] + keep * g[i]
        buf[i] = b
        p[i] -= lr * (g[i] + momentum * b) if nesterov else lr * b


@_jit
def _adam(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, v_max: np.ndarray, use_max: bool,
          lr: float, beta1: float, beta2: float, eps: float, correction1: float,
          correction2: float) -> None:                          # pragma: no cover (correction2: its sqrt)
    for i in range(p.size):
        m[i] = beta1 * m[i] + (1 - beta1) * g[i]
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
        second = v[i]
        if use_max:
            if v[i] > v_max[i]:
                v_max[i] = v[i]
            second = v_max[i]
        p[i] -= (lr / correction1) * (m[i] / (np.sqrt(second) / correction2 + eps))


def _flat_all(*arrays: np.ndarray) -> Optional[list[np.ndarray]]:
    """1-D views of arrays that are dense and laid out alike (same shape, strides, dtype), else None."""
    first = arrays[0]
    if first.dtype.kind != "f" or any(a.shape != first.shape or a.strides != first.strides
                                      or a.dtype != first.dtype for a in arrays):
        return None
    flats = [_flat(a) for a in arrays]
    return None if any(f is None for f in flats) else flats  # type: ignore[return-value]


def sgd_step(p: np.ndarray, g: np.ndarray, lr: float) -> None:
    """p = p - lr * g, in place; see ``numpy_backend.sgd_step``."""
    flats = _flat_all(p, g)
    if flats is None:
        numpy_backend.sgd_step(p, g, lr)
        return
    _sgd(flats[0], flats[1], p.dtype.type(lr))


def sgd_momentum_step(p: np.ndarray, g: np.ndarray, buf: np.ndarray, lr: float, momentum: float,
                      dampening: float, nesterov: bool) -> None:
    """SGD with momentum, in place; see ``numpy_backend.sgd_momentum_step``."""
    flats = _flat_all(p, g, buf)
    if flats is None:
        numpy_backend.sgd_momentum_step(p, g, buf, lr, momentum, dampening, nesterov)
        return
    t = p.dtype.type
    _sgd_momentum(flats[0], flats[1], flats[2], t(lr), t(momentum), t(1 - dampening), bool(nesterov))


def adam_step(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, lr: float, beta1: float,
              beta2: float, eps: float, step: int, v_max: Optional[np.ndarray] = None) -> None:
    """One Adam update, in place; see ``numpy_backend.adam_step``."""
    flats = _flat_all(p, g, m, v, *(() if v_max is None else (v_max,)))
    if flats is None:
        numpy_backend.adam_step(p, g, m, v, lr, beta1, beta2, eps, step, v_max)
        return
    t = p.dtype.type
    maximum = flats[4] if v_max is not None else flats[3]
    _adam(flats[0], flats[1], flats[2], flats[3], maximum, v_max is not None, t(lr), t(beta1), t(beta2), t(eps),
          t(1 - beta1**step), t(math.sqrt(1 - beta2**step)))


# ---------------------------------------------------------------------- compile, report
def warm_up() -> None:
    """Compile (or load from the cache) every kernel for float32 and float64, on tiny arrays."""
    for dtype in (np.float32, np.float64):
        x = np.linspace(-1, 1, 2 * 3 * 4 * 4, dtype=dtype).reshape(2, 3, 4, 4)
        relu_backward(relu_forward(x), x)
        column_sum(x.reshape(8, -1))
        for data in (x, np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)):
            y, argmax = maxpool2d_forward(data, (2, 2), (2, 2), (0, 0))
            maxpool2d_backward(y, argmax, data.shape, (2, 2), (2, 2), (0, 0))
        logits = x.reshape(8, -1)
        losses, probs = softmax_cross_entropy(logits, np.zeros(8, np.int64))
        softmax_cross_entropy_backward(probs, np.zeros(8, np.int64), 1.0)
        p, g = x.copy(), x.copy()
        sgd_step(p, g, 0.1)
        sgd_momentum_step(p, g, g.copy(), 0.1, 0.9, 0.0, False)
        adam_step(p, g, g.copy(), g * g, 0.1, 0.9, 0.999, 1e-8, 1)
        adam_step(p, g, g.copy(), g * g, 0.1, 0.9, 0.999, 1e-8, 1, v_max=g * g)


def describe() -> dict[str, Any]:
    """numba's version, threading and whether compiled kernels are cached on disk."""
    return {"numba": numba.__version__, "parallel": False, "disk_cache": _cache_enabled}
