"""A playground session: training lowers the loss, settings apply the way the page expects, memory stays bounded."""

from __future__ import annotations

import numpy as np
import pytest

from zeronn.playground import ConfigError, PlaygroundConfig, Session, SessionStore
from zeronn.playground import session as session_module


def test_training_lowers_the_test_loss_on_the_spiral():
    session = Session(PlaygroundConfig(data="spirals", layers=[8, 8], features=["x1", "x2", "sinx1", "sinx2"],
                                       optimizer="adam", lr=0.03))
    start = session.test_loss
    session.train(40)
    assert session.epoch == 40 and len(session.history) == 40
    assert session.test_loss < 0.5 * start


def test_optimizer_settings_keep_the_weights_and_structure_rebuilds():
    session = Session(PlaygroundConfig(layers=[3]))
    session.train(2)
    weights = session.model.layers[0].weight.data.copy()
    assert not session.apply({"optimizer": "adam", "lr": 0.1, "schedule": "step", "reg": "l2", "reg_rate": 0.1})
    assert session.epoch == 2 and np.array_equal(session.model.layers[0].weight.data, weights)
    assert session.optimizer.param_groups[0]["lr"] == 0.1
    assert session.apply({"activation": "relu"})
    assert session.epoch == 0


def test_a_refused_rebuild_keeps_the_old_settings():
    session = Session(PlaygroundConfig(data="xor"))
    with pytest.raises(ConfigError, match="needs a CSV file"):
        session.apply({"data": "csv"})
    assert session.config.data == "xor"


def test_regularization_adds_the_penalty_derivative():
    plain = Session(PlaygroundConfig(layers=[2], reg="none"))
    l1 = Session(PlaygroundConfig(layers=[2], reg="l1", reg_rate=1.0))
    plain.train(1)
    l1.train(1)
    assert np.abs(l1.model.layers[0].weight.data).sum() < np.abs(plain.model.layers[0].weight.data).sum()


def test_history_and_doctor_records_are_bounded(monkeypatch):
    monkeypatch.setattr(session_module, "MAX_HISTORY", 10)
    monkeypatch.setattr(session_module, "DOCTOR_WINDOW", 5)
    session = Session(PlaygroundConfig(points=40, batch=20, layers=[2]))
    session.train(30)
    assert len(session.history) <= 10 and session.history[-1][0] == 30
    assert session.doctor_epochs <= 5


def test_the_store_forgets_the_least_recently_used():
    store = SessionStore(max_sessions=2)
    a, b, c = (Session(PlaygroundConfig(points=20, layers=[1])) for _ in range(3))
    store.add(a)
    store.add(b)
    assert store.get(a.id) is a                                          # a is now the most recent
    store.add(c)
    assert store.get(b.id) is None and store.get(a.id) is a and len(store) == 2
    assert store.get(5) is None
    with pytest.raises(ValueError, match="max_sessions"):
        SessionStore(0)
