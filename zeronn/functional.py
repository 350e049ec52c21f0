"""Activation functions as plain NumPy functions: array in, array out.

These are the formulas behind the layers of ``zeronn.nn.activation``; use them
when you only need values (no backward), e.g. to turn logits into
probabilities after training::

    >>> import numpy as np
    >>> from zeronn import functional as F
    >>> F.softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])

Every function keeps the input's floating dtype (float32 in, float32 out) and
is numerically stable: no overflow or invalid-value warnings even for inputs
of +-1000.  The tricks used:

- sigmoid(x) is computed from e = exp(-|x|) <= 1, which cannot overflow:
  1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0;
- softmax and log_softmax subtract the row maximum first (the result does not
  change, and exp never sees a positive number): the log-sum-exp trick;
- softplus uses log(1 + exp(z)) = max(z, 0) + log1p(exp(-|z|));
- ELU and SELU evaluate expm1 only on min(x, 0);
- exact GELU needs the error function, which NumPy lacks; ``erf`` and ``erfc``
  below implement W. J. Cody's rational Chebyshev approximations
  ("Rational Chebyshev approximations for the error function",
  Math. Comp. 23 (1969), 631-638), accurate to a few units in the last place
  of float64 (the tests measure them against ``math.erf``/``math.erfc``).
"""

from __future__ import annotations

import math

import numpy as np

from zeronn._validation import check_choice

__all__ = [
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "selu",
    "gelu",
    "silu",
    "softplus",
    "softmax",
    "log_softmax",
    "logsumexp",
    "erf",
    "erfc",
    "SELU_ALPHA",
    "SELU_SCALE",
    "GELU_APPROXIMATIONS",
]

#: SELU constants (Klambauer et al., 2017), the values PyTorch uses.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

#: Valid values of gelu's ``approximate`` argument (as in PyTorch).
GELU_APPROXIMATIONS = ("none", "tanh")

_SQRT_HALF = math.sqrt(0.5)                 # 1/sqrt(2)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)  # for the tanh approximation of GELU
_GELU_TANH_CUBIC = 0.044715


def _as_float_array(x: np.ndarray) -> np.ndarray:
    """Return ``x`` as an array of a floating dtype (integers become float64)."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


# ---------------------------------------------------------------------- elementwise
def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid: 1 / (1 + exp(-x)), in (0, 1).

    Computed from e = exp(-|x|), which never overflows:
    x >= 0: 1 / (1 + e);   x < 0: e / (1 + e)  (= exp(x) / (1 + exp(x))),
    so large negative inputs keep full relative precision.
    """
    x = _as_float_array(x)
    e = np.exp(-np.abs(x))                  # in (0, 1]
    r = 1.0 / (1.0 + e)                     # sigmoid(|x|)
    return np.where(x >= 0, r, e * r)       # sigmoid(-|x|) = e / (1 + e)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent: (exp(x) - exp(-x)) / (exp(x) + exp(-x)), in (-1, 1)."""
    return np.tanh(_as_float_array(x))


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit: max(x, 0)."""
    return np.maximum(x, 0)


def leaky_relu(x: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    """x for x > 0, negative_slope * x otherwise."""
    x = np.asarray(x)
    return np.where(x > 0, x, x * negative_slope)


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit: x for x > 0, alpha * (exp(x) - 1) otherwise."""
    x = _as_float_array(x)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def selu(x: np.ndarray) -> np.ndarray:
    """Scaled ELU: SELU_SCALE * elu(x, SELU_ALPHA) (self-normalising constants)."""
    return SELU_SCALE * elu(x, SELU_ALPHA)


def gelu(x: np.ndarray, approximate: str = "none") -> np.ndarray:
    """Gaussian error linear unit: x * Phi(x), Phi the standard normal CDF.

    approximate="none":  Phi(x) = erfc(-x / sqrt(2)) / 2  (exact; erfc keeps
                         relative precision for negative x, where 1 + erf loses it)
    approximate="tanh":  Phi(x) ~ (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3))) / 2
    """
    check_choice("GELU approximation", approximate, GELU_APPROXIMATIONS)
    x = _as_float_array(x)
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (x + _GELU_TANH_CUBIC * x * x * x)
        return 0.5 * x * (1.0 + np.tanh(inner))
    return 0.5 * x * erfc(-_SQRT_HALF * x)


def silu(x: np.ndarray) -> np.ndarray:
    """Sigmoid linear unit (also called Swish): x * sigmoid(x)."""
    x = _as_float_array(x)
    return x * sigmoid(x)


def softplus(x: np.ndarray, beta: float = 1.0, threshold: float = 20.0) -> np.ndarray:
    """Smooth ReLU: log(1 + exp(beta * x)) / beta, and just x where beta * x > threshold.

    The switch to the identity above ``threshold`` follows PyTorch (there the
    two differ by less than exp(-threshold) / beta).  log(1 + exp(z)) is
    evaluated as max(z, 0) + log1p(exp(-|z|)), which cannot overflow.
    """
    x = _as_float_array(x)
    z = beta * x
    smooth = (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))) / beta
    return np.where(z > threshold, x, smooth)


# ---------------------------------------------------------------------- along an axis
def logsumexp(x: np.ndarray, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    """log(sum(exp(x), axis)), computed as m + log(sum(exp(x - m))) with m = max(x, axis)."""
    x = _as_float_array(x)
    m = np.max(x, axis=axis, keepdims=True, initial=-np.inf)   # initial: an empty slice has max -inf
    m = np.where(np.isfinite(m), m, 0)      # rows of -inf (or inf) need no shift
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """exp(x_i) / sum_j exp(x_j) along ``axis``; each slice sums to 1.

    Subtracting the maximum first (softmax(x) = softmax(x - max(x))) keeps
    every exponent <= 0, so nothing overflows.
    """
    x = _as_float_array(x)
    e = np.exp(x - np.max(x, axis=axis, keepdims=True, initial=-np.inf))   # initial: empty slices allowed
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """log(softmax(x)) = x - logsumexp(x) along ``axis``, without ever forming softmax."""
    x = _as_float_array(x)
    shifted = x - np.max(x, axis=axis, keepdims=True, initial=-np.inf)      # every entry <= 0
    with np.errstate(divide="ignore"):      # the sum is >= 1 except over an empty axis (then nothing is returned)
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


# ---------------------------------------------------------------------- error function
# W. J. Cody's coefficients (Math. Comp. 23 (1969); the values of his CALERF
# routine, netlib specfun).  Three ranges of y = |x|:
#   y <= 0.46875:     erf(x)  = x * P_A(y^2) / Q_B(y^2)
#   0.46875 < y <= 4: erfc(y) = exp(-y^2) * P_C(y) / Q_D(y)
#   y > 4:            erfc(y) = exp(-y^2) / y * (1/sqrt(pi) + R(1/y^2) / y^2),
#                               R = -P_P(1/y^2) / Q_Q(1/y^2)
# The polynomials are evaluated by Horner's rule, highest power first.
_ERF_A = (1.85777706184603153e-1, 3.16112374387056560e00, 1.13864154151050156e02,
          3.77485237685302021e02, 3.20937758913846947e03)
_ERF_B = (1.0, 2.36012909523441209e01, 2.44024637934444173e02,
          1.28261652607737228e03, 2.84423683343917062e03)
_ERFC_C = (2.15311535474403846e-8, 5.64188496988670089e-1, 8.88314979438837594e00,
           6.61191906371416295e01, 2.98635138197400131e02, 8.81952221241769090e02,
           1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03)
_ERFC_D = (1.0, 1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
           1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
           3.43936767414372164e03, 1.23033935480374942e03)
_ERFC_P = (1.63153871373020978e-2, 3.05326634961232344e-1, 3.60344899949804439e-1,
           1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4)
_ERFC_Q = (1.0, 2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
           6.05183413124413191e-2, 2.33520497626869185e-3)
_ERF_SMALL = 0.46875
_INV_SQRT_PI = 0.56418958354775628695   # 1/sqrt(pi)
_ERFC_FLOOR = 30.0                      # erfc(y) underflows to 0 in float64 beyond y ~ 27.3


def _horner(coefficients: tuple[float, ...], t: np.ndarray) -> np.ndarray:
    """c0 * t^n + c1 * t^(n-1) + ... + cn, highest power first."""
    result = coefficients[0] * t
    result += coefficients[1]
    for c in coefficients[2:]:
        result *= t
        result += c
    return result


def _exp_minus_square(y: np.ndarray) -> np.ndarray:
    """exp(-y^2) without the rounding error of y*y: y = h + d with h a multiple of 1/16.

    exp(-y^2) = exp(-h^2) * exp(-(y - h)(y + h)); h^2 is exact, so the only
    rounding is in the small second factor (Cody's trick).
    """
    h = np.trunc(y * 16.0) / 16.0
    return np.exp(-h * h) * np.exp(-(y - h) * (y + h))


def _erf_small(x: np.ndarray) -> np.ndarray:
    """erf(x) for |x| <= 0.46875."""
    t = x * x
    return x * _horner(_ERF_A, t) / _horner(_ERF_B, t)


def _erfc_large(y: np.ndarray) -> np.ndarray:
    """erfc(y) for y > 0.46875, from the approximation in y (y <= 4) or in 1/y^2 (y > 4)."""
    y = np.minimum(y, _ERFC_FLOOR)                  # beyond it the answer is 0 anyway
    ratio = np.empty_like(y)                        # erfc(y) / exp(-y^2)
    mid = y <= 4.0
    ym = y[mid]
    ratio[mid] = _horner(_ERFC_C, ym) / _horner(_ERFC_D, ym)
    far = ~mid
    yf = y[far]
    s = 1.0 / (yf * yf)
    ratio[far] = (_INV_SQRT_PI - s * _horner(_ERFC_P, s) / _horner(_ERFC_Q, s)) / yf
    return ratio * _exp_minus_square(y)


def erf(x: np.ndarray) -> np.ndarray:
    """Error function erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt, elementwise.

    Cody's rational approximations (see the module docstring); in float64 the
    result is within a few ulps of ``math.erf``.  float32 in, float32 out.
    """
    x = _as_float_array(x)
    out = np.empty_like(x)
    small = np.abs(x) <= _ERF_SMALL
    out[small] = _erf_small(x[small])
    big = ~small
    xb = x[big]
    out[big] = np.copysign((0.5 - _erfc_large(np.abs(xb))) + 0.5, xb)   # erf = 1 - erfc
    return out


def erfc(x: np.ndarray) -> np.ndarray:
    """Complementary error function erfc(x) = 1 - erf(x), accurate also where it is tiny.

    For large positive x, 1 - erf(x) would round to 0 long before erfc(x)
    does (erfc(10) = 2.1e-45); the direct approximation keeps full relative
    precision down to the float64 underflow near x = 26.5.
    """
    x = _as_float_array(x)
    out = np.empty_like(x)
    small = np.abs(x) <= _ERF_SMALL
    out[small] = 1.0 - _erf_small(x[small])
    big = ~small
    xb = x[big]
    tail = _erfc_large(np.abs(xb))                                  # erfc(|x|)
    out[big] = np.where(xb < 0, 2.0 - tail, tail)                   # erfc(-y) = 2 - erfc(y)
    return out
