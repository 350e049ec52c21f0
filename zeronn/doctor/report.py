"""The doctor's report: Markdown for people, JSON for programs, and pictures."""

from __future__ import annotations

import json
import math
import os
from typing import TYPE_CHECKING, Any, Optional

from zeronn.doctor.finding import Finding, json_ready
from zeronn.doctor.recorder import TrainingRecord
from zeronn.lang import tr

if TYPE_CHECKING:                                   # pragma: no cover
    from zeronn.doctor.doctor import Doctor

__all__ = ["render_markdown", "render_text", "save_report", "PICTURES"]

#: Pictures ``save_report`` draws, file name -> what it shows.
PICTURES = {
    "doctor_activations.png": "per-layer activation histograms over training",
    "doctor_gradients.png": "per-layer gradient norms and log10 update/weight ratios over steps",
}

_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def _severity(severity: str, lang: str) -> str:
    return _SEVERITY_ZH[severity] if lang == "zh" else severity


def _number(value: Any) -> str:
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.4g}"
    return str(value)


def _headline(findings: list[Finding], lang: str) -> str:
    problems = [f for f in findings if f.severity != "info"]
    if not problems:
        return tr("No problems found: the run looks healthy.", "没有发现问题：这次训练看起来很健康。", lang)
    errors = sum(f.severity == "error" for f in problems)
    warnings = len(problems) - errors
    return tr(f"Found {errors} error(s) and {warnings} warning(s).",
              f"发现 {errors} 个错误和 {warnings} 个警告。", lang)


def render_text(findings: list[Finding], lang: str, limit: Optional[int] = None, *, evidence: bool = False) -> str:
    """Plain text, one finding per paragraph (the CLI prints this); ``limit`` shows only the first few."""
    lines = [_headline(findings, lang)]
    for finding in findings[:limit]:
        where = f" [{finding.layer}]" if finding.layer else ""
        lines.append(f"- {_severity(finding.severity, lang).upper()} {finding.code}{where}: {finding.message}")
        lines.append(f"  {tr('what to do', '怎么办', lang)}: {finding.advice}")
        if evidence and finding.evidence:
            lines.append(f"  {tr('evidence', '证据', lang)}: " + ", ".join(
                f"{key} = {_number(value)}" for key, value in finding.evidence.items()))
    if limit is not None and len(findings) > limit:
        more = len(findings) - limit
        lines.append(tr(f"... and {more} more (see doctor.md)", f"……还有 {more} 条（见 doctor.md）", lang))
    return "\n".join(lines)


def render_markdown(findings: list[Finding], record: Optional[TrainingRecord], lang: str) -> str:
    """The full report: headline, each finding with advice and evidence, and a summary of what was recorded."""
    lines = [f"# {tr('Training doctor', '训练诊断', lang)}", "", _headline(findings, lang), ""]
    for number, finding in enumerate(findings, 1):
        where = f" — {finding.layer}" if finding.layer else ""
        lines.append(f"## {number}. `{finding.code}` ({_severity(finding.severity, lang)}){where}")
        lines += ["", finding.message, "", f"**{tr('What to do', '怎么办', lang)}:** {finding.advice}", ""]
        if finding.evidence:
            lines.append(f"{tr('Evidence', '证据', lang)}: " + ", ".join(
                f"{key} = {_number(value)}" for key, value in finding.evidence.items()))
            lines.append("")
    if record is not None:
        lines += [f"## {tr('What was recorded', '记录了什么', lang)}", ""]
        lines.append(tr(f"{len(record.losses)} steps, {len(record.epoch_losses)} epochs, layer statistics on "
                        f"{len(record.sampled_steps)} sampled steps.",
                        f"{len(record.losses)} 步，{len(record.epoch_losses)} 个 epoch，"
                        f"在 {len(record.sampled_steps)} 个采样步上记录了各层统计。", lang))
        lines.append("")
        header = tr("| layer | output mean | output std | zeros | saturated | dead units | grad norm | "
                    "update/weight |",
                    "| 层 | 输出均值 | 输出标准差 | 零的比例 | 饱和比例 | 死单元 | 梯度范数 | 更新/权重 |", lang)
        lines += [header, "|---|---|---|---|---|---|---|---|"]
        for info in record.layers:
            last = next((s for s in reversed(record.activations[info.label]) if s is not None), None)
            grad = _last_finite(record.grad_norms.get(info.label, []))
            ratio = _last_finite(record.update_ratios.get(info.label, []))
            cells = [info.label] + [_cell(last, key) for key in ("mean", "std", "zeros", "saturated", "dead")]
            cells += [_number(grad) if grad is not None else "-", _number(ratio) if ratio is not None else "-"]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)


def _cell(stats: Optional[dict[str, Any]], key: str) -> str:
    if stats is None or stats.get(key) is None:
        return "-"
    return _number(float(stats[key]))


def _last_finite(values: list[float]) -> Optional[float]:
    for value in reversed(values):
        if math.isfinite(value):
            return value
    return None


def save_report(doctor: "Doctor", folder: str, *, pictures: bool, lang: str) -> list[str]:
    """Write doctor.md, doctor.json and (with matplotlib) the pictures into ``folder``; return the paths."""
    from zeronn.doctor.doctor import FINDINGS_FILE, REPORT_FILE

    os.makedirs(folder, exist_ok=True)
    findings = doctor.findings(lang)
    written = []
    report_path = os.path.join(folder, REPORT_FILE)
    text = render_markdown(findings, doctor.record, lang)
    if pictures and doctor.record is not None and doctor.record.sampled_steps:
        drawn = _draw_pictures(doctor.record, folder)
        if drawn:
            text += "\n" + "\n".join(f"![{PICTURES[os.path.basename(p)]}]({os.path.basename(p)})"
                                     for p in drawn) + "\n"
            written += drawn
    with open(report_path, "w", encoding="utf-8") as handle:
        handle.write(text)
    json_path = os.path.join(folder, FINDINGS_FILE)
    data = {"lang": lang, "findings": [finding.to_dict() for finding in findings],
            "translations": {code: [f.to_dict() for f in doctor.findings(code)] for code in ("en", "zh")},
            "record": None if doctor.record is None else json_ready(doctor.record.to_dict())}
    with open(json_path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1, allow_nan=False)
    return [report_path, json_path, *written]


def _draw_pictures(record: TrainingRecord, folder: str) -> list[str]:
    try:
        from zeronn.plot.doctor import plot_activation_histograms, plot_gradient_stats
    except ImportError:
        return []
    paths = []
    try:
        path = os.path.join(folder, "doctor_activations.png")
        plot_activation_histograms(record, path)
        paths.append(path)
        path = os.path.join(folder, "doctor_gradients.png")
        plot_gradient_stats(record, path)
        paths.append(path)
    except ImportError:                     # matplotlib missing: the report is still written
        pass
    return paths
