"""What an exercise is: its text, the functions the learner writes, hints, and the checks that grade them.

An exercise is data.  The file ``zeronn exercise start NAME`` writes and the
reference solution are both built from the same ``Function`` entries, so the
two can never drift apart: the template keeps each signature and docstring and
replaces the body by ``raise NotImplementedError``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple, Optional

from zeronn.lang import resolve_lang

if TYPE_CHECKING:                                   # pragma: no cover
    from zeronn.exercises.grading import Grader

__all__ = ["Text", "Function", "Exercise", "MARKER"]

#: The first line of every exercise file; ``check`` reads the exercise's name from it.
MARKER = "# zeronn exercise:"


class Text(NamedTuple):
    """One text in English and in Chinese."""

    en: str
    zh: str

    def get(self, lang: Optional[str] = None) -> str:
        """The text in ``lang`` (``"en"``/``"zh"``; None: ``$ZERONN_LANG``, then English)."""
        return self.zh if resolve_lang(lang) == "zh" else self.en


@dataclass(frozen=True)
class Function:
    """One function the learner writes.

    Attributes
    ----------
    signature : str
        The ``def`` line, e.g. ``"def sigmoid(x):"``.
    doc : Text
        Its docstring: what it takes, what it returns, with shapes.
    solution : str
        The reference body, indented by four spaces.
    """

    signature: str
    doc: Text
    solution: str

    @property
    def name(self) -> str:
        """The function's name, read from the signature."""
        return self.signature.split("def ", 1)[1].split("(", 1)[0].strip()


@dataclass(frozen=True)
class Exercise:
    """One graded exercise.

    Attributes
    ----------
    name : str
        What the learner types: ``zeronn exercise start sigmoid``.
    title : Text
        One line.
    text : Text
        The statement, written as comments at the top of the learner's file.
    functions : tuple of Function
        What the learner writes, in order.
    check : callable
        ``check(grader)`` runs every part: calls the learner's functions through
        ``grader`` and compares them with the reference (ZeroNN's own layers).
    hints : tuple of Text
        Shown one at a time by ``zeronn exercise hint NAME``.
    given : str
        Code placed above the functions (imports and helpers the learner does
        not write this time).
    try_it : str
        A few lines placed under ``if __name__ == "__main__":`` so that
        ``python FILE`` runs the learner's functions once (the checker never
        runs them: it loads the file under another name).
    """

    name: str
    title: Text
    text: Text
    functions: tuple[Function, ...]
    check: Callable[["Grader"], None]
    hints: tuple[Text, ...] = ()
    given: str = "import numpy as np\n"
    try_it: str = ""

    def source(self, *, solution: bool = False, lang: Optional[str] = None) -> str:
        """The learner's file: the text as comments, the given code, then each function.

        With ``solution=False`` (the template) every body is ``raise NotImplementedError``.
        """
        lines = [f"{MARKER} {self.name}", f"# {self.title.get(lang)}", "#"]
        lines += [f"# {line}".rstrip() for line in self.text.get(lang).strip("\n").splitlines()]
        lines += ["#", "# " + _CHECK_LINE.get(lang).format(name=self.name), "", self.given.rstrip("\n"), ""]
        for function in self.functions:
            lines += ["", function.signature]
            doc = function.doc.get(lang).strip("\n").splitlines()
            if len(doc) == 1:
                lines.append(f'    """{doc[0]}"""')
            else:
                lines += ['    """' + doc[0]] + [f"    {line}".rstrip() for line in doc[1:]] + ['    """']
            if solution:
                lines += [function.solution.rstrip("\n")]
            else:
                blank = _BLANK.get(lang).format(name=function.name)
                lines += [f"    raise NotImplementedError({blank!r})"]
            lines.append("")
        if self.try_it:
            lines += ["", 'if __name__ == "__main__":                  # python FILE runs this; the check does not',
                      *[f"    {line}".rstrip() for line in self.try_it.strip("\n").splitlines()]]
        return "\n".join(lines).rstrip("\n") + "\n"


_CHECK_LINE = Text(
    "When you are done: zeronn exercise check {name}.py   (stuck? zeronn exercise hint {name})",
    "写完后运行: zeronn exercise check {name}.py   (卡住了? zeronn exercise hint {name})",
)
_BLANK = Text("write {name}", "请实现 {name}")
