"""Tables and pages of a lesson result."""

from pathlib import Path

from zeronn.lessons.lesson import LessonResult, Picture, Table, render_markdown, render_text


def sample():
    table = Table("Results", ["name", "loss"], [["relu", "0.01"], ["sigmoid", "0.7"]])
    return LessonResult("x", "Title", "Intro.", tables=[table], pictures=[Picture(Path("out/a.png"), "a picture")],
                        explanation=[("Why", "Because.")], notes=["A note."])


def columns(text):
    """Display width: a CJK character takes two terminal columns."""
    return sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in text)


def test_table_text_is_aligned_also_in_chinese():
    header, _, row = Table("T", ["激活函数", "loss"], [["relu", "1"]]).text().splitlines()[1:]
    assert columns(header[:header.index("loss")]) == columns(row[:row.index("1")]) == 12


def test_render_text_and_markdown():
    result = sample()
    text = render_text(result, "en")
    assert "Results" in text and "Because." in text and "out/a.png" in text
    page = render_markdown(result, "en", image_prefix="img/x/", commands=["zeronn lesson x"])
    assert page.startswith("# Title\n") and "| relu | 0.01 |" in page
    assert "![a picture](img/x/a.png)" in page and "```bash\nzeronn lesson x\n```" in page
    assert "## 图片" in render_markdown(result, "zh")
