"""Pooling over NCHW images: max, average, and adaptive (output-sized) average pooling."""

from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from zeronn import kernels
from zeronn._validation import _is_int, expect_grad_shape, expect_shape, format_shape, pair
from zeronn.dtype import resolve_dtype
from zeronn.kernels import output_size
from zeronn.nn.layer import Layer

__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]

IntOrPair = Union[int, tuple[int, int], list[int]]


def _compact(values: tuple[int, int]) -> Union[int, list[int]]:
    return values[0] if values[0] == values[1] else list(values)


def _text(values: tuple[int, int]) -> str:
    return str(values[0]) if values[0] == values[1] else f"({values[0]}, {values[1]})"


def _as_float(x: np.ndarray) -> np.ndarray:
    """Integer images (e.g. uint8 pixels) are pooled in the default float dtype."""
    return x if x.dtype.kind == "f" else x.astype(resolve_dtype(None))


class _Pool2d(Layer):
    """What max and average pooling share: arguments, output size, input checks, config."""

    def __init__(self, kernel_size: IntOrPair, stride: Optional[IntOrPair] = None, padding: IntOrPair = 0) -> None:
        super().__init__()
        self.kernel_size = pair("kernel_size", kernel_size)
        self.stride = self.kernel_size if stride is None else pair("stride", stride)
        self.padding = pair("padding", padding, minimum=0)
        for p, k in zip(self.padding, self.kernel_size):
            if 2 * p > k:
                raise ValueError(
                    f"{type(self).__name__}: padding must be at most half the kernel size, "
                    f"got padding={_text(self.padding)} for kernel_size={_text(self.kernel_size)}"
                )

    def output_shape(self, height: int, width: int) -> tuple[int, int]:
        """(H_out, W_out) = floor((H + 2p - k) / s) + 1 along each axis."""
        (kh, kw), (sh, sw), (ph, pw) = self.kernel_size, self.stride, self.padding
        return output_size(height, kh, sh, 2 * ph), output_size(width, kw, sw, 2 * pw)

    def _check_input(self, x: np.ndarray) -> tuple[int, int]:
        if x.ndim != 4:
            hint = "add the channel axis with x[:, None]" if x.ndim == 3 else ""
            expect_shape(self, x, ("batch", "channels", "H", "W"), hint)
        (kh, kw), (ph, pw) = self.kernel_size, self.padding
        height, width = x.shape[2] + 2 * ph, x.shape[3] + 2 * pw
        if height < kh or width < kw:
            raise ValueError(
                f"{self!r}: input of shape {format_shape(x.shape)} is smaller than the kernel: its padded size "
                f"{height}x{width} must be at least {kh}x{kw}"
            )
        return self.output_shape(x.shape[2], x.shape[3])

    def _output_of(self, x_shape: tuple[int, ...]) -> tuple[int, ...]:
        """The output shape (N, C, H_out, W_out) for an input of ``x_shape``."""
        return (*x_shape[:2], *self.output_shape(*x_shape[2:]))

    def get_config(self) -> dict[str, Any]:
        return {
            "kernel_size": _compact(self.kernel_size),
            "stride": _compact(self.stride),
            "padding": _compact(self.padding),
        }

    def extra_repr(self) -> str:
        text = f"kernel_size={_text(self.kernel_size)}"
        if self.stride != self.kernel_size:
            text += f", stride={_text(self.stride)}"
        if self.padding != (0, 0):
            text += f", padding={_text(self.padding)}"
        return text


class MaxPool2d(_Pool2d):
    """Max pooling: each output is the largest value in its kh x kw window.

    Shapes: x (N, C, H, W) -> y (N, C, H_out, W_out), per axis
    H_out = floor((H + 2p - k) / s) + 1 (stride s defaults to the kernel size k;
    the border p is filled with -inf, so padding never wins; p <= k/2).

    Forward:   y[n, c, r, q] = max over i, j of  xp[n, c, r*s + i, q*s + j]
               argmax[n, c, r, q] = the window offset k = i*kw + j where that maximum sits
    Backward:  the window's gradient goes to the position of its maximum:
               dxp[n, c, r*s + i, q*s + j] += g[n, c, r, q]   for the (i, j) named by argmax

    Ties: when several inputs of one window share the maximum, the whole
    gradient goes to the first of them in row-major window order (top row
    first, then left to right), exactly as PyTorch's CPU kernel does.  When
    windows overlap (kernel larger than stride) an input that is the maximum
    of several windows receives the sum of their gradients.  A NaN in a window
    makes its output NaN and takes the gradient (the last NaN, as in PyTorch).
    Both directions are kernels (``kernels.maxpool2d_forward`` / ``_backward``).

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size`` (non-overlapping windows).
    padding : int or (int, int), default 0
        -inf border added on each side; at most half the kernel size.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._check_input(x)
        x = _as_float(x)
        y, argmax = kernels.maxpool2d_forward(x, self.kernel_size, self.stride, self.padding)  # (N, C, Ho, Wo)
        self.save_for_backward(argmax=argmax, input_shape=x.shape)
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        argmax, input_shape = self.saved("argmax"), self.saved("input_shape")
        grad_out = expect_grad_shape(self, grad_out, argmax.shape)
        return kernels.maxpool2d_backward(grad_out, argmax, input_shape, self.kernel_size, self.stride,
                                          self.padding)                       # (N, C, H, W)


class AvgPool2d(_Pool2d):
    """Average pooling: each output is the mean of its kh x kw window.

    Shapes: x (N, C, H, W) -> y (N, C, H_out, W_out), per axis
    H_out = floor((H + 2p - k) / s) + 1 (stride s defaults to k; zero border p <= k/2).

    Forward:   y[n, c, r, q] = (1 / D[r, q]) * sum over i, j of  xp[n, c, r*s + i, q*s + j]
    Backward:  dxp[n, c, r*s + i, q*s + j] += g[n, c, r, q] / D[r, q]   for every (i, j)

    The divisor D is kh*kw when ``count_include_pad`` is True (PyTorch's
    default), otherwise the number of real (non-padding) pixels in the window.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size``.
    padding : int or (int, int), default 0
        Zeros added on each side; at most half the kernel size.
    count_include_pad : bool, default True
        Count the padding zeros in the divisor.
    """

    def __init__(
        self,
        kernel_size: IntOrPair,
        stride: Optional[IntOrPair] = None,
        padding: IntOrPair = 0,
        count_include_pad: bool = True,
    ) -> None:
        super().__init__(kernel_size, stride, padding)
        self.count_include_pad = bool(count_include_pad)

    def _divisor(self, in_hw: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """D: a scalar kh*kw, or (H_out, W_out) counts of real pixels per window."""
        (kh, kw), (ph, pw) = self.kernel_size, self.padding
        if self.count_include_pad or (ph, pw) == (0, 0):
            return np.asarray(kh * kw, dtype=dtype)
        out_hw = self.output_shape(*in_hw)
        counts = []
        for size, out, k, s, p in zip(in_hw, out_hw, self.kernel_size, self.stride, self.padding):
            start = np.arange(out) * s - p                                    # first row of each window
            counts.append(np.minimum(start + k, size) - np.maximum(start, 0))  # real rows in it
        return np.multiply.outer(counts[0], counts[1]).astype(dtype)         # (Ho, Wo)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._check_input(x)
        x = _as_float(x)
        divisor = self._divisor(x.shape[2:], x.dtype)
        self.save_for_backward(input_shape=x.shape)
        return kernels.avgpool2d_forward(x, self.kernel_size, self.stride, self.padding, divisor)  # (N, C, Ho, Wo)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        input_shape = self.saved("input_shape")
        grad_out = expect_grad_shape(self, grad_out, self._output_of(input_shape))
        divisor = self._divisor(input_shape[2:], grad_out.dtype)
        return kernels.avgpool2d_backward(grad_out, input_shape, self.kernel_size, self.stride, self.padding,
                                          divisor)                            # (N, C, H, W)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "count_include_pad": self.count_include_pad}

    def extra_repr(self) -> str:
        text = super().extra_repr()
        return text if self.count_include_pad else text + ", count_include_pad=False"


def _averaging_matrix(in_size: int, out_size: int, dtype: np.dtype) -> np.ndarray:
    """A (out_size, in_size) with A[r, start_r:end_r] = 1 / (end_r - start_r), zero elsewhere.

    start_r = floor(r * in / out),  end_r = ceil((r + 1) * in / out)   (PyTorch's window bounds)
    """
    r = np.arange(out_size)
    start = (r * in_size) // out_size                                         # (out,)
    end = -((-(r + 1) * in_size) // out_size)                                 # ceil division, (out,)
    pixel = np.arange(in_size)                                                # (in,)
    inside = (pixel >= start[:, None]) & (pixel < end[:, None])               # (out, in)
    return (inside / (end - start)[:, None]).astype(dtype)


class AdaptiveAvgPool2d(Layer):
    """Average pooling to a fixed output size, whatever the input size (``output_size=1``: global average).

    Shapes: x (N, C, H, W) -> y (N, C, H_out, W_out) with (H_out, W_out) = output_size.
    Output row r averages input rows start_r <= h < end_r, with
    start_r = floor(r * H / H_out) and end_r = ceil((r + 1) * H / H_out) (PyTorch's
    formula; neighbouring windows may overlap by one row), likewise for columns.

    Forward:   with the averaging matrices A_h (H_out, H), A_h[r, h] = 1 / (end_r - start_r)
               inside window r and 0 elsewhere, and A_w (W_out, W) alike,
               y[n, c] = A_h @ x[n, c] @ A_w.T
    Backward:  dx[n, c] = A_h.T @ g[n, c] @ A_w

    Parameters
    ----------
    output_size : int, (int, int), or a pair with None
        (H_out, W_out); an int means a square output; None keeps that input size.
    """

    def __init__(self, output_size: Union[int, tuple[Optional[int], Optional[int]], list[Any]]) -> None:
        super().__init__()
        items: Any = (output_size, output_size) if _is_int(output_size) else output_size
        if not isinstance(items, (tuple, list)) or len(items) != 2 or not all(
            v is None or (_is_int(v) and v >= 1) for v in items
        ):
            raise ValueError(f"output_size must be a positive integer or a pair of them (or None), got {output_size!r}")
        self.output_size: tuple[Optional[int], Optional[int]] = (
            None if items[0] is None else int(items[0]), None if items[1] is None else int(items[1]))

    def _target(self, height: int, width: int) -> tuple[int, int]:
        h_out, w_out = self.output_size
        return (height if h_out is None else h_out), (width if w_out is None else w_out)

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.ndim != 4:
            expect_shape(self, x, ("batch", "channels", "H", "W"))
        x = _as_float(x)
        h, w = x.shape[2:]
        h_out, w_out = self._target(h, w)
        a_h = _averaging_matrix(h, h_out, x.dtype)                            # (H_out, H)
        a_w = _averaging_matrix(w, w_out, x.dtype)                            # (W_out, W)
        self.save_for_backward(a_h=a_h, a_w=a_w, input_shape=x.shape)
        return np.einsum("nchw,rh,qw->ncrq", x, a_h, a_w, optimize=True)     # (N, C, H_out, W_out)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        a_h, a_w, input_shape = self.saved("a_h"), self.saved("a_w"), self.saved("input_shape")
        grad_out = expect_grad_shape(self, grad_out, (*input_shape[:2], a_h.shape[0], a_w.shape[0]))
        return np.einsum("ncrq,rh,qw->nchw", grad_out, a_h, a_w, optimize=True)  # (N, C, H, W)

    def get_config(self) -> dict[str, Any]:
        h_out, w_out = self.output_size
        return {"output_size": h_out if h_out == w_out and h_out is not None else [h_out, w_out]}

    def extra_repr(self) -> str:
        h_out, w_out = self.output_size
        return f"output_size={h_out if h_out == w_out else (h_out, w_out)}"
