"""What ``fit`` prints: a tqdm progress bar in a terminal, plain lines in logs, or nothing.

``verbose`` chooses:

    "auto"   a progress bar when standard output is a terminal (or a notebook), nothing otherwise
    1        a progress bar in a terminal; plain lines when not (at most about 50, plus the last)
    2        one plain line per epoch
    0        nothing

The bar needs tqdm; without it, plain lines are printed instead.  The bar
appears only once a run has lasted half a second, so short runs stay quiet.
One line looks like::

    Epoch 3/20 - 120ms - loss: 0.4521 - accuracy: 0.875 - val_loss: 0.4012 - val_accuracy: 0.9 - lr: 0.01
"""

from __future__ import annotations

import math
import sys
from typing import Any, Optional, TextIO

__all__ = ["Progress", "resolve_verbosity", "format_logs", "format_seconds", "VERBOSITY"]

VERBOSITY = ("auto", 0, 1, 2)
_BAR_DELAY_S = 0.5          # the bar shows up only for runs longer than this
_BATCH_BAR_MIN = 50         # epochs with at least this many batches get a second bar over batches
_MAX_LINES = 50             # verbose=1 without a terminal prints about this many epoch lines


def _is_terminal(stream: Any) -> bool:
    """True for a terminal, and for a Jupyter notebook's output (where tqdm draws a widget)."""
    if stream is sys.stdout and "ipykernel" in sys.modules:
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except (ValueError, OSError):       # a closed stream
        return False


def _tqdm_class() -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def resolve_verbosity(verbose: Any, stream: Optional[TextIO] = None) -> str:
    """Return "bar", "lines", "epoch_lines" or "silent" for a ``verbose`` value and an output stream."""
    if isinstance(verbose, bool):
        verbose = int(verbose)
    if verbose not in VERBOSITY:
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2, got {verbose!r}")
    stream = sys.stdout if stream is None else stream
    terminal = _is_terminal(stream)
    if verbose == 0 or (verbose == "auto" and not terminal):
        return "silent"
    if verbose == 2:
        return "epoch_lines"
    if terminal and _tqdm_class() is not None:
        return "bar"
    return "lines"


def _format_value(key: str, value: Any) -> str:
    """Accuracies with four fixed decimals (so epochs line up), other numbers with four significant digits."""
    if isinstance(value, float):
        return f"{value:.4f}" if "accuracy" in key else f"{value:.4g}"
    return str(value)


def format_seconds(seconds: float) -> str:
    """``"12ms"`` below a second, ``"3.25s"`` above."""
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.2f}s"


def format_logs(logs: dict[str, Any]) -> str:
    """``"loss: 0.4521 - accuracy: 0.8750 - ..."`` (the epoch time is shown separately)."""
    return " - ".join(f"{key}: {_format_value(key, value)}" for key, value in logs.items() if key != "time")


class Progress:
    """Shows the progress of a training run; the trainer calls its methods.

    Parameters
    ----------
    verbose : "auto", 0, 1 or 2
        See the module docstring.
    epochs : int
        Total epochs of the run.
    batches : int
        Batches per epoch.
    stream : text stream, optional
        Where to write (standard output by default).
    """

    def __init__(self, verbose: Any, *, epochs: int, batches: int, stream: Optional[TextIO] = None) -> None:
        self.stream = sys.stdout if stream is None else stream
        self.mode = resolve_verbosity(verbose, self.stream)
        self.epochs = epochs
        self.batches = batches
        self.every = 1 if self.mode == "epoch_lines" else max(1, math.ceil(epochs / _MAX_LINES))
        self._epoch_bar: Any = None
        self._batch_bar: Any = None

    def train_begin(self, first_epoch: int) -> None:
        """Start showing progress; ``first_epoch`` > 0 when resuming."""
        if self.mode == "bar":
            tqdm = _tqdm_class()
            self._epoch_bar = tqdm(total=self.epochs, initial=first_epoch, unit="epoch", desc="Training",
                                   file=self.stream, delay=_BAR_DELAY_S, dynamic_ncols=True)
        elif self.mode != "silent" and first_epoch > 0:
            self._print(f"Resuming after epoch {first_epoch}/{self.epochs}")

    def epoch_begin(self, epoch: int) -> None:
        """Called before epoch ``epoch`` (from 0)."""
        if self.mode == "bar" and self.batches >= _BATCH_BAR_MIN:
            tqdm = _tqdm_class()
            self._batch_bar = tqdm(total=self.batches, unit="batch", desc=f"Epoch {epoch + 1}/{self.epochs}",
                                   file=self.stream, leave=False, delay=_BAR_DELAY_S, dynamic_ncols=True)

    def batch_end(self, batch: int, loss: float) -> None:
        """Called after each training batch."""
        if self._batch_bar is not None:
            self._batch_bar.update(1)
            if batch % 10 == 0:
                self._batch_bar.set_postfix_str(f"loss: {loss:.4g}", refresh=False)

    def epoch_end(self, epoch: int, logs: dict[str, Any], *, last: bool = False) -> None:
        """Called after epoch ``epoch`` (from 0) with its values; ``last`` for the final epoch of the run."""
        if self._batch_bar is not None:
            self._batch_bar.close()
            self._batch_bar = None
        if self.mode == "bar":
            self._epoch_bar.set_postfix_str(format_logs(logs), refresh=False)
            self._epoch_bar.update(1)
        elif self.mode in ("lines", "epoch_lines"):
            done = epoch + 1
            if last or done == 1 or done % self.every == 0:
                timing = f" - {format_seconds(logs['time'])}" if isinstance(logs.get("time"), float) else ""
                self._print(f"Epoch {done}/{self.epochs}{timing} - {format_logs(logs)}")

    def message(self, text: str) -> None:
        """Print a one-off message without breaking the bar."""
        if self.mode == "bar":
            _tqdm_class().write(text, file=self.stream)
        elif self.mode != "silent":
            self._print(text)

    def close(self) -> None:
        """Stop showing progress (also after an error)."""
        for bar in (self._batch_bar, self._epoch_bar):
            if bar is not None:
                bar.close()
        self._batch_bar = self._epoch_bar = None

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)
