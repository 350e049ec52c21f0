"""``zeronn lesson [NAME] [--quick] [--out DIR] [--lang zh]``: the tutorial's three questions as lessons."""

from __future__ import annotations

import argparse
import time
from typing import Any

__all__ = ["add_parser", "run"]

DESCRIPTION = """\
The tutorial ends with three questions; each lesson answers one by training
small networks and drawing what happened: a short explanation, a result table,
and pictures (plus a Markdown page, lesson.md) in a folder.  Each takes under
two minutes on two CPU cores; --quick runs a small version in seconds.
"""

EPILOG = """\
examples:
  zeronn lesson                                  the list
  zeronn lesson activations                      sigmoid, tanh, ReLU, GELU ... on the tutorial's net and spirals
  zeronn lesson learning-rate                    1e-4 to 10, SGD vs momentum vs Adam, a schedule, the LR finder
  zeronn lesson convolution --out my_lesson      a CNN vs an MLP on real MNIST
  zeronn lesson activations --quick --lang zh    in Chinese (or ZERONN_LANG=zh)
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``lesson`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser("lesson", help="lessons: activations, learning rate, convolution, with pictures",
                                   description=DESCRIPTION, epilog=EPILOG,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("name", nargs="?", metavar="NAME", help="activations, learning-rate or convolution")
    parser.add_argument("--quick", action="store_true", help="a small version that runs in seconds")
    parser.add_argument("--out", metavar="DIR", help="folder for the pictures (default: lessons/NAME)")
    parser.add_argument("--lang", metavar="LANG", help="en or zh (default: $ZERONN_LANG, then English)")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """List the lessons, or run one; return the exit code."""
    from zeronn.lang import resolve_lang, tr
    from zeronn.lessons import LESSONS, get_lesson, render_text, run_lesson

    lang = resolve_lang(args.lang)
    if args.name is None:
        print(tr("Lessons (the tutorial's three questions):", "课程 (教程结尾的三个问题):", lang))
        for number, lesson in enumerate(LESSONS.values(), start=1):
            print(f"  {number}. {lesson.name:<14} {lesson.title(lang)}")
        print(tr("Run one: zeronn lesson activations   (--quick for a short version)",
                 "运行一课: zeronn lesson activations   (--quick 运行简短版本)", lang))
        return 0
    lesson = get_lesson(args.name)
    print(f"== {lesson.title(lang)} ==")
    print(tr("(training: up to two minutes; --quick for a short version)" if not args.quick else "(quick version)",
             "(正在训练: 最多两分钟; --quick 运行简短版本)" if not args.quick else "(简短版本)", lang), flush=True)
    started = time.perf_counter()
    result = run_lesson(lesson.name, quick=args.quick, out=args.out, lang=lang)
    print(result.intro)
    print(render_text(result, lang))
    folder = result.pictures[0].path.parent if result.pictures else args.out
    print(tr(f"Page with the pictures: {folder}/lesson.md  ({time.perf_counter() - started:.0f} s)",
             f"带图片的页面: {folder}/lesson.md  (用时 {time.perf_counter() - started:.0f} 秒)", lang))
    return 0
