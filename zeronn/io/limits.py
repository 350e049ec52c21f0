"""The limits a file must keep to before ZeroNN reads it, and a JSON reader that enforces them.

Every limit is checked on the cheap facts first (the 8-byte header length,
the file size, the declared shapes), so that a hostile or damaged file is
refused before memory is spent on it:

    MAX_HEADER_BYTES   16 MiB     the JSON header (architecture, metadata, tensor table)
    MAX_JSON_DEPTH     64         nesting of lists and objects in any JSON text of the file
    MAX_JSON_VALUES    500,000    values (counted as the , and : between them) in one JSON text
    MAX_TENSORS        100,000    tensors in one file
    MAX_LAYERS         10,000     layer descriptions in one architecture
    DEFAULT_MAX_BYTES  2 GiB      the tensor data of one file, and the memory one architecture may
                                  ask for (``max_bytes=`` of ``zeronn.load`` and friends changes it;
                                  ``max_bytes=None`` removes it, for files you trust)

A ZeroNN model this size is far beyond what NumPy trains comfortably (2 GiB
is 500 million float32 parameters); the limits exist so that a file which
merely *claims* such sizes costs nothing.
"""

from __future__ import annotations

import json
import math
from typing import Any, Optional

import numpy as np

from zeronn.io.errors import ModelFileError

__all__ = [
    "MAX_HEADER_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_JSON_VALUES",
    "MAX_TENSORS",
    "MAX_LAYERS",
    "DEFAULT_MAX_BYTES",
    "check_max_bytes",
    "format_bytes",
    "parse_json",
    "json_limit_problem",
]

MAX_HEADER_BYTES = 16 * 1024 * 1024
MAX_JSON_DEPTH = 64
MAX_JSON_VALUES = 500_000
MAX_TENSORS = 100_000
MAX_LAYERS = 10_000
DEFAULT_MAX_BYTES = 2 * 1024**3

_OPEN, _CLOSE = ord("["), ord("]")
_OPEN_OBJECT, _CLOSE_OBJECT = ord("{"), ord("}")


def check_max_bytes(max_bytes: Any) -> Optional[int]:
    """Check a ``max_bytes=`` argument: a positive int, or None for no limit."""
    if max_bytes is None:
        return None
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
        raise ValueError(f"max_bytes must be a positive int (bytes) or None (no limit), got {max_bytes!r}")
    return max_bytes


def format_bytes(count: float) -> str:
    """``1536`` -> ``"1.5 KiB"``: a size people read at a glance."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if count < 1024 or unit == "PiB":
            return f"{count:.0f} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} PiB"        # not reached


def parse_json(text: str, what: str, source: str) -> Any:
    """Parse ``text`` (JSON) within the limits above.

    Refused with a ``ModelFileError`` naming ``source`` and ``what`` (e.g.
    "the header"): text longer than ``MAX_HEADER_BYTES``, nesting deeper than
    ``MAX_JSON_DEPTH`` or more than ``MAX_JSON_VALUES`` values (both counted
    before parsing, in a vectorised pass over the bytes), an object with the
    same key twice (JSON readers disagree on which one wins), NaN/Infinity and
    numbers that overflow to inf (``1e999``), and anything that is not JSON.
    """
    problem = json_limit_problem(text)
    if problem is not None:
        raise ModelFileError(f"{source}: {what} {problem}; the file is damaged or not a ZeroNN file")
    hooks = _Hooks(source, what)
    try:
        return json.loads(text, object_pairs_hook=hooks.object, parse_float=hooks.number,
                          parse_constant=hooks.constant)
    except ModelFileError:
        raise
    except (ValueError, RecursionError) as error:
        raise ModelFileError(f"{source}: {what} is not valid JSON ({error})") from None


def json_limit_problem(text: str) -> Optional[str]:
    """What makes ``text`` go beyond the limits ("is nested too deeply (70 levels...)"), or None.

    ``write_archive`` asks this too, so that a file ZeroNN would refuse to read is never written.
    """
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_HEADER_BYTES:
        return f"is {format_bytes(len(data))} of JSON, more than the limit of {format_bytes(MAX_HEADER_BYTES)}"
    depth, separators = _scan(data)
    if depth > MAX_JSON_DEPTH:
        return f"is nested too deeply ({depth} levels of lists and objects, the limit is {MAX_JSON_DEPTH})"
    if separators + 1 > MAX_JSON_VALUES:
        return f"holds about {separators + 1:,} JSON values, more than the limit of {MAX_JSON_VALUES:,}"
    return None


_CHUNK = 64 * 1024


def _scan(data: bytes) -> tuple[int, int]:
    """Return (deepest nesting of [ ] and { }, number of , and :) counted outside strings.

    Works chunk by chunk (a few MB of scratch memory whatever the size),
    carrying across chunks: whether we are inside a string, the length of the
    backslash run that ended the chunk (an odd run escapes the next quote),
    and the current depth.  On invalid JSON the counts are still bounded
    by the text, which is all the caller needs.
    """
    all_bytes = np.frombuffer(data, dtype=np.uint8)
    depth = deepest = separators = 0
    in_string, carry = 0, 0
    for start in range(0, all_bytes.size, _CHUNK):
        raw = all_bytes[start : start + _CHUNK]                     # (n,)
        index = np.arange(raw.size)
        backslash = raw == ord("\\")
        last_other = np.maximum.accumulate(np.where(backslash, -1, index))
        run = np.where(backslash, index - last_other, 0)            # backslashes ending at each byte
        run = np.where(backslash & (last_other < 0), run + carry, run)
        preceding = np.concatenate(([carry], run[:-1]))
        quote = (raw == ord('"')) & (preceding % 2 == 0)            # the unescaped quotes
        parity = (np.cumsum(quote) + in_string) % 2                 # 1 inside a string
        outside = (parity == 0) & ~quote
        step = np.zeros(raw.size, dtype=np.int64)
        step[outside & ((raw == _OPEN) | (raw == _OPEN_OBJECT))] = 1
        step[outside & ((raw == _CLOSE) | (raw == _CLOSE_OBJECT))] = -1
        level = depth + np.cumsum(step)
        deepest = max(deepest, int(level.max(initial=0)))
        depth = int(level[-1])
        separators += int(np.count_nonzero(outside & ((raw == ord(",")) | (raw == ord(":")))))
        in_string, carry = int(parity[-1]), int(run[-1])
    return deepest, separators


class _Hooks:
    """Hooks for ``json.loads`` that refuse duplicate keys and non-finite numbers."""

    def __init__(self, source: str, what: str) -> None:
        self.source, self.what = source, what

    def object(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise ModelFileError(f"{self.source}: {self.what} has the key {key!r:.80} twice in one object")
                seen.add(key)
        return result

    def number(self, text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise ModelFileError(f"{self.source}: {self.what} has the number {text:.40}, too large for a float")
        return value

    def constant(self, name: str) -> Any:
        raise ModelFileError(f"{self.source}: {self.what} has {name}, which JSON does not allow "
                             "(ZeroNN stores non-finite floats as {\"$float\": ...} markers)")
