"""Shared checks for the loss tests: PyTorch parity of value and gradient for one reduction."""

import numpy as np

from tests.torch_helpers import assert_close, require_torch

REDUCTIONS = ("mean", "sum", "none")


def assert_matches_torch(loss, torch_loss, prediction, target, *, dtype):
    """Compare ``loss(prediction, target)`` and ``loss.backward()`` with the torch loss, at house tolerances.

    With reduction="none" both backward passes receive the same random weights
    for the per-sample losses.
    """
    torch = require_torch()
    p = np.asarray(prediction, dtype=dtype)
    t = np.asarray(target)
    t = t.astype(dtype) if t.dtype.kind == "f" else t.astype(np.int64)
    pt = torch.tensor(p, requires_grad=True)
    expected = torch_loss(pt, torch.tensor(t))
    value = loss(p, t)
    if loss.reduction == "none":
        weights = np.random.default_rng(0).normal(size=np.shape(value)).astype(dtype)
        expected.backward(torch.tensor(weights))
        grad = loss.backward(weights)
    else:
        assert isinstance(value, float)
        expected.backward()
        grad = loss.backward()
    assert grad.dtype == dtype and grad.shape == p.shape
    assert_close(value, expected, dtype=dtype, what=f"{loss!r} value")
    assert_close(grad, pt.grad, dtype=dtype, what=f"{loss!r} gradient")
