"""What happened during training, epoch by epoch (as Keras's ``History``)."""

from __future__ import annotations

import csv
import json
import math
import os
from typing import Any, Optional, Union

__all__ = ["History", "higher_is_better"]

PathLike = Union[str, "os.PathLike[str]"]


class History:
    """Per-epoch values of the loss, the metrics, the learning rate and the epoch time.

    Attributes
    ----------
    history : dict of str -> list of float
        One list per logged quantity, one entry per epoch: ``"loss"``,
        ``"accuracy"``, ``"val_loss"``, ``"val_accuracy"``, ``"lr"``,
        ``"time"`` (seconds)...
    epoch : list of int
        The epoch numbers, counted from 0 as in Keras.

    Examples
    --------
    >>> history = zeronn.fit(model, x, y, loss="cross_entropy", optimizer="adam", epochs=20)
    >>> history.history["val_loss"][-1]
    >>> history.to_csv("history.csv")
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    # ------------------------------------------------------------------ recording
    def append(self, epoch: int, logs: dict[str, Any]) -> None:
        """Record the values of one epoch.  A quantity seen for the first time gets NaN for earlier epochs."""
        for key in logs:
            if key not in self.history:
                self.history[key] = [math.nan] * len(self.epoch)
        self.epoch.append(int(epoch))
        for key, values in self.history.items():
            values.append(float(logs[key]) if key in logs and logs[key] is not None else math.nan)

    # ------------------------------------------------------------------ reading
    def __getitem__(self, key: str) -> list[float]:
        try:
            return self.history[key]
        except KeyError:
            raise KeyError(f"History has no {key!r}; it holds: {', '.join(self.history) or 'nothing yet'}") from None

    def __contains__(self, key: object) -> bool:
        return key in self.history

    def __len__(self) -> int:
        """Number of recorded epochs."""
        return len(self.epoch)

    def keys(self) -> list[str]:
        """The names of the recorded quantities."""
        return list(self.history)

    def last(self) -> dict[str, float]:
        """The values of the last recorded epoch ({} before the first)."""
        return {key: values[-1] for key, values in self.history.items()} if self.epoch else {}

    def best(self, key: str, mode: str = "auto") -> tuple[int, float]:
        """Return ``(epoch, value)`` of the best value of ``key`` (lowest, or highest for accuracies)."""
        values = self[key]
        maximize = higher_is_better(key, mode)
        finite = [(value, i) for i, value in enumerate(values) if not math.isnan(value)]
        if not finite:
            raise ValueError(f"History has no finite value of {key!r}")
        value, index = min(finite) if not maximize else max(finite, key=lambda pair: (pair[0], -pair[1]))
        return self.epoch[index], value

    # ------------------------------------------------------------------ state (checkpoints)
    def state_dict(self) -> dict[str, Any]:
        """Return the history as JSON values (``{"epoch": [...], "history": {...}}``)."""
        return {"epoch": list(self.epoch), "history": {key: list(values) for key, values in self.history.items()}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Replace the content with ``state`` from ``state_dict``."""
        epochs = state.get("epoch") if isinstance(state, dict) else None
        history = state.get("history") if isinstance(state, dict) else None
        if not isinstance(epochs, list) or not isinstance(history, dict):
            raise ValueError("a History state must be a dict with an 'epoch' list and a 'history' dict")
        for key, values in history.items():
            if not isinstance(values, list) or len(values) != len(epochs):
                raise ValueError(f"History state: {key!r} has {len(values) if isinstance(values, list) else 'no'} "
                                 f"values for {len(epochs)} epochs")
        self.epoch = [int(e) for e in epochs]
        self.history = {str(key): [math.nan if v is None else float(v) for v in values]
                        for key, values in history.items()}

    # ------------------------------------------------------------------ files
    def to_json(self, path: PathLike) -> None:
        """Write ``{"epoch": [...], "history": {...}}`` as JSON (NaN is written as NaN, as Python does)."""
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(self.state_dict(), handle, indent=1)
            handle.write("\n")

    @classmethod
    def from_json(cls, path: PathLike) -> "History":
        """Read a file written by ``to_json``."""
        with open(path, encoding="utf-8") as handle:
            try:
                state = json.load(handle)
            except (ValueError, RecursionError) as error:
                raise ValueError(f"{os.fspath(path)!r} is not a History JSON file: {error}") from None
        history = cls()
        try:
            history.load_state_dict(state)
        except (ValueError, TypeError) as error:
            raise ValueError(f"{os.fspath(path)!r} is not a History JSON file: {error}") from None
        return history

    def to_csv(self, path: PathLike) -> None:
        """Write one row per epoch: ``epoch,loss,accuracy,...``, epochs counted from 1 as the console shows them."""
        keys = list(self.history)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["epoch", *keys])
            for row, epoch in enumerate(self.epoch):
                writer.writerow([epoch + 1, *(repr(self.history[key][row]) for key in keys)])

    @classmethod
    def from_csv(cls, path: PathLike) -> "History":
        """Read a file written by ``to_csv`` (its epochs count from 1; ``History.epoch`` counts from 0)."""
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        if not rows or not rows[0] or rows[0][0] != "epoch":
            raise ValueError(f"{os.fspath(path)!r} is not a History CSV file (its first column must be 'epoch')")
        keys = rows[0][1:]
        history = cls()
        try:
            history.epoch = [int(row[0]) - 1 for row in rows[1:]]
            history.history = {key: [float(row[i + 1]) for row in rows[1:]] for i, key in enumerate(keys)}
        except (ValueError, IndexError) as error:
            raise ValueError(f"{os.fspath(path)!r} is not a History CSV file: {error}") from None
        return history

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


def _higher_is_better(key: str) -> bool:
    """True for quantities that improve upward (accuracy, precision, recall, F1, AUC)."""
    name = key.lower()
    return any(word in name for word in ("acc", "precision", "recall", "f1", "auc"))


def higher_is_better(key: str, mode: str = "auto", owner: Optional[str] = None) -> bool:
    """Resolve a ``mode`` argument ("auto", "min", "max") for the monitored quantity ``key``."""
    if mode == "auto":
        return _higher_is_better(key)
    if mode not in ("min", "max"):
        raise ValueError(f"{owner + ': ' if owner else ''}mode must be 'auto', 'min' or 'max', got {mode!r}")
    return mode == "max"
