"""Lesson "activations": Question 1 of the tutorial: which activation functions besides the sigmoid, and why?

    python examples/lesson_activations.py                 # about a minute on two CPU cores
    python examples/lesson_activations.py --quick         # a few seconds
    python examples/lesson_activations.py --lang zh       # 中文

The same as ``zeronn lesson activations``: trains the networks, prints the
explanation and the result table, and writes the pictures and a Markdown page
(lesson.md) to --out (default lessons/activations).  The experiments themselves
are in zeronn/lessons/activations.py; the page with pictures is
docs/lessons/activations.md (Chinese: docs/lessons/activations.zh-CN.md).
"""

import argparse

from zeronn.lang import resolve_lang
from zeronn.lessons import get_lesson, render_text, run_lesson


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small version that runs in seconds")
    parser.add_argument("--out", default="lessons/activations", help="folder for the pictures")
    parser.add_argument("--lang", default=None, help="en or zh (default: $ZERONN_LANG, then English)")
    args = parser.parse_args()
    lang = resolve_lang(args.lang)
    print(get_lesson("activations").title(lang))
    result = run_lesson("activations", quick=args.quick, out=args.out, lang=lang)
    print(result.intro)
    print(render_text(result, lang))


if __name__ == "__main__":
    main()
