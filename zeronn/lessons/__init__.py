"""Lessons: the tutorial's three closing questions, answered by experiments with pictures.

    zeronn lesson                          the list
    zeronn lesson activations              question 1: which activations besides the sigmoid?
    zeronn lesson learning-rate            question 2: how to train with a learning rate?
    zeronn lesson convolution              question 3: how to classify images with convolution?

Each prints a short explanation and a result table and writes its pictures
(and a Markdown page, lesson.md) to a folder.  From Python::

    from zeronn.lessons import run_lesson
    result = run_lesson("activations", quick=True, out="lessons/activations")
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

from zeronn.lang import resolve_lang
from zeronn.lessons import activations, convolution, learning_rate
from zeronn.lessons.lesson import Lesson, LessonResult, Picture, Table, render_markdown, render_text

__all__ = ["LESSONS", "get_lesson", "run_lesson", "Lesson", "LessonResult", "Picture", "Table", "render_text",
           "render_markdown"]

#: name -> Lesson, in the order of the tutorial's questions.
LESSONS: dict[str, Lesson] = {lesson.name: lesson for lesson in (activations.LESSON, learning_rate.LESSON,
                                                                  convolution.LESSON)}


def get_lesson(name: str) -> Lesson:
    """The lesson called ``name``; ValueError listing the lessons for an unknown one."""
    if not isinstance(name, str) or name not in LESSONS:
        raise ValueError(f"Unknown lesson {name!r}; lessons: {', '.join(LESSONS)}")
    return LESSONS[name]


def run_lesson(name: str, *, quick: bool = False, out: Union[None, str, "os.PathLike[str]"] = None,
               lang: Optional[str] = None) -> LessonResult:
    """Run lesson ``name``: pictures and ``lesson.md`` go to ``out`` (default ``lessons/<name>``)."""
    lesson = get_lesson(name)
    lang = resolve_lang(lang)
    folder = Path(out) if out is not None else Path("lessons") / name
    folder.mkdir(parents=True, exist_ok=True)
    result = lesson.run(quick, folder, lang)
    command = f"zeronn lesson {name}" + (" --quick" if quick else "") + (" --lang zh" if lang == "zh" else "")
    (folder / "lesson.md").write_text(render_markdown(result, lang, commands=[command]), encoding="utf-8")
    return result
