"""Helpers for tests that use PyTorch as an oracle (skipped when torch is absent)."""

import numpy as np
import pytest


def require_torch():
    """Return the torch module, or skip the calling test if it is not installed."""
    torch = pytest.importorskip("torch")
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)      # tiny tensors: threads only add overhead (and noise on a busy machine)
    return torch


def assert_close(actual, expected, *, dtype=np.float64, what=""):
    """Compare with the house tolerances: float64 1e-8 relative, float32 1e-5."""
    rtol, atol = (1e-8, 1e-10) if np.dtype(dtype) == np.float64 else (1e-5, 1e-6)
    actual = np.asarray(actual)
    expected = expected.detach().numpy() if hasattr(expected, "detach") else np.asarray(expected)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol, err_msg=what)


def torch_forward_backward(function, x, grad):
    """Run ``function`` (a torch module or callable) on ``x`` and backpropagate ``grad``.

    Returns ``(output, input_gradient)`` as torch tensors, for ``assert_close``.
    """
    import torch

    xt = torch.from_numpy(np.ascontiguousarray(x)).requires_grad_()
    yt = function(xt)
    yt.backward(torch.from_numpy(np.ascontiguousarray(grad)))
    return yt, xt.grad
