"""History: recording, best/last, JSON and CSV round trips, errors."""

import math

import pytest

from zeronn.train import History


def _history():
    history = History()
    history.append(0, {"loss": 0.9, "accuracy": 0.5, "lr": 0.1})
    history.append(1, {"loss": 0.4, "accuracy": 0.75, "lr": 0.1})
    history.append(2, {"loss": 0.6, "accuracy": 0.75, "lr": 0.05})
    return history


def test_recording_and_reading():
    history = _history()
    assert history.epoch == [0, 1, 2] and len(history) == 3
    assert history["loss"] == [0.9, 0.4, 0.6]
    assert history.keys() == ["loss", "accuracy", "lr"]
    assert "lr" in history and "val_loss" not in history
    assert history.last() == {"loss": 0.6, "accuracy": 0.75, "lr": 0.05}
    assert History().last() == {}
    assert history.best("loss") == (1, 0.4)
    assert history.best("accuracy") == (1, 0.75)                 # highest, first of a tie
    assert history.best("accuracy", mode="min") == (0, 0.5)
    assert repr(history) == "History(epochs=3, keys=['loss', 'accuracy', 'lr'])"


def test_new_key_is_padded_with_nan():
    history = _history()
    history.append(3, {"loss": 0.3, "val_loss": 0.35})
    assert math.isnan(history["val_loss"][0]) and history["val_loss"][3] == 0.35
    assert math.isnan(history["accuracy"][3])


def test_json_round_trip(tmp_path):
    history = _history()
    history.append(3, {"loss": float("nan")})
    history.to_json(tmp_path / "h.json")
    again = History.from_json(tmp_path / "h.json")
    assert again.epoch == history.epoch and again["accuracy"][:3] == history["accuracy"][:3]
    assert math.isnan(again["loss"][3])


def test_csv_round_trip(tmp_path):
    history = _history()
    history.to_csv(tmp_path / "h.csv")
    assert (tmp_path / "h.csv").read_text().splitlines()[:2] == ["epoch,loss,accuracy,lr", "1,0.9,0.5,0.1"]
    again = History.from_csv(tmp_path / "h.csv")
    assert again.state_dict() == history.state_dict()


def test_state_dict_round_trip():
    history = _history()
    again = History()
    again.load_state_dict(history.state_dict())
    assert again.state_dict() == history.state_dict()


def test_errors(tmp_path):
    history = _history()
    with pytest.raises(KeyError, match="History has no 'val_loss'; it holds: loss, accuracy, lr"):
        history["val_loss"]
    with pytest.raises(ValueError, match="mode must be 'auto', 'min' or 'max'"):
        history.best("loss", mode="lowest")
    with pytest.raises(ValueError, match="'loss' has 2 values for 3 epochs"):
        History().load_state_dict({"epoch": [0, 1, 2], "history": {"loss": [1.0, 2.0]}})
    with pytest.raises(ValueError, match="'epoch' list and a 'history' dict"):
        History().load_state_dict({"epoch": 3})
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="is not a History JSON file"):
        History.from_json(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"a": 1}')
    with pytest.raises(ValueError, match="is not a History JSON file"):
        History.from_json(tmp_path / "other.json")
    (tmp_path / "bad.csv").write_text("loss\n1.0\n")
    with pytest.raises(ValueError, match="its first column must be 'epoch'"):
        History.from_csv(tmp_path / "bad.csv")
    (tmp_path / "bad2.csv").write_text("epoch,loss\n1,abc\n")
    with pytest.raises(ValueError, match="is not a History CSV file"):
        History.from_csv(tmp_path / "bad2.csv")
    nan_only = History()
    nan_only.append(0, {"loss": float("nan")})
    with pytest.raises(ValueError, match="no finite value of 'loss'"):
        nan_only.best("loss")
