"""Activation layers: each forward with its derivative right beside it.

An activation is applied to every element on its own (Softmax and LogSoftmax
work along one axis), has no parameters and accepts any input shape.  In each
backward, g = dL/dy is the incoming gradient and the result is dL/dx; every
layer keeps (with ``save_for_backward``) only what its derivative needs,
usually the output y, which the next layer holds anyway.

The values come from ``zeronn.functional``; ``get_activation("relu")`` builds
a layer from its name, which is how the CLI and configs choose activations.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zeronn import functional as F
from zeronn import kernels
from zeronn._validation import check_choice, check_positive_float, expect_grad_shape
from zeronn.nn.identity import Identity
from zeronn.nn.layer import Layer

__all__ = [
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "SELU",
    "GELU",
    "SiLU",
    "Swish",
    "Softplus",
    "Softmax",
    "LogSoftmax",
    "ACTIVATIONS",
    "get_activation",
]

_SQRT_HALF = 0.7071067811865476             # 1/sqrt(2)
_INV_SQRT_2PI = 0.3989422804014327          # 1/sqrt(2 pi): the normal density at 0
_SQRT_2_OVER_PI = 0.7978845608028654        # sqrt(2/pi), for GELU's tanh approximation


def _check_real(name: str, value: Any) -> float:
    """Return ``value`` as a float if it is a finite real number (not a bool), else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"Invalid {name} value: {value!r} (expected a number)")
    if not np.isfinite(value):
        raise ValueError(f"Invalid {name} value: {value!r} (expected a finite number)")
    return float(value)


# ---------------------------------------------------------------------- S-shaped
class Sigmoid(Layer):
    """Logistic sigmoid, squashing any number into (0, 1).

    Forward:   y = 1 / (1 + exp(-x))
    Backward:  dx = g * y * (1 - y)

    The derivative needs only the output: it is the tutorial's
    ``sigmoid_derivative(s) = s * (1 - s)`` with s = y.  Computed without
    overflow for any input (see ``zeronn.functional.sigmoid``).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = F.sigmoid(x)
        self.save_for_backward(y=y)
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        y = self.saved("y")
        grad_out = expect_grad_shape(self, grad_out, y.shape)
        return grad_out * (y * (1 - y))


class Tanh(Layer):
    """Hyperbolic tangent, squashing any number into (-1, 1); tanh(x) = 2 * sigmoid(2x) - 1.

    Forward:   y = tanh(x)
    Backward:  dx = g * (1 - y^2)
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = F.tanh(x)
        self.save_for_backward(y=y)
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        y = self.saved("y")
        grad_out = expect_grad_shape(self, grad_out, y.shape)
        return grad_out * (1 - y * y)


# ---------------------------------------------------------------------- piecewise linear
class ReLU(Layer):
    """Rectified linear unit: keep positive values, zero the rest.

    Forward:   y = max(x, 0)
    Backward:  dx = g * (y > 0)        (the derivative is 1 where x > 0, else 0;
                                        at x = 0 we use 0, as PyTorch does)

    Only the output is kept (y > 0 exactly where x > 0), so backward needs
    no memory of its own.  Both directions are kernels
    (``kernels.relu_forward`` / ``relu_backward``), compiled by the fast backend.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = kernels.relu_forward(x)                             # same shape and layout as x
        self.save_for_backward(y=y)
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        y = self.saved("y")
        grad_out = expect_grad_shape(self, grad_out, y.shape)
        return kernels.relu_backward(y, grad_out)               # g * (y > 0)


class LeakyReLU(Layer):
    """ReLU that lets a little gradient through for negative inputs.

    Forward:   k = 1 where x > 0, negative_slope elsewhere;   y = k * x
    Backward:  dx = g * k

    Parameters
    ----------
    negative_slope : float, default 0.01
        The slope for x <= 0.
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = _check_real("negative_slope", negative_slope)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = F._as_float_array(x)
        slope = np.where(x > 0, x.dtype.type(1), x.dtype.type(self.negative_slope))   # k, same shape as x
        self.save_for_backward(slope=slope)
        return x * slope

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        slope = self.saved("slope")
        grad_out = expect_grad_shape(self, grad_out, slope.shape)
        return grad_out * slope

    def get_config(self) -> dict[str, Any]:
        return {"negative_slope": self.negative_slope}

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


# ---------------------------------------------------------------------- exponential
class ELU(Layer):
    """Exponential linear unit: identity for x > 0, a smooth curve down to -alpha below.

    Forward:   y = x                     for x > 0
               y = alpha * (exp(x) - 1)  for x <= 0
    Backward:  dx = g                    for x > 0
               dx = g * (y + alpha)      for x <= 0   (since d/dx alpha*(exp(x)-1) = alpha*exp(x) = y + alpha)

    Parameters
    ----------
    alpha : float > 0, default 1.0
        The value -alpha that y approaches as x -> -inf.
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = check_positive_float("alpha", alpha)

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = F.elu(x, self.alpha)
        self.save_for_backward(y=y)        # y > 0 exactly where x > 0 (alpha > 0)
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        y = self.saved("y")
        grad_out = expect_grad_shape(self, grad_out, y.shape)
        return np.where(y > 0, grad_out, grad_out * (y + self.alpha))

    def get_config(self) -> dict[str, Any]:
        return {"alpha": self.alpha}

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class SELU(Layer):
    """Scaled ELU, whose constants keep activations near zero mean and unit variance.

    Forward:   y = scale * x                     for x > 0
               y = scale * alpha * (exp(x) - 1) for x <= 0
    Backward:  dx = g * scale                    for x > 0
               dx = g * (y + scale * alpha)      for x <= 0

    alpha = 1.6732632423543772, scale = 1.0507009873554805 (Klambauer et
    al., "Self-Normalizing Neural Networks", 2017), as in PyTorch.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = F.selu(x)
        self.save_for_backward(y=y)
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        y = self.saved("y")
        grad_out = expect_grad_shape(self, grad_out, y.shape)
        return np.where(y > 0, grad_out * F.SELU_SCALE, grad_out * (y + F.SELU_SCALE * F.SELU_ALPHA))


class GELU(Layer):
    """Gaussian error linear unit: x weighted by the chance that a standard normal is below x.

    Forward:   y = x * Phi(x),   Phi(x) = (1 + erf(x / sqrt(2))) / 2  (standard normal CDF)
    Backward:  dx = g * (Phi(x) + x * phi(x)),   phi(x) = exp(-x^2 / 2) / sqrt(2 pi)

    With approximate="tanh":
               t = tanh(u),  u = sqrt(2/pi) * (x + 0.044715 x^3)
    Forward:   y = x * (1 + t) / 2
    Backward:  dx = g * ((1 + t) / 2 + x / 2 * (1 - t^2) * sqrt(2/pi) * (1 + 3 * 0.044715 x^2))

    Parameters
    ----------
    approximate : {"none", "tanh"}, default "none"
        "none" uses the exact erf (see ``zeronn.functional.erf``); "tanh" the
        cheaper approximation of the original paper, as in PyTorch.
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = check_choice("GELU approximation", approximate, F.GELU_APPROXIMATIONS)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = F._as_float_array(x)
        if self.approximate == "tanh":
            t = np.tanh(_SQRT_2_OVER_PI * (x + F._GELU_TANH_CUBIC * x * x * x))   # tanh(u)
            self.save_for_backward(x=x, t=t)
            return 0.5 * x * (1 + t)
        cdf = 0.5 * F.erfc(-_SQRT_HALF * x)                            # Phi(x) = (1 + erf(x/sqrt 2)) / 2
        self.save_for_backward(x=x, cdf=cdf)
        return x * cdf

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        x = self.saved("x")
        grad_out = expect_grad_shape(self, grad_out, x.shape)
        if self.approximate == "tanh":
            t = self.saved("t")
            du_dx = _SQRT_2_OVER_PI * (1 + 3 * F._GELU_TANH_CUBIC * x * x)
            return grad_out * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du_dx)
        xc = np.clip(x, -40, 40)                                       # phi is 0 beyond; avoids x*x overflow
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * xc * xc)                   # phi(x)
        return grad_out * (self.saved("cdf") + x * pdf)

    def get_config(self) -> dict[str, Any]:
        return {"approximate": self.approximate}

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class SiLU(Layer):
    """Sigmoid linear unit, also called Swish: x scaled by its own sigmoid.

    Forward:   s = sigmoid(x);   y = x * s
    Backward:  dx = g * (s + x * s * (1 - s)) = g * s * (1 + x * (1 - s))
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = F._as_float_array(x)
        s = F.sigmoid(x)
        self.save_for_backward(x=x, s=s)
        return x * s

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        x, s = self.saved("x"), self.saved("s")
        grad_out = expect_grad_shape(self, grad_out, x.shape)
        return grad_out * (s * (1 + x * (1 - s)))


#: Swish is another name of SiLU (Ramachandran et al., 2017).
Swish = SiLU


class Softplus(Layer):
    """A smooth ReLU: log(1 + exp(x)), optionally sharpened by ``beta``.

    Forward:   y = log(1 + exp(beta * x)) / beta     where beta * x <= threshold
               y = x                                 where beta * x >  threshold
    Backward:  dx = g * sigmoid(beta * x)            where beta * x <= threshold
               dx = g                                elsewhere

    Parameters
    ----------
    beta : float > 0, default 1.0
        Larger beta brings the curve closer to ReLU.
    threshold : float, default 20.0
        Above beta * x = threshold the output is x itself (as in PyTorch).
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__()
        self.beta = check_positive_float("beta", beta)
        self.threshold = _check_real("threshold", threshold)

    def forward(self, x: np.ndarray) -> np.ndarray:
        x = F._as_float_array(x)
        self.save_for_backward(x=x)
        return F.softplus(x, self.beta, self.threshold)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        z = self.beta * self.saved("x")                                # beta * x
        grad_out = expect_grad_shape(self, grad_out, z.shape)
        return np.where(z > self.threshold, grad_out, grad_out * F.sigmoid(z))

    def get_config(self) -> dict[str, Any]:
        return {"beta": self.beta, "threshold": self.threshold}

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


# ---------------------------------------------------------------------- along an axis
def _check_dim_argument(owner: str, dim: Any) -> int:
    """Return ``dim`` as an int, or raise naming the layer."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise ValueError(f"{owner}: dim must be an integer, got {dim!r}")
    return int(dim)


def _expect_axis(layer: Layer, x: np.ndarray, dim: int) -> None:
    """Raise a ValueError naming ``layer`` when ``x`` has no axis ``dim``."""
    if not -x.ndim <= dim < x.ndim:
        needed = dim + 1 if dim >= 0 else -dim
        raise ValueError(f"{layer!r} expects input with at least {needed} axes, got shape {x.shape}")


class Softmax(Layer):
    """Turn scores into probabilities along ``dim``: positive, summing to 1.

    Forward:   y_i = exp(x_i) / sum_j exp(x_j)       (computed as softmax(x - max(x)))
    Backward:  dx_i = y_i * (g_i - sum_j g_j * y_j)  (the Jacobian dy_i/dx_j = y_i (delta_ij - y_j)
                                                      applied to g, without forming it)

    For training a classifier prefer ``CrossEntropyLoss`` on the raw scores:
    it fuses softmax and log and is both faster and more accurate.

    Parameters
    ----------
    dim : int, default -1
        The axis that sums to 1 (the class axis; -1 is the last).
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = _check_dim_argument("Softmax", dim)

    def forward(self, x: np.ndarray) -> np.ndarray:
        _expect_axis(self, x, self.dim)
        y = F.softmax(x, axis=self.dim)
        self.save_for_backward(y=y)
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        y = self.saved("y")
        grad_out = expect_grad_shape(self, grad_out, y.shape)
        dot = np.sum(grad_out * y, axis=self.dim, keepdims=True)       # sum_j g_j y_j
        return y * (grad_out - dot)

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim}

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Layer):
    """log(softmax(x)) along ``dim``, computed stably as x - logsumexp(x).

    Forward:   y_i = x_i - log(sum_j exp(x_j))
    Backward:  dx_i = g_i - exp(y_i) * sum_j g_j       (exp(y) = softmax(x))

    Pair it with ``NLLLoss`` to get the cross-entropy.

    Parameters
    ----------
    dim : int, default -1
        The axis to normalise over.
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = _check_dim_argument("LogSoftmax", dim)

    def forward(self, x: np.ndarray) -> np.ndarray:
        _expect_axis(self, x, self.dim)
        y = F.log_softmax(x, axis=self.dim)
        self.save_for_backward(y=y)
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        y = self.saved("y")
        grad_out = expect_grad_shape(self, grad_out, y.shape)
        total = np.sum(grad_out, axis=self.dim, keepdims=True)          # sum_j g_j
        return grad_out - np.exp(y) * total

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim}

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


# ---------------------------------------------------------------------- by name
_BY_NAME: dict[str, type[Layer]] = {
    "sigmoid": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "selu": SELU,
    "gelu": GELU,
    "silu": SiLU,
    "swish": SiLU,
    "softplus": Softplus,
    "identity": Identity,
}

#: Names accepted by ``get_activation``.
ACTIVATIONS: tuple[str, ...] = tuple(_BY_NAME)


def get_activation(name: str, **kwargs: Any) -> Layer:
    """Build a new activation layer from its name.

    Parameters
    ----------
    name : str
        One of ``ACTIVATIONS``: "sigmoid", "tanh", "relu", "leaky_relu", "elu",
        "selu", "gelu", "silu", "swish", "softplus", "identity" (case is
        ignored and "-" counts as "_": "Leaky-ReLU" works).
    **kwargs
        Constructor arguments, e.g. ``get_activation("leaky_relu", negative_slope=0.2)``.

    Returns
    -------
    Layer
        A fresh layer (never shared between calls).

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid ones.
    """
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a string, got {type(name).__name__}")
    key = name.strip().lower().replace("-", "_")
    check_choice("activation", key if key in _BY_NAME else name, ACTIVATIONS)
    return _BY_NAME[key](**kwargs)
