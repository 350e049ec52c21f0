"""Progress is kept in $ZERONN_HOME/progress.json and never makes a command fail."""

import json

from zeronn.exercises.progress import progress_path, read_progress, record_check, record_hint


def test_records_attempts_and_passes(tmp_path, monkeypatch):
    monkeypatch.setenv("ZERONN_HOME", str(tmp_path / "home"))
    assert read_progress() == {}
    record_check("sigmoid", False)
    record_check("sigmoid", True)
    record_check("sigmoid", False)                # once passed, stays passed
    record_hint("sigmoid", 2)
    entry = read_progress()["sigmoid"]
    assert entry["attempts"] == 3 and entry["passed"] is True and entry["hints_seen"] == 2
    assert progress_path() == tmp_path / "home" / "progress.json"
    assert json.loads(progress_path().read_text())["version"] == 1


def test_unreadable_progress_counts_as_none(tmp_path, monkeypatch):
    monkeypatch.setenv("ZERONN_HOME", str(tmp_path))
    (tmp_path / "progress.json").write_text("{not json")
    assert read_progress() == {}
    record_check("linear", True)
    assert read_progress()["linear"]["passed"] is True
