"""``zeronn exercise list | start NAME | check FILE | hint NAME | solution NAME``: graded exercises."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from zeronn.cli.errors import CLIError
from zeronn.lang import tr

__all__ = ["add_parser", "run"]

DESCRIPTION = """\
Write the forward and backward passes yourself, from the tutorial's sigmoid to
a convolution and batch norm, and let ZeroNN grade them: `start` writes a file
with the exercise in comments and blanks to fill in, `check` runs it (in a
separate process, with a time limit) against ZeroNN's own layers with float64
gradient checks and says in plain words what is wrong.  Progress is kept in
$ZERONN_HOME/progress.json (default ~/.zeronn).  --lang zh (or ZERONN_LANG=zh)
for Chinese.
"""

EPILOG = """\
examples:
  zeronn exercise list                        the path and your progress
  zeronn exercise start sigmoid               writes sigmoid.py in the current folder
  zeronn exercise check sigmoid.py            exit code 0 when every part is right, 1 otherwise
  zeronn exercise hint sigmoid                one more hint each time (--all for every hint)
  zeronn exercise solution sigmoid            the reference solution
  zeronn exercise start conv2d --dir ex --lang zh
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``exercise`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "exercise", help="graded exercises: write backward passes yourself, ZeroNN checks them",
        description=DESCRIPTION, epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(title="actions", dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="the exercises in order, with your progress")
    start = actions.add_parser("start", help="write the exercise file to fill in")
    start.add_argument("name", metavar="NAME")
    start.add_argument("--dir", default=".", metavar="D", help="folder for the file (default: current folder)")
    start.add_argument("--force", action="store_true", help="overwrite an existing file")
    check = actions.add_parser("check", help="grade your file(s); exit code 0 when everything is right")
    check.add_argument("files", nargs="+", metavar="FILE", help="your file(s); NAME alone means NAME.py")
    check.add_argument("--exercise", metavar="NAME", help="grade against this exercise (default: read from the file)")
    check.add_argument("--timeout", type=float, default=None, metavar="S",
                       help="seconds your code may run per file (default 20)")
    hint = actions.add_parser("hint", help="the next hint (one more each time)")
    hint.add_argument("name", metavar="NAME")
    hint.add_argument("--all", action="store_true", help="show every hint")
    solution = actions.add_parser("solution", help="print the reference solution")
    solution.add_argument("name", metavar="NAME")
    solution.add_argument("--out", metavar="FILE", help="write it to FILE instead of printing it")
    for sub in (parser, listing, start, check, hint, solution):
        sub.add_argument("--lang", default=argparse.SUPPRESS if sub is not parser else None, metavar="LANG",
                         help="en or zh (default: $ZERONN_LANG, then English)")
    parser.set_defaults(handler=run)
    return parser



def _list(lang: str) -> int:
    from zeronn.exercises import EXERCISES, read_progress

    progress = read_progress()
    print(tr("Exercises (do them in order):", "练习 (请按顺序完成):", lang))
    width = max(len(name) for name in EXERCISES)
    for number, (name, exercise) in enumerate(EXERCISES.items(), start=1):
        entry = progress.get(name, {})
        mark = "[x]" if entry.get("passed") else ("[.]" if entry.get("attempts") else "[ ]")
        print(f"  {mark} {number:2d}. {name:<{width}}  {exercise.title.get(lang)}")
    done = sum(bool(progress.get(name, {}).get("passed")) for name in EXERCISES)
    print(tr(f"{done} of {len(EXERCISES)} passed.  Start with: zeronn exercise start {_first_open(progress)}",
             f"已通过 {done}/{len(EXERCISES)}。从这里开始: zeronn exercise start {_first_open(progress)}", lang))
    return 0


def _first_open(progress: dict[str, Any]) -> str:
    from zeronn.exercises import EXERCISES

    for name in EXERCISES:
        if not progress.get(name, {}).get("passed"):
            return name
    return next(iter(EXERCISES))


def _start(args: argparse.Namespace, lang: str) -> int:
    from zeronn.exercises import get_exercise

    exercise = get_exercise(args.name)
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{exercise.name.replace('-', '_')}.py"
    if path.exists() and not args.force:
        raise CLIError(f"{path} already exists (your work?); check it with: zeronn exercise check {path}  "
                       f"or start over with --force")
    path.write_text(exercise.source(solution=False, lang=lang), encoding="utf-8")
    print(tr(f"{exercise.title.get(lang)}: wrote {path}", f"{exercise.title.get(lang)}: 已写入 {path}", lang))
    print(tr(f"Open it, replace each `raise NotImplementedError`, then: zeronn exercise check {path}",
             f"打开它, 替换每一处 `raise NotImplementedError`, 然后运行: zeronn exercise check {path}", lang))
    return 0


def _check(args: argparse.Namespace, lang: str) -> int:
    from zeronn.exercises import DEFAULT_TIMEOUT, check_files, format_report
    from zeronn.exercises.progress import record_check

    timeout = DEFAULT_TIMEOUT if args.timeout is None else args.timeout
    reports = check_files([_file_of(name) for name in args.files], exercise=args.exercise, lang=lang,
                          timeout=timeout)
    for index, report in enumerate(reports):
        if index:
            print()
        print(format_report(report, lang))
        try:
            record_check(report.exercise, report.passed)
        except OSError as error:                   # progress is a convenience: never a reason to fail
            print(tr(f"(progress not saved: {error})", f"(进度未保存: {error})", lang))
    return 0 if all(report.passed for report in reports) else 1


def _file_of(argument: str) -> str:
    """``sigmoid`` means ``sigmoid.py`` when there is no file called ``sigmoid`` but that one exists."""
    from zeronn.exercises import EXERCISES

    candidate = Path(argument.replace("-", "_") + ".py")
    if not Path(argument).exists() and argument in EXERCISES and candidate.is_file():
        return str(candidate)
    return argument


def _hint(args: argparse.Namespace, lang: str) -> int:
    from zeronn.exercises import get_exercise, read_progress
    from zeronn.exercises.progress import record_hint

    exercise = get_exercise(args.name)
    seen = int(read_progress().get(exercise.name, {}).get("hints_seen", 0))
    count = len(exercise.hints) if args.all else min(seen + 1, len(exercise.hints))
    for number, hint in enumerate(exercise.hints[:count], start=1):
        print(tr(f"Hint {number}/{len(exercise.hints)}: ", f"提示 {number}/{len(exercise.hints)}: ", lang)
              + hint.get(lang))
    if count < len(exercise.hints):
        print(tr(f"(run it again for the next hint; zeronn exercise solution {exercise.name} shows the answer)",
                 f"(再运行一次查看下一条提示; zeronn exercise solution {exercise.name} 显示答案)", lang))
    try:
        record_hint(exercise.name, count)
    except OSError:
        pass
    return 0


def _solution(args: argparse.Namespace, lang: str) -> int:
    from zeronn.exercises import get_exercise

    exercise = get_exercise(args.name)
    text = exercise.source(solution=True, lang=lang)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
        print(tr(f"reference solution written to {args.out}", f"参考答案已写入 {args.out}", lang))
    else:
        print(text, end="")
    return 0


def run(args: argparse.Namespace) -> int:
    """Run one exercise action; return the exit code."""
    from zeronn.lang import resolve_lang

    lang = resolve_lang(getattr(args, "lang", None))
    action = getattr(args, "action", None)
    if action is None or action == "list":
        return _list(lang)
    handlers = {"start": _start, "check": _check, "hint": _hint, "solution": _solution}
    return handlers[action](args, lang)
