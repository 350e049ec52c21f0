"""``Finding``: one diagnosis of the training doctor, with the numbers that prove it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

__all__ = ["Finding", "SEVERITIES", "sort_findings", "json_ready"]

#: Severities from the least to the most serious.
SEVERITIES = ("info", "warning", "error")


@dataclass
class Finding:
    """One problem found in the data or in a training run.

    Attributes
    ----------
    code : str
        A stable name of the problem, e.g. ``"lr_too_high"`` (see ``zeronn.doctor.CODES``).
    severity : {"info", "warning", "error"}
        "error": training cannot work like this; "warning": it works badly; "info": worth a look.
    layer : str or None
        The layer concerned, as ``"2 (ReLU)"``, or None for the whole run.
    message : str
        What is wrong, in plain words.
    advice : str
        What to change.
    evidence : dict of str to number
        The measured values (and the thresholds) behind the diagnosis.
    """

    code: str
    severity: str
    layer: Optional[str]
    message: str
    advice: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"Finding severity must be one of {', '.join(SEVERITIES)}, got {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: every field, numbers as plain floats and ints."""
        return {
            "code": self.code,
            "severity": self.severity,
            "layer": self.layer,
            "message": self.message,
            "advice": self.advice,
            "evidence": {key: _plain(value) for key, value in self.evidence.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Finding":
        """Rebuild a finding from ``to_dict()``'s output (e.g. read back from doctor.json)."""
        if not isinstance(data, dict):
            raise ValueError(f"a finding must be a dict, got {type(data).__name__}")
        missing = [key for key in ("code", "severity", "message", "advice") if not isinstance(data.get(key), str)]
        if missing:
            raise ValueError(f"a finding needs text fields {', '.join(missing)}")
        layer = data.get("layer")
        evidence = data.get("evidence", {})
        if not isinstance(evidence, dict):
            raise ValueError("a finding's evidence must be a dict")
        return cls(data["code"], data["severity"], None if layer is None else str(layer), data["message"],
                   data["advice"], dict(evidence))

    def __str__(self) -> str:
        where = f" [{self.layer}]" if self.layer else ""
        return f"{self.severity.upper()} {self.code}{where}: {self.message}"


def _plain(value: Any) -> Any:
    """A strict JSON value: numpy scalars become Python numbers, NaN and infinity become None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Most serious first (error, warning, info); otherwise in the order found."""
    return sorted(findings, key=lambda finding: -SEVERITIES.index(finding.severity))


def json_ready(value: Any) -> Any:
    """``value`` with numpy numbers made plain and NaN/inf made None, so strict JSON can hold it."""
    return _plain(value)
