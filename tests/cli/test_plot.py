"""``zeronn plot``: a history file to a PNG of curves."""

from __future__ import annotations

import json
import os

import pytest

pytest.importorskip("matplotlib")


def test_plot_history_file(cli, moons_run, tmp_path):
    out = tmp_path / "curves.png"
    result = cli("plot", f"{moons_run}/history.json", "--out", str(out), "--logy")
    assert result.code == 0, result
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 1000
    assert f"curves saved to {out}" in result.out


def test_default_output_next_to_the_history(cli, tmp_path):
    history = tmp_path / "h.json"
    history.write_text(json.dumps({"history": {"loss": [1.0, 0.5], "accuracy": [0.5, 0.75]}, "epoch": [0, 1]}))
    result = cli("plot", str(history))
    assert result.code == 0, result
    assert (tmp_path / "h.png").stat().st_size > 1000


def test_bad_history(cli, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{broken")
    result = cli("plot", str(bad))
    assert result.code == 1 and result.err.startswith("zeronn: error: ") and result.err.count("\n") == 1


def test_plot_reads_the_csv_history_too(cli, moons_run, tmp_path):
    out = tmp_path / "from_csv.png"
    result = cli("plot", os.path.join(moons_run, "history.csv"), "--out", str(out))
    assert result.code == 0, result
    assert out.stat().st_size > 0
    with open(os.path.join(moons_run, "history.csv"), encoding="utf-8") as handle:
        assert handle.read().splitlines()[1].startswith("1,")        # epochs counted from 1, as printed
