"""``Doctor``: watch a training run and say, in plain words, what went wrong and what to change."""

from __future__ import annotations

import json
import math
import os
from typing import Any, Optional, Union

import numpy as np

from zeronn._validation import check_positive_int
from zeronn.doctor.data_checks import class_counts_of
from zeronn.doctor.finding import Finding, sort_findings
from zeronn.doctor.recorder import Recorder, TrainingRecord
from zeronn.doctor.rules import Context, diagnose
from zeronn.lang import resolve_lang
from zeronn.nn.layer import Layer
from zeronn.train.callbacks import Callback, Logs

__all__ = ["Doctor", "FINDINGS_FILE", "REPORT_FILE", "read_findings"]

#: Names of the files ``Doctor.save`` writes into a run folder.
REPORT_FILE = "doctor.md"
FINDINGS_FILE = "doctor.json"

#: Rows of the first input batch kept for the input checks.
_FIRST_BATCH_ROWS = 1000


class Doctor(Callback):
    """Record a training run cheaply and diagnose it: ``doctor.findings()``, ``doctor.report()``.

    With ``fit``::

        doctor = Doctor()
        zeronn.fit(model, x, y, loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=5, callbacks=[doctor])
        print(doctor.report())

    In a loop of your own (three calls)::

        doctor = Doctor()
        doctor.watch(model, optimizer, loss=loss_fn)        # once, before training
        for epoch in range(epochs):
            for xb, yb in batches:
                loss = loss_fn(model(xb), yb)
                optimizer.zero_grad()
                model.backward(loss_fn.backward())
                doctor.step(loss, x=xb, y=yb)               # after backward, before the update
                optimizer.step()
            doctor.end_epoch(train_loss, val_loss=val_loss)
        print(doctor.report())

    Every step costs the doctor one float (the loss); every ``every``-th step
    it also records each layer's output statistics (from the forward pass the
    step runs anyway), gradient norms and update/weight ratios (see
    ``zeronn.doctor.recorder``).  The rules and their thresholds, each with
    its source, are in ``zeronn.doctor.rules``.

    Parameters
    ----------
    every : int, default 10
        Record layer statistics on every ``every``-th step (step 0 always).
    lang : {"en", "zh"}, optional
        Language of the findings' text (default: ``$ZERONN_LANG``, else English).

    Attributes
    ----------
    record : TrainingRecord or None
        What was recorded (None before training starts).
    """

    def __init__(self, every: int = 10, lang: Optional[str] = None) -> None:
        super().__init__()
        self.every = check_positive_int("Doctor every", every)
        self.lang = None if lang is None else resolve_lang(lang)
        self.record: Optional[TrainingRecord] = None
        self._recorder: Optional[Recorder] = None
        self._loss: Any = None
        self._optimizer: Any = None
        self._step = 0
        self._epoch = 0
        self._failure: Optional[str] = None
        self._cache: Optional[tuple[str, list[Finding]]] = None

    # ------------------------------------------------------------------ plain loop
    def watch(self, model: Layer, optimizer: Any = None, *, loss: Any = None) -> "Doctor":
        """Start watching ``model`` (trained with ``optimizer`` on ``loss``) in a loop of your own."""
        self._start(model, optimizer, loss)
        self._recorder_or_raise().watch_outputs()                 # step 0 is always sampled
        return self

    def step(self, loss: Any, *, x: Any = None, y: Any = None) -> None:
        """Record one training step: call it after ``backward()`` and before ``optimizer.step()``.

        Parameters
        ----------
        loss : float
            This batch's loss.
        x, y : array_like, optional
            This batch's inputs and targets (for the data checks).
        """
        recorder = self._recorder_or_raise()
        recorder.update_ratios()                                  # the previous sampled step's update is done
        sampled = self._step % self.every == 0
        self._observe_batch(x, y)
        self._observe_loss(loss)
        if sampled:
            recorder.record_sampled_step(self._step)
            recorder.snapshot()
        self._step += 1
        if self._step % self.every == 0:
            recorder.watch_outputs()                              # the next forward pass is recorded

    def end_epoch(self, train_loss: Any, val_loss: Any = None) -> None:
        """Record the end of an epoch: its training loss and, if you have one, the validation loss."""
        recorder = self._recorder_or_raise()
        recorder.update_ratios()
        record = recorder.record
        record.epoch_losses.append(_as_float("train_loss", train_loss))
        record.val_losses.append(math.nan if val_loss is None else _as_float("val_loss", val_loss))
        self._epoch += 1
        self._cache = None

    def note_failure(self, message: str) -> None:
        """Tell the doctor that training stopped with an error (e.g. the loss became NaN)."""
        self._failure = str(message)
        if self._recorder is not None:
            self._recorder.stop_watching()
        self._cache = None

    # ------------------------------------------------------------------ fit callback
    def set_trainer(self, trainer: Any) -> None:
        super().set_trainer(trainer)
        if self._recorder is None or self._recorder.model is not trainer.model:
            self._start(trainer.model, trainer.optimizer, trainer.loss)

    def on_batch_begin(self, batch: int, logs: Optional[Logs] = None) -> None:
        logs = logs or {}
        self._observe_batch(logs.get("x"), logs.get("y"))
        if self._step % self.every == 0:
            recorder = self._recorder_or_raise()
            recorder.watch_outputs()
            recorder.snapshot()

    def on_batch_end(self, batch: int, logs: Optional[Logs] = None) -> None:
        recorder = self._recorder_or_raise()
        self._observe_loss((logs or {}).get("loss", math.nan))
        if self._step % self.every == 0:
            recorder.record_sampled_step(self._step)
            recorder.update_ratios()
        self._step += 1

    def on_epoch_end(self, epoch: int, logs: Optional[Logs] = None) -> None:
        logs = logs or {}
        record = self._recorder_or_raise().record
        record.epoch_losses.append(float(logs.get("loss", math.nan)))
        record.val_losses.append(float(logs.get("val_loss", math.nan)))
        self._epoch += 1
        self._cache = None

    def on_train_end(self, logs: Optional[Logs] = None) -> None:
        if self._recorder is not None:
            self._recorder.stop_watching()

    # ------------------------------------------------------------------ results
    def findings(self, lang: Optional[str] = None) -> list[Finding]:
        """The diagnoses of the run so far, most serious first."""
        lang = resolve_lang(lang if lang is not None else self.lang)
        if self._cache is not None and self._cache[0] == lang:
            return list(self._cache[1])
        if self.record is None:
            return []
        context = Context(self.record, self._loss, self._optimizer, lang, self._failure)
        result = sort_findings(diagnose(context))
        self._cache = (lang, result)
        return list(result)

    def report(self, lang: Optional[str] = None) -> str:
        """The findings as Markdown: a headline, then each finding with its advice and evidence."""
        from zeronn.doctor.report import render_markdown

        lang = resolve_lang(lang if lang is not None else self.lang)
        return render_markdown(self.findings(lang), self.record, lang)

    def save(self, folder: Union[str, "os.PathLike[str]"], *, pictures: bool = True,
             lang: Optional[str] = None) -> list[str]:
        """Write ``doctor.md``, ``doctor.json`` (and the pictures, if matplotlib is there) into ``folder``.

        Returns the paths written.
        """
        from zeronn.doctor.report import save_report

        return save_report(self, os.fspath(folder), pictures=pictures,
                           lang=resolve_lang(lang if lang is not None else self.lang))

    # ------------------------------------------------------------------ helpers
    def _start(self, model: Layer, optimizer: Any, loss: Any) -> None:
        if self._recorder is not None:
            self._recorder.stop_watching()
        self._recorder = Recorder(model)
        self.record = self._recorder.record
        self._optimizer = optimizer
        self._loss = loss
        self._step = 0
        self._epoch = 0
        self._failure = None
        self._cache = None

    def _recorder_or_raise(self) -> Recorder:
        if self._recorder is None:
            raise RuntimeError("Doctor: call doctor.watch(model, optimizer, loss=loss_fn) before doctor.step(), "
                               "or pass the doctor to fit(..., callbacks=[doctor])")
        return self._recorder

    def _observe_loss(self, loss: Any) -> None:
        self._recorder_or_raise().record.losses.append(_as_float("loss", loss))
        self._cache = None

    def _observe_batch(self, x: Any, y: Any) -> None:
        if self._epoch > 0:
            return
        record = self._recorder_or_raise().record
        if x is not None and record.first_batch is None:
            record.first_batch = np.array(np.asarray(x)[:_FIRST_BATCH_ROWS], copy=True)
        if y is not None:
            for label, count in class_counts_of(np.asarray(y)).items():
                record.class_counts[label] = record.class_counts.get(label, 0) + count

    def __repr__(self) -> str:
        return f"Doctor(every={self.every}, lang={self.lang!r})"


def _as_float(name: str, value: Any) -> float:
    try:
        return float(np.asarray(value, dtype=float).reshape(()))
    except (TypeError, ValueError):
        raise TypeError(f"Doctor: {name} must be a number, got {type(value).__name__}") from None


def read_findings(folder: Union[str, "os.PathLike[str]"], *, lang: Optional[str] = None) -> list[Finding]:
    """Read the findings that ``Doctor.save`` wrote into a run folder (``doctor.json``), in ``lang``.

    ``doctor.json`` holds them in English and Chinese; ``lang`` None means
    ``$ZERONN_LANG`` (else English).
    """
    path = os.path.join(os.fspath(folder), FINDINGS_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no doctor findings in {os.fspath(folder)!r}: {FINDINGS_FILE} is missing "
                                "(train with `zeronn train --doctor` to write it)")
    with open(path, encoding="utf-8") as handle:
        try:
            data = json.load(handle)
        except ValueError as error:
            raise ValueError(f"{path} is not valid JSON: {error}") from None
    translations = data.get("translations", {}) if isinstance(data, dict) else {}
    chosen = translations.get(resolve_lang(lang)) if isinstance(translations, dict) else None
    items = chosen if isinstance(chosen, list) else data.get("findings") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ValueError(f"{path} does not hold doctor findings (expected a 'findings' list)")
    return [Finding.from_dict(item) for item in items]
