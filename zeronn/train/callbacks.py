"""Callbacks: code that the training loop calls at fixed moments (as in Keras).

The trainer calls, in this order::

    on_train_begin(logs)
    for each epoch:
        on_epoch_begin(epoch, logs)
        for each batch:  on_batch_begin(batch, logs);  ...train step...;  on_batch_end(batch, logs)
        ...validation, history, scheduler step...
        on_epoch_end(epoch, logs)        logs: {"loss", "accuracy", "val_loss", ..., "lr", "time"}
    on_train_end(logs)

``epoch`` and ``batch`` count from 0.  A callback stops training after the
current epoch with ``self.trainer.stop_training = True``.  Callbacks with
state that matters for an exact resume return it from ``state_dict()``; it is
saved in checkpoints.  ``ModelCheckpoint`` runs after the other callbacks at
the end of an epoch, so the checkpoint holds their updated state.
"""

from __future__ import annotations

import math
import os
from typing import Any, Callable, Optional, Union

import numpy as np

from zeronn._validation import check_nonnegative_float, check_nonnegative_int, check_positive_int
from zeronn.train.history import higher_is_better

__all__ = ["Callback", "LambdaCallback", "EarlyStopping", "ModelCheckpoint"]

Logs = dict[str, Any]


class Callback:
    """Base class: override the hooks you need; each does nothing by default.

    Attributes
    ----------
    trainer : Trainer
        Set by ``set_trainer`` when training starts.
    order : int
        Callbacks run in increasing ``order`` (then in the order given);
        ``ModelCheckpoint`` uses 100 so that it runs last.
    """

    order: int = 0

    def __init__(self) -> None:
        self.trainer: Any = None

    def set_trainer(self, trainer: Any) -> None:
        """Attach the callback to ``trainer`` (called by the trainer before ``on_train_begin``)."""
        self.trainer = trainer

    @property
    def model(self) -> Any:
        """The model being trained."""
        if self.trainer is None:
            raise RuntimeError(f"{type(self).__name__} is not attached to a trainer yet (set_trainer was not called)")
        return self.trainer.model

    def on_train_begin(self, logs: Optional[Logs] = None) -> None:
        """Called once before the first epoch."""

    def on_train_end(self, logs: Optional[Logs] = None) -> None:
        """Called once after the last epoch (not when training is interrupted by an exception)."""

    def on_epoch_begin(self, epoch: int, logs: Optional[Logs] = None) -> None:
        """Called at the start of every epoch (counted from 0)."""

    def on_epoch_end(self, epoch: int, logs: Optional[Logs] = None) -> None:
        """Called at the end of every epoch with that epoch's values."""

    def on_batch_begin(self, batch: int, logs: Optional[Logs] = None) -> None:
        """Called before every training batch (counted from 0 within the epoch); ``logs`` holds the batch's
        ``"size"`` and the batch itself, ``"x"`` and ``"y"`` (read them, do not change them)."""

    def on_batch_end(self, batch: int, logs: Optional[Logs] = None) -> None:
        """Called after every training step; ``logs`` holds the batch's ``"loss"`` and ``"size"``."""

    def state_dict(self) -> dict[str, Any]:
        """State to save in checkpoints (arrays or JSON values); empty by default."""
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class LambdaCallback(Callback):
    """A callback made of plain functions, for one-off needs.

    >>> LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
    """

    _HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end")

    def __init__(self, **hooks: Callable[..., Any]) -> None:
        super().__init__()
        for name, function in hooks.items():
            if name not in self._HOOKS:
                raise TypeError(f"LambdaCallback got an unknown hook {name!r}; "
                                f"valid hooks are: {', '.join(self._HOOKS)}")
            if not callable(function):
                raise TypeError(f"LambdaCallback {name} must be callable, got {type(function).__name__}")
            setattr(self, name, function)

    def __repr__(self) -> str:
        return f"LambdaCallback({', '.join(name for name in self._HOOKS if name in vars(self))})"


# ---------------------------------------------------------------------------------- monitoring
class _Monitor:
    """Tracks the best value of one logged quantity ("val_loss", "accuracy"...)."""

    def __init__(self, owner: str, monitor: str, mode: str, min_delta: float = 0.0) -> None:
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"{owner}: monitor must be the name of a logged quantity, got {monitor!r}")
        self.owner = owner
        self.name = monitor
        self.maximize = higher_is_better(monitor, mode, owner)
        self.min_delta = min_delta
        self.best: Optional[float] = None

    def check_available(self, keys: Any) -> None:
        """Raise a clear error when the run will never log the monitored quantity."""
        keys = list(keys)
        if self.name in keys:
            return
        hint = ""
        if self.name.startswith("val_"):
            hint = "; pass validation_data=(x_val, y_val) or validation_split=0.2 to fit, or monitor a training value"
        raise ValueError(f"{self.owner} monitors {self.name!r}, which this run does not log "
                         f"(it logs: {', '.join(keys)}){hint}")

    def value(self, logs: Optional[Logs]) -> float:
        if not logs or self.name not in logs:
            raise ValueError(f"{self.owner} monitors {self.name!r}, missing from the epoch's logs "
                             f"({', '.join(logs or {}) or 'empty'})")
        return float(logs[self.name])

    def improved(self, current: float) -> bool:
        """True if ``current`` beats the best so far by more than ``min_delta`` (NaN never does)."""
        if math.isnan(current):
            return False
        if self.best is None:
            return True
        if self.maximize:
            return current > self.best + self.min_delta
        return current < self.best - self.min_delta


# ---------------------------------------------------------------------------------- early stopping
class EarlyStopping(Callback):
    """Stop training when a monitored quantity has stopped improving.

    After each epoch: if ``monitor`` improved on its best value by more than
    ``min_delta``, remember it (and, with ``restore_best_weights``, a copy of
    the weights); otherwise count one more epoch without improvement, and
    stop once ``patience`` such epochs have passed in a row.

    Parameters
    ----------
    monitor : str, default "val_loss"
        A key of the epoch logs ("loss", "val_loss", "accuracy", "val_accuracy"...).
    patience : int >= 0, default 5
        Epochs without improvement tolerated before stopping.
    min_delta : float >= 0, default 0
        Smallest change that counts as an improvement.
    mode : {"auto", "min", "max"}, default "auto"
        Whether lower or higher is better; "auto" picks "max" for accuracy-
        like names and "min" otherwise.
    restore_best_weights : bool, default False
        At the end of training (stopped early or not), load the weights of
        the best epoch back into the model.

    Attributes
    ----------
    best : float or None
        Best value seen.
    best_epoch : int or None
        Epoch (from 0) where it was seen.
    stopped_epoch : int or None
        Epoch after which training was stopped, None if it was not.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 5,
        min_delta: float = 0.0,
        mode: str = "auto",
        restore_best_weights: bool = False,
    ) -> None:
        super().__init__()
        self.patience = check_nonnegative_int("EarlyStopping patience", patience)
        self.min_delta = check_nonnegative_float("EarlyStopping min_delta", min_delta)
        self._monitor = _Monitor("EarlyStopping", monitor, mode, self.min_delta)
        self.monitor = monitor
        self.mode = mode
        self.restore_best_weights = bool(restore_best_weights)
        self._reset()

    def _reset(self) -> None:
        self._monitor.best = None
        self.wait = 0
        self.best_epoch: Optional[int] = None
        self.stopped_epoch: Optional[int] = None
        self.best_weights: Optional[dict[str, np.ndarray]] = None
        self._restored = False

    @property
    def best(self) -> Optional[float]:
        return self._monitor.best

    def on_train_begin(self, logs: Optional[Logs] = None) -> None:
        if not self._restored:                      # a resumed run keeps the state read from the checkpoint
            self._reset()
        self._restored = False
        self._monitor.check_available(getattr(self.trainer, "log_keys", None) or [self.monitor])

    def on_epoch_end(self, epoch: int, logs: Optional[Logs] = None) -> None:
        current = self._monitor.value(logs)
        if self._monitor.improved(current):
            self._monitor.best = current
            self.best_epoch = epoch
            self.wait = 0
            if self.restore_best_weights:
                self.best_weights = self.model.state_dict()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.trainer.stop_training = True
            self.trainer.message(f"Epoch {epoch + 1}: early stopping: {self.monitor} has not improved for "
                                 f"{self.wait} epoch(s) (best {self._best_text()})")

    def on_train_end(self, logs: Optional[Logs] = None) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            self.model.load_state_dict(self.best_weights)
            self.trainer.message(f"Restored the weights of epoch {self.restored_epoch}, the best one "
                                 f"({self._best_text(with_epoch=False)})")

    @property
    def restored_epoch(self) -> Optional[int]:
        """The epoch (counted from 1, as printed) whose weights ``restore_best_weights`` puts back, or None."""
        if not self.restore_best_weights or self.best_weights is None or self.best_epoch is None:
            return None
        return self.best_epoch + 1

    def _best_text(self, with_epoch: bool = True) -> str:
        best = self._monitor.best
        where = f" at epoch {self.best_epoch + 1}" if self.best_epoch is not None and with_epoch else ""
        return f"{self.monitor} {best:.4g}{where}" if best is not None else "none yet"

    def state_dict(self) -> dict[str, Any]:
        return {
            "best": self._monitor.best,
            "wait": self.wait,
            "best_epoch": self.best_epoch,
            "stopped_epoch": self.stopped_epoch,
            "best_weights": self.best_weights,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self._monitor.best = state.get("best")
        self.wait = int(state.get("wait", 0))
        self.best_epoch = state.get("best_epoch")
        self.stopped_epoch = state.get("stopped_epoch")
        self.best_weights = state.get("best_weights")
        self._restored = True

    def __repr__(self) -> str:
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, min_delta={self.min_delta}, "
                f"mode={self.mode!r}, restore_best_weights={self.restore_best_weights})")


# ---------------------------------------------------------------------------------- checkpoints
class ModelCheckpoint(Callback):
    """Write checkpoints to ``directory`` during training, keeping the last few and the best.

    A checkpoint holds everything needed to resume exactly where training
    was: the model's architecture and weights, the optimizer and scheduler
    state, the number of epochs done, every random generator's state and the
    history (see ``zeronn.train.checkpoint``).  Resume with
    ``fit(..., resume_from=path_or_directory)``.

    Files (written atomically: a crash at any moment leaves the previous ones intact)::

        directory/epoch-0003.ckpt   the state after 3 epochs (the last ``keep_last`` are kept)
        directory/best.ckpt         the state at the best value of ``monitor`` so far

    Parameters
    ----------
    directory : str or os.PathLike
        Folder for the files (created if needed).
    monitor : str, optional
        Quantity that defines "best"; by default "val_loss" when the run has
        validation data, else "loss".
    mode : {"auto", "min", "max"}, default "auto"
        Whether lower or higher is better (see ``EarlyStopping``).
    save_best : bool, default True
        Also keep ``best.ckpt``.
    keep_last : int or None, default 1
        Number of epoch checkpoints to keep (older ones are deleted after the
        new one is safely written); None keeps them all.
    every : int, default 1
        Write an epoch checkpoint every ``every`` epochs (and after the last one).
    """

    order = 100
    BEST_NAME = "best.ckpt"

    def __init__(
        self,
        directory: Union[str, "os.PathLike[str]"],
        *,
        monitor: Optional[str] = None,
        mode: str = "auto",
        save_best: bool = True,
        keep_last: Optional[int] = 1,
        every: int = 1,
    ) -> None:
        super().__init__()
        self.directory = os.fspath(directory)
        self.monitor = monitor
        self.mode = mode
        self.save_best = bool(save_best)
        self.keep_last = None if keep_last is None else check_positive_int("ModelCheckpoint keep_last", keep_last)
        self.every = check_positive_int("ModelCheckpoint every", every)
        if monitor is not None and (not isinstance(monitor, str) or not monitor):
            raise ValueError(f"ModelCheckpoint: monitor must be the name of a logged quantity, got {monitor!r}")
        higher_is_better("loss", mode, "ModelCheckpoint")     # checks mode now rather than at the first epoch
        self._monitor: Optional[_Monitor] = None
        self.saved: list[str] = []
        self._restored = False
        self._restored_best: Optional[float] = None

    @staticmethod
    def epoch_file_name(epochs_done: int) -> str:
        """File name of the checkpoint written after ``epochs_done`` epochs."""
        return f"epoch-{epochs_done:04d}.ckpt"

    @property
    def best_path(self) -> str:
        """Path of the best checkpoint."""
        return os.path.join(self.directory, self.BEST_NAME)

    @property
    def last_path(self) -> Optional[str]:
        """Path of the newest epoch checkpoint written (None before the first)."""
        return os.path.join(self.directory, self.saved[-1]) if self.saved else None

    @property
    def best(self) -> Optional[float]:
        return None if self._monitor is None else self._monitor.best

    def on_train_begin(self, logs: Optional[Logs] = None) -> None:
        keys = list(getattr(self.trainer, "log_keys", None) or [])
        name = self.monitor or ("val_loss" if "val_loss" in keys else "loss")
        self._monitor = _Monitor("ModelCheckpoint", name, self.mode)
        if self.save_best and keys:
            self._monitor.check_available(keys)
        if self._restored:
            self._monitor.best = self._restored_best
        else:
            self.saved = []
        self._restored = False
        os.makedirs(self.directory, exist_ok=True)

    def on_epoch_end(self, epoch: int, logs: Optional[Logs] = None) -> None:
        from zeronn.train.checkpoint import save_checkpoint

        done = epoch + 1
        last = done >= getattr(self.trainer, "epochs", done) or self.trainer.stop_training
        write_epoch = done % self.every == 0 or last
        write_best = False
        if self.save_best and logs and self._monitor is not None and self._monitor.name in logs:
            current = self._monitor.value(logs)
            if self._monitor.improved(current):
                self._monitor.best = current          # updated before writing, so the file holds it
                write_best = True
        if write_epoch:
            name = self.epoch_file_name(done)
            if name in self.saved:
                self.saved.remove(name)
            self.saved.append(name)
            stale = self._forget_oldest()
            save_checkpoint(self.trainer, os.path.join(self.directory, name))
            self._delete(stale)                        # only once the new file is safely on disk
        if write_best:
            save_checkpoint(self.trainer, self.best_path)

    def _forget_oldest(self) -> list[str]:
        """Drop the epoch checkpoints beyond ``keep_last`` from the list and return their names."""
        if self.keep_last is None or len(self.saved) <= self.keep_last:
            return []
        stale = self.saved[: len(self.saved) - self.keep_last]
        self.saved = self.saved[len(stale):]
        return stale

    def _delete(self, names: list[str]) -> None:
        for name in names:
            try:
                os.remove(os.path.join(self.directory, name))
            except FileNotFoundError:
                pass

    def state_dict(self) -> dict[str, Any]:
        return {"saved": list(self.saved), "best": self.best}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.saved = [str(name) for name in state.get("saved", [])]
        self._restored_best = state.get("best")
        self._restored = True

    def __repr__(self) -> str:
        return (f"ModelCheckpoint({self.directory!r}, monitor={self.monitor!r}, save_best={self.save_best}, "
                f"keep_last={self.keep_last}, every={self.every})")
