"""Playground settings: checked one by one, and the URL round trip that makes a link reproduce a setup."""

from __future__ import annotations

import pytest

from zeronn.playground.config import (
    ConfigError,
    PlaygroundConfig,
    config_from_query,
    config_to_query,
    structural_change,
    update_config,
)


def test_query_round_trip_keeps_every_setting():
    config = PlaygroundConfig(data="spirals", noise=15, ratio=70, points=300, batch=7, seed=42,
                              features=["x1", "x2", "sinx1"], layers=[8, 3, 1], activation="relu",
                              optimizer="adam", lr=0.003, reg="l1", reg_rate=0.001, schedule="cosine",
                              show_test=True, discretize=True, lang="zh")
    query = config_to_query(config)
    assert "layers=8,3,1" in query and "features=x1,x2,sinx1" in query and "show_test=1" in query
    assert config_from_query(query, PlaygroundConfig()) == config
    assert config_from_query("?" + query, PlaygroundConfig()) == config


def test_empty_layers_means_no_hidden_layer():
    assert config_from_query("layers=", PlaygroundConfig()).layers == []
    assert "layers=&" in config_to_query(PlaygroundConfig(layers=[]))


def test_missing_settings_keep_the_base():
    base = PlaygroundConfig(data="xor", lang="zh")
    config = config_from_query("lr=0.1", base)
    assert config.data == "xor" and config.lang == "zh" and config.lr == 0.1


def test_features_come_back_in_canonical_order():
    assert update_config(PlaygroundConfig(), {"features": ["sinx2", "x1"]}).features == ["x1", "sinx2"]


@pytest.mark.parametrize("changes, message", [
    ({"layers": [1] * 7}, "at most 6"),
    ({"layers": [0]}, "1 to 8 units"),
    ({"layers": [True]}, "1 to 8 units"),
    ({"features": ["x1", "x1"]}, "at most once"),
    ({"noise": 5.5}, "whole number"),
    ({"seed": -1}, "from 0"),
    ({"reg": "l3"}, "none, l1, l2"),
    ({"schedule": "warp"}, "setting 'schedule'"),
    ({"lang": "fr"}, "setting 'lang'"),
    ({"lr": float("inf")}, "expected a number"),
    ({"discretize": 1}, "true or false"),
])
def test_bad_values_name_the_setting(changes, message):
    with pytest.raises(ConfigError, match=message):
        update_config(PlaygroundConfig(), changes)


def test_structural_changes_are_the_ones_that_rebuild():
    base = PlaygroundConfig()
    assert structural_change(base, update_config(base, {"layers": [3]}))
    assert structural_change(base, update_config(base, {"seed": 3}))
    assert not structural_change(base, update_config(base, {"lr": 0.3, "optimizer": "adam", "lang": "zh"}))
