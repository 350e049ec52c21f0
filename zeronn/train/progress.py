"""What ``fit`` prints: one line per epoch that stays (as Keras does), a live bar within the line, or nothing.

``verbose`` chooses:

    "auto"   the live bar and the epoch lines when standard output is a terminal (or a notebook), nothing otherwise
    1        the same in a terminal; without one (a log file, a pipe) only the epoch lines, at most about 50
    2        one epoch line per epoch, never a bar
    0        nothing

An epoch line, printed when the epoch ends and kept::

    Epoch 3/20 - 120ms - loss: 0.4521 - accuracy: 0.8750 - val_loss: 0.4012 - val_accuracy: 0.9000 - lr: 0.01

While an epoch runs (in a terminal), the same line shows a bar, the batches
done, the epoch's ETA and the running loss, fitted to the terminal's width:
the bar shrinks (or goes) first, the numbers are never cut::

    Epoch 3/20 [=========>..........] 25/50 - ETA: 1s - loss: 0.4602

Runs of more than 100 epochs keep about 100 epoch lines (the first, the last
and evenly spaced ones between) in a terminal.  No dependency: the bar is
drawn with plain text and ``\\r``.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import time
from typing import Any, Optional, TextIO

__all__ = ["Progress", "resolve_verbosity", "format_logs", "format_seconds", "fit_bar_line", "VERBOSITY"]

VERBOSITY = ("auto", 0, 1, 2)
_REDRAW_S = 0.1              # redraw the live line at most this often
_MAX_LINES_LOG = 50          # verbose=1 without a terminal prints about this many epoch lines
_MAX_LINES_TERMINAL = 100    # ... and in a terminal
_MIN_BAR = 10                # a bar narrower than this is left out


def _is_terminal(stream: Any) -> bool:
    """True for a terminal, and for a Jupyter notebook's output."""
    if stream is sys.stdout and "ipykernel" in sys.modules:
        return True
    isatty = getattr(stream, "isatty", None)            # any text stream may be given, not only files
    try:
        return bool(isatty()) if isatty is not None else False
    except (ValueError, OSError):       # a closed stream
        return False


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
    return "bar" if terminal else "lines"


def _format_value(key: str, value: Any) -> str:
    """Accuracies with four fixed decimals (so epochs line up), other numbers with four significant digits."""
    if isinstance(value, float):
        return f"{value:.4f}" if "accuracy" in key else f"{value:.4g}"
    return str(value)


def format_seconds(seconds: float) -> str:
    """``"12ms"`` below a second, ``"3.25s"`` below two minutes, ``"4m05s"`` above."""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 120:
        return f"{seconds:.2f}s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes}m{rest:02d}s"


def format_logs(logs: dict[str, Any]) -> str:
    """``"loss: 0.4521 - accuracy: 0.8750 - ..."`` (the epoch time is shown separately)."""
    return " - ".join(f"{key}: {_format_value(key, value)}" for key, value in logs.items() if key != "time")


def fit_bar_line(prefix: str, done: int, total: int, suffixes: list[str], width: int) -> str:
    """``prefix [====>....] done/total - suffix - ...`` in at most ``width - 1`` characters.

    The bar takes what the text leaves; without room for a bar of at least
    ``_MIN_BAR`` characters it goes, then the last suffixes go, one by one.
    """
    limit = max(1, width - 1)                  # the last column would make some terminals wrap
    counter = f"{done}/{total}"
    kept = list(suffixes)
    while True:
        text = " - ".join([counter, *kept])
        room = limit - len(prefix) - len(text) - 4           # " [" + "] " around the bar
        if room >= _MIN_BAR:
            filled = room * done // max(total, 1)
            arrow = ">" if 0 < done < total else ""
            bar = "=" * max(0, filled - len(arrow)) + arrow
            return f"{prefix} [{bar.ljust(room, '.')}] {text}"
        if len(prefix) + 1 + len(text) <= limit:
            return f"{prefix} {text}"
        if not kept:
            return f"{prefix} {text}"[:limit]
        kept.pop()


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
    width : int, optional
        Line width for the live bar (default: the terminal's width, else 80).
    """

    def __init__(self, verbose: Any, *, epochs: int, batches: int, stream: Optional[TextIO] = None,
                 width: Optional[int] = None) -> None:
        self.stream = sys.stdout if stream is None else stream
        self.mode = resolve_verbosity(verbose, self.stream)
        self.epochs = epochs
        self.batches = batches
        self.width = width
        lines = _MAX_LINES_TERMINAL if self.mode == "bar" else _MAX_LINES_LOG
        self.every = 1 if self.mode == "epoch_lines" else max(1, math.ceil(epochs / lines))
        self._epoch = 0
        self._epoch_start = 0.0
        self._last_draw = 0.0
        self._live = False              # a live line is on screen (not ended by a newline)
        self._loss_sum = 0.0
        self._loss_count = 0
        self._held: Optional[list[str]] = None    # messages waiting for the epoch line (see ``hold``)

    # ------------------------------------------------------------------ trainer hooks
    def train_begin(self, first_epoch: int) -> None:
        """Start showing progress; ``first_epoch`` > 0 when resuming."""
        if self.mode != "silent" and first_epoch > 0:
            self._print(f"Resuming after epoch {first_epoch}/{self.epochs}")

    def epoch_begin(self, epoch: int) -> None:
        """Called before epoch ``epoch`` (from 0)."""
        self._epoch = epoch
        self._epoch_start = self._last_draw = time.perf_counter()
        self._loss_sum, self._loss_count = 0.0, 0

    def batch_end(self, batch: int, loss: float) -> None:
        """Called after each training batch with its loss."""
        if self.mode != "bar":
            return
        self._loss_sum += loss
        self._loss_count += 1
        now = time.perf_counter()
        if now - self._last_draw >= _REDRAW_S and batch + 1 < self.batches:
            self._last_draw = now
            self._draw_live(batch + 1, now)

    def hold(self) -> None:
        """Keep the next messages until ``epoch_end`` has printed the epoch's line (the callbacks run first)."""
        self._held = []

    def epoch_end(self, epoch: int, logs: dict[str, Any], *, last: bool = False) -> None:
        """Called after epoch ``epoch`` (from 0) with its values; ``last`` for the final epoch of the run.

        Messages held since ``hold`` follow the epoch line; a message (early
        stopping...) also makes the epoch line show, thinned out or not.
        """
        held, self._held = self._held or [], None
        if self.mode == "silent":
            return
        done = epoch + 1
        if last or held or done == 1 or done % self.every == 0 or self.mode == "epoch_lines":
            timing = f" - {format_seconds(logs['time'])}" if isinstance(logs.get("time"), float) else ""
            self._print(f"Epoch {done}/{self.epochs}{timing} - {format_logs(logs)}")
        else:
            self._clear_live()
        for text in held:
            self._print(text)

    def message(self, text: str) -> None:
        """Print a line of its own (e.g. "early stopping"), keeping the live line intact."""
        if self._held is not None:
            self._held.append(text)
        elif self.mode != "silent":
            self._print(text)

    def close(self) -> None:
        """Stop showing progress (also after an error or Ctrl-C): end a live line, print held messages."""
        held, self._held = self._held or [], None
        if self._live:
            self._clear_live()
        if self.mode != "silent":
            for text in held:
                self._print(text)

    # ------------------------------------------------------------------ drawing
    def _line_width(self) -> int:
        if self.width is not None:
            return self.width
        try:
            return os.get_terminal_size(self.stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            return shutil.get_terminal_size((80, 24)).columns

    def _draw_live(self, done: int, now: float) -> None:
        elapsed = now - self._epoch_start
        remaining = elapsed / done * (self.batches - done)
        suffixes = [f"ETA: {format_seconds(remaining)}"]
        if self._loss_count:
            suffixes.append(f"loss: {self._loss_sum / self._loss_count:.4g}")
        line = fit_bar_line(f"Epoch {self._epoch + 1}/{self.epochs}", done, self.batches, suffixes,
                            self._line_width())
        self._write("\r" + line + "\033[K")
        self._live = True

    def _clear_live(self) -> None:
        if self._live:
            self._write("\r\033[K")
            self._live = False

    def _print(self, text: str) -> None:
        self._clear_live()
        self._write(text + "\n")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()
