"""Progress display: choice of mode, plain lines, the tqdm bar, and no tqdm."""

import io

import pytest

from zeronn.train import fit
from zeronn.train import progress as progress_module
from zeronn.train.progress import Progress, format_logs, format_seconds, resolve_verbosity

from tests.train.helpers import mlp, moons


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_resolve_verbosity():
    pipe, terminal = io.StringIO(), _Terminal()
    assert resolve_verbosity("auto", pipe) == "silent"
    assert resolve_verbosity("auto", terminal) == "bar"
    assert resolve_verbosity(0, terminal) == "silent"
    assert resolve_verbosity(False, terminal) == "silent"
    assert resolve_verbosity(1, pipe) == "lines"
    assert resolve_verbosity(True, terminal) == "bar"
    assert resolve_verbosity(2, terminal) == "epoch_lines"
    for bad in ("yes", 3, -1, None):
        with pytest.raises(ValueError, match="verbose must be 'auto', 0, 1 or 2"):
            resolve_verbosity(bad, pipe)


def test_without_tqdm_a_terminal_gets_plain_lines(monkeypatch):
    monkeypatch.setattr(progress_module, "_tqdm_class", lambda: None)
    assert resolve_verbosity(1, _Terminal()) == "lines"
    assert resolve_verbosity("auto", _Terminal()) == "lines"


def test_formatting():
    assert format_logs({"loss": 0.123456, "accuracy": 0.875, "lr": 0.01, "time": 1.0}) == \
        "loss: 0.1235 - accuracy: 0.8750 - lr: 0.01"
    assert format_seconds(0.0123) == "12ms" and format_seconds(3.254) == "3.25s"


def test_verbose_2_prints_one_line_per_epoch(capsys):
    x, y = moons(40)
    fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=3, verbose=2, validation_split=0.25)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Epoch 1/3 - ") and " - loss: " in lines[0] and "val_accuracy: " in lines[0]
    assert lines[2].startswith("Epoch 3/3")


def test_verbose_1_without_terminal_thins_long_runs(capsys):
    x, y = moons(20)
    fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=120, batch_size=20, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    # every ceil(120 / 50) = 3rd epoch, plus the first: 1, 3, 6, ..., 120
    assert lines[0].startswith("Epoch 1/120") and lines[1].startswith("Epoch 3/120")
    assert lines[-1].startswith("Epoch 120/120") and len(lines) == 41


def test_silent_runs_print_nothing(capsys):
    x, y = moons(20)
    fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=2, verbose=0)
    fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=2)          # "auto", not a terminal
    assert capsys.readouterr().out == ""


def test_bar_in_a_terminal(monkeypatch):
    monkeypatch.setattr(progress_module, "_BAR_DELAY_S", 0.0)
    stream = _Terminal()
    progress = Progress(1, epochs=2, batches=60, stream=stream)
    assert progress.mode == "bar"
    progress.train_begin(0)
    for epoch in range(2):
        progress.epoch_begin(epoch)
        for batch in range(60):
            progress.batch_end(batch, 0.5)
        progress.epoch_end(epoch, {"loss": 0.5, "accuracy": 0.9, "time": 0.1}, last=epoch == 1)
    progress.message("note")
    progress.close()
    text = stream.getvalue()
    assert "Training" in text and "2/2" in text and "loss: 0.5 - accuracy: 0.9" in text and "note" in text


def test_resume_message(capsys):
    progress = Progress(2, epochs=5, batches=1)
    progress.train_begin(3)
    assert capsys.readouterr().out == "Resuming after epoch 3/5\n"
