"""Kernels: the few functions where ZeroNN's speed lives, behind one switch.

Layers write their math once, at textbook length, and call a named kernel
where speed needs a different algorithm (``kernels.im2col``,
``kernels.maxpool2d_forward``, ...).  Every kernel exists in the NumPy
backend, which is always available and is the reference; the optional
``fast`` backend (``pip install zeronn[fast]``, numba) compiles the
element-wise and pooling kernels into explicit loops.  The layer never knows
which one ran: ``tests/kernels/`` checks that both compute the same thing.

    >>> import zeronn
    >>> zeronn.get_backend()
    'numpy'
    >>> zeronn.set_backend("fast")          # doctest: +SKIP   (needs numba)

The environment variable ``ZERONN_BACKEND`` ("numpy" or "fast") chooses the
backend when zeronn is imported; the default is "numpy".

Memory.  A training step allocates and frees the same few large arrays
(im2col matrices, feature maps and their gradients) again and again.  With
glibc's default settings, freed blocks of a few MiB often go back to the
operating system and the next step pays a page fault per 4 KiB to get them
back: 550-1,100 faults per training step of CNN (a) (batch 100, 30 maps of
24 x 24; ``benchmarks/bench_cnn.py``), 10-40% of the step's median time on a
2-core AMD EPYC (numpy backend 8.9 -> 7.9 ms, fast 10.6 -> 6.1 ms; none for
LeNet-5 at batch 64, whose arrays are smaller).  On glibc (Linux),
importing this module therefore raises malloc's mmap threshold to its
maximum (32 MiB) and keeps up to 128 MiB of freed memory for reuse
(``mallopt``); peak memory (max RSS) of the benchmarks did not change.
``backend_info()`` reports it as ``malloc_tuned``.  Elsewhere nothing changes.
An application that manages malloc itself opts out with ``ZERONN_TUNE_MALLOC=0``.

A backend is a module with one function per name in ``KERNELS`` and a
``NAME``.  The fast backend reuses NumPy functions where NumPy is already at
memory or BLAS speed (im2col, col2im, the products); a GPU backend (CuPy)
would be another such module.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import sys
import time
from types import ModuleType
from typing import Any, Optional

import numpy as np

from zeronn.kernels import numpy_backend

__all__ = [
    "BACKENDS",
    "KERNELS",
    "set_backend",
    "get_backend",
    "backend_info",
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

#: Backend names accepted by ``set_backend``.
BACKENDS = ("numpy", "fast")

#: The kernels every backend provides.
KERNELS = tuple(name for name in numpy_backend.__all__ if name != "NAME")

_active: ModuleType = numpy_backend
_compile_seconds: dict[str, float] = {"numpy": 0.0}

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3              # mallopt parameters, from glibc's malloc.h
MMAP_THRESHOLD_BYTES = 32 * 2**20                          # glibc's largest allowed value
TRIM_THRESHOLD_BYTES = 128 * 2**20


def _tune_malloc() -> bool:
    """Let glibc's malloc reuse freed large blocks instead of returning them to the OS (see the module notes).

    Returns whether the settings were applied (False where the C library is not glibc, or where
    ``ZERONN_TUNE_MALLOC=0`` asks to leave malloc alone).
    """
    if os.environ.get("ZERONN_TUNE_MALLOC", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):                         # musl and others: no mallopt
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))


_malloc_tuned = _tune_malloc()


def set_backend(name: str) -> None:
    """Choose the kernels' backend: "numpy" (always available, the reference) or "fast" (numba).

    The first switch to "fast" in a process compiles (or loads from numba's
    on-disk cache) every kernel for float32 and float64; ``backend_info()``
    reports how long that took.  Raises ValueError for an unknown name and
    RuntimeError when "fast" is asked for without numba installed.
    """
    global _active
    if name not in BACKENDS:
        raise ValueError(f"Unknown backend {name!r}; valid choices are: {', '.join(BACKENDS)}")
    if name == "numpy":
        _active = numpy_backend
        return
    if importlib.util.find_spec("numba") is None:
        raise RuntimeError(
            "the 'fast' backend needs numba, which is not installed: pip install zeronn[fast] "
            "(or pip install numba); the 'numpy' backend works without it"
        )
    from zeronn.kernels import numba_backend

    if "fast" not in _compile_seconds:
        start = time.perf_counter()
        numba_backend.warm_up()
        _compile_seconds["fast"] = time.perf_counter() - start
    _active = numba_backend


def get_backend() -> str:
    """The name of the active backend: "numpy" or "fast"."""
    return str(_active.NAME)


def backend_info() -> dict[str, Any]:
    """What runs the kernels: backend name, library versions, first-call compile (or cache load) seconds."""
    info: dict[str, Any] = {"backend": get_backend(), "numpy": np.__version__,
                            "compile_seconds": _compile_seconds.get(get_backend()),
                            "malloc_tuned": _malloc_tuned}
    if get_backend() == "fast":
        from zeronn.kernels import numba_backend

        info.update(numba_backend.describe())
    return info


def _backend_from_environment() -> None:
    """Apply ``ZERONN_BACKEND`` if set (an unknown value raises ValueError naming the variable)."""
    requested = os.environ.get("ZERONN_BACKEND", "").strip().lower()
    if not requested:
        return
    if requested not in BACKENDS:
        raise ValueError(
            f"ZERONN_BACKEND={requested!r} is not a backend; valid choices are: {', '.join(BACKENDS)}"
        )
    set_backend(requested)


# ---------------------------------------------------------------------- the kernels (see the backends' docstrings)
Pads = numpy_backend.Pads
Pair = numpy_backend.Pair
output_size = numpy_backend.output_size
window_slices = numpy_backend.window_slices


def im2col(x: np.ndarray, kernel: Pair, stride: Pair, pads: Pads, dilation: Pair,
           dtype: Optional[np.dtype] = None) -> np.ndarray:
    """The im2col matrix (C*kh*kw, H_out*W_out*N) of x (N, C, H, W); see ``numpy_backend.im2col``."""
    return _active.im2col(x, kernel, stride, pads, dilation, dtype)


def col2im(dcols: np.ndarray, x_shape: tuple[int, ...], kernel: Pair, stride: Pair, pads: Pads,
           dilation: Pair) -> np.ndarray:
    """dx (N, C, H, W) from dX_col, the adjoint of ``im2col``; see ``numpy_backend.col2im``."""
    return _active.col2im(dcols, x_shape, kernel, stride, pads, dilation)


def matmul_transposed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b.T for a long shared inner axis; see ``numpy_backend.matmul_transposed``."""
    return _active.matmul_transposed(a, b)


def relu_forward(x: np.ndarray) -> np.ndarray:
    """y = max(x, 0)."""
    return _active.relu_forward(x)


def relu_backward(y: np.ndarray, g: np.ndarray) -> np.ndarray:
    """dx = g * (y > 0)."""
    return _active.relu_backward(y, g)


def column_sum(g: np.ndarray) -> np.ndarray:
    """g.sum(axis=0) of a (N, K) array."""
    return _active.column_sum(g)


def maxpool2d_forward(x: np.ndarray, kernel: Pair, stride: Pair, pad: Pair) -> tuple[np.ndarray, np.ndarray]:
    """(y, argmax) of max pooling; see ``numpy_backend.maxpool2d_forward``."""
    return _active.maxpool2d_forward(x, kernel, stride, pad)


def maxpool2d_backward(g: np.ndarray, argmax: np.ndarray, x_shape: tuple[int, ...], kernel: Pair,
                       stride: Pair, pad: Pair) -> np.ndarray:
    """dx of max pooling: each window's gradient to its maximum; see ``numpy_backend.maxpool2d_backward``."""
    return _active.maxpool2d_backward(g, argmax, x_shape, kernel, stride, pad)


def avgpool2d_forward(x: np.ndarray, kernel: Pair, stride: Pair, pad: Pair, divisor: np.ndarray) -> np.ndarray:
    """y of average pooling; see ``numpy_backend.avgpool2d_forward``."""
    return _active.avgpool2d_forward(x, kernel, stride, pad, divisor)


def avgpool2d_backward(g: np.ndarray, x_shape: tuple[int, ...], kernel: Pair, stride: Pair, pad: Pair,
                       divisor: np.ndarray) -> np.ndarray:
    """dx of average pooling; see ``numpy_backend.avgpool2d_backward``."""
    return _active.avgpool2d_backward(g, x_shape, kernel, stride, pad, divisor)


def softmax_cross_entropy(logits: np.ndarray, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(losses (N,), probs (N, C)) of softmax cross-entropy; see ``numpy_backend.softmax_cross_entropy``."""
    return _active.softmax_cross_entropy(logits, target)


def softmax_cross_entropy_backward(probs: np.ndarray, target: np.ndarray, scale: float) -> np.ndarray:
    """scale * (probs - onehot(target))."""
    return _active.softmax_cross_entropy_backward(probs, target, scale)


def batchnorm_statistics(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean (C,), biased var (C,)) of x (N, C, L)."""
    return _active.batchnorm_statistics(x)


def batchnorm_backward(g: np.ndarray, xhat: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray,
                                                                                     np.ndarray]:
    """(dx, dgamma, dbeta) of training-mode batch norm; see ``numpy_backend.batchnorm_backward``."""
    return _active.batchnorm_backward(g, xhat, scale)


def sgd_step(p: np.ndarray, g: np.ndarray, lr: float) -> None:
    """p = p - lr * g, in place."""
    _active.sgd_step(p, g, lr)


def sgd_momentum_step(p: np.ndarray, g: np.ndarray, buf: np.ndarray, lr: float, momentum: float,
                      dampening: float, nesterov: bool) -> None:
    """SGD with momentum (after the first step), in place; see ``numpy_backend.sgd_momentum_step``."""
    _active.sgd_momentum_step(p, g, buf, lr, momentum, dampening, nesterov)


def adam_step(p: np.ndarray, g: np.ndarray, m: np.ndarray, v: np.ndarray, lr: float, beta1: float,
              beta2: float, eps: float, step: int, v_max: Optional[np.ndarray] = None) -> None:
    """One Adam update, in place; see ``numpy_backend.adam_step``."""
    _active.adam_step(p, g, m, v, lr, beta1, beta2, eps, step, v_max)


_backend_from_environment()
