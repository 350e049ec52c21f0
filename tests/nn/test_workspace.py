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


def test_recycled_reuses_an_array_only_when_nobody_holds_it():
    space = Workspace()
    first = space.recycled("y", (3,), np.float32)
    second = space.recycled("y", (3,), np.float32)
    assert second is not first                     # `first` is still held here
    identity = id(second)                          # the workspace keeps `second` alive: its id stays valid
    del first, second
    third = space.recycled("y", (3,), np.float32)
    assert id(third) == identity                   # nobody held it any more: reused
    view = third.reshape(3, 1)                     # a view keeps its base in use
    del third
    fourth = space.recycled("y", (3,), np.float32)
    assert view.base is not fourth
    with zeronn.no_grad():
        space.recycled("y", (3,), np.float32)
    assert space.nbytes() == 0


def test_recycled_never_hands_out_an_array_still_in_use(rng):
    """Outputs a caller keeps stay intact when the layer runs again."""
    from zeronn.nn import Conv2d

    layer = Conv2d(1, 2, 3)
    x1, x2 = rng.normal(size=(2, 2, 1, 5, 5)).astype(np.float32)
    kept = layer(x1)
    snapshot = kept.copy()
    layer(x2)
    np.testing.assert_array_equal(kept, snapshot)
