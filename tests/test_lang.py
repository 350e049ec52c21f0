"""The learner-facing language switch."""

import pytest

from zeronn.lang import resolve_lang, tr


def test_argument_wins_over_environment(monkeypatch):
    monkeypatch.setenv("ZERONN_LANG", "zh_CN.UTF-8")
    assert resolve_lang() == "zh"
    assert resolve_lang("en") == "en"
    assert tr("rate", "学习率") == "学习率"


def test_default_is_english(monkeypatch):
    monkeypatch.delenv("ZERONN_LANG", raising=False)
    assert resolve_lang() == "en" and tr("rate", "学习率") == "rate"


@pytest.mark.parametrize("bad", ["fr", "", "klingon"])
def test_unknown_language_is_a_clear_error(bad, monkeypatch):
    monkeypatch.setenv("ZERONN_LANG", "fr")
    with pytest.raises(ValueError, match="valid choices are: en, zh"):
        resolve_lang(bad if bad else None)
