"""``report.md``: what it says about a run."""

from __future__ import annotations

from zeronn.cli.report import RunReport, render_report, versions


def make_report(**changes):
    fields = dict(
        command="zeronn train --data moons", reproduce="zeronn train --data moons --seed 0 --epochs 2",
        seed=0, dataset="moons", dataset_details="moons: 800 training samples", model="mlp", parameters=4482,
        model_table="(table)", optimizer="adam lr=0.01", epochs_run=2, epochs_asked=2,
        epoch_seconds=[0.5, 0.25], metrics={"test": {"loss": 0.25, "accuracy": 0.875}},
        files=[("model.safetensors", "the model"), ("curves.png", "curves")],
    )
    fields.update(changes)
    return RunReport(**fields)


def test_report_content():
    text = render_report(make_report())
    assert text.startswith("# ZeroNN training run: mlp on moons")
    assert "```\nzeronn train --data moons --seed 0 --epochs 2\n```" in text
    assert "Command typed: `zeronn train --data moons`" in text
    assert "| test | 0.2500 | 0.8750 (87.50%) |" in text
    assert "4,482 parameters" in text
    assert "750 ms in all, 375 ms per epoch (fastest 250 ms, slowest 500 ms)" in text   # (0.5 + 0.25) / 2
    assert "- [curves.png](curves.png): curves" in text and "![curves.png](curves.png)" in text
    assert "- numpy: " in text and "- python: " in text


def test_notes_and_test_text():
    text = render_report(make_report(notes=["pictures skipped"], test_text="accuracy 0.9", epoch_seconds=[]))
    assert "- note: pictures skipped" in text
    assert "## Test set\n\n```\naccuracy 0.9\n```" in text
    assert "per epoch" not in text


def test_versions_lists_the_core():
    found = versions()
    assert {"python", "numpy", "zeronn", "platform"} <= set(found)
