"""How the command line reports a mistake: one line on stderr, a non-zero exit code, no traceback.

Commands raise ``CLIError`` for mistakes they detect themselves.  The library
raises ``ValueError`` (``ModelFileError`` and the dataset errors are
ValueErrors too), ``TypeError``, ``OSError`` (``FileNotFoundError``...),
``ImportError`` (an optional dependency is missing) or ``RuntimeError``
(training diverged to NaN): ``main`` turns each of these into
``zeronn: error: <message>`` and exit code 1.  ``--debug`` (or the environment
variable ``ZERONN_DEBUG=1``) shows the full traceback instead, for bug reports.
"""

from __future__ import annotations

__all__ = ["CLIError", "EXPECTED_ERRORS", "describe_error"]


class CLIError(Exception):
    """A mistake in the command's arguments or inputs, reported as one line."""


#: Exceptions turned into a one-line message (everything else is a bug and keeps its traceback).
EXPECTED_ERRORS: tuple[type[BaseException], ...] = (
    CLIError,
    ValueError,
    TypeError,
    KeyError,
    OSError,
    ImportError,
    RuntimeError,
    ArithmeticError,
)


def describe_error(error: BaseException) -> str:
    """Return a one-line message for ``error``: its text, or its class name when it has none."""
    if isinstance(error, KeyError) and len(error.args) == 1:
        text = str(error.args[0])          # KeyError's str() adds quotes around the message
    elif isinstance(error, OSError) and error.filename is not None and error.strerror:
        text = f"{error.strerror}: {error.filename}"
    else:
        text = str(error)
    if isinstance(error, ImportError) and not text:
        text = "a required package is missing"
    text = " ".join(text.split())          # one line, whatever the message looked like
    return text or type(error).__name__
