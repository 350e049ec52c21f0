"""The checker's subprocess: ``python -m zeronn.exercises.worker RESULT.json LANG SECONDS NAME=FILE ...``.

Each learner file is graded in its own namespace, with SECONDS of time
(a timer signal interrupts it, where the system has one; the parent kills
the whole process as a last resort).  After every part the state is written
to RESULT.json, so the parent knows which part was running when time ran
out.  This process prints nothing of its own: the learner's prints go to
its stdout.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from zeronn.exercises.grading import TimeLimit

__all__ = ["main"]


def _write(path: Path, state: dict[str, Any]) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, path)


def _raise_time_limit(signum: int, frame: Any) -> None:
    raise TimeLimit()


def _set_timer(seconds: float) -> None:
    if hasattr(signal, "setitimer"):
        signal.setitimer(signal.ITIMER_REAL, seconds)


def main(argv: list[str]) -> int:
    """Grade each NAME=FILE of ``argv[3:]``; ``argv[0]`` is the state file, then the language and the seconds."""
    from zeronn.exercises.grading import grade_source
    from zeronn.exercises.registry import get_exercise

    result_path, lang, seconds = Path(argv[0]), argv[1], float(argv[2])
    if hasattr(signal, "SIGALRM"):
        signal.signal(signal.SIGALRM, _raise_time_limit)
    state: dict[str, Any] = {"files": []}
    for item in argv[3:]:
        name, filename = item.split("=", 1)
        entry: dict[str, Any] = {"file": filename, "exercise": name, "running": None, "parts": [], "done": False}
        state["files"].append(entry)
        _write(result_path, state)

        def on_part(part: str, entry: dict[str, Any] = entry) -> None:
            entry["running"] = part
            _write(result_path, state)

        source = Path(filename).read_text(encoding="utf-8", errors="replace")
        try:
            _set_timer(seconds)
            results = grade_source(get_exercise(name), source, str(Path(filename).resolve()), lang, on_part)
            _set_timer(0)
        except TimeLimit:
            entry["timed_out"] = True
            _write(result_path, state)
            continue
        entry["parts"] = [result.to_dict() for result in results]
        entry["running"], entry["done"] = None, True
        _write(result_path, state)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
