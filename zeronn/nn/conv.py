"""2-D convolution over NCHW images, computed as one matrix product (im2col)."""

from __future__ import annotations

from typing import Any, Union

import numpy as np

from zeronn import kernels
from zeronn._validation import check_positive_int, expect_grad_shape, expect_shape, format_shape, pair
from zeronn.kernels import output_size
from zeronn.nn import init
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

    Forward:   y[n, o, r, q] = b[o] + sum over c, i, j of  W[o, c, i, j] * xp[n, c, r*s + i*d, q*s + j*d]
               (cross-correlation, as in every deep-learning library; xp is x zero-padded), computed
               as one matrix product after im2col has copied every window into a column:
               X_col[(c, i, j), (r, q, n)] = xp[n, c, r*s + i*d, q*s + j*d]     X_col (C*kh*kw, H_out*W_out*N)
               Y = W2 @ X_col + b[:, None],  W2 = W.reshape(O, C*kh*kw)         Y     (O, H_out*W_out*N)
    Backward:  given G = dL/dy arranged like Y, (O, H_out*W_out*N):
               dW = G @ X_col.T            (O, C*kh*kw), reshaped to (O, C, kh, kw)
               db = G.sum(axis=1)          (O,)
               dX_col = W2.T @ G           (C*kh*kw, H_out*W_out*N)
               dx = col2im(dX_col)         each entry added back to the pixel it was copied from,
                                           padding cut off

    Speed: im2col, col2im and the long product G @ X_col.T are kernels
    (``zeronn.kernels``).  They hold images channels first and batch last,
    (C, H, W, N), so every kernel offset copies long runs of numbers; Y
    reshaped to (O, H_out, W_out, N) is returned as a transposed *view* of
    shape (N, O, H_out, W_out), with no copy (``np.ascontiguousarray`` gives
    a C-ordered copy).  Element-wise layers and pooling keep that layout, and
    the next convolution reads it back for free.  Inputs are converted to the
    layer's dtype by the copy into X_col, so a float32 model stays float32.
    As the first layer of a ``Sequential`` it skips dX_col and col2im
    (``backward_parameters``): the images need no gradient.

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
        if isinstance(self.padding, tuple):
            ph, pw = self.padding
            return ph, ph, pw, pw
        if self.padding == "valid":
            return 0, 0, 0, 0
        sides = []                                              # "same"
        for k, d in zip(self.kernel_size, self.dilation):
            total = d * (k - 1)                                 # keeps the size at stride 1
            sides += [total // 2, total - total // 2]           # the odd one out goes after, as in PyTorch
        return sides[0], sides[1], sides[2], sides[3]

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
        n, o = x.shape[0], self.out_channels
        x_col = kernels.im2col(x, self.kernel_size, self.stride, self.pads, self.dilation,
                               dtype=self.weight.dtype)                       # (C*kh*kw, Ho*Wo*N)
        y = self._weight_matrix() @ x_col                                     # (O, Ho*Wo*N)  Y = W2 @ X_col
        if self.bias is not None:
            y += self.bias.data[:, None]                                      #               + b
        self.save_for_backward(x_col=x_col, input_shape=x.shape)
        return y.reshape(o, ho, wo, n).transpose(3, 0, 1, 2)                  # (N, O, Ho, Wo) view

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        g = self._gradient_matrix(grad_out)                                   # (O, Ho*Wo*N)
        self._parameter_gradients(g)
        dx_col = self._weight_matrix().T @ g                                  # (C*kh*kw, Ho*Wo*N) dX_col = W2.T @ G
        return kernels.col2im(dx_col, self.saved("input_shape"), self.kernel_size, self.stride, self.pads,
                              self.dilation)                                  # (N, C, H, W)

    def backward_parameters(self, grad_out: np.ndarray) -> None:
        self._parameter_gradients(self._gradient_matrix(grad_out))

    def _gradient_matrix(self, grad_out: np.ndarray) -> np.ndarray:
        """G: grad_out (N, O, Ho, Wo) arranged like Y, (O, Ho*Wo*N) (free when it is batch-last)."""
        n, _, h, w = self.saved("input_shape")
        o = self.out_channels
        grad_out = expect_grad_shape(self, grad_out, (n, o, *self.output_shape(h, w)))
        return grad_out.transpose(1, 2, 3, 0).reshape(o, -1)                  # (O, Ho*Wo*N)

    def _parameter_gradients(self, g: np.ndarray) -> None:
        x_col = self.saved("x_col")                                           # (C*kh*kw, Ho*Wo*N)
        dw = kernels.matmul_transposed(g, x_col)                              # (O, C*kh*kw)  dW = G @ X_col.T
        self.weight.accumulate_grad(dw.reshape(self.weight.shape))            # (O, C, kh, kw)
        if self.bias is not None:
            self.bias.accumulate_grad(g.sum(axis=1))                          # (O,)          db = G.sum(axis=1)

    def _weight_matrix(self) -> np.ndarray:
        """W2 = W.reshape(O, C*kh*kw)."""
        return self.weight.data.reshape(self.out_channels, -1)                # (O, C*kh*kw)

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
