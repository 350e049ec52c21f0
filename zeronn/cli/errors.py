"""How the command line reports a failure: one line on stderr, a non-zero exit code, never a traceback.

Two kinds of failure, told apart by the exception's class:

- **user errors** (exit code 1, ``zeronn: error: <message>``): ``CLIError``
  (mistakes the commands detect themselves), ``ValueError`` (the library's
  refusals of bad input: ``ModelFileError``, ``DatasetError``,
  ``ArchitectureError``, ``ModelTooLargeError``... are ValueErrors),
  ``OSError`` (a missing file, a full disk), ``FloatingPointError``
  (``NonFiniteLossError``: training diverged), ``MemoryError``, and an
  ``ImportError`` of an optional package that is not installed (matplotlib,
  Pillow, PyYAML...);
- **internal errors** (exit code 70, ``zeronn: internal error: ...``):
  everything else — ``TypeError``, ``KeyError``, ``AttributeError``, an
  ``ImportError`` of ZeroNN's own modules... — is a bug in ZeroNN, not a
  mistake of the user.  The line says so and how to see the traceback.

``--debug`` (or the environment variable ``ZERONN_DEBUG=1``) shows the full
traceback instead, for bug reports.
"""

from __future__ import annotations

__all__ = ["CLIError", "USER_ERRORS", "EXIT_USER_ERROR", "EXIT_INTERNAL_ERROR", "is_user_error", "describe_error",
           "error_line"]

EXIT_USER_ERROR = 1
EXIT_INTERNAL_ERROR = 70          # EX_SOFTWARE in sysexits.h


class CLIError(Exception):
    """A mistake in the command's arguments or inputs, reported as one line."""


#: Exceptions that report a mistake in the input (everything else is a bug).
USER_ERRORS: tuple[type[BaseException], ...] = (CLIError, ValueError, OSError, FloatingPointError, MemoryError)


def _is_missing_optional_package(error: BaseException) -> bool:
    if not isinstance(error, ImportError):
        return False
    name = error.name or ""
    return not (name == "zeronn" or name.startswith("zeronn."))


def is_user_error(error: BaseException) -> bool:
    """True when ``error`` reports a mistake in the input (or the environment), False for a bug."""
    return isinstance(error, USER_ERRORS) or _is_missing_optional_package(error)


def describe_error(error: BaseException) -> str:
    """Return a one-line message for ``error``: its text, or its class name when it has none."""
    if isinstance(error, OSError) and error.filename is not None and error.strerror:
        text = f"{error.strerror}: {error.filename}"
    elif isinstance(error, MemoryError):
        text = f"not enough memory{': ' + str(error) if str(error) else ''} (use a smaller model, batch or dataset)"
    elif isinstance(error, KeyError) and len(error.args) == 1:
        text = repr(error.args[0])
    else:
        text = str(error)
    if isinstance(error, ImportError) and not text:
        text = "a required package is missing"
    text = " ".join(text.split())          # one line, whatever the message looked like
    return text or type(error).__name__


def error_line(error: BaseException) -> tuple[str, int]:
    """The line to print for ``error`` and the exit code."""
    if is_user_error(error):
        return f"zeronn: error: {describe_error(error)}", EXIT_USER_ERROR
    return (f"zeronn: internal error: {type(error).__name__}: {describe_error(error)} "
            "(a bug in zeronn, not in your input; rerun with --debug for the traceback and please report it)",
            EXIT_INTERNAL_ERROR)
