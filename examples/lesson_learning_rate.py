"""Lesson "learning-rate": Question 2 of the tutorial: how to train with a learning rate (too small, right, too large)?

    python examples/lesson_learning_rate.py                 # about a minute on two CPU cores
    python examples/lesson_learning_rate.py --quick         # a few seconds
    python examples/lesson_learning_rate.py --lang zh       # 中文

The same as ``zeronn lesson learning-rate``: trains the networks, prints the
explanation and the result table, and writes the pictures and a Markdown page
(lesson.md) to --out (default lessons/learning-rate).  The experiments themselves
are in zeronn/lessons/learning_rate.py; the page with pictures is
docs/lessons/learning-rate.md (Chinese: docs/lessons/learning-rate.zh-CN.md).
"""

import argparse

from zeronn.lang import resolve_lang
from zeronn.lessons import get_lesson, render_text, run_lesson


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small version that runs in seconds")
    parser.add_argument("--out", default="lessons/learning-rate", help="folder for the pictures")
    parser.add_argument("--lang", default=None, help="en or zh (default: $ZERONN_LANG, then English)")
    args = parser.parse_args()
    lang = resolve_lang(args.lang)
    print(get_lesson("learning-rate").title(lang))
    result = run_lesson("learning-rate", quick=args.quick, out=args.out, lang=lang)
    print(result.intro)
    print(render_text(result, lang))


if __name__ == "__main__":
    main()
