"""Batch normalisation: standardise each channel over the batch, then scale and shift it.

Both layers work on a three-axis view of their input, (N, C, L):

    BatchNorm1d   (N, C)        -> (N, C, 1)
                  (N, C, L)     -> (N, C, L)
    BatchNorm2d   (N, C, H, W)  -> (N, C, H*W)      (a reshape of a C-contiguous array: no copy)

so every per-channel statistic is a reduction over the axes n and l (the
statistics and the backward are kernels: ``kernels.batchnorm_statistics``,
``kernels.batchnorm_backward``).
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np

from zeronn import kernels
from zeronn._validation import check_in_range, check_positive_float, check_positive_int, expect_grad_shape, format_shape
from zeronn.dtype import resolve_dtype
from zeronn.nn import init
from zeronn.nn.layer import Layer
from zeronn.nn.parameter import Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d"]


def _length(shape: tuple[int, ...]) -> int:
    """L of the (N, C, L) view: the product of the axes after C (1 for (N, C))."""
    return int(np.prod(shape[2:], dtype=np.int64))


class _BatchNorm(Layer):
    """Shared code of ``BatchNorm1d`` and ``BatchNorm2d`` (they differ only in the input shapes they accept).

    For each channel c, with n = N * L values x_i of that channel in the batch:

    Forward (training, batch statistics):
        mean    = (1/n) * sum_i x_i                                   (C,)
        var     = (1/n) * sum_i (x_i - mean)^2                        (C,)  biased: divides by n
        invstd  = 1 / sqrt(var + eps)                                 (C,)
        xhat_i  = (x_i - mean) * invstd                               (N, C, L)
        y_i     = gamma * xhat_i + beta                               (N, C, L)
      and the running statistics move towards the batch ones:
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var  = (1 - momentum) * running_var  + momentum * var * n / (n - 1)   (unbiased)
      (momentum=None: the cumulative average, momentum = 1 / num_batches_tracked).

    Backward (training), given g_i = dL/dy_i:
        dbeta  = sum_i g_i                                            (C,)
        dgamma = sum_i g_i * xhat_i                                   (C,)
        dx_i   = (1/n) * gamma * invstd * (n * g_i - sum_j g_j - xhat_i * sum_j g_j * xhat_j)
               = gamma * invstd * (g_i - dbeta / n - xhat_i * dgamma / n)
      The last two terms are there because mean and var depend on every x_j of
      the channel: moving one input moves the statistics of all the others.

    Forward (eval, or before any training): the same formula with
    running_mean and running_var in place of mean and var, so each channel is
    a fixed affine map y = x * scale + shift and its backward is
    dx = g * gamma * invstd (dbeta and dgamma as above).

    With ``track_running_stats=False`` there are no running statistics and the
    batch statistics are used in eval mode too (as in PyTorch).
    """

    #: The accepted input shapes, with "C" standing for num_features (set by each subclass).
    input_patterns: tuple[tuple[str, ...], ...] = ()

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: Optional[float] = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.num_features = check_positive_int("num_features", num_features)
        self.eps = check_positive_float("eps", eps)
        self.momentum = None if momentum is None else check_in_range("momentum", momentum, 0.0, 1.0)
        self.affine = bool(affine)
        self.track_running_stats = bool(track_running_stats)
        dtype = resolve_dtype(dtype)
        shape = (self.num_features,)
        self.weight = Parameter(init.ones(shape, dtype=dtype)) if self.affine else None   # gamma
        self.bias = Parameter(init.zeros(shape, dtype=dtype)) if self.affine else None    # beta
        self.running_mean: Any                                         # ndarray (C,), or None without
        self.running_var: Any                                          # running statistics
        self.num_batches_tracked: Any
        if self.track_running_stats:
            self.buffer_names = ("running_mean", "running_var", "num_batches_tracked")
            self.running_mean = init.zeros(shape, dtype=dtype)     # (placeholders under init.skip_init())
            self.running_var = init.ones(shape, dtype=dtype)
            self.num_batches_tracked = np.array(0, dtype=np.int64)
        else:
            self.buffer_names = ()
            self.running_mean = None
            self.running_var = None
            self.num_batches_tracked = None

    def reset_running_stats(self) -> None:
        """Set running_mean to 0, running_var to 1 and num_batches_tracked to 0."""
        if self.track_running_stats:
            self.running_mean[...] = 0
            self.running_var[...] = 1
            self.num_batches_tracked = np.array(0, dtype=np.int64)

    # ------------------------------------------------------------------ input checks
    def _as_ncl(self, x: np.ndarray) -> np.ndarray:
        """Check the shape of ``x`` and return its (N, C, L) view."""
        fits = any(
            x.ndim == len(pattern) and x.shape[1] == self.num_features for pattern in self.input_patterns
        )
        if not fits:
            expected = " or ".join(
                format_shape([self.num_features if axis == "C" else axis for axis in pattern])
                for pattern in self.input_patterns
            )
            wrong_channels = x.ndim >= 2 and x.shape[1] != self.num_features
            raise ValueError(
                f"{self!r} expects input of shape {expected}, got {format_shape(x.shape)}"
                + (f" ({x.shape[1]} channels instead of {self.num_features})" if wrong_channels else "")
            )
        if x.dtype.kind != "f":
            x = x.astype(self._param_dtype())                          # e.g. uint8 images
        return x.reshape(x.shape[0], self.num_features, _length(x.shape))   # (N, C, L)

    def _param_dtype(self) -> np.dtype:
        if self.weight is not None:
            return self.weight.dtype
        if self.running_mean is not None:
            return self.running_mean.dtype
        return resolve_dtype(None)

    def _uses_batch_stats(self) -> bool:
        return self.training or not self.track_running_stats

    # ------------------------------------------------------------------ forward / backward
    def forward(self, x: np.ndarray) -> np.ndarray:
        x3 = self._as_ncl(x)                                           # (N, C, L)
        if self._uses_batch_stats():
            y3 = self._forward_batch_stats(x3)
        else:
            y3 = self._forward_running_stats(x3)
        self.save_for_backward(input_shape=x.shape)
        return y3.reshape(x.shape)

    def _forward_batch_stats(self, x: np.ndarray) -> np.ndarray:
        n = x.shape[0] * x.shape[2]                                    # values per channel
        if n == 0:                                                     # an empty batch: nothing to normalise
            self.save_for_backward(xhat=x, x=None, mean=None, invstd=np.ones(self.num_features, x.dtype))
            return x.copy()
        if n < 2:
            raise ValueError(
                f"{self!r}: expected more than 1 value per channel when training, got input of shape "
                f"{format_shape(x.shape[:2] if x.shape[2] == 1 else x.shape)}; use batches of at least "
                "2 samples, or call .eval() to normalise with the running statistics"
            )
        mean, var = kernels.batchnorm_statistics(x)                    # (C,), (C,) biased variance
        invstd = 1.0 / np.sqrt(var + self.eps)                         # (C,)
        xhat = (x - mean[:, None]) * invstd[:, None]                   # (N, C, L)  (x - mean) / std
        if self.track_running_stats and self.training:
            self._update_running_stats(mean, var, n)
        self.save_for_backward(xhat=xhat, x=None, mean=None, invstd=invstd)
        if self.weight is None or self.bias is None:                   # affine=False
            return xhat
        return xhat * self.weight.data[:, None] + self.bias.data[:, None]   # (N, C, L)  gamma * xhat + beta

    def _update_running_stats(self, mean: np.ndarray, var: np.ndarray, n: int) -> None:
        self.num_batches_tracked += 1                                  # 0-d int64 array, in place
        factor = 1.0 / float(self.num_batches_tracked) if self.momentum is None else self.momentum
        unbiased_var = var * (n / (n - 1))                             # (C,)
        self.running_mean *= 1.0 - factor
        self.running_mean += factor * mean
        self.running_var *= 1.0 - factor
        self.running_var += factor * unbiased_var

    def _forward_running_stats(self, x: np.ndarray) -> np.ndarray:
        invstd = 1.0 / np.sqrt(self.running_var + self.eps)           # (C,)
        mean = self.running_mean.copy()                                # (C,)  as used now, for backward
        self.save_for_backward(xhat=None, x=x, mean=mean, invstd=invstd)   # xhat=None: running statistics
        y = (x - mean[:, None]) * invstd[:, None]                      # (N, C, L)
        if self.weight is not None and self.bias is not None:
            y = y * self.weight.data[:, None] + self.bias.data[:, None]    # gamma * (x - mean) / std + beta
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        xhat, invstd = self.saved("xhat"), self.saved("invstd")       # (N, C, L) or None, (C,)
        grad_out = expect_grad_shape(self, grad_out, self.saved("input_shape"))
        g = grad_out.reshape(grad_out.shape[0], self.num_features, _length(grad_out.shape))   # (N, C, L)
        gamma = self.weight.data if self.weight is not None else np.ones_like(invstd)
        if xhat is not None:
            dx, dgamma, dbeta = kernels.batchnorm_backward(g, xhat, gamma * invstd)
        else:
            xhat = (self.saved("x") - self.saved("mean")[:, None]) * invstd[:, None]   # (N, C, L)
            dbeta, dgamma = g.sum(axis=(0, 2)), (g * xhat).sum(axis=(0, 2))          # (C,), (C,)
            dx = g * (gamma * invstd)[:, None]                                           # (N, C, L)
        if self.weight is not None and self.bias is not None:
            self.weight.accumulate_grad(dgamma.astype(self.weight.dtype, copy=False))
            self.bias.accumulate_grad(dbeta.astype(self.bias.dtype, copy=False))
        return dx.reshape(grad_out.shape)

    # ------------------------------------------------------------------ config / display
    def get_config(self) -> dict[str, Any]:
        return {
            "num_features": self.num_features,
            "eps": self.eps,
            "momentum": self.momentum,
            "affine": self.affine,
            "track_running_stats": self.track_running_stats,
        }

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of features (N, C) or sequences (N, C, L), per channel C.

    Per channel, over the n = N (or N * L) values of the batch (details in ``_BatchNorm``):

    Forward:   training: xhat = (x - mean) / sqrt(var + eps),  y = gamma * xhat + beta
                         (mean and biased var of the batch; running_mean/var move towards
                         them, with the unbiased var)
               eval:     the same with running_mean and running_var
    Backward:  training: dbeta = sum g,  dgamma = sum g * xhat,  invstd = 1 / sqrt(var + eps)
                         dx = (1/n) * gamma * invstd * (n * g - sum g - xhat * sum g * xhat)
               eval:     dx = g * gamma * invstd   (dbeta, dgamma as in training)

    Input (N, C) or (N, C, L); output of the same shape.

    Parameters
    ----------
    num_features : int
        C, the number of features (channels).
    eps : float, default 1e-5
        Added to the variance before the square root.
    momentum : float in [0, 1] or None, default 0.1
        Weight of the new batch in the running statistics; None for the
        cumulative average over all batches seen.
    affine : bool, default True
        Learn a per-channel scale ``weight`` (gamma, starts at 1) and shift
        ``bias`` (beta, starts at 0).
    track_running_stats : bool, default True
        Keep ``running_mean``, ``running_var`` and ``num_batches_tracked``
        (buffers, saved in ``state_dict``) and use them in eval mode.
    dtype : float32 or float64, optional
        dtype of parameters and buffers; the library default when omitted.

    Examples
    --------
    >>> import numpy as np
    >>> bn = BatchNorm1d(3)
    >>> y = bn(np.random.default_rng(0).normal(5.0, 2.0, size=(64, 3)).astype(np.float32))
    >>> bool(np.allclose(y.mean(axis=0), 0.0, atol=1e-5)), bool(np.allclose(y.std(axis=0), 1.0, atol=1e-3))
    (True, True)
    """

    input_patterns = (("batch", "C"), ("batch", "C", "length"))


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of images (N, C, H, W), per channel C.

    Per channel, over the n = N * H * W pixels of that channel in the batch
    (details in ``_BatchNorm``):

    Forward:   training: xhat = (x - mean) / sqrt(var + eps),  y = gamma * xhat + beta
                         (mean and biased var of the batch; running_mean/var move towards
                         them, with the unbiased var)
               eval:     the same with running_mean and running_var
    Backward:  training: dbeta = sum g,  dgamma = sum g * xhat,  invstd = 1 / sqrt(var + eps)
                         dx = (1/n) * gamma * invstd * (n * g - sum g - xhat * sum g * xhat)
               eval:     dx = g * gamma * invstd   (dbeta, dgamma as in training)

    Input (N, C, H, W); output of the same shape.  Parameters as ``BatchNorm1d``.

    Examples
    --------
    >>> import numpy as np
    >>> bn = BatchNorm2d(8)
    >>> bn(np.zeros((2, 8, 5, 5), np.float32)).shape
    (2, 8, 5, 5)
    """

    input_patterns = (("batch", "C", "height", "width"),)

