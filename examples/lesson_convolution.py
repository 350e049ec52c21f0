"""Lesson "convolution": Question 3 of the tutorial: how to classify images with convolution (real MNIST)?

    python examples/lesson_convolution.py                 # about a minute on two CPU cores
    python examples/lesson_convolution.py --quick         # a few seconds
    python examples/lesson_convolution.py --lang zh       # 中文

The same as ``zeronn lesson convolution``: trains the networks, prints the
explanation and the result table, and writes the pictures and a Markdown page
(lesson.md) to --out (default lessons/convolution).  The experiments themselves
are in zeronn/lessons/convolution.py; the page with pictures is
docs/lessons/convolution.md (Chinese: docs/lessons/convolution.zh-CN.md).
"""

import argparse

from zeronn.lang import resolve_lang
from zeronn.lessons import get_lesson, render_text, run_lesson


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small version that runs in seconds")
    parser.add_argument("--out", default="lessons/convolution", help="folder for the pictures")
    parser.add_argument("--lang", default=None, help="en or zh (default: $ZERONN_LANG, then English)")
    args = parser.parse_args()
    lang = resolve_lang(args.lang)
    print(get_lesson("convolution").title(lang))
    result = run_lesson("convolution", quick=args.quick, out=args.out, lang=lang)
    print(result.intro)
    print(render_text(result, lang))


if __name__ == "__main__":
    main()
