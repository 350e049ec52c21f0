"""Every kernel test runs on each backend: NumPy always, ``fast`` where numba is installed."""

import importlib.util

import pytest

from zeronn import kernels


@pytest.fixture(params=kernels.BACKENDS)
def backend(request):
    """Switch the kernels to one backend for the test, and back afterwards."""
    if request.param == "fast" and importlib.util.find_spec("numba") is None:
        pytest.skip("the fast backend needs numba (pip install zeronn[fast])")
    previous = kernels.get_backend()
    kernels.set_backend(request.param)
    yield request.param
    kernels.set_backend(previous)
