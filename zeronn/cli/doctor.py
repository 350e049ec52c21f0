"""``zeronn doctor RUN_DIR``: show again what the training doctor found in a run (``zeronn train --doctor``)."""

from __future__ import annotations

import argparse
import os
from typing import Any

__all__ = ["add_parser", "run", "finish_doctor", "TOP_FINDINGS"]

DESCRIPTION = """\
Show the findings the training doctor wrote into a run folder (doctor.json,
written by `zeronn train --doctor`): each problem with its code, severity,
layer, what is wrong, what to do, and the numbers behind it. The full report,
with pictures, is doctor.md in the same folder.
"""

EPILOG = """\
examples:
  zeronn train --data spirals --lr 5 --doctor --out runs/spirals-lr5
  zeronn doctor runs/spirals-lr5
  zeronn doctor runs/spirals-lr5 --lang zh --evidence
"""


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``doctor`` on the ``zeronn`` command's subparsers."""
    parser = subparsers.add_parser(
        "doctor",
        help="show the training doctor's findings for a run folder (zeronn train --doctor)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("run_dir", metavar="RUN_DIR", help="a run folder written by zeronn train --doctor")
    parser.add_argument("--lang", choices=("en", "zh"), help="language (default: $ZERONN_LANG or en)")
    parser.add_argument("--evidence", action="store_true", help="also print the numbers behind each finding")
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Print the findings; return the exit code (0 also when problems were found)."""
    from zeronn.doctor import read_findings, render_text
    from zeronn.doctor.doctor import REPORT_FILE
    from zeronn.lang import resolve_lang, tr

    if not os.path.isdir(args.run_dir):
        raise FileNotFoundError(f"run folder not found: {args.run_dir}")
    lang = resolve_lang(args.lang)
    findings = read_findings(args.run_dir, lang=lang)
    print(render_text(findings, lang, evidence=args.evidence))
    report = os.path.join(args.run_dir, REPORT_FILE)
    if os.path.isfile(report):
        print(tr(f"full report with pictures: {report}", f"完整报告（含图）：{report}", lang))
    return 0


#: Findings ``zeronn train --doctor`` prints at the end (all of them are in doctor.md).
TOP_FINDINGS = 3


def finish_doctor(doctor: Any, out: str, *, plots: bool, lang: Any = None) -> list[str]:
    """For ``zeronn train --doctor``: write doctor.md / doctor.json (and pictures) into ``out``, print the top findings.

    Returns the paths written.
    """
    from zeronn.doctor import render_text
    from zeronn.lang import resolve_lang, tr

    lang = resolve_lang(lang)
    written = doctor.save(out, pictures=plots, lang=lang)
    print()
    print(tr("training doctor: ", "训练诊断：", lang) + render_text(doctor.findings(lang), lang, limit=TOP_FINDINGS))
    print(tr(f"the full diagnosis: {written[0]} (again later: zeronn doctor {out})",
             f"完整诊断：{written[0]}（以后再看：zeronn doctor {out}）", lang))
    return written
