"""``report.md``: a short human-readable account of a ``zeronn train`` run.

It holds what is needed to judge the run and to repeat it exactly: the
command line, the seed, the dataset and model, the final metrics, the time
per epoch, the parameter count, the versions of Python and the libraries, and
links to the files written beside it.
"""

from __future__ import annotations

import datetime
import platform
import sys
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

__all__ = ["RunReport", "render_report", "versions"]

_OPTIONAL_PACKAGES = ("safetensors", "matplotlib", "pillow", "scikit-learn", "pyyaml")


def versions() -> dict[str, str]:
    """Versions of Python, NumPy, ZeroNN and the optional packages that are installed."""
    import numpy

    import zeronn

    found = {
        "python": platform.python_version(),
        "zeronn": zeronn.__version__,
        "numpy": numpy.__version__,
    }
    for package in _OPTIONAL_PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    found["platform"] = f"{platform.system()} {platform.machine()}"
    return found


@dataclass
class RunReport:
    """Everything ``render_report`` writes.

    ``metrics`` maps a split name ("train", "validation", "test") to a dict of
    metric values ({"loss": 0.12, "accuracy": 0.97}).  ``files`` lists
    (file name, description) pairs; PNG files are shown inline.
    """

    command: str
    seed: int
    dataset: str
    dataset_details: str
    model: str
    parameters: int
    model_table: str
    optimizer: str
    epochs_run: int
    epochs_asked: int
    epoch_seconds: list[float]
    metrics: dict[str, dict[str, float]]
    files: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reproduce: str = ""
    test_text: str = ""
    started: str = field(default_factory=lambda: datetime.datetime.now().isoformat(timespec="seconds"))


def _format_seconds(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.2f} s"
    return f"{seconds / 60:.1f} min"


def _metrics_table(metrics: dict[str, dict[str, float]]) -> list[str]:
    names: list[str] = []
    for values in metrics.values():
        names += [name for name in values if name not in names]
    if not names:
        return ["(no metrics recorded)"]
    lines = ["| split | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for split, values in metrics.items():
        cells = [_format_metric(name, values.get(name)) for name in names]
        lines.append(f"| {split} | " + " | ".join(cells) + " |")
    return lines


def _format_metric(name: str, value: Any) -> str:
    if value is None:
        return "-"
    if "acc" in name and isinstance(value, float):
        return f"{value:.4f} ({value * 100:.2f}%)"
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def render_report(report: RunReport) -> str:
    """Return the Markdown text of ``report.md``."""
    times = report.epoch_seconds
    total = sum(times)
    per_epoch = total / len(times) if times else 0.0
    lines = [
        f"# ZeroNN training run: {report.model} on {report.dataset}",
        "",
        f"Started {report.started}.",
        "",
        "## Repeat this run",
        "",
        "```",
        report.reproduce or report.command,
        "```",
        "",
        f"Seed: {report.seed}; the same command with the same versions gives the same weights.",
        f"Command typed: `{report.command}`",
        "",
        "## Results",
        "",
        *_metrics_table(report.metrics),
        "",
        "## Training",
        "",
        f"- dataset: {report.dataset_details}",
        f"- model: {report.model}, {report.parameters:,} parameters",
        f"- optimizer: {report.optimizer}",
        f"- epochs: {report.epochs_run} run of {report.epochs_asked} asked",
    ]
    if times:
        lines.append(
            f"- time: {_format_seconds(total)} in all, {_format_seconds(per_epoch)} per epoch "
            f"(fastest {_format_seconds(min(times))}, slowest {_format_seconds(max(times))})"
        )
    lines += [f"- note: {note}" for note in report.notes]
    if report.test_text:
        lines += ["", "## Test set", "", "```", report.test_text, "```"]
    lines += ["", "## Model", "", "```", report.model_table, "```", "", "## Files", ""]
    for name, description in report.files:
        lines.append(f"- [{name}]({name}): {description}")
    pictures = [name for name, _ in report.files if name.endswith((".png", ".gif"))]
    if pictures:
        lines += [""] + [f"![{name}]({name})" for name in pictures]
    lines += ["", "## Versions", ""]
    lines += [f"- {name}: {version}" for name, version in versions().items()]
    lines.append(f"- executable: {sys.executable}")
    return "\n".join(lines) + "\n"
