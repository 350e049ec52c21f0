"""Pooling over NCHW images: max, average, and adaptive (output-sized) average pooling."""

from __future__ import annotations

from typing import Any, Optional, Union

import numpy as np

from zeronn._validation import _is_int, expect_shape, format_shape, pair
from zeronn.dtype import resolve_dtype
from zeronn.nn._im2col import offsets, output_size
from zeronn.nn._workspace import Workspace
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


def _width_not_innermost(x: np.ndarray) -> bool:
    """Whether some axis of x other than the width has the smallest memory stride (axes of size 1 aside)."""
    strides = [abs(stride) for stride, size in zip(x.strides, x.shape) if size > 1]
    return bool(strides) and abs(x.strides[3]) > min(strides)


class _Pool2d(Layer):
    """What max and average pooling share: arguments, output size, input checks, padding."""

    #: Value the padding border is filled with.
    pad_value = 0.0

    def __init__(self, kernel_size: IntOrPair, stride: Optional[IntOrPair] = None, padding: IntOrPair = 0) -> None:
        super().__init__()
        self._workspace = Workspace()
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
        self, shape: tuple[int, ...], dtype: Any, out_hw: tuple[int, int], layout_of: np.ndarray
    ) -> tuple[np.ndarray, bool]:
        """A buffer for dL/dxp in the memory layout of ``layout_of``, and whether windows are disjoint.

        With disjoint windows (kernel <= stride) each pixel receives at most one
        gradient, so slices can be assigned instead of added; when they also
        tile the input exactly the buffer need not be zeroed first.
        """
        (kh, kw), (sh, sw) = self.kernel_size, self.stride
        disjoint = kh <= sh and kw <= sw
        tiled = disjoint and (kh, kw) == (sh, sw) and (out_hw[0] * kh, out_hw[1] * kw) == tuple(shape[2:])
        buffer = self._workspace.recycled("dx", shape, dtype, layout_of=layout_of)
        if not tiled:
            buffer.fill(0)
        return buffer, disjoint

    def _in_layout_of(self, template: np.ndarray, values: np.ndarray) -> np.ndarray:
        """``values`` in the memory layout of ``template`` (copied only when the layouts differ).

        Element-wise operations between arrays of different layouts run several
        times slower in NumPy; one reordering copy first is cheaper.
        """
        if values.strides == template.strides:
            return values
        same = self._workspace.get("reordered", values.shape, values.dtype, layout_of=template)
        same[...] = values
        return same

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
               dxp[n, c, r*s + i, q*s + j] += g[n, c, r, q]  for the (i, j) of the window's max,
               found with equality masks, offset by offset in row-major order:
                   hit_k = (slice_k of xp == y) and (no earlier offset was a hit in that window)
                   dxp[slice_k] += g * hit_k                 (shapes (N, C, H_out, W_out))

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
        g = self._in_layout_of(y, grad_out)                                   # (N, C, Ho, Wo), y's memory layout
        dtype = np.result_type(xp, g)
        if self._tiles(xp.shape, y.shape) and _width_not_innermost(xp):
            return self._backward_tiled(xp, y, g, dtype)
        dxp, disjoint = self._gradient_buffer(xp.shape, dtype, y.shape[2:], xp)  # (N, C, Hp, Wp)
        windows = self._windows(y.shape[2:])
        hits = [self._workspace.get(f"hit{k}", y.shape, bool, layout_of=y) for k in range(len(windows))]
        for hit, (rows, cols) in zip(hits, windows):
            np.equal(xp[:, :, rows, cols], y, out=hit)                        # (N, C, Ho, Wo): equals its max?
        self._keep_first(hits, y)
        for hit, (rows, cols) in zip(hits, windows):
            if disjoint:
                np.multiply(g, hit, out=dxp[:, :, rows, cols])
            else:
                dxp[:, :, rows, cols] += g * hit
        return self._unpadded(dxp)                                            # (N, C, H, W)

    def _backward_tiled(self, x: np.ndarray, y: np.ndarray, g: np.ndarray, dtype: np.dtype) -> np.ndarray:
        """Backward when the windows tile x exactly (kernel = stride, no padding, nothing left over).

        x is then viewed as blocks (N, C, Ho, kh, Wo, kw), window (r, q) being
        blocks[:, :, r, :, q, :], so one comparison with y and one product with
        g (both broadcast over the window axes) cover every offset at once.
        Used when the width axis is not the innermost in memory (as in a
        Conv2d output): otherwise the window axes would make NumPy's inner
        loops only kw long.
        """
        n, c, ho, wo = y.shape
        kh, kw = self.kernel_size
        blocks = x.reshape(n, c, ho, kh, wo, kw)                              # a view: splits H and W
        hit = self._workspace.get("hit", blocks.shape, bool, layout_of=blocks)
        np.equal(blocks, y[:, :, :, None, :, None], out=hit)                  # every input vs its window's max
        self._keep_first([hit[:, :, :, i, :, j] for i in range(kh) for j in range(kw)], y)
        dx = self._workspace.recycled("dx", x.shape, dtype, layout_of=x)     # (N, C, H, W)
        np.multiply(g[:, :, :, None, :, None], hit, out=dx.reshape(blocks.shape))
        return dx

    def _keep_first(self, hits: list[np.ndarray], y: np.ndarray) -> None:
        """The tie rule, in place: in each window keep only the first hit in row-major offset order.

        ``hits[k]`` (N, C, Ho, Wo) marks where offset k's input equals the max.
        """
        waiting = self._workspace.get("waiting", y.shape, bool, layout_of=y)  # windows whose max is still unseen
        np.logical_not(hits[0], out=waiting)
        for hit in hits[1:]:
            hit &= waiting
            waiting ^= hit

    def _tiles(self, in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> bool:
        """Whether the windows cover the (unpadded) input exactly once."""
        (kh, kw), (ph, pw) = self.kernel_size, self.padding
        exact = (out_shape[2] * kh, out_shape[3] * kw) == tuple(in_shape[2:])
        return self.stride == self.kernel_size and (ph, pw) == (0, 0) and exact


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
        self.save_for_backward(x=x, padded_shape=xp.shape)                   # x: its shape and memory layout
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        x, padded_shape = self.saved("x"), self.saved("padded_shape")
        out_hw = self.output_shape(*x.shape[2:])
        self._check_grad(grad_out, (*x.shape[:2], *out_hw))
        share = grad_out / self._divisor(x.shape[2:], out_hw, grad_out.dtype)  # (N, C, Ho, Wo) g / D
        dxp, disjoint = self._gradient_buffer(padded_shape, share.dtype, out_hw, x)  # (N, C, Hp, Wp)
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
