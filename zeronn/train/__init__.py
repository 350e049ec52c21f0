"""Training: the ``Trainer`` loop, ``fit`` / ``evaluate`` / ``predict``, callbacks, history and checkpoints."""

from zeronn.train.callbacks import Callback, EarlyStopping, LambdaCallback, ModelCheckpoint
from zeronn.train.checkpoint import model_from_checkpoint, read_checkpoint, save_checkpoint
from zeronn.train.fit import evaluate, fit, predict
from zeronn.train.history import History
from zeronn.train.lr_finder import LRFinderResult, lr_find
from zeronn.train.nan_check import NonFiniteLossError
from zeronn.train.trainer import Trainer

__all__ = [
    "Trainer",
    "fit",
    "evaluate",
    "predict",
    "History",
    "lr_find",
    "LRFinderResult",
    "Callback",
    "LambdaCallback",
    "EarlyStopping",
    "ModelCheckpoint",
    "NonFiniteLossError",
    "read_checkpoint",
    "save_checkpoint",
    "model_from_checkpoint",
]
