"""Switching the caches for backward off, as ``torch.no_grad()`` does.

During training every layer keeps what its backward needs (its input, a mask,
an im2col buffer).  For prediction that memory is wasted, so inside
``with zeronn.no_grad():`` layers keep nothing, and calling ``backward`` then is
an error.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from zeronn._validation import check_flag

__all__ = ["no_grad", "is_grad_enabled", "set_grad_enabled"]


class _GradState(threading.local):
    """Per-thread switch; the class attribute is every thread's starting value."""

    enabled = True


_state = _GradState()


def is_grad_enabled() -> bool:
    """Return True when layers should keep what backward needs."""
    return _state.enabled


def set_grad_enabled(enabled: bool) -> None:
    """Turn keeping caches for backward on or off for this thread (``enabled`` must be True or False)."""
    _state.enabled = check_flag("set_grad_enabled: enabled", enabled)


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Context manager: layers keep no caches inside it (inference only)."""
    previous = is_grad_enabled()
    set_grad_enabled(False)
    try:
        yield
    finally:
        set_grad_enabled(previous)
