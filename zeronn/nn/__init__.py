"""Layers, each with its forward and backward side by side.

Helpers add their layers' re-exports below, one import line per module.
"""

from zeronn.nn import init
from zeronn.nn.dropout import Dropout
from zeronn.nn.flatten import Flatten
from zeronn.nn.identity import Identity
from zeronn.nn.layer import LAYER_REGISTRY, Layer, layer_from_spec, layer_to_spec
from zeronn.nn.linear import Linear
from zeronn.nn.parameter import Parameter
from zeronn.nn.sequential import Sequential

__all__ = [
    "init",
    "Layer",
    "Parameter",
    "LAYER_REGISTRY",
    "layer_from_spec",
    "layer_to_spec",
    "Linear",
    "Sequential",
    "Flatten",
    "Identity",
    "Dropout",
]
