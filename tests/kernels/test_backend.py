"""Choosing the backend: set_backend, get_backend, ZERONN_BACKEND, backend_info."""

import importlib.util
import os
import subprocess
import sys

import pytest

import zeronn
from zeronn import kernels


def test_numpy_is_the_default_and_can_be_chosen():
    assert zeronn.get_backend() == kernels.get_backend()
    previous = kernels.get_backend()
    zeronn.set_backend("numpy")
    assert zeronn.get_backend() == "numpy"
    assert kernels.backend_info()["backend"] == "numpy"
    zeronn.set_backend(previous)


def test_unknown_backend_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="Unknown backend 'cuda'; valid choices are: numpy, fast"):
        zeronn.set_backend("cuda")


def test_every_backend_provides_every_kernel():
    from zeronn.kernels import numpy_backend

    assert set(kernels.KERNELS) <= set(numpy_backend.__all__)
    if importlib.util.find_spec("numba") is not None:
        from zeronn.kernels import numba_backend

        assert set(kernels.KERNELS) <= set(numba_backend.__all__)


def _run(code, backend):
    env = {**os.environ, "ZERONN_BACKEND": backend}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_environment_variable_chooses_the_backend():
    done = _run("import zeronn; print(zeronn.get_backend())", "numpy")
    assert done.stdout.strip() == "numpy"
    wrong = _run("import zeronn", "gpu")
    assert wrong.returncode != 0 and "ZERONN_BACKEND='gpu' is not a backend" in wrong.stderr


def test_fast_backend_reports_compile_time_and_cache():
    pytest.importorskip("numba")
    previous = kernels.get_backend()
    zeronn.set_backend("fast")
    info = kernels.backend_info()
    zeronn.set_backend(previous)
    assert info["backend"] == "fast" and info["compile_seconds"] >= 0 and info["parallel"] is False
    assert isinstance(info["disk_cache"], bool) and info["numba"]


def test_fast_without_numba_says_how_to_install(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    with pytest.raises(RuntimeError, match=r"pip install zeronn\[fast\]"):
        kernels.set_backend("fast")


def test_kernels_compile_in_memory_where_no_cache_folder_is_writable(monkeypatch):
    numba = pytest.importorskip("numba")
    from zeronn.kernels import numba_backend

    real_njit = numba.njit

    def njit(*args, cache=False, **kwargs):
        if cache:
            raise RuntimeError("cannot cache function 'f': no locator available for file 'f.py'")
        return real_njit(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", njit)
    monkeypatch.setattr(numba_backend, "_cache_enabled", True)
    double = numba_backend._jit(lambda x: 2 * x)
    assert double(3) == 6 and numba_backend.describe()["disk_cache"] is False


def test_malloc_is_tuned_for_reuse_on_glibc_and_left_alone_elsewhere(monkeypatch):
    import platform

    on_glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert kernels.backend_info()["malloc_tuned"] is on_glibc
    monkeypatch.setattr(sys, "platform", "darwin")
    assert kernels._tune_malloc() is False


def test_malloc_tuning_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("ZERONN_TUNE_MALLOC", "0")
    assert kernels._tune_malloc() is False
