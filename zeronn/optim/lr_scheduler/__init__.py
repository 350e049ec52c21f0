"""Learning-rate schedulers: change ``group["lr"]`` of an optimizer as training goes on.

Same names, arguments and rules as ``torch.optim.lr_scheduler``::

    from zeronn.optim.lr_scheduler import CosineAnnealingLR
    scheduler = CosineAnnealingLR(optimizer, T_max=50)
    ...
    scheduler.step()            # once per epoch (ReduceLROnPlateau: scheduler.step(val_loss))
"""

from zeronn.optim.lr_scheduler.cosine_lr import CosineAnnealingLR
from zeronn.optim.lr_scheduler.exponential_lr import ExponentialLR
from zeronn.optim.lr_scheduler.linear_lr import LinearLR
from zeronn.optim.lr_scheduler.multistep_lr import MultiStepLR
from zeronn.optim.lr_scheduler.onecycle import OneCycleLR
from zeronn.optim.lr_scheduler.plateau import ReduceLROnPlateau
from zeronn.optim.lr_scheduler.scheduler import LRScheduler
from zeronn.optim.lr_scheduler.sequential_lr import SequentialLR
from zeronn.optim.lr_scheduler.step_lr import StepLR

__all__ = [
    "LRScheduler",
    "StepLR",
    "MultiStepLR",
    "OneCycleLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LinearLR",
    "ReduceLROnPlateau",
    "SequentialLR",
]
