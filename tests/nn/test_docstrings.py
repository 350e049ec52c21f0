"""Every layer and activation states its math as ``Forward:`` and ``Backward:`` paragraphs (explain mode reads them)."""

import inspect
import re

import pytest

from zeronn import nn

LAYERS = [
    nn.Linear, nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d, nn.BatchNorm1d, nn.BatchNorm2d,
    nn.Dropout, nn.Dropout2d, nn.Flatten, nn.Identity, nn.Sequential, nn.Sigmoid, nn.Tanh, nn.ReLU, nn.LeakyReLU,
    nn.ELU, nn.SELU, nn.GELU, nn.SiLU, nn.Softplus, nn.Softmax, nn.LogSoftmax,
]


@pytest.mark.parametrize("layer", LAYERS, ids=lambda cls: cls.__name__)
def test_docstring_has_forward_and_backward_paragraphs(layer):
    text = inspect.cleandoc(layer.__doc__)
    for label in ("Forward:", "Backward:"):
        match = re.search(rf"^{label}\s+\S", text, flags=re.MULTILINE)
        assert match, f"{layer.__name__}'s docstring has no '{label}' paragraph at the start of a line"
