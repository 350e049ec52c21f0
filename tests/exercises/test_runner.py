"""Grading in a subprocess: templates fail, solutions pass, and broken learner files get clear messages.

Files are grouped into one checker process per test where possible (each process costs ~0.3 s).
"""

import pytest

from zeronn.exercises import EXERCISES, check_files, format_report, get_exercise
from zeronn.exercises.runner import exercise_name_of


def write(folder, name, text):
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_template_fails_and_every_solution_passes(tmp_path):
    templates = [write(tmp_path, f"t_{n}.py", e.source()) for n, e in EXERCISES.items()]
    solutions = [write(tmp_path, f"s_{n}.py", e.source(solution=True)) for n, e in EXERCISES.items()]
    reports = check_files(templates + solutions)
    assert [r.exercise for r in reports] == list(EXERCISES) * 2
    for report in reports[:len(EXERCISES)]:
        assert not report.passed and all(p.status == "blank" for p in report.parts), format_report(report)
    for report in reports[len(EXERCISES):]:
        assert report.passed, format_report(report)


def test_broken_files_get_clear_messages(tmp_path):
    header = "# zeronn exercise: sigmoid\nimport numpy as np\n"
    syntax = write(tmp_path, "syntax.py", header + "def sigmoid(x)\n    return x\n")
    raises = write(tmp_path, "raises.py", header + "def sigmoid(x):\n    return x.nope\n")
    wrong_type = write(tmp_path, "wrong_type.py", header + "def sigmoid(x):\n    return 'hello'\n"
                                                           "def sigmoid_derivative(s):\n    return [1, 2]\n")
    reports = check_files([syntax, raises, wrong_type])
    text = [format_report(report) for report in reports]
    assert "line 3" in text[0] and "SyntaxError" in text[0] and "Traceback" not in text[0]
    assert "line 4, in sigmoid: AttributeError" in text[1] and "return x.nope" in text[1]
    assert "returned a str" in text[2] and "wrong shape" in text[2]
    assert not any(report.passed for report in reports)


def test_infinite_loop_is_stopped_by_the_time_limit(tmp_path):
    loop = write(tmp_path, "loop.py", "# zeronn exercise: sigmoid\ndef sigmoid(x):\n    while True:\n        pass\n")
    (report,) = check_files([loop], timeout=1.0)
    assert not report.passed
    assert "time limit" in report.parts[0].message and "sigmoid(x)" in report.parts[0].message


def test_a_file_that_kills_the_process(tmp_path):
    crash = write(tmp_path, "crash.py", "# zeronn exercise: sigmoid\nimport os\nprint('bye')\nos._exit(3)\n")
    (report,) = check_files([crash])
    assert not report.passed and "ended the checker's process" in report.parts[0].message
    assert "bye" in format_report(report)


def test_learners_prints_are_shown_and_do_not_break_the_check(tmp_path):
    source = get_exercise("sigmoid").source(solution=True).replace(
        "    return s * (1.0 - s)", "    print('debugging', s.shape)\n    return s * (1.0 - s)")
    (report,) = check_files([write(tmp_path, "printing.py", source)], lang="zh")
    assert report.passed
    text = format_report(report, "zh")
    assert "debugging" in text and "全部" in text


def test_which_exercise_a_file_is(tmp_path):
    assert exercise_name_of("x.py", "# zeronn exercise: conv2d\n") == "conv2d"
    assert exercise_name_of("relu_tanh.py", "import numpy\n") == "relu-tanh"
    with pytest.raises(ValueError, match="cannot tell which exercise"):
        exercise_name_of("mine.py", "import numpy\n")


def test_missing_file_and_bad_timeout(tmp_path):
    with pytest.raises(FileNotFoundError, match="exercise file not found"):
        check_files([tmp_path / "nope.py"])
    with pytest.raises(ValueError, match="timeout"):
        check_files([write(tmp_path, "sigmoid.py", "")], timeout=0)
