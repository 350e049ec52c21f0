"""Shared tools for the optimizer tests: run zeronn and torch on the same gradients, side by side."""

from __future__ import annotations

import math

import numpy as np

from tests.torch_helpers import require_torch
from zeronn import optim
from zeronn.nn import Parameter

SHAPES = [(3, 4), (4,), (2, 3, 2)]
STEPS = 25


def initial_arrays(dtype=np.float64, seed=0):
    """Starting values of the three test parameters."""
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape).astype(dtype) for shape in SHAPES]


def gradient_table(seed=1):
    """Fixed per-step, per-parameter noise: table[step][index]."""
    rng = np.random.default_rng(seed)
    return [[rng.normal(size=shape) for shape in SHAPES] for _ in range(2 * STEPS)]


def gradient(table, step, index, value):
    """The gradient of parameter ``index`` at ``step``: noise plus a pull towards 0 (a quadratic bowl)."""
    return table[step][index].astype(value.dtype) + 0.5 * value


def has_grad(step, index):
    """Parameter 1 gets no gradient on every third step (the optimizer must skip it)."""
    return not (index == 1 and step % 3 == 1)


def zeronn_trajectory(make, steps=STEPS, dtype=np.float64, *, frozen=None):
    """Run ``make(zeronn.optim, params)`` for ``steps`` steps; return the parameter values after each step.

    ``frozen`` (an index) marks one parameter ``requires_grad=False`` while still giving it a gradient.
    """
    params = [Parameter(a) for a in initial_arrays(dtype)]
    if frozen is not None:
        params[frozen].requires_grad = False
    optimizer = make(optim, params)
    return _run(optimizer, params, lambda p: p.data, _set_grad, steps)


def torch_trajectory(make, steps=STEPS, *, frozen=None):
    """The same run with ``torch.optim`` in float64 (a frozen parameter simply gets no gradient)."""
    torch = require_torch()
    params = [torch.tensor(a, requires_grad=True) for a in initial_arrays()]
    optimizer = make(torch.optim, params)

    def set_grad(p, g, index):
        p.grad = None if index == frozen else torch.from_numpy(g)

    return _run(optimizer, params, lambda p: p.detach().numpy(), set_grad, steps)


def _set_grad(p, g, index):
    p.grad = g


def _run(optimizer, params, value_of, set_grad, steps):
    table = gradient_table()
    trajectory = []
    for step in range(steps):
        optimizer.zero_grad()
        for index, p in enumerate(params):
            if has_grad(step, index):
                set_grad(p, gradient(table, step, index, np.array(value_of(p))), index)
        optimizer.step()
        trajectory.append([np.array(value_of(p), copy=True) for p in params])
    return trajectory


def assert_trajectories_match(ours, theirs, rtol=1e-10, atol=1e-12):
    """Every parameter after every step agrees to float64 rounding."""
    assert len(ours) == len(theirs)
    for step, (mine, reference) in enumerate(zip(ours, theirs)):
        for index, (a, b) in enumerate(zip(mine, reference)):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol, err_msg=f"step {step}, parameter {index}")


def check_torch_parity(make, **kwargs):
    """Run the same optimizer in zeronn and torch; compare the trajectories step by step."""
    require_torch()
    assert_trajectories_match(zeronn_trajectory(make, **kwargs), torch_trajectory(make, **kwargs))


def check_resume_is_bit_identical(make, split=10, steps=20):
    """Save mid-run, load into a fresh optimizer, continue: the result equals an uninterrupted run bit for bit."""
    table = gradient_table()

    def run(optimizer, params, start, stop):
        for step in range(start, stop):
            optimizer.zero_grad()
            for index, p in enumerate(params):
                if has_grad(step, index):
                    p.grad = gradient(table, step, index, p.data)
            optimizer.step()

    params = [Parameter(a) for a in initial_arrays()]
    optimizer = make(optim, params)
    run(optimizer, params, 0, split)
    saved_values = [p.data.copy() for p in params]
    saved_state = optimizer.state_dict()
    assert_state_tree(saved_state)
    run(optimizer, params, split, steps)

    resumed_params = [Parameter(v) for v in saved_values]
    resumed = make(optim, resumed_params)
    resumed.load_state_dict(saved_state)
    run(resumed, resumed_params, split, steps)
    for a, b in zip(params, resumed_params):
        assert np.array_equal(a.data, b.data)
    return saved_state


def assert_state_tree(tree, path="state_dict"):
    """The state-dict convention: str keys; leaves are arrays or JSON values."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            assert isinstance(key, str), f"{path}: key {key!r} is not a str"
            assert_state_tree(value, f"{path}.{key}")
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            assert_state_tree(value, f"{path}[{index}]")
    else:
        ok = isinstance(tree, np.ndarray) or tree is None or type(tree) in (bool, int, str, float)
        assert ok, f"{path}: leaf of type {type(tree).__name__}"
        if type(tree) is float:
            assert math.isfinite(tree) or path.endswith("best"), f"{path}: {tree}"


def check_float32_stays_float32(make):
    """float32 parameters and gradients: parameters and every state array stay float32."""
    params = [Parameter(a) for a in initial_arrays(np.float32)]
    optimizer = make(optim, params)
    table = gradient_table()
    for step in range(5):
        optimizer.zero_grad()
        for index, p in enumerate(params):
            if has_grad(step, index):
                p.grad = gradient(table, step, index, p.data)
                assert p.grad.dtype == np.float32
        optimizer.step()
    for p in params:
        assert p.data.dtype == np.float32
        for value in optimizer.state[p].values():
            if isinstance(value, np.ndarray):
                assert value.dtype == np.float32
    # close to the float64 run
    reference = zeronn_trajectory(make, steps=5)[-1]
    for p, expected in zip(params, reference):
        np.testing.assert_allclose(p.data, expected, rtol=1e-4, atol=1e-5)
