"""What a lesson is, and what it hands back: a short explanation, a result table and pictures.

A lesson's ``run(quick, out, lang)`` trains small networks, draws pictures
into the folder ``out`` and returns a ``LessonResult``; ``render_text`` turns
it into what ``zeronn lesson NAME`` prints, ``render_markdown`` into the page
written beside the pictures (``out/lesson.md``) and kept in ``docs/lessons/``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

__all__ = ["Table", "Picture", "LessonResult", "Lesson", "format_cell", "render_text", "render_markdown"]


@dataclass
class Table:
    """A result table: a title, column headers, and rows of already-formatted cells."""

    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)

    def text(self) -> str:
        """Columns padded with spaces, for the terminal (CJK characters count as two columns)."""
        table = [self.headers] + self.rows
        widths = [max(_width(row[i]) for row in table) for i in range(len(self.headers))]
        lines = [self.title]
        for number, row in enumerate(table):
            lines.append("  " + "  ".join(_pad(cell, width) for cell, width in zip(row, widths)).rstrip())
            if number == 0:
                lines.append("  " + "  ".join("-" * width for width in widths))
        return "\n".join(lines)

    def markdown(self) -> str:
        """A Markdown table with the title in bold above it."""
        lines = [f"**{self.title}**", "", "| " + " | ".join(self.headers) + " |",
                 "|" + "|".join("---" for _ in self.headers) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


@dataclass
class Picture:
    """One picture the lesson wrote, and its caption."""

    path: Path
    caption: str


@dataclass
class LessonResult:
    """Everything a lesson shows: sections of explanation, tables, pictures, and the numbers behind them."""

    name: str
    title: str
    intro: str
    tables: list[Table] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    explanation: list[tuple[str, str]] = field(default_factory=list)      # (heading, paragraph)
    notes: list[str] = field(default_factory=list)
    numbers: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Lesson:
    """A lesson: its command-line name, its title in both languages, and its ``run`` function."""

    name: str
    title_en: str
    title_zh: str
    question: str
    run: Callable[[bool, Path, Optional[str]], LessonResult]

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


def format_cell(value: Optional[float], digits: int = 4) -> str:
    """A number for a table cell: "-" for None, "diverged" never (callers say so), else ``digits`` significant."""
    if value is None:
        return "-"
    return f"{value:.{digits}g}"


def render_text(result: LessonResult, lang: str) -> str:
    """What ``zeronn lesson`` prints after training: tables, explanation, the pictures written."""
    lines: list[str] = []
    for table in result.tables:
        lines += ["", table.text()]
    for heading, paragraph in result.explanation:
        lines += ["", heading, _indent(paragraph)]
    for note in result.notes:
        lines += ["", note]
    lines += ["", "图片:" if lang == "zh" else "Pictures:"]
    lines += [f"  {picture.path}  ({picture.caption})" for picture in result.pictures]
    return "\n".join(lines)


def _indent(paragraph: str, width: int = 100) -> str:
    import textwrap

    return "\n".join(textwrap.fill(block, width, initial_indent="  ", subsequent_indent="  ",
                                   break_long_words=False, break_on_hyphens=False)
                     if not block.startswith("    ") else block
                     for block in paragraph.split("\n"))


def render_markdown(result: LessonResult, lang: str, *, image_prefix: str = "",
                    commands: Sequence[str] = ()) -> str:
    """The lesson as a Markdown page; pictures are linked as ``image_prefix + file name``."""
    lines = [f"# {result.title}", "", result.intro, ""]
    if commands:
        lines += ["```bash"] + list(commands) + ["```", ""]
    for table in result.tables:
        lines += [table.markdown(), ""]
    for heading, paragraph in result.explanation:
        lines += [f"## {heading}", "", paragraph, ""]
    for note in result.notes:
        lines += [f"> {note}", ""]
    lines += ["## " + ("图片" if lang == "zh" else "Pictures"), ""]
    for picture in result.pictures:
        lines += [f"![{picture.caption}]({image_prefix}{picture.path.name})", "", f"*{picture.caption}*", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
