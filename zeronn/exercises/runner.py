"""Grade learner files in a subprocess with a time limit, and format the report.

``check_files(paths)`` starts one ``python -m zeronn.exercises.worker`` for all
the files, waits at most ``timeout`` seconds per file, and turns what the
worker wrote into ``FileReport`` objects.  An infinite loop, a crash or an
``os._exit`` in the learner's code ends that file's check with a clear
message; the checker itself never shows a traceback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Union

from zeronn.exercises.exercise import MARKER
from zeronn.exercises.grading import PartResult
from zeronn.exercises.registry import EXERCISES, get_exercise
from zeronn.lang import resolve_lang, tr

__all__ = ["DEFAULT_TIMEOUT", "FileReport", "exercise_name_of", "check_files", "format_report"]

#: Seconds a learner's file may run before the check stops it.
DEFAULT_TIMEOUT = 20.0

PathLike = Union[str, "os.PathLike[str]"]


@dataclass
class FileReport:
    """The grade of one file: its parts, and ``passed`` when every part is right."""

    path: str
    exercise: str
    parts: list[PartResult] = field(default_factory=list)
    output: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.parts) and all(part.status == "right" for part in self.parts)



def exercise_name_of(path: PathLike, source: str) -> str:
    """The exercise a file belongs to: its ``# zeronn exercise: NAME`` line, else its file name.

    Raises
    ------
    ValueError
        When neither names a known exercise.
    """
    for line in source.splitlines()[:5]:
        if line.startswith(MARKER):
            name = line[len(MARKER):].strip()
            if name in EXERCISES:
                return name
    stem = Path(path).stem.replace("_", "-")
    if stem in EXERCISES:
        return stem
    raise ValueError(
        f"{path}: cannot tell which exercise this is: its first line should be '{MARKER} NAME' "
        f"(as written by 'zeronn exercise start NAME'), or pass --exercise NAME; exercises: {', '.join(EXERCISES)}"
    )


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    import zeronn

    package_root = str(Path(zeronn.__file__).resolve().parent.parent)   # the folder holding zeronn/
    env["PYTHONPATH"] = package_root + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _run_worker(jobs: Sequence[tuple[str, str]], lang: str, timeout: float) -> tuple[list[dict[str, Any]], str, bool]:
    """Run the worker on ``jobs`` (name, file); return its file entries, its output, and whether it timed out."""
    with tempfile.TemporaryDirectory(prefix="zeronn-check-") as folder:
        result_path = Path(folder) / "result.json"
        command = [sys.executable, "-m", "zeronn.exercises.worker", str(result_path), lang, repr(float(timeout))]
        command += [f"{name}={filename}" for name, filename in jobs]
        timed_out = False
        try:
            completed = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace",
                                       timeout=timeout * len(jobs) + 3.0, env=_worker_env(), stdin=subprocess.DEVNULL)
            output = completed.stdout + completed.stderr
        except subprocess.TimeoutExpired as error:
            timed_out = True
            output = _text(error.stdout) + _text(error.stderr)
        try:
            state = json.loads(result_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            state = {"files": []}
    return list(state.get("files", [])), output, timed_out


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def check_files(
    paths: Sequence[PathLike],
    *,
    exercise: Optional[str] = None,
    lang: Optional[str] = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[FileReport]:
    """Grade each file in ``paths`` and return one ``FileReport`` per file.

    Parameters
    ----------
    paths : sequence of path
        Learner files written by ``zeronn exercise start`` (or any file with the same functions).
    exercise : str, optional
        The exercise to grade against; default: read from each file.
    lang : {"en", "zh"}, optional
        Language of the messages; default ``$ZERONN_LANG``, then English.
    timeout : float
        Seconds each file may run.

    Raises
    ------
    FileNotFoundError, ValueError
        When a file is missing or belongs to no known exercise.
    """
    lang = resolve_lang(lang)
    if timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout}")
    jobs = []
    for path in paths:
        file = Path(path)
        if not file.is_file():
            raise FileNotFoundError(f"exercise file not found: {path}")
        source = file.read_text(encoding="utf-8", errors="replace")
        name = get_exercise(exercise).name if exercise else exercise_name_of(path, source)
        jobs.append((name, str(file)))
    reports: list[FileReport] = []
    remaining = jobs
    while remaining:
        entries, output, killed = _run_worker(remaining, lang, timeout)
        finished = 0
        while finished < len(entries) and (entries[finished].get("done") or entries[finished].get("timed_out")):
            finished += 1
        stuck = entries[finished] if finished < len(entries) else None
        used = finished + 1 if stuck is not None else max(finished, 1)
        for index, (name, filename) in enumerate(remaining[:used]):
            entry = entries[index] if index < len(entries) else None
            report = FileReport(filename, name, output=output if index == 0 else "")
            report.parts = _parts_of(entry, killed, timeout, output, lang)
            reports.append(report)
        if stuck is None and finished < len(remaining) and not entries:
            break                                       # the checker could not start: reported above, stop here
        remaining = remaining[used:]
    return reports


def _parts_of(entry: Optional[dict[str, Any]], killed: bool, timeout: float, output: str,
              lang: str) -> list[PartResult]:
    """The parts of one file's entry in the worker's state: graded, out of time, crashed, or never started."""
    if entry is not None and entry.get("done"):
        return [PartResult(**part) for part in entry["parts"]]
    if entry is not None and (killed or entry.get("timed_out")):
        running = entry.get("running") or tr("loading your file", "加载文件", lang)
        return [PartResult(running, "error", tr(
            f"time limit: your code ran for more than {timeout:g} s and was stopped, during '{running}'. "
            "An infinite loop (a `while` whose condition never becomes false)?",
            f"超时: 你的代码运行超过 {timeout:g} 秒, 在 '{running}' 时被停止。是否有死循环 (条件永远为真的 while)?",
            lang))]
    if entry is not None:
        return [PartResult(entry.get("running") or tr("loading your file", "加载文件", lang), "error", tr(
            "your code ended the checker's process (os._exit, a crash, or out of memory); its last output is "
            "shown below",
            "你的代码结束了检查进程 (os._exit、崩溃或内存不足); 最后的输出见下方", lang))]
    return [PartResult(tr("checking", "检查", lang), "error", tr(
        "the checker could not start: " + output.strip()[-300:], "检查无法启动: " + output.strip()[-300:], lang))]


_MARKS = {"right": "PASS", "suspicious": "????", "wrong": "FAIL", "error": "FAIL", "blank": "TODO"}
_MARKS_ZH = {"right": "通过", "suspicious": "可疑", "wrong": "错误", "error": "错误", "blank": "待写"}


def format_report(report: FileReport, lang: Optional[str] = None) -> str:
    """The report printed by ``zeronn exercise check``: one line per part, then a verdict."""
    lang = resolve_lang(lang)
    marks = _MARKS_ZH if lang == "zh" else _MARKS
    title = get_exercise(report.exercise).title.get(lang)
    lines = [f"{report.path}: {report.exercise} - {title}"]
    for part in report.parts:
        message = part.message.replace("\n", "\n         ")
        lines.append(f"  [{marks[part.status]}] {part.part}: {message}")
    passed = sum(part.status == "right" for part in report.parts)
    if report.passed:
        lines.append(tr(f"All {passed} parts right. Well done!", f"全部 {passed} 项正确, 做得好!", lang))
        following = _next_exercise(report.exercise)
        if following:
            lines.append(tr(f"Next: zeronn exercise start {following}", f"下一题: zeronn exercise start {following}",
                            lang))
    else:
        lines.append(tr(f"{passed} of {len(report.parts)} parts right. Stuck? zeronn exercise hint {report.exercise}",
                        f"{len(report.parts)} 项中 {passed} 项正确。卡住了? zeronn exercise hint {report.exercise}",
                        lang))
    if report.output.strip():
        shown = report.output.strip().splitlines()[-15:]
        lines.append(tr("Your code printed (last lines):", "你的代码输出了 (最后几行):", lang))
        lines += [f"  | {line}" for line in shown]
    return "\n".join(lines)


def _next_exercise(name: str) -> Optional[str]:
    names = list(EXERCISES)
    position = names.index(name)
    return names[position + 1] if position + 1 < len(names) else None
