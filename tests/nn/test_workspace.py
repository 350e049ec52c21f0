"""Tests for zeronn.nn._workspace."""

import copy

import numpy as np

import zeronn
from zeronn.nn._workspace import Workspace


def test_reuses_a_fitting_array_and_fills_only_new_ones():
    space = Workspace()
    first = space.get("a", (2, 3), np.float32, fill=0)
    assert not first.any()
    first[:] = 5
    assert space.get("a", (2, 3), np.float32, fill=0) is first        # reused, not refilled
    assert space.get("a", (2, 4), np.float32) is not first            # new shape, new array
    assert space.get("a", (2, 4), np.float64).dtype == np.float64


def test_keeps_nothing_under_no_grad():
    space = Workspace()
    space.get("a", (10,), np.float32)
    with zeronn.no_grad():
        space.get("b", (10,), np.float32)
        assert space.nbytes() == 0


def test_copies_start_empty():
    space = Workspace()
    space.get("a", (10,), np.float32)
    assert copy.deepcopy(space).nbytes() == 0 and space.nbytes() == 40
