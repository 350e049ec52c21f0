"""Chinese inside pictures only where matplotlib has a CJK font; otherwise the pictures stay in English."""

import pytest

from zeronn.lessons import fonts

matplotlib = pytest.importorskip("matplotlib")


def test_english_is_english():
    with fonts.picture_language("en") as lang:
        assert lang == "en"


def test_chinese_without_a_cjk_font_falls_back_to_english(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    with fonts.picture_language("zh") as lang:
        assert lang == "en"


def test_chinese_with_a_cjk_font_uses_it_only_inside(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: "Noto Sans CJK SC")
    before = list(matplotlib.rcParams["font.sans-serif"])
    with fonts.picture_language("zh") as lang:
        assert lang == "zh" and matplotlib.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    assert list(matplotlib.rcParams["font.sans-serif"]) == before
