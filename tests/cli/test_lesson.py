"""``zeronn lesson``: the list, a quick run with pictures and a page, Chinese, and one-line errors."""

import pytest


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.delenv("ZERONN_LANG", raising=False)


def test_list(cli):
    result = cli("lesson")
    assert result.code == 0
    for name in ("activations", "learning-rate", "convolution"):
        assert name in result.out


def test_quick_lesson_writes_pictures_and_page(cli, tmp_path):
    result = cli("lesson", "activations", "--quick", "--out", str(tmp_path / "act"), "--lang", "zh")
    assert result.code == 0, result
    assert "激活函数" in result.out and "死亡单元" in result.out and "为什么 ReLU 单元会死亡" in result.out
    pictures = sorted(p.name for p in (tmp_path / "act").glob("*.png"))
    assert "decision_boundaries.png" in pictures and len(pictures) == 5
    page = (tmp_path / "act" / "lesson.md").read_text(encoding="utf-8")
    assert "![" in page and "zeronn lesson activations --quick --lang zh" in page


def test_unknown_lesson_is_one_line(cli):
    result = cli("lesson", "nope")
    assert result.code == 1 and result.err.startswith("zeronn: error: Unknown lesson 'nope'")
