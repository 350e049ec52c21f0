"""``zeronn exercise``: list, start, check (exit codes), hint, solution, in English and Chinese."""

import pytest


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ZERONN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ZERONN_LANG", raising=False)
    return tmp_path / "home"


def test_list_start_check_solution(cli, tmp_path):
    result = cli("exercise", "list")
    assert result.code == 0 and "1. sigmoid" in result.out and "10. batchnorm" in result.out
    folder = tmp_path / "ex"
    result = cli("exercise", "start", "sigmoid", "--dir", str(folder))
    assert result.code == 0 and (folder / "sigmoid.py").is_file()
    assert "raise NotImplementedError" in (folder / "sigmoid.py").read_text()
    result = cli("exercise", "check", str(folder / "sigmoid.py"))
    assert result.code == 1 and "[TODO]" in result.out and "zeronn exercise hint sigmoid" in result.out
    result = cli("exercise", "solution", "sigmoid", "--out", str(folder / "sigmoid.py"))
    assert result.code == 0
    result = cli("exercise", "check", str(folder / "sigmoid.py"))
    assert result.code == 0 and "All 3 parts right" in result.out
    assert "Next: zeronn exercise start tutorial" in result.out
    assert "[x]  1. sigmoid" in cli("exercise", "list").out


def test_check_by_exercise_name(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("exercise", "start", "relu-tanh").code == 0 and (tmp_path / "relu_tanh.py").is_file()
    result = cli("exercise", "check", "relu-tanh")
    assert result.code == 1 and "relu_tanh.py: relu-tanh" in result.out


def test_start_refuses_to_overwrite(cli, tmp_path):
    assert cli("exercise", "start", "linear", "--dir", str(tmp_path)).code == 0
    result = cli("exercise", "start", "linear", "--dir", str(tmp_path))
    assert result.code == 1 and "already exists" in result.err and "Traceback" not in result.err
    assert cli("exercise", "start", "linear", "--dir", str(tmp_path), "--force").code == 0


def test_hints_one_at_a_time(cli):
    first = cli("exercise", "hint", "conv2d").out
    assert "Hint 1/4" in first and "Hint 2/4" not in first
    second = cli("exercise", "hint", "conv2d").out
    assert "Hint 2/4" in second
    assert "Hint 4/4" in cli("exercise", "hint", "conv2d", "--all").out


def test_chinese(cli, tmp_path, monkeypatch):
    result = cli("exercise", "start", "batchnorm", "--dir", str(tmp_path), "--lang", "zh")
    assert "已写入" in result.out and "批归一化" in (tmp_path / "batchnorm.py").read_text()
    monkeypatch.setenv("ZERONN_LANG", "zh")
    assert "练习" in cli("exercise", "list").out
    assert "提示 1/3" in cli("exercise", "hint", "batchnorm").out


def test_solution_prints_code(cli):
    result = cli("exercise", "solution", "maxpool")
    assert result.code == 0 and "def maxpool_backward(x, g, k, stride):" in result.out
    compile(result.out, "maxpool.py", "exec")


def test_errors_are_one_line(cli, tmp_path):
    result = cli("exercise", "start", "nope")
    assert result.code == 1 and result.err.startswith("zeronn: error: Unknown exercise 'nope'")
    result = cli("exercise", "check", str(tmp_path / "missing.py"))
    assert result.code == 1 and "exercise file not found" in result.err
    (tmp_path / "mine.py").write_text("x = 1\n")
    result = cli("exercise", "check", str(tmp_path / "mine.py"))
    assert result.code == 1 and "cannot tell which exercise" in result.err
