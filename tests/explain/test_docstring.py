"""The formula paragraphs read from docstrings."""

from zeronn import nn
from zeronn.explain.docstring import formulas_of, split_formula


class _Scaled(nn.Linear):
    """A Linear whose docstring has no formulas of its own."""


def test_linear_paragraphs():
    formulas = formulas_of(nn.Linear)
    assert formulas.forward[0] == "y = x @ W + b"
    assert formulas.backward[0].startswith("given g = dL/dy")
    assert any(line.startswith("dW = x.T @ g") for line in formulas.backward)


def test_a_subclass_inherits_the_formulas_but_keeps_its_summary():
    formulas = formulas_of(_Scaled)
    assert formulas.forward[0] == "y = x @ W + b"
    assert formulas.summary == "A Linear whose docstring has no formulas of its own."


def test_split_formula_keeps_single_spaces():
    assert split_formula("dW = x.T @ g          (in_features, out_features)") == (
        "dW = x.T @ g", "(in_features, out_features)")
    assert split_formula("y = max(x, 0)") == ("y = max(x, 0)", "")
