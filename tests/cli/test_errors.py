"""How failures are reported: user errors and internal errors are one line each, told apart, never a traceback."""

from __future__ import annotations

import pytest

from zeronn.cli import errors
from zeronn.cli.errors import CLIError, error_line, is_user_error
from zeronn.cli.main import main


@pytest.mark.parametrize("error", [
    CLIError("--epochs must be at least 1"),
    ValueError("bad value"),
    FileNotFoundError(2, "No such file or directory", "missing.csv"),
    FloatingPointError("the loss became NaN"),
    MemoryError(),
    ImportError("reading YAML needs PyYAML: pip install pyyaml", name="yaml"),
    ImportError("reading images needs Pillow"),
])
def test_user_errors(error):
    line, code = error_line(error)
    assert is_user_error(error) and code == errors.EXIT_USER_ERROR
    assert line.startswith("zeronn: error: ") and "\n" not in line


@pytest.mark.parametrize("error", [
    TypeError("unsupported operand type(s) for +: 'int' and 'NoneType'"),
    KeyError("lr"),
    AttributeError("'NoneType' object has no attribute 'shape'"),
    IndexError("list index out of range"),
    RuntimeError("generator raised StopIteration"),
    ImportError("cannot import name 'x' from 'zeronn.nn'", name="zeronn.nn"),
])
def test_bugs_are_internal_errors_with_a_hint(error):
    line, code = error_line(error)
    assert not is_user_error(error) and code == errors.EXIT_INTERNAL_ERROR == 70
    assert line.startswith(f"zeronn: internal error: {type(error).__name__}: ")
    assert "a bug in zeronn" in line and "--debug" in line and "\n" not in line


def test_messages_are_one_line():
    assert error_line(ValueError("first\n  second"))[0] == "zeronn: error: first second"
    assert error_line(FileNotFoundError(2, "No such file or directory", "x.csv"))[0] == \
        "zeronn: error: No such file or directory: x.csv"
    assert "not enough memory" in error_line(MemoryError())[0]


def test_a_bug_in_a_command_is_reported_as_internal(monkeypatch, capsys):
    def broken(args):
        raise TypeError("'NoneType' object is not subscriptable")

    import zeronn.cli.demo as demo

    original = demo.add_parser

    def add_parser(subparsers):
        parser = original(subparsers)
        parser.set_defaults(handler=broken)
        return parser

    monkeypatch.setattr(demo, "add_parser", add_parser)
    assert main(["demo"]) == 70
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert captured.err.startswith("zeronn: internal error: TypeError: 'NoneType' object is not subscriptable")
    with pytest.raises(TypeError):
        main(["--debug", "demo"])
