"""2-D convolution over NCHW images, computed as one matrix product (im2col)."""

from __future__ import annotations

from typing import Any, Union

import numpy as np

from zeronn._validation import check_positive_int, expect_shape, format_shape, pair
from zeronn.nn import init
from zeronn.nn._im2col import col2im, im2col, matmul_transposed, output_size
from zeronn.nn._workspace import Workspace
from zeronn.nn.layer import Layer
from zeronn.nn.parameter import Parameter
from zeronn.random import RngLike, as_rng

__all__ = ["Conv2d"]

IntOrPair = Union[int, tuple[int, int], list[int]]
PADDING_NAMES = ("same", "valid")


def _compact(values: tuple[int, int]) -> Union[int, list[int]]:
    """(3, 3) -> 3 and (3, 5) -> [3, 5]: the shortest JSON form of a pair."""
    return values[0] if values[0] == values[1] else list(values)


class Conv2d(Layer):
    """2-D convolution: each output channel slides a learned (in_channels, kh, kw) filter over the image.

    Shapes: x (N, C, H, W), W (O, C, kh, kw), b (O,), y (N, O, H_out, W_out), where
    C = in_channels, O = out_channels, and along each spatial axis

        H_out = floor((H + 2p - d*(k - 1) - 1) / s) + 1        (k kernel, s stride, p padding, d dilation)

    (with ``padding="same"`` the two sides may differ; then 2p is their sum).

    Forward (cross-correlation, as in every deep-learning library; xp is x zero-padded):

        y[n, o, r, q] = b[o] + sum over c, i, j of  W[o, c, i, j] * xp[n, c, r*s + i*d, q*s + j*d]

      computed as one matrix product.  im2col copies every window into a column:

        X_col[(c, i, j), (r, q, n)] = xp[n, c, r*s + i*d, q*s + j*d]     X_col (C*kh*kw, H_out*W_out*N)
        Y = W2 @ X_col + b[:, None],  W2 = W.reshape(O, C*kh*kw)         Y     (O, H_out*W_out*N)

    Backward, given G = dL/dy arranged the same way as Y, (O, H_out*W_out*N):

        dW = G @ X_col.T            (O, C*kh*kw) -> reshaped to (O, C, kh, kw)
        db = G.sum(axis=1)          (O,)
        dX_col = W2.T @ G           (C*kh*kw, H_out*W_out*N)
        dx = col2im(dX_col)         each entry added back to the pixel it was copied from, padding cut off

    Speed notes.  Inside the layer images are held channels first and batch
    last, (C, H, W, N): each kernel offset (i, j) then fills one slab of X_col
    made of long runs of neighbouring numbers (kh*kw slab copies build it), and
    Y comes out as (O, H_out, W_out, N), which is returned as a transposed
    *view* of shape (N, O, H_out, W_out), with no copy.  The output is
    therefore not C-contiguous; NumPy treats it like any array
    (``np.ascontiguousarray`` gives a C-ordered copy).  Element-wise layers keep
    that memory layout, pooling runs faster on it (its strided slices keep
    runs of N numbers), and the next convolution reads it back for free.

    The bias rides along as the weight of a constant input: X_col gets a last
    row of ones and W2 a last column b, so one product gives W2 @ X_col + b and
    backward's one product G @ X_col.T gives dW and db side by side.  The X_col
    buffer is reused from batch to batch (one per layer; nothing is kept under
    ``no_grad``; backward reuses it for dX_col, so each forward allows one
    backward), and so are the output and input-gradient arrays once nothing
    refers to them any more (an array you keep is never overwritten).  dW's
    product has a long inner dimension H_out*W_out*N and is summed over pieces
    of about a million multiply-adds, which BLAS runs several times faster
    than one long product.

    Inputs are computed in the layer's dtype: integer images or float64 data
    fed to a float32 layer are converted by the copy into X_col, at no cost,
    so a float32 model stays float32.

    When ``needs_input_grad`` is False (the first layer of a model, whose input
    is the data; ``Sequential`` sets it), backward skips dX_col and col2im,
    about a third of the work, and returns None.

    Parameters
    ----------
    in_channels, out_channels : int
        C and O.
    kernel_size : int or (int, int)
        (kh, kw).
    stride : int or (int, int), default 1
    padding : int, (int, int), "valid" or "same", default 0
        Zeros added on each side.  "valid" means 0; "same" (stride 1 only)
        keeps H_out = H, W_out = W, putting the extra row/column of an even
        kernel at the bottom/right, as PyTorch does.
    dilation : int or (int, int), default 1
        Spacing between kernel elements.
    bias : bool, default True
    weight_init, bias_init : str, default "default"
        Names from ``zeronn.nn.init.INITIALIZERS``; "default" is PyTorch's
        U[-1/sqrt(fan_in), 1/sqrt(fan_in)] with fan_in = C*kh*kw.
    rng : None, int or numpy.random.Generator
        Source of the initial weights.
    dtype : float32 or float64, optional
        Parameter dtype (library default float32).

    Examples
    --------
    >>> conv = Conv2d(1, 8, kernel_size=3, padding=1)
    >>> conv(np.zeros((2, 1, 28, 28), np.float32)).shape
    (2, 8, 28, 28)
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrPair,
        stride: IntOrPair = 1,
        padding: Union[IntOrPair, str] = 0,
        dilation: IntOrPair = 1,
        bias: bool = True,
        *,
        weight_init: str = "default",
        bias_init: str = "default",
        rng: RngLike = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in_channels = check_positive_int("in_channels", in_channels)
        self.out_channels = check_positive_int("out_channels", out_channels)
        self.kernel_size = pair("kernel_size", kernel_size)
        self.stride = pair("stride", stride)
        self.dilation = pair("dilation", dilation)
        self.padding = self._check_padding(padding)
        self.pads = self._side_pads()                            # (top, bottom, left, right)
        self.weight_init = weight_init
        self.bias_init = bias_init
        kh, kw = self.kernel_size
        fans = {
            "fan_in": self.in_channels * kh * kw,
            "fan_out": self.out_channels * kh * kw,
            "rng": as_rng(rng),
            "dtype": dtype,
        }
        shape = (self.out_channels, self.in_channels, kh, kw)
        self.weight = Parameter(init.initialize(weight_init, shape, **fans))
        self.bias = Parameter(init.initialize(bias_init, (self.out_channels,), **fans)) if bias else None
        self._workspace = Workspace()

    # ------------------------------------------------------------------ arguments
    def _check_padding(self, padding: Any) -> Union[str, tuple[int, int]]:
        if isinstance(padding, str):
            if padding not in PADDING_NAMES:
                raise ValueError(f"Unknown padding {padding!r}; valid choices are: an integer, a pair, 'same', 'valid'")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError(
                    f"padding='same' needs stride 1, got stride={self.stride}; give the padding as numbers instead"
                )
            return padding
        return pair("padding", padding, minimum=0)

    def _side_pads(self) -> tuple[int, int, int, int]:
        """Zeros added (top, bottom, left, right)."""
        if self.padding == "valid":
            return 0, 0, 0, 0
        if self.padding == "same":
            sides = []
            for k, d in zip(self.kernel_size, self.dilation):
                total = d * (k - 1)                             # keeps the size at stride 1
                sides += [total // 2, total - total // 2]       # the odd one out goes after, as in PyTorch
            return tuple(sides)  # type: ignore[return-value]
        ph, pw = self.padding
        return ph, ph, pw, pw

    def output_shape(self, height: int, width: int) -> tuple[int, int]:
        """(H_out, W_out) for an input of height x width."""
        top, bottom, left, right = self.pads
        return (
            output_size(height, self.kernel_size[0], self.stride[0], top + bottom, self.dilation[0]),
            output_size(width, self.kernel_size[1], self.stride[1], left + right, self.dilation[1]),
        )

    def _check_input(self, x: np.ndarray) -> tuple[int, int]:
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            hint = "add the channel axis with x[:, None]" if x.ndim == 3 and self.in_channels == 1 else ""
            expect_shape(self, x, ("batch", self.in_channels, "H", "W"), hint)
        top, bottom, left, right = self.pads
        height, width = x.shape[2] + top + bottom, x.shape[3] + left + right
        reach = tuple(d * (k - 1) + 1 for k, d in zip(self.kernel_size, self.dilation))
        if height < reach[0] or width < reach[1]:
            raise ValueError(
                f"{self!r}: input of shape {format_shape(x.shape)} is smaller than the kernel: its padded size "
                f"{height}x{width} must be at least the kernel's reach {reach[0]}x{reach[1]} "
                "(use larger images, padding, or a smaller kernel)"
            )
        return self.output_shape(x.shape[2], x.shape[3])

    # ------------------------------------------------------------------ computing
    def forward(self, x: np.ndarray) -> np.ndarray:
        ho, wo = self._check_input(x)
        n = x.shape[0]
        c, o = self.in_channels, self.out_channels
        kh, kw = self.kernel_size
        k = c * kh * kw
        dtype = self.weight.data.dtype                                        # the copies below convert x to it
        xp = self._batch_last_padded(x, dtype)                                # (C, Hp, Wp, N)
        rows = k + (self.bias is not None)                                    # + a row of ones for the bias
        x_col = self._workspace.get("x_col", (rows, ho * wo * n), dtype, fill=1)  # (K [+ 1], Ho*Wo*N)
        im2col(xp, x_col[:k].reshape(c, kh, kw, ho, wo, n), self.kernel_size, self.stride, self.dilation)
        y = self._workspace.recycled("y", (o, ho * wo * n), dtype)            # last batch's, if nobody holds it
        np.matmul(self._weight_matrix(), x_col, out=y)                        # (O, Ho*Wo*N) = W2 @ X_col + b
        self.save_for_backward(x_col=x_col, input_shape=x.shape, used=False)
        return y.reshape(o, ho, wo, n).transpose(3, 0, 1, 2)                  # (N, O, Ho, Wo) view

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        if self._saved.get("used"):
            raise RuntimeError(
                f"{self!r}: backward() called twice after one forward(); backward reuses the saved im2col "
                "buffer for the input gradient, so run forward() again first (PyTorch refuses this too)"
            )
        x_col = self.saved("x_col")                                           # (K [+ 1], Ho*Wo*N)
        n, c, h, w = self.saved("input_shape")
        o = self.out_channels
        ho, wo = self.output_shape(h, w)
        if grad_out.shape != (n, o, ho, wo):
            raise ValueError(
                f"{self!r}: backward() expects a gradient of shape {format_shape((n, o, ho, wo))} "
                f"(the output's), got {format_shape(grad_out.shape)}"
            )
        g = grad_out.transpose(1, 2, 3, 0).reshape(o, ho * wo * n)            # (O, Ho*Wo*N), free in our layout
        k = c * self.kernel_size[0] * self.kernel_size[1]
        grads = matmul_transposed(g, x_col)                                   # (O, K [+ 1]) = [dW2 | db]
        self.weight.accumulate_grad(grads[:, :k].reshape(self.weight.shape))  # (O, C, kh, kw)
        if self.bias is not None:
            self.bias.accumulate_grad(np.ascontiguousarray(grads[:, k]))      # (O,) = G.sum(axis=1)
        self.save_for_backward(used=True)
        if not self.needs_input_grad:
            return None
        w2 = self.weight.data.reshape(o, k)                                   # (O, K)
        dtype = np.result_type(w2.dtype, g.dtype)
        if dtype == x_col.dtype:
            dcols = x_col[:k]                                                 # X_col is used up: reuse its memory
        else:
            dcols = np.empty((k, ho * wo * n), dtype=dtype)
        np.matmul(w2.T, g, out=dcols)                                         # (K, Ho*Wo*N) dX_col = W2.T @ G
        top, bottom, left, right = self.pads
        dxp = self._workspace.recycled("dx", (c, h + top + bottom, w + left + right, n), dtype)  # (C, Hp, Wp, N)
        dxp.fill(0)
        col2im(dcols.reshape(c, *self.kernel_size, ho, wo, n), dxp, self.kernel_size, self.stride, self.dilation)
        dx = dxp[:, top:top + h, left:left + w]                               # (C, H, W, N), padding cut off
        return dx.transpose(3, 0, 1, 2)                                       # (N, C, H, W) view

    def _weight_matrix(self) -> np.ndarray:
        """W2 = W.reshape(O, C*kh*kw), with b appended as a last column when there is a bias."""
        w2 = self.weight.data.reshape(self.out_channels, -1)                  # (O, K)
        if self.bias is None:
            return w2
        return np.concatenate([w2, self.bias.data[:, None]], axis=1)         # (O, K + 1)

    def _batch_last_padded(self, x: np.ndarray, dtype: np.dtype) -> np.ndarray:
        """x (N, C, H, W) as a C-ordered (C, Hp, Wp, N) array with zero borders.

        Free (a view) when x is already laid out that way, as the output of a
        previous Conv2d (through ReLU and pooling) is; otherwise one copy into
        a reused buffer.
        """
        x_last = x.transpose(1, 2, 3, 0)                                      # (C, H, W, N) view
        top, bottom, left, right = self.pads
        if top == bottom == left == right == 0 and x_last.flags.c_contiguous and x.dtype == dtype:
            return x_last
        c, h, w, n = x_last.shape
        xp = self._workspace.get("padded", (c, h + top + bottom, w + left + right, n), dtype, fill=0)
        xp[:, top:top + h, left:left + w] = x_last                           # borders stay zero
        return xp

    # ------------------------------------------------------------------ description
    def get_config(self) -> dict[str, Any]:
        padding = self.padding if isinstance(self.padding, str) else _compact(self.padding)
        return {
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": _compact(self.kernel_size),
            "stride": _compact(self.stride),
            "padding": padding,
            "dilation": _compact(self.dilation),
            "bias": self.bias is not None,
            "weight_init": self.weight_init,
            "bias_init": self.bias_init,
        }

    def extra_repr(self) -> str:
        def text(values: tuple[int, int]) -> str:
            return str(values[0]) if values[0] == values[1] else f"({values[0]}, {values[1]})"

        parts = [f"{self.in_channels} -> {self.out_channels}", f"kernel_size={text(self.kernel_size)}"]
        if self.stride != (1, 1):
            parts.append(f"stride={text(self.stride)}")
        if isinstance(self.padding, str):
            parts.append(f"padding={self.padding!r}")
        elif self.padding != (0, 0):
            parts.append(f"padding={text(self.padding)}")
        if self.dilation != (1, 1):
            parts.append(f"dilation={text(self.dilation)}")
        if self.bias is None:
            parts.append("bias=False")
        return ", ".join(parts)
