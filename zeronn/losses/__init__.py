"""Losses: each computes a score and its gradient with respect to the prediction.

    loss_fn = CrossEntropyLoss()
    value = loss_fn(logits, labels)     # a float
    grad = loss_fn.backward()           # dL/d(logits), same shape as logits
"""

from zeronn.losses.bce import BCELoss
from zeronn.losses.bce_with_logits import BCEWithLogitsLoss
from zeronn.losses.cross_entropy import CrossEntropyLoss
from zeronn.losses.huber import HuberLoss
from zeronn.losses.l1 import L1Loss
from zeronn.losses.loss import REDUCTIONS, Loss
from zeronn.losses.mse import MSELoss
from zeronn.losses.nll import NLLLoss
from zeronn.losses.registry import LOSSES, get_loss
from zeronn.losses.sse import SSELoss

__all__ = [
    "Loss",
    "REDUCTIONS",
    "MSELoss",
    "SSELoss",
    "L1Loss",
    "HuberLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "LOSSES",
    "get_loss",
]
