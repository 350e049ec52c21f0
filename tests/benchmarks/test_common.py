"""Tests for benchmarks/_common.py: the numbers every benchmark prints beside its timings."""

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def common():
    sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("_common", BENCHMARKS / "_common.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    sys.path.remove(str(BENCHMARKS))


def test_ratio_summary_gives_median_and_range(common):
    assert common.ratio_summary([0.9, 0.8, 1.1]) == "0.90x (0.80-1.10x over 3 runs)"
    assert common.ratio_summary([0.8, 1.0]) == "0.90x (0.80-1.00x over 2 runs)"
    assert common.ratio_summary([0.5]) == "0.50x (0.50-0.50x over 1 run)"


def test_cpu_model_names_the_cpu(common):
    text = common.cpu_model()
    assert "CPUs" in text and not text.startswith(",")


def test_backend_report_names_the_active_kernels(common):
    import zeronn

    assert common.use_backend("numpy") >= 0
    assert common.backend_report() == "ZeroNN kernels: numpy"
    if importlib.util.find_spec("numba") is not None:
        common.use_backend("fast")
        assert common.backend_report().startswith("ZeroNN kernels: fast (numba ")
        zeronn.set_backend("numpy")
