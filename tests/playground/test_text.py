"""The page's words exist in English and Chinese, and the controls the page builds have words."""

from __future__ import annotations

from zeronn.playground import PlaygroundConfig
from zeronn.playground.options import page_options
from zeronn.playground.text import TEXT, page_text


def test_every_word_in_both_languages():
    for key, (english, chinese) in TEXT.items():
        assert english.strip() and chinese.strip(), key
    assert page_text("zh")["lr"] == "学习率" and page_text("zh")["activation"] == "激活函数"
    assert page_text("en")["play"] == "Play"


def test_every_dataset_optimizer_and_schedule_has_a_name():
    options = page_options(PlaygroundConfig(), None)
    words = page_text("zh")
    for name in options["choices"]["data"] + ["csv"]:
        assert f"data_{name}" in words
    for name in options["choices"]["optimizer"]:
        assert f"opt_{name}" in words
    for name in options["choices"]["schedule"]:
        assert f"sched_{name}" in words
    for name in options["choices"]["reg"]:
        assert f"reg_{name}" in words
