"""Read a class's ``Forward:`` and ``Backward:`` paragraphs from its docstring (the text lives only there).

A paragraph starts at a line ``Forward...:`` or ``Backward...:`` (a label such
as ``Forward (training):`` is kept) and continues over the indented lines below
it, up to a blank line or the next unindented line::

    Forward:   y = x @ W + b
               x (N, in_features), W (in_features, out_features), ...
    Backward:  given g = dL/dy (N, out_features):
               dW = x.T @ g          (in_features, out_features)

gives ``forward = ["y = x @ W + b", "x (N, in_features), ..."]`` and
``backward = ["given g = dL/dy (N, out_features):", "dW = x.T @ g  ..."]``.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field

__all__ = ["Formulas", "formulas_of", "split_formula"]

_HEADER = re.compile(r"^(Forward|Backward)\b([^:]*):\s*(.*)$")


@dataclass
class Formulas:
    """The formula lines of one class: forward and backward, each a list of lines (labels kept)."""

    forward: list[str] = field(default_factory=list)
    backward: list[str] = field(default_factory=list)
    summary: str = ""

    def first_forward(self) -> str:
        """The first forward line (the formula itself), or the summary line when there is none."""
        return self.forward[0] if self.forward else self.summary


def _parse(doc: str) -> Formulas:
    lines = inspect.cleandoc(doc).splitlines()
    result = Formulas(summary=lines[0].strip() if lines else "")
    current: list[str] = []
    collecting = False
    for line in lines:
        match = _HEADER.match(line)
        if match:
            kind, label, rest = match.groups()
            current = result.forward if kind == "Forward" else result.backward
            label = label.strip()
            text = rest.strip()
            if label and not label.startswith(","):
                text = f"{label.strip()}: {text}" if text else f"{label.strip()}:"
            elif label:
                text = f"{label.lstrip(', ').strip()}: {text}".strip() if text else f"{label.lstrip(', ').strip()}:"
            if text:
                current.append(text)
            collecting = True
        elif collecting and line.strip() and line[:1].isspace():
            current.append(line.strip())
        else:
            collecting = False
    return result


def formulas_of(cls: type) -> Formulas:
    """The formulas of ``cls``: from its own docstring, else from the nearest base class that has them."""
    for klass in cls.__mro__:
        doc = vars(klass).get("__doc__")
        if doc:
            parsed = _parse(doc)
            if parsed.forward or parsed.backward:
                if klass is not cls and vars(cls).get("__doc__"):
                    parsed.summary = _parse(vars(cls)["__doc__"]).summary
                return parsed
    doc = cls.__doc__ or ""
    return _parse(doc) if doc else Formulas(summary=cls.__name__)


def split_formula(line: str) -> tuple[str, str]:
    """Split ``"dW = x.T @ g          (in, out)"`` into the formula and its trailing note (after 3+ spaces)."""
    parts = re.split(r"\s{3,}", line.strip(), maxsplit=1)
    return parts[0], (parts[1] if len(parts) > 1 else "")
