"""Graded exercises: write a layer's forward and backward yourself, and let ZeroNN check it.

    zeronn exercise list                 the path, with your progress
    zeronn exercise start sigmoid        writes sigmoid.py: the text in comments, blanks to fill in
    zeronn exercise check sigmoid.py     grades it against ZeroNN's own layers (float64 gradient checks)
    zeronn exercise hint sigmoid         one more hint each time
    zeronn exercise solution sigmoid     the reference solution

From Python: ``check_files(["sigmoid.py"])`` returns one ``FileReport`` per
file; ``EXERCISES`` holds the path in order.
"""

from zeronn.exercises.compare import RIGHT, SUSPICIOUS, rel_error
from zeronn.exercises.exercise import Exercise, Function, Text
from zeronn.exercises.grading import PartResult, grade_source
from zeronn.exercises.progress import progress_path, read_progress, zeronn_home
from zeronn.exercises.registry import EXERCISES, get_exercise
from zeronn.exercises.runner import DEFAULT_TIMEOUT, FileReport, check_files, format_report

__all__ = [
    "EXERCISES",
    "get_exercise",
    "Exercise",
    "Function",
    "Text",
    "PartResult",
    "FileReport",
    "check_files",
    "format_report",
    "grade_source",
    "rel_error",
    "RIGHT",
    "SUSPICIOUS",
    "DEFAULT_TIMEOUT",
    "read_progress",
    "progress_path",
    "zeronn_home",
]
