"""``model.summary``: one row per child in call order, for Sequential and for any other model."""

from __future__ import annotations

import numpy as np

from zeronn.nn import Flatten, Layer, Linear, ReLU, Sequential


class _TwoHeads(Layer):
    """Not a Sequential: the children are called in another order than assigned, one of them twice."""

    def __init__(self) -> None:
        super().__init__()
        self.head = Linear(4, 2, rng=0)
        self.body = Linear(3, 4, rng=1)
        self.act = ReLU()

    def forward(self, x: np.ndarray) -> np.ndarray:
        return self.head(self.act(self.act(self.body(x))))


def test_sequential_rows_and_shapes():
    model = Sequential(Flatten(), Linear(12, 5, rng=0), ReLU(), Linear(5, 2, rng=1))
    text = model.summary((3, 4), print_fn=None)
    lines = text.splitlines()
    assert lines[1].split() == ["Layer", "Arguments", "Output", "shape", "Params"]
    assert "0: Flatten" in lines[3] and "(batch, 12)" in lines[3]
    assert "1: Linear" in lines[4] and "(batch, 5)" in lines[4] and "65" in lines[4]   # 12*5 + 5
    assert "3: Linear" in lines[6] and "(batch, 2)" in lines[6] and "12" in lines[6]   # 5*2 + 2
    assert lines[-1] == "Total parameters: 77   input: (batch, 3, 4)"


def test_any_model_is_summarised_in_call_order():
    model = _TwoHeads()
    text = model.summary((3,), print_fn=None)
    rows = [line.split(":")[0] for line in text.splitlines()[3:-2]]
    assert rows == ["body", "act", "act", "head"]
    assert "Total parameters: 26" in text                                  # (3*4 + 4) + (4*2 + 2)
    assert all("forward" not in vars(layer) for layer in model.modules())  # the model is left as it was
    np.testing.assert_array_equal(model(np.ones((1, 3))), model(np.ones((1, 3))))


def test_a_single_layer_is_one_row():
    text = Linear(3, 2, rng=0).summary((3,), print_fn=None)
    assert "Linear" in text and "(batch, 2)" in text and "Total parameters: 8" in text


def test_no_import_circle():
    import importlib
    import sys

    for name in [n for n in sys.modules if n == "zeronn.nn.summary"]:
        del sys.modules[name]
    module = importlib.import_module("zeronn.nn.summary")
    assert "Layer" not in vars(module)                                     # only imported for type checking
