"""Which exercises a learner has passed: a small JSON file in ``$ZERONN_HOME`` (default ``~/.zeronn``).

    {"version": 1, "exercises": {"sigmoid": {"passed": true, "attempts": 3, "hints_seen": 1,
                                             "first_passed": "2026-12-01T10:00:00+00:00", ...}}}

A missing or unreadable file means no progress yet; it is never a reason for
a command to fail.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

__all__ = ["zeronn_home", "progress_path", "read_progress", "record_check", "record_hint"]


def zeronn_home() -> Path:
    """``$ZERONN_HOME`` if set, else ``~/.zeronn``."""
    home = os.environ.get("ZERONN_HOME")
    return Path(home).expanduser() if home else Path.home() / ".zeronn"


def progress_path() -> Path:
    """The progress file, ``<zeronn_home>/progress.json``."""
    return zeronn_home() / "progress.json"


def read_progress() -> dict[str, dict[str, Any]]:
    """Per-exercise progress; empty when there is none yet (or the file cannot be read)."""
    try:
        data = json.loads(progress_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    exercises = data.get("exercises") if isinstance(data, dict) else None
    if not isinstance(exercises, dict):
        return {}
    return {str(k): v for k, v in exercises.items() if isinstance(v, dict)}


def _write(exercises: dict[str, dict[str, Any]]) -> None:
    path = progress_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".progress-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump({"version": 1, "exercises": exercises}, out, indent=1, sort_keys=True)
    os.replace(temporary, path)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def record_check(name: str, passed: bool) -> None:
    """Count one ``check`` of ``name``; once passed, an exercise stays passed."""
    exercises = read_progress()
    entry = exercises.setdefault(name, {})
    entry["attempts"] = int(entry.get("attempts", 0)) + 1
    entry["last_checked"] = _now()
    if passed and not entry.get("passed"):
        entry["first_passed"] = _now()
    entry["passed"] = bool(entry.get("passed")) or passed
    _write(exercises)


def record_hint(name: str, count: int) -> None:
    """Remember that ``count`` hints of ``name`` have been shown."""
    exercises = read_progress()
    entry = exercises.setdefault(name, {})
    entry["hints_seen"] = max(int(entry.get("hints_seen", 0)), count)
    _write(exercises)
