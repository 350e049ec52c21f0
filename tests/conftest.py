"""Shared pytest fixtures."""

import numpy as np
import pytest

import zeronn


@pytest.fixture(autouse=True)
def _restore_global_state():
    """Each test starts with float32 as default dtype and a seeded global generator."""
    zeronn.set_default_dtype("float32")
    zeronn.manual_seed(1234)
    yield
    zeronn.set_default_dtype("float32")


@pytest.fixture
def rng():
    """A fresh seeded generator."""
    return np.random.default_rng(0)
