"""Optimizers, gradient clipping and learning-rate schedulers, with ``torch.optim``'s names and update rules.

>>> from zeronn.optim import SGD
>>> optimizer = SGD(model.parameters(), lr=0.1, momentum=0.9)    # doctest: +SKIP
"""

from zeronn.optim import lr_scheduler
from zeronn.optim.adagrad import Adagrad
from zeronn.optim.adam import Adam
from zeronn.optim.adamw import AdamW
from zeronn.optim.clip import clip_grad_norm_, clip_grad_value_
from zeronn.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LinearLR,
    LRScheduler,
    MultiStepLR,
    OneCycleLR,
    ReduceLROnPlateau,
    SequentialLR,
    StepLR,
)
from zeronn.optim.optimizer import Optimizer
from zeronn.optim.registry import OPTIMIZERS, SCHEDULERS, get_optimizer, get_scheduler
from zeronn.optim.rmsprop import RMSprop
from zeronn.optim.sgd import SGD

__all__ = [
    "Optimizer",
    "SGD",
    "Adam",
    "AdamW",
    "RMSprop",
    "Adagrad",
    "clip_grad_norm_",
    "clip_grad_value_",
    "OPTIMIZERS",
    "get_optimizer",
    "lr_scheduler",
    "LRScheduler",
    "StepLR",
    "MultiStepLR",
    "OneCycleLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LinearLR",
    "ReduceLROnPlateau",
    "SequentialLR",
    "SCHEDULERS",
    "get_scheduler",
]
