"""Fully connected (dense) layer."""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn import kernels
from zeronn._validation import check_positive_int, expect_grad_shape, expect_shape
from zeronn.nn import init
from zeronn.nn.layer import Layer
from zeronn.nn.parameter import Parameter
from zeronn.random import RngLike, as_rng

__all__ = ["Linear"]


class Linear(Layer):
    """Fully connected layer: every output is a weighted sum of every input, plus a bias.

    Forward:   y = x @ W + b
               x (N, in_features), W (in_features, out_features), b (out_features,), y (N, out_features)
    Backward:  given g = dL/dy (N, out_features):
               dW = x.T @ g          (in_features, out_features)
               db = g.sum(axis=0)    (out_features,)
               dx = g @ W.T          (N, in_features)

    ``W`` is stored as (in_features, out_features), the orientation of the
    tutorial's ``X @ weights`` (PyTorch stores the transpose).  Inputs with
    more than two axes are treated as (..., in_features), like PyTorch.  As the
    first layer of a ``Sequential`` it skips dx (``backward_parameters``): the
    data needs no gradient.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of each input and output sample.
    bias : bool, default True
        Add the learnable bias ``b``.
    weight_init, bias_init : str, default "default"
        A name from ``zeronn.nn.init.INITIALIZERS``; "default" is PyTorch's
        U[-1/sqrt(in_features), 1/sqrt(in_features)].
    rng : None, int or numpy.random.Generator
        Source of the initial weights (see ``zeronn.random``).
    dtype : float32 or float64, optional
        Parameter dtype; the library default (float32) when omitted.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        weight_init: str = "default",
        bias_init: str = "default",
        rng: RngLike = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in_features = check_positive_int("in_features", in_features)
        self.out_features = check_positive_int("out_features", out_features)
        self.weight_init = weight_init
        self.bias_init = bias_init
        rng = as_rng(rng)
        fans = {"fan_in": self.in_features, "fan_out": self.out_features, "rng": rng, "dtype": dtype}
        self.weight = Parameter(init.initialize(weight_init, (self.in_features, self.out_features), **fans))
        self.bias = Parameter(init.initialize(bias_init, (self.out_features,), **fans)) if bias else None

    def forward(self, x: np.ndarray) -> np.ndarray:
        if x.ndim < 2 or x.shape[-1] != self.in_features:
            expect_shape(self, x, ("batch", self.in_features))
        self.save_for_backward(x=x)                             # kept for dW
        y = x @ self.weight.data                                # (N, out)
        if self.bias is not None:
            y += self.bias.data                                 # broadcast over N
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        self.backward_parameters(grad_out)
        return grad_out @ self.weight.data.T                    # (N, in)  dx = g @ W.T

    def backward_parameters(self, grad_out: np.ndarray) -> None:
        x = self.saved("x")
        grad_out = expect_grad_shape(self, grad_out, (*x.shape[:-1], self.out_features))
        x = x.reshape(-1, self.in_features)                     # (N, in), leading axes merged
        g = grad_out.reshape(-1, self.out_features)             # (N, out)
        self.weight.accumulate_grad(x.T @ g)                    # (in, out)  dW = x.T @ g
        if self.bias is not None:
            self.bias.accumulate_grad(kernels.column_sum(g))    # (out,)     db = g.sum(axis=0)

    def get_config(self) -> dict[str, Any]:
        return {
            "in_features": self.in_features,
            "out_features": self.out_features,
            "bias": self.bias is not None,
            "weight_init": self.weight_init,
            "bias_init": self.bias_init,
        }

    def extra_repr(self) -> str:
        text = f"{self.in_features} -> {self.out_features}"
        return text if self.bias is not None else text + ", bias=False"
