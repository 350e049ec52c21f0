"""Pooling over NCHW images: max, average, and adaptive (output-sized) average pooling."""

from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from zeronn._validation import _is_int, expect_shape, format_shape, pair
from zeronn.dtype import resolve_dtype
from zeronn.nn._im2col import offsets, output_size
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


def _like(template: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``values`` in the memory layout of ``template`` (copied only when the layouts differ).

    Element-wise operations between arrays of different layouts run several
    times slower in NumPy; one reordering copy first is cheaper.
    """
    if values.strides == template.strides:
        return values
    same = np.empty_like(template, dtype=values.dtype)
    same[...] = values
    return same


class _Pool2d(Layer):
    """What max and average pooling share: arguments, output size, input checks, padding."""

    #: Value the padding border is filled with.
    pad_value = 0.0

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

    def _padded(self, x: np.ndarray) -> np.ndarray:
        """x with ``pad_value`` borders (x itself when there is no padding)."""
        ph, pw = self.padding
        if ph == pw == 0:
            return x
        n, c, h, w = x.shape
        xp = np.full_like(x, self.pad_value, shape=(n, c, h + 2 * ph, w + 2 * pw))   # keeps x's memory layout
        xp[:, :, ph:ph + h, pw:pw + w] = x
        return xp

    def _windows(self, out_hw: tuple[int, int]) -> list[tuple[slice, slice]]:
        """(rows, cols) of each kernel offset, row-major: xp[..., rows, cols] is (N, C, H_out, W_out)."""
        return [(rows, cols) for _, _, rows, cols in offsets(self.kernel_size, self.stride, (1, 1), out_hw)]

    def _gradient_buffer(
        self, shape: tuple[int, ...], dtype: Any, out_hw: tuple[int, int], like: Optional[np.ndarray] = None
    ) -> tuple[np.ndarray, bool]:
        """A buffer for dL/dxp, and whether the windows are disjoint.

        With disjoint windows (kernel <= stride) each pixel receives at most one
        gradient, so slices can be assigned instead of added; when they also
        tile the input exactly the buffer need not be zeroed first.  Given
        ``like`` (the padded input), the buffer copies its memory layout.
        """
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        disjoint = kh <= sh and kw <= sw
        tiled = disjoint and (kh, kw) == (sh, sw) and (out_hw[0] * kh, out_hw[1] * kw) == tuple(shape[2:])
        if like is not None:
            buffer = np.empty_like(like, dtype=dtype) if tiled else np.zeros_like(like, dtype=dtype)
        else:
            buffer = np.empty(shape, dtype=dtype) if tiled else np.zeros(shape, dtype=dtype)
        return buffer, disjoint

    def _unpadded(self, dxp: np.ndarray) -> np.ndarray:
        ph, pw = self.padding
        h, w = dxp.shape[2] - 2 * ph, dxp.shape[3] - 2 * pw
        return dxp[:, :, ph:ph + h, pw:pw + w]

    def _check_grad(self, grad_out: np.ndarray, expected: tuple[int, ...]) -> None:
        if grad_out.shape != expected:
            raise ValueError(
                f"{self!r}: backward() expects a gradient of shape {format_shape(expected)} "
                f"(the output's), got {format_shape(grad_out.shape)}"
            )

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
               computed as kh*kw - 1 element-wise ``np.maximum`` calls, one strided
               slice per kernel offset (i, j).
    Backward:  the gradient flows only to the input that was the maximum:
               dxp[n, c, r*s + i, q*s + j] += g[n, c, r, q]  for the (i, j) of the window's max;
               found by comparing each offset's slice with y (equality masks).

    Ties: when several inputs of one window share the maximum, the whole
    gradient goes to the first of them in row-major window order (top row
    first, then left to right), exactly as PyTorch's CPU kernel does.  When
    windows overlap (kernel larger than stride) an input that is the maximum
    of several windows receives the sum of their gradients.  A NaN in a window
    makes its output NaN (as in PyTorch), but receives no gradient.

    Parameters
    ----------
    kernel_size : int or (int, int)
    stride : int or (int, int), optional
        Defaults to ``kernel_size`` (non-overlapping windows).
    padding : int or (int, int), default 0
        -inf border added on each side; at most half the kernel size.
    """

    pad_value = -np.inf

    def forward(self, x: np.ndarray) -> np.ndarray:
        out_hw = self._check_input(x)
        xp = self._padded(_as_float(x))                                       # (N, C, Hp, Wp)
        windows = [xp[:, :, rows, cols] for rows, cols in self._windows(out_hw)]  # each (N, C, Ho, Wo)
        if len(windows) == 1:
            y = np.array(windows[0], order="K")                               # 1x1 kernel: a strided copy
        else:
            y = np.maximum(windows[0], windows[1])                            # (N, C, Ho, Wo), x's layout
            for window in windows[2:]:
                np.maximum(y, window, out=y)
        self.save_for_backward(xp=xp, y=y)
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        xp, y = self.saved("xp"), self.saved("y")
        self._check_grad(grad_out, y.shape)
        g = _like(y, grad_out)                                                # (N, C, Ho, Wo), y's memory layout
        dtype = np.result_type(xp.dtype, grad_out.dtype)
        dxp, disjoint = self._gradient_buffer(xp.shape, dtype, y.shape[2:], like=xp)  # (N, C, Hp, Wp)
        windows = self._windows(y.shape[2:])
        waiting = None                                                        # windows whose max is not yet found
        for k, (rows, cols) in enumerate(windows):
            hit = xp[:, :, rows, cols] == y                                   # (N, C, Ho, Wo) bool
            if waiting is not None:
                hit &= waiting                                                # only the first max of each window
            if k < len(windows) - 1:
                waiting = ~hit if waiting is None else np.logical_xor(waiting, hit, out=waiting)
            if disjoint:
                np.multiply(g, hit, out=dxp[:, :, rows, cols])
            else:
                dxp[:, :, rows, cols] += g * hit
        return self._unpadded(dxp)                                            # (N, C, H, W)


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

    def _divisor(self, in_hw: tuple[int, int], out_hw: tuple[int, int], dtype: np.dtype) -> np.ndarray:
        """D: a scalar kh*kw, or (H_out, W_out) counts of real pixels per window."""
        (kh, kw), (ph, pw) = self.kernel_size, self.padding
        if self.count_include_pad or (ph, pw) == (0, 0):
            return np.asarray(kh * kw, dtype=dtype)
        counts = []
        for size, out, k, s, p in zip(in_hw, out_hw, self.kernel_size, self.stride, self.padding):
            start = np.arange(out) * s - p                                    # first row of each window
            counts.append(np.minimum(start + k, size) - np.maximum(start, 0))  # real rows in it
        return np.multiply.outer(counts[0], counts[1]).astype(dtype)         # (Ho, Wo)

    def forward(self, x: np.ndarray) -> np.ndarray:
        out_hw = self._check_input(x)
        x = _as_float(x)
        xp = self._padded(x)                                                  # (N, C, Hp, Wp)
        windows = [xp[:, :, rows, cols] for rows, cols in self._windows(out_hw)]
        y = np.array(windows[0], order="K")                                   # (N, C, Ho, Wo)
        for window in windows[1:]:
            np.add(y, window, out=y)
        y /= self._divisor(x.shape[2:], out_hw, y.dtype)
        self.save_for_backward(padded_shape=xp.shape, in_hw=x.shape[2:])
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        padded_shape, in_hw = self.saved("padded_shape"), self.saved("in_hw")
        n, c = padded_shape[:2]
        out_hw = self.output_shape(*in_hw)
        self._check_grad(grad_out, (n, c, *out_hw))
        share = grad_out / self._divisor(in_hw, out_hw, grad_out.dtype)      # (N, C, Ho, Wo) g / D
        dxp, disjoint = self._gradient_buffer(padded_shape, share.dtype, out_hw)  # (N, C, Hp, Wp)
        for rows, cols in self._windows(out_hw):
            if disjoint:
                dxp[:, :, rows, cols] = share
            else:
                dxp[:, :, rows, cols] += share
        return self._unpadded(dxp)                                            # (N, C, H, W)

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
        items = (output_size, output_size) if _is_int(output_size) else output_size
        if not isinstance(items, (tuple, list)) or len(items) != 2 or not all(
            v is None or (_is_int(v) and v >= 1) for v in items
        ):
            raise ValueError(f"output_size must be a positive integer or a pair of them (or None), got {output_size!r}")
        self.output_size = (items[0], items[1])

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
        self.save_for_backward(a_h=a_h, a_w=a_w)
        return np.einsum("nchw,rh,qw->ncrq", x, a_h, a_w, optimize=True)     # (N, C, H_out, W_out)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        a_h, a_w = self.saved("a_h"), self.saved("a_w")
        if grad_out.ndim != 4 or grad_out.shape[2:] != (a_h.shape[0], a_w.shape[0]):
            raise ValueError(
                f"{self!r}: backward() expects a gradient of shape (batch, channels, {a_h.shape[0]}, "
                f"{a_w.shape[0]}), got {format_shape(grad_out.shape)}"
            )
        return np.einsum("ncrq,rh,qw->nchw", grad_out, a_h, a_w, optimize=True)  # (N, C, H, W)

    def get_config(self) -> dict[str, Any]:
        h_out, w_out = self.output_size
        return {"output_size": h_out if h_out == w_out and h_out is not None else [h_out, w_out]}

    def extra_repr(self) -> str:
        h_out, w_out = self.output_size
        return f"output_size={h_out if h_out == w_out else (h_out, w_out)}"
