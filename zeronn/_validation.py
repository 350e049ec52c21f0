"""The one place where ZeroNN checks what it is given: arguments, hyper-parameters and arrays.

Every check raises a ``ValueError`` (a value out of range) or a ``TypeError``
(a value of the wrong kind) whose message names the argument or the object,
says what was expected and what came.  None of them uses ``assert``: user
mistakes must still be caught under ``python -O``.

Three families live here:

- **argument checks** such as ``check_positive_int("in_features", n)`` and
  ``pair("kernel_size", k)``, used by the layers' constructors;
- **declarative constraints** (``Interval``, ``Options``, ``Boolean``,
  ``PairOf``, ``ListOf``, ``Text``), in the spirit of scikit-learn's
  ``_parameter_constraints``: an optimizer or scheduler states each of its
  hyper-parameters once, in a class-level mapping, and the same mapping
  checks the constructor's arguments and every state dict loaded later::

      _parameter_constraints = {
          "lr": Interval(0, None, closed="left", label="learning rate", example="lr=0.01"),
          "eps": Interval(0, None, closed="neither", label="epsilon value"),
          "amsgrad": Boolean(),
      }
      checked = check_parameters(constraints, {"lr": 0.1, "eps": 1e-8, "amsgrad": False})

- **array checks**: ``real_array`` is the single rule for numeric input
  (bool, int and float arrays or nested lists are accepted; complex, object,
  str, bytes and ragged lists are a TypeError naming the owner), and
  ``layer_input`` applies it to what a layer receives.

Messages follow ``torch.optim`` for hyper-parameters (``Invalid learning rate:
-1.0 (expected a number >= 0, e.g. lr=0.01)``).  Every checked number comes
back as a plain Python ``float``/``int``/``bool``: NumPy scalars never reach
the update rules, where an ``np.float64`` would silently promote float32 work
to float64.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Optional

import numpy as np

from zeronn.dtype import get_default_dtype

__all__ = [
    # argument checks
    "check_positive_int",
    "check_nonnegative_int",
    "check_positive_float",
    "check_nonnegative_float",
    "check_probability",
    "check_in_range",
    "check_choice",
    "check_flag",
    "pair",
    # constraints
    "WrongTypeError",
    "Constraint",
    "Interval",
    "Options",
    "Boolean",
    "Text",
    "PairOf",
    "ListOf",
    "check_parameters",
    "check_state_keys",
    # arrays and shapes
    "describe_owner",
    "real_array",
    "layer_input",
    "check_finite",
    "finite_array",
    "format_shape",
    "expect_grad_shape",
    "expect_shape",
    "expect_ndim",
]


# ------------------------------------------------------------------------------------------ kinds
def _is_int(value: Any) -> bool:
    """An integer (Python or NumPy), but not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    """A real number (Python or NumPy), but not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _kind_of(value: Any) -> str:
    return type(value).__name__


class WrongTypeError(TypeError, ValueError):
    """A value of the wrong kind (a string where a number belongs).

    It is a ``TypeError``, and also a ``ValueError`` so that code written
    when these checks raised ``ValueError`` for everything keeps working.
    """


# -------------------------------------------------------------------------------- argument checks
def check_positive_int(name: str, value: Any) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= 1."""
    if not _is_int(value) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_nonnegative_int(name: str, value: Any) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= 0."""
    if not _is_int(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return int(value)


def check_positive_float(name: str, value: Any) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number > 0."""
    return Interval(0, None, closed="neither").check(name, value)


def check_nonnegative_float(name: str, value: Any) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number >= 0."""
    return Interval(0, None, closed="left").check(name, value)


def check_probability(name: str, value: Any) -> float:
    """Return ``value`` as a float in [0, 1), or raise."""
    return check_in_range(name, value, 0.0, 1.0, high_inclusive=False)


def check_in_range(
    name: str, value: Any, low: float, high: float, *, low_inclusive: bool = True, high_inclusive: bool = True
) -> float:
    """Return ``value`` as a float if ``low <= value <= high`` (bounds as asked), else raise."""
    closed = {(True, True): "both", (True, False): "left", (False, True): "right", (False, False): "neither"}
    return Interval(low, high, closed=closed[low_inclusive, high_inclusive]).check(name, value)


def check_choice(kind: str, value: Any, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; else raise listing the valid ones.

    >>> check_choice("activation", "relu", ["relu", "tanh"])
    'relu'
    """
    return Options(*choices).check(kind, value)


def check_flag(name: str, value: Any) -> bool:
    """Return ``value`` as a bool if it is one (Python or NumPy), else raise ``TypeError``."""
    return Boolean().check(name, value)


def pair(name: str, value: Any, *, minimum: int = 1) -> tuple[int, int]:
    """Turn an int or a pair of ints into a pair, checking each is >= ``minimum``."""
    items = (value, value) if _is_int(value) else tuple(value) if isinstance(value, Sequence) else None
    if items is None or len(items) != 2 or not all(_is_int(v) and v >= minimum for v in items):
        raise ValueError(f"{name} must be an integer >= {minimum} or a pair of them, got {value!r}")
    return int(items[0]), int(items[1])


# ------------------------------------------------------------------------------------ constraints
class Constraint:
    """What one hyper-parameter may be.  ``check(name, value)`` returns it normalised, or raises.

    ``label`` is how messages call the value (default ``"<name> value"``,
    as in ``Invalid momentum value: -1``); ``example`` is appended as a hint.
    """

    def __init__(self, *, label: Optional[str] = None, example: Optional[str] = None) -> None:
        self.label = label
        self.example = example

    def describe(self) -> str:
        """What is expected, in words (e.g. ``a number in [0, 1)``)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement describe()")

    def check(self, name: str, value: Any) -> Any:
        """Return ``value`` normalised (plain Python types), or raise ``TypeError``/``ValueError``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement check()")

    def _head(self, name: str, value: Any) -> str:
        shown = value.item() if isinstance(value, np.generic) else value      # 0.5, not np.float64(0.5)
        return f"Invalid {self.label or name + ' value'}: {shown!r:.200}"

    def _expected(self) -> str:
        hint = f", e.g. {self.example}" if self.example else ""
        return f"expected {self.describe()}{hint}"

    def _type_error(self, name: str, value: Any) -> TypeError:
        return WrongTypeError(f"{self._head(name, value)} ({self._expected()}, got {_kind_of(value)})")

    def _value_error(self, name: str, value: Any) -> ValueError:
        return ValueError(f"{self._head(name, value)} ({self._expected()})")


class Interval(Constraint):
    """A finite number (or an integer, with ``integer=True``) between ``low`` and ``high``.

    ``None`` leaves a side open-ended; NaN is never accepted, infinity only
    with ``allow_infinite=True``.  ``closed`` says which ends belong to
    the interval: "both", "left", "right" or "neither" (as scikit-learn's
    ``Interval``).  ``Interval(0, None, closed="left")`` is ``x >= 0``,
    ``Interval(0, None, closed="neither")`` is ``x > 0``,
    ``Interval(0, 1, closed="left")`` is ``0 <= x < 1``.
    """

    def __init__(
        self,
        low: Optional[float],
        high: Optional[float],
        *,
        closed: str = "both",
        integer: bool = False,
        allow_infinite: bool = False,
        label: Optional[str] = None,
        example: Optional[str] = None,
    ) -> None:
        super().__init__(label=label, example=example)
        if closed not in ("both", "left", "right", "neither"):
            raise ValueError(f"closed must be 'both', 'left', 'right' or 'neither', got {closed!r}")
        self.low, self.high, self.closed, self.integer = low, high, closed, integer
        self.allow_infinite = allow_infinite

    def describe(self) -> str:
        kind = "an integer" if self.integer else "a number"
        low_in = self.closed in ("both", "left")
        high_in = self.closed in ("both", "right")
        if self.low is not None and self.high is not None:
            left, right = "[" if low_in else "(", "]" if high_in else ")"
            return f"{kind} in {left}{self.low}, {self.high}{right}"
        if self.low is not None:
            return f"{kind} {'>=' if low_in else '>'} {self.low}"
        if self.high is not None:
            return f"{kind} {'<=' if high_in else '<'} {self.high}"
        return kind if self.integer or self.allow_infinite else "a finite number"

    def contains(self, value: float) -> bool:
        """Whether the (already type-checked) number lies in the interval."""
        low_in = self.closed in ("both", "left")
        high_in = self.closed in ("both", "right")
        above = self.low is None or (value >= self.low if low_in else value > self.low)
        below = self.high is None or (value <= self.high if high_in else value < self.high)
        return bool(above and below)

    def check(self, name: str, value: Any) -> Any:
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
            value = value.item()                               # a 0-d array from a file counts as its number
        if not (_is_int(value) if self.integer else _is_real(value)):
            raise self._type_error(name, value)
        try:
            number = int(value) if self.integer else float(value)
        except OverflowError:                                   # e.g. the int 10**400 as a float
            raise self._value_error(name, value) from None
        if self.integer:
            finite = True
        else:
            finite = not math.isnan(number) and (self.allow_infinite or not math.isinf(number))
        if not finite or not self.contains(number):
            raise self._value_error(name, value)
        return number


class Options(Constraint):
    """One of a fixed set of strings (``Options("min", "max")``)."""

    def __init__(self, *choices: str, label: Optional[str] = None) -> None:
        super().__init__(label=label)
        self.choices = tuple(sorted(choices))

    def describe(self) -> str:
        return "one of: " + ", ".join(self.choices)

    def check(self, name: str, value: Any) -> str:
        if not isinstance(value, str) or value not in self.choices:
            valid = ", ".join(self.choices)
            raise ValueError(f"Unknown {self.label or name} {value!r:.200}; valid choices are: {valid}")
        return value


class Boolean(Constraint):
    """``True`` or ``False`` (NumPy's bool too); an int such as 1 is refused, as it usually hides a mistake."""

    def describe(self) -> str:
        return "True or False"

    def check(self, name: str, value: Any) -> bool:
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {value!r:.200}")
        return bool(value)


class Text(Constraint):
    """Any string (e.g. a free label)."""

    def describe(self) -> str:
        return "a string"

    def check(self, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self._type_error(name, value)
        return value


class PairOf(Constraint):
    """A pair (tuple or list of two), each item checked by ``item``; returned as a tuple.

    ``item_label`` names one item in messages (``Invalid beta parameter at index 1: 1.0``).
    """

    def __init__(self, item: Constraint, *, item_label: Optional[str] = None, label: Optional[str] = None,
                 example: Optional[str] = None) -> None:
        super().__init__(label=label, example=example)
        self.item, self.item_label = item, item_label

    def describe(self) -> str:
        return f"a pair of {self.item.describe().replace('a number', 'numbers').replace('an integer', 'integers')}"

    def check(self, name: str, value: Any) -> tuple[Any, ...]:
        if isinstance(value, np.ndarray) and value.ndim == 1:
            value = value.tolist()
        if not isinstance(value, (tuple, list)):
            raise self._type_error(name, value)
        if len(value) != 2:
            raise self._value_error(name, value)
        checked = []
        for index, item in enumerate(value):
            item_name = f"{self.item_label or name + ' item'} at index {index}"
            checked.append(_relabelled(self.item, item_name).check(item_name, item))
        return tuple(checked)


class ListOf(Constraint):
    """A list (or tuple) of items each checked by ``item``; returned as a list.

    ``length`` fixes the number of items; ``nonempty`` refuses an empty list;
    ``increasing`` asks for strictly increasing items; ``sort`` returns them sorted.
    """

    def __init__(self, item: Constraint, *, length: Optional[int] = None, nonempty: bool = False,
                 increasing: bool = False, sort: bool = False, label: Optional[str] = None,
                 example: Optional[str] = None) -> None:
        super().__init__(label=label, example=example)
        self.item, self.length, self.nonempty = item, length, nonempty
        self.increasing, self.sort = increasing, sort

    def describe(self) -> str:
        items = self.item.describe().replace("a number", "numbers").replace("an integer", "integers")
        if self.length is not None:
            text = f"a list of {self.length} {items}"
        else:
            text = f"a {'non-empty ' if self.nonempty else ''}list of {items}"
        return text + (", increasing" if self.increasing else "")

    def check(self, name: str, value: Any) -> list[Any]:
        if isinstance(value, np.ndarray) and value.ndim == 1:
            value = value.tolist()
        if not isinstance(value, (list, tuple)):
            raise self._type_error(name, value)
        if (self.length is not None and len(value) != self.length) or (self.nonempty and not value):
            raise self._value_error(name, value)
        checked = [_relabelled(self.item, f"{name}[{i}]").check(f"{name}[{i}]", v) for i, v in enumerate(value)]
        if self.increasing and any(a >= b for a, b in zip(checked, checked[1:])):
            raise self._value_error(name, value)
        return sorted(checked) if self.sort else checked


def _relabelled(constraint: Constraint, label: str) -> Constraint:
    """The same constraint, naming the checked item ``label`` in messages."""
    copy = object.__new__(type(constraint))
    copy.__dict__.update(constraint.__dict__, label=label)
    return copy


def check_parameters(constraints: Mapping[str, Constraint], values: Mapping[str, Any],
                     owner: Optional[str] = None) -> dict[str, Any]:
    """Check every value against its constraint; return them normalised, in the constraints' order.

    ``values`` must hold exactly the keys of ``constraints``; ``owner``
    (e.g. ``"Adam"``) names the object in the message about a missing or
    unknown key.
    """
    missing = [key for key in constraints if key not in values]
    unknown = sorted(set(values) - set(constraints))
    if missing or unknown:
        who = f"{owner}: " if owner else ""
        raise ValueError(f"{who}hyper-parameters do not fit (missing {missing or 'nothing'}, unknown "
                         f"{unknown or 'nothing'}); valid ones are: {', '.join(constraints)}")
    return {key: constraint.check(key, values[key]) for key, constraint in constraints.items()}


def check_state_keys(where: str, state: Any, expected: Iterable[str], hint: str = "") -> None:
    """Raise unless ``state`` is a dict with exactly the keys ``expected`` (``where`` starts the message)."""
    if not isinstance(state, dict):
        raise TypeError(f"{where} expects a dict, got {_kind_of(state)}")
    expected = set(expected)
    missing = sorted(expected - set(state))
    unknown = sorted(str(key) for key in set(state) - expected)
    if missing or unknown:
        raise ValueError(f"{where}: the state dict does not fit (missing {missing or 'nothing'}, "
                         f"unknown {unknown or 'nothing'}){hint}")


# ------------------------------------------------------------------------------------------ arrays
def describe_owner(owner: Any) -> str:
    """How messages name ``owner``: a string as it is, else its one-line ``repr`` (the class name if longer)."""
    if isinstance(owner, str):
        return owner
    text = repr(owner)
    return text if "\n" not in text and len(text) <= 120 else type(owner).__name__


_REAL_KINDS = "biuf"


def _dtype_words(array: np.ndarray) -> str:
    kind = array.dtype.kind
    if kind == "U" or kind == "S":
        return f"text (dtype {array.dtype})"
    return str(array.dtype)


def _from_objects(owner: Any, values: np.ndarray, what: str) -> np.ndarray:
    """An object array holding only real numbers becomes a float64 array; anything else is a TypeError."""
    for item in values.flat:
        if not (isinstance(item, numbers.Real) and not isinstance(item, (str, bytes))):
            raise TypeError(f"{describe_owner(owner)} expects real numbers (bool, int or float) as {what}, got an "
                            f"object array holding {_kind_of(item)} ({item!r:.40})")
    try:
        return values.astype(np.float64)
    except (OverflowError, ValueError, TypeError) as error:          # e.g. the int 10**400
        raise ValueError(f"{describe_owner(owner)}: {what} holds a number that does not fit a float64 "
                         f"({error})") from None


def real_array(owner: Any, values: Any, what: str = "input") -> np.ndarray:
    """Return ``values`` as an ndarray of real numbers (bool, int or float dtype), or raise ``TypeError``.

    The one rule for numeric input everywhere in ZeroNN: ndarrays and
    (nested) lists of bools, ints and floats are accepted as they are; an
    object array is accepted only when every item is a real number (it
    becomes float64); complex numbers, strings, bytes, ``None``, dates and
    ragged lists are refused with a message naming ``owner`` and ``what``.
    """
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{describe_owner(owner)} expects real numbers (bool, int or float) as {what}, got a "
                        f"{_kind_of(values)} {values!r:.40}")
    try:
        array = values if isinstance(values, np.ndarray) else np.asarray(values)
    except (ValueError, TypeError) as error:                   # e.g. "inhomogeneous shape" of ragged lists
        raise TypeError(f"{describe_owner(owner)} expects a rectangular array of real numbers as {what}, got "
                        f"{_kind_of(values)} that NumPy cannot turn into one (rows of different lengths?): "
                        f"{error}") from None
    kind = array.dtype.kind
    if kind in _REAL_KINDS:
        return array
    if kind == "O":
        return _from_objects(owner, array, what)
    raise TypeError(f"{describe_owner(owner)} expects real numbers (bool, int or float) as {what}, got "
                    f"{_dtype_words(array)}")


_LAYER_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def layer_input(owner: Any, values: Any, dtype: Optional[np.dtype]) -> np.ndarray:
    """What a layer computes on: ``values`` as real numbers, in the layer's float dtype.

    ``dtype`` is the layer's (its parameters') dtype; every real input is
    converted to it.  A layer without parameters (``dtype=None``) keeps a
    float32 or float64 array as it is and converts everything else (bool,
    int and float16 arrays, lists, object arrays of numbers) to the default
    float dtype.  Anything that is not real numbers raises ``TypeError``
    naming the layer (see ``real_array``).
    """
    if type(values) is np.ndarray and (values.dtype == dtype or (dtype is None and values.dtype in _LAYER_FLOATS)):
        return values                                          # the usual case: nothing to convert
    keeps_float = isinstance(values, np.ndarray) and values.dtype in _LAYER_FLOATS
    array = np.asarray(real_array(owner, values, "input"))     # a plain ndarray (np.matrix, memmap: a view)
    target = dtype if dtype is not None else array.dtype if keeps_float else get_default_dtype()
    return array.astype(target, copy=False)


def check_finite(owner: Any, values: np.ndarray, what: str) -> None:
    """Raise ``ValueError`` naming ``owner`` and ``what`` if ``values`` holds NaN or inf."""
    if values.dtype.kind in "fc" and values.size and not np.isfinite(values).all():
        bad = int(values.size - np.count_nonzero(np.isfinite(values)))
        raise ValueError(f"{describe_owner(owner)}: {what} holds {bad} NaN or infinite value(s); "
                         "clean the data (e.g. np.nan_to_num or drop those rows)")


def finite_array(where: str, value: Any, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
    """A copy of ``value`` as a finite real array of ``shape`` in ``dtype`` (for arrays read from state dicts).

    Refuses (naming ``where``) anything else: lists that are not arrays,
    complex, object or text arrays, NaN or inf, a wrong shape.
    """
    if not isinstance(value, (np.ndarray, list, tuple)) and not _is_real(value):
        raise TypeError(f"{where} must be an array of shape {format_shape(shape)}, got {_kind_of(value)}")
    array = real_array(where, value, "values")
    if array.dtype.kind == "b":
        raise TypeError(f"{where} must hold floating-point numbers, got dtype bool")
    if array.shape != tuple(shape):
        raise ValueError(f"{where} has shape {format_shape(array.shape)}, expected {format_shape(shape)}")
    if array.size and not np.isfinite(array).all():
        raise ValueError(f"{where} holds NaN or infinite values")
    return array.astype(dtype, copy=True)


# ------------------------------------------------------------------------------------------ shapes
def format_shape(shape: Sequence[Any]) -> str:
    """Format a shape like NumPy does, names allowed: ``(batch, 3)``, ``(5,)``."""
    parts = [str(s) for s in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def expect_ndim(owner: Any, x: np.ndarray, ndim: int, described: Sequence[Any]) -> None:
    """Raise if ``x`` does not have ``ndim`` dimensions; ``described`` names the expected axes."""
    if x.ndim != ndim:
        raise ValueError(f"{owner!r} expects input of shape {format_shape(described)}, got {format_shape(x.shape)}")


def expect_shape(owner: Any, x: np.ndarray, pattern: Sequence[Any], hint: str = "") -> None:
    """Raise unless ``x.shape`` matches ``pattern``.

    ``pattern`` holds ints (that axis must have exactly that size) and strings
    (any size, the string names the axis), e.g. ``("batch", 3)``.
    """
    ok = x.ndim == len(pattern) and all(isinstance(p, str) or p == s for p, s in zip(pattern, x.shape))
    if not ok:
        message = f"{owner!r} expects input of shape {format_shape(pattern)}, got {format_shape(x.shape)}"
        raise ValueError(message + (f"; {hint}" if hint else ""))


def expect_grad_shape(layer: Any, grad_out: Any, expected: tuple[int, ...]) -> np.ndarray:
    """Return ``grad_out`` as an array if its shape is ``expected`` (the output's), else raise ValueError.

    The check every ``backward`` makes first.  The message names the layer and both shapes, e.g.
    ``Linear(3 -> 2): backward() expects a gradient of shape (4, 2) (the output's), got (4, 3)``.
    """
    grad_out = np.asarray(grad_out)
    if grad_out.shape != tuple(expected):
        raise ValueError(
            f"{layer!r}: backward() expects a gradient of shape {format_shape(expected)} "
            f"(the output's), got {format_shape(grad_out.shape)}"
        )
    return grad_out
