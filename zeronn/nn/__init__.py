"""Layers, each with its forward and backward side by side.

Helpers add their layers' re-exports below, one import line per module.
"""

from zeronn.nn import init
from zeronn.nn.activation import (
    ACTIVATIONS,
    ELU,
    GELU,
    SELU,
    LeakyReLU,
    LogSoftmax,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Swish,
    Tanh,
    get_activation,
)
from zeronn.nn.batchnorm import BatchNorm1d, BatchNorm2d
from zeronn.nn.conv import Conv2d
from zeronn.nn.dropout import Dropout
from zeronn.nn.dropout2d import Dropout2d
from zeronn.nn.flatten import Flatten
from zeronn.nn.identity import Identity
from zeronn.nn.layer import LAYER_REGISTRY, Layer, layer_from_spec, layer_to_spec, register_layer
from zeronn.nn.linear import Linear
from zeronn.nn.parameter import Parameter
from zeronn.nn.pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from zeronn.nn.sequential import Sequential

__all__ = [
    "init",
    "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "SELU", "GELU", "SiLU", "Swish", "Softplus", "Softmax",
    "LogSoftmax", "ACTIVATIONS", "get_activation",
    "BatchNorm1d",
    "BatchNorm2d",
    "Dropout2d",
    "Conv2d",
    "MaxPool2d",
    "AvgPool2d",
    "AdaptiveAvgPool2d",
    "Layer",
    "Parameter",
    "LAYER_REGISTRY",
    "register_layer",
    "layer_from_spec",
    "layer_to_spec",
    "Linear",
    "Sequential",
    "Flatten",
    "Identity",
    "Dropout",
]
