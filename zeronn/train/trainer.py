"""The training loop, as an object that holds everything a run needs."""

from __future__ import annotations

import math
import os
import time
from typing import Any, Optional, Sequence, Union

import numpy as np

from zeronn._validation import check_in_range, check_nonnegative_float, check_positive_float, check_positive_int
from zeronn.data.loader import DataLoader, split_rows
from zeronn.nn.layer import Layer
from zeronn.random import global_rng
from zeronn.train.callbacks import Callback
from zeronn.train.checkpoint import read_checkpoint, restore_checkpoint, save_checkpoint
from zeronn.train.data_checks import check_data_pair, check_inputs, check_validation_pair, split_point
from zeronn.train.history import History
from zeronn.train.nan_check import diagnose_non_finite
from zeronn.train.progress import Progress, resolve_verbosity
from zeronn.train.resolve import is_plateau_scheduler, resolve_loss, resolve_optimizer, resolve_scheduler
from zeronn.train.scoring import (
    DEFAULT_METRICS,
    EVAL_BATCH_SIZE,
    EpochTotals,
    cast_batch,
    cast_target,
    input_dtype,
    resolve_metrics,
    run_predict,
    score,
)

__all__ = ["Trainer"]

Arrays = tuple[np.ndarray, np.ndarray]


def _shuffle_generator(seed: Any) -> np.random.Generator:
    """The trainer's own shuffling generator: from ``seed``, or seeded from the library-wide generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng(int(global_rng().integers(2**63)))
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, a numpy.random.Generator or None, got {type(seed).__name__}")
    return np.random.default_rng(int(seed))


def _check_callbacks(callbacks: Sequence[Any]) -> list[Callback]:
    if isinstance(callbacks, Callback):
        callbacks = [callbacks]
    checked = list(callbacks)
    for position, callback in enumerate(checked):
        if isinstance(callback, type) and issubclass(callback, Callback):
            raise TypeError(f"callbacks must be Callback objects, got the class {callback.__name__} at position "
                            f"{position}: create one, e.g. {callback.__name__}()")
        if not isinstance(callback, Callback):
            raise TypeError(f"callbacks must be zeronn.train.Callback objects, got {type(callback).__name__} "
                            f"at position {position}")
    return sorted(checked, key=lambda callback: callback.order)     # stable: same order otherwise


def _overrides(callback: Callback, hook: str) -> bool:
    return getattr(type(callback), hook, None) is not getattr(Callback, hook) or hook in vars(callback)


class Trainer:
    """Trains a model: mini-batches, loss, backward, optimizer step, epoch after epoch.

    One training step, exactly the loop a learner would write by hand::

        output = model(xb)                       # forward
        loss = loss_fn(output, yb)               # a float
        optimizer.zero_grad()
        model.backward(loss_fn.backward())       # fills every parameter's .grad
        optimizer.step()                         # updates the parameters

    Around it the trainer shuffles the data every epoch, computes the
    training and validation loss and metrics, records them with the learning
    rate and the epoch time in ``history``, steps the scheduler once per epoch,
    calls the callbacks, shows progress, and stops with a clear
    ``NonFiniteLossError`` if the loss becomes NaN or infinite.

    Parameters
    ----------
    model : Layer
        The network to train.
    loss : str or Loss
        A loss object or a name for ``zeronn.losses.get_loss`` ("mse", "cross_entropy"...).
    optimizer : str or Optimizer
        An optimizer object or a name for ``zeronn.optim.get_optimizer`` ("sgd", "adam"...).
    lr : float, optional
        Learning rate of an optimizer given by name.
    scheduler : None, str, Scheduler or callable, optional
        Learning-rate scheduler stepped after every epoch: an object, a name
        for ``zeronn.optim.get_scheduler``, or a function ``optimizer ->
        scheduler``.  ``ReduceLROnPlateau`` gets "val_loss" (else "loss").
    callbacks : sequence of Callback
        See ``zeronn.train.callbacks``.
    metrics : sequence of str or callable, default ("accuracy",)
        Names ("accuracy", "mse", "mae") or functions ``f(y_true, y_pred) -> float``.
        The default accuracy is left out when the targets are not classes.
    seed : int or numpy.random.Generator, optional
        Seed of the shuffling generator.  For a fully reproducible run also
        build the model's layers from seeds (``rng=...``) or call
        ``zeronn.manual_seed`` first.
    verbose : "auto", 0, 1 or 2, default "auto"
        Progress display (see ``zeronn.train.progress``).
    clip_grad_norm : float, optional
        Rescale the gradients so that their global norm is at most this, before each step.

    Attributes
    ----------
    history : History
        Values of every epoch so far.
    epoch : int
        Number of epochs done.
    epochs : int
        Total epochs of the current ``fit``.
    stop_training : bool
        Set it to True (e.g. from a callback) to stop after the current epoch.
    rng : numpy.random.Generator
        The shuffling generator.
    log_keys : list of str
        What each epoch logs ("loss", "accuracy", "val_loss", ..., "lr", "time").
    """

    def __init__(
        self,
        model: Layer,
        *,
        loss: Any,
        optimizer: Any,
        lr: Optional[float] = None,
        scheduler: Any = None,
        callbacks: Sequence[Callback] = (),
        metrics: Any = DEFAULT_METRICS,
        seed: Any = None,
        verbose: Union[str, int] = "auto",
        clip_grad_norm: Optional[float] = None,
    ) -> None:
        if not isinstance(model, Layer):
            raise TypeError(f"model must be a zeronn Layer (e.g. nn.Sequential), got {type(model).__name__}")
        if lr is not None:
            lr = check_nonnegative_float("lr", lr)                 # 0 is allowed, as in PyTorch
        resolve_verbosity(verbose)                                  # checks the value now
        self.model = model
        self.loss = resolve_loss(loss)
        self.optimizer = resolve_optimizer(optimizer, model, lr)
        self.scheduler = resolve_scheduler(scheduler, self.optimizer)
        self.callbacks = _check_callbacks(callbacks)
        resolve_metrics(metrics, None, self.loss)                  # checks the names now
        self.metrics = metrics
        self.verbose = verbose
        self.clip_grad_norm = None if clip_grad_norm is None else check_positive_float("clip_grad_norm",
                                                                                       clip_grad_norm)
        self.rng = _shuffle_generator(seed)
        self.history = History()
        self.epoch = 0
        self.epochs = 0
        self.stop_training = False
        self.log_keys: list[str] = []
        self._progress: Optional[Progress] = None

    # ------------------------------------------------------------------ public API
    def fit(
        self,
        x: Any,
        y: Any,
        *,
        epochs: int,
        batch_size: int = 32,
        validation_data: Optional[tuple[Any, Any]] = None,
        validation_split: float = 0.0,
        shuffle: bool = True,
        resume_from: Union[None, str, "os.PathLike[str]"] = None,
    ) -> History:
        """Train until ``epochs`` epochs are done in total (or a callback stops it); return the history.

        Parameters
        ----------
        x : array_like of shape (n_samples, ...)
            Inputs, cast batch by batch to the model's dtype.
        y : array_like of shape (n_samples, ...)
            Targets: class labels, one-hot rows or values.
        epochs : int
            Total number of epochs.  A resumed run (or a second call to
            ``fit`` on the same trainer) continues up to this number.
        batch_size : int, default 32
        validation_data : (x_val, y_val), optional
            Data to compute ``val_loss`` and ``val_<metric>`` on after every epoch.
        validation_split : float in [0, 1), default 0
            Use the last ceil(validation_split * n_samples) rows of ``x``/``y``
            (taken before shuffling, as in Keras) as validation data.
        shuffle : bool, default True
            Visit the training samples in a new random order every epoch.
        resume_from : str or os.PathLike, optional
            A checkpoint file written by ``ModelCheckpoint``, or its folder
            (the newest epoch checkpoint is used): the model, optimizer,
            scheduler, random generators, history and callbacks continue from
            it, so the run ends bit-identical to one never interrupted.

        Returns
        -------
        History
        """
        epochs = check_positive_int("epochs", epochs)
        train, validation = self._prepare_data(x, y, validation_data, validation_split)
        loader = DataLoader(*train, batch_size=batch_size, shuffle=shuffle, rng=self.rng)
        metrics = resolve_metrics(self.metrics, train[1], self.loss)
        if resume_from is not None:
            self.restore(resume_from)
        else:
            self.stop_training = False
        self.epochs = epochs
        self.log_keys = self._log_keys(metrics, validation is not None)
        return self._run(loader, metrics, validation)

    def evaluate(self, x: Any, y: Any, *, batch_size: int = EVAL_BATCH_SIZE) -> dict[str, float]:
        """Loss and metrics on ``(x, y)``, in eval mode under ``no_grad``."""
        x, y = self._arrays(x, y, "x", "y", "evaluate")
        return score(self.model, x, y, self.loss, resolve_metrics(self.metrics, y, self.loss),
                     batch_size=check_positive_int("batch_size", batch_size))

    def predict(self, x: Any, *, batch_size: int = EVAL_BATCH_SIZE) -> np.ndarray:
        """The model's outputs for ``x``, in eval mode under ``no_grad``."""
        return run_predict(self.model, check_inputs("predict", x), batch_size=check_positive_int("batch_size",
                                                                                              batch_size))

    def save_checkpoint(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Write the complete training state to ``path`` (atomically)."""
        save_checkpoint(self, path)

    def restore(self, path: Union[str, "os.PathLike[str]"]) -> int:
        """Load a checkpoint (a file, or the newest in a folder) into this trainer; return the epochs done.

        Everything is checked before anything changes.  A following ``fit``
        (without ``resume_from``) continues from there.
        """
        restore_checkpoint(self, read_checkpoint(path), f"checkpoint {os.fspath(path)!r}")
        return self.epoch

    def message(self, text: str) -> None:
        """Print a line between the progress lines (used by callbacks such as ``EarlyStopping``)."""
        if self._progress is not None:
            self._progress.message(text)

    def learning_rate(self) -> Optional[float]:
        """The current learning rate of the optimizer's first parameter group (None if it has no groups)."""
        groups = getattr(self.optimizer, "param_groups", None)
        if not groups or "lr" not in groups[0]:
            return None
        return float(groups[0]["lr"])

    # ------------------------------------------------------------------ data
    @staticmethod
    def _arrays(x: Any, y: Any, x_name: str, y_name: str, where: str = "fit") -> Arrays:
        # real numbers, same length, not empty, no NaN/inf (a dataset of (inputs, targets) pairs: two views)
        return check_data_pair(where, x, y, x_name, y_name)

    def _prepare_data(self, x: Any, y: Any, validation_data: Any,
                      validation_split: float) -> tuple[Arrays, Optional[Arrays]]:
        x, y = self._arrays(x, y, "x", "y")
        validation_split = check_in_range("validation_split", validation_split, 0.0, 1.0, high_inclusive=False)
        if validation_data is not None:
            if validation_split > 0:
                raise ValueError("give validation_data or validation_split, not both")
            x_val, y_val = check_validation_pair("fit", validation_data)
            return (x, y), self._arrays(x_val, y_val, "x_val", "y_val")
        if validation_split == 0:
            return (x, y), None
        split_at = split_point("fit", len(x), validation_split)              # ceil(split * n) for validation
        return ((split_rows(x, 0, split_at), split_rows(y, 0, split_at)),     # views: nothing is copied
                (split_rows(x, split_at), split_rows(y, split_at)))

    def _log_keys(self, metrics: list[tuple[str, Any]], has_validation: bool) -> list[str]:
        names = [name for name, _ in metrics]
        keys = ["loss", *names]
        if has_validation:
            keys += ["val_loss", *(f"val_{name}" for name in names)]
        if self.learning_rate() is not None:
            keys.append("lr")
        return keys + ["time"]

    # ------------------------------------------------------------------ the loop
    def _run(self, loader: DataLoader, metrics: list[tuple[str, Any]], validation: Optional[Arrays]) -> History:
        model = self.model
        was_training = model.training
        progress = Progress(self.verbose, epochs=self.epochs, batches=len(loader))
        self._progress = progress
        for callback in self.callbacks:
            callback.set_trainer(self)
        try:
            self._call("on_train_begin", {})
            progress.train_begin(self.epoch)
            while self.epoch < self.epochs and not self.stop_training:
                epoch = self.epoch
                self._call("on_epoch_begin", epoch, {})
                progress.epoch_begin(epoch)
                start = time.perf_counter()
                lr = self.learning_rate()
                logs = self._train_epoch(loader, epoch, metrics, progress)
                if validation is not None:
                    logs.update(score(model, *validation, self.loss, metrics, prefix="val_"))
                if lr is not None:
                    logs["lr"] = lr
                logs["time"] = time.perf_counter() - start
                self.history.append(epoch, logs)
                self._step_scheduler(logs)
                self.epoch += 1
                progress.hold()                         # callback messages follow the epoch's line
                self._call("on_epoch_end", epoch, logs)
                progress.epoch_end(epoch, logs, last=self.epoch >= self.epochs or self.stop_training)
            self._call("on_train_end", {"epochs": self.epoch})
        finally:                                    # also after Ctrl-C: the weights so far stay in the model
            progress.close()
            self._progress = None
            model.train(was_training)
        return self.history

    def _train_epoch(self, loader: DataLoader, epoch: int, metrics: list[tuple[str, Any]],
                     progress: Progress) -> dict[str, float]:
        model, loss_fn, optimizer = self.model, self.loss, self.optimizer
        model.train()
        dtype = input_dtype(model)
        totals = EpochTotals(metrics, getattr(loss_fn, "reduction", "mean"))
        begin_hooks = [c for c in self.callbacks if _overrides(c, "on_batch_begin")]
        end_hooks = [c for c in self.callbacks if _overrides(c, "on_batch_end")]
        parameters = model.parameters() if self.clip_grad_norm is not None else None
        for batch, (xb, yb) in enumerate(loader):
            xb, yb = cast_batch(xb, dtype), cast_target(yb, dtype)
            for callback in begin_hooks:
                callback.on_batch_begin(batch, {"size": len(xb), "x": xb, "y": yb})   # the batch, e.g. for Doctor
            output = model(xb)                                   # forward
            value = float(loss_fn(output, yb))                   # the batch loss
            if not math.isfinite(value):
                raise diagnose_non_finite(model, xb, yb, value, epoch=epoch, epochs=self.epochs, batch=batch,
                                          batches=len(loader), lr=self.learning_rate(),
                                          loss_name=repr(loss_fn)) from None
            totals.add(value, output, yb)
            optimizer.zero_grad()
            model.backward(loss_fn.backward())                   # fills every parameter's .grad
            if parameters is not None and self.clip_grad_norm is not None:
                from zeronn.optim import clip_grad_norm_

                clip_grad_norm_(parameters, self.clip_grad_norm)
            optimizer.step()                                     # updates the parameters
            logs = {"loss": value, "size": len(xb)}
            for callback in end_hooks:
                callback.on_batch_end(batch, logs)
            progress.batch_end(batch, value)
        return totals.result()

    def _step_scheduler(self, logs: dict[str, float]) -> None:
        if self.scheduler is None:
            return
        if is_plateau_scheduler(self.scheduler):
            self.scheduler.step(logs.get("val_loss", logs["loss"]))
        else:
            self.scheduler.step()

    def _call(self, hook: str, *args: Any) -> None:
        for callback in self.callbacks:
            getattr(callback, hook)(*args)

    def __repr__(self) -> str:
        return (f"Trainer(model={type(self.model).__name__}, loss={self.loss!r}, "
                f"optimizer={type(self.optimizer).__name__}, epoch={self.epoch})")
