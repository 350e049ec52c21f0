"""Progress display: choice of mode, epoch lines that stay, the live bar fitted to the terminal."""

import io

import pytest

from tests.train.helpers import mlp, moons
from zeronn.train import fit
from zeronn.train import progress as progress_module
from zeronn.train.progress import Progress, fit_bar_line, format_logs, format_seconds, resolve_verbosity


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


def test_formatting():
    assert format_logs({"loss": 0.123456, "accuracy": 0.875, "lr": 0.01, "time": 1.0}) == \
        "loss: 0.1235 - accuracy: 0.8750 - lr: 0.01"
    assert format_seconds(0.0123) == "12ms" and format_seconds(3.254) == "3.25s"
    assert format_seconds(245) == "4m05s"


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


def _run_bar(width, logs, epochs=2, batches=60, monkeypatch=None):
    stream = _Terminal()
    progress = Progress(1, epochs=epochs, batches=batches, stream=stream, width=width)
    assert progress.mode == "bar"
    progress.train_begin(0)
    for epoch in range(epochs):
        progress.epoch_begin(epoch)
        for batch in range(batches):
            progress.batch_end(batch, 0.5)
        progress.epoch_end(epoch, {**logs, "time": 0.1}, last=epoch == epochs - 1)
    progress.message("note")
    progress.close()
    return stream.getvalue()


LONG_LOGS = {"loss": 0.123456, "accuracy": 0.875, "val_loss": 0.2345, "val_accuracy": 0.8125, "lr": 0.001}


def test_bar_fits_80_columns_and_epoch_lines_stay(monkeypatch):
    monkeypatch.setattr(progress_module, "_REDRAW_S", 0.0)
    text = _run_bar(80, LONG_LOGS)
    live = [part.replace("\033[K", "") for chunk in text.split("\n") for part in chunk.split("\r")[:-1]]
    live = [line for line in live if line]
    assert live, "no live line was drawn"
    assert all(len(line) <= 79 for line in live)
    assert any("[" in line and "ETA: " in line and "loss: 0.5" in line for line in live)
    kept = [chunk.split("\r")[-1].replace("\033[K", "") for chunk in text.split("\n")]
    epoch_lines = [line for line in kept if line.startswith("Epoch ")]
    # the finished epochs' lines are kept whole, every metric to its last digit
    assert epoch_lines == [
        f"Epoch {i}/2 - 100ms - loss: 0.1235 - accuracy: 0.8750 - val_loss: 0.2345 - val_accuracy: 0.8125 - lr: 0.001"
        for i in (1, 2)
    ]
    assert "note" in kept


def test_bar_line_never_cuts_numbers():
    line = fit_bar_line("Epoch 3/20", 25, 50, ["ETA: 1.20s", "loss: 0.4602"], 80)
    assert line.startswith("Epoch 3/20 [") and line.endswith("] 25/50 - ETA: 1.20s - loss: 0.4602")
    assert len(line) == 79 and "=" * 10 in line and ">" in line
    narrow = fit_bar_line("Epoch 3/20", 25, 50, ["ETA: 1.20s", "loss: 0.4602"], 40)
    assert narrow == "Epoch 3/20 25/50 - ETA: 1.20s - loss: 0.4602"[:39] or narrow == "Epoch 3/20 25/50 - ETA: 1.20s"
    assert "loss: 0.46" not in narrow or narrow.endswith("0.4602")
    assert fit_bar_line("Epoch 1/1", 50, 50, [], 40).count("=") > 10


def test_thin_terminal_still_works(monkeypatch):
    monkeypatch.setattr(progress_module, "_REDRAW_S", 0.0)
    text = _run_bar(20, {"loss": 0.5})
    assert "Epoch 2/2 - 100ms - loss: 0.5" in text


def test_terminal_runs_over_100_epochs_keep_about_100_lines():
    text = _run_bar(80, {"loss": 0.5}, epochs=250, batches=1)
    kept = [chunk.split("\r")[-1] for chunk in text.split("\n")]
    epoch_lines = [line for line in kept if line.startswith("Epoch ")]
    assert epoch_lines[0].startswith("Epoch 1/250") and epoch_lines[-1].startswith("Epoch 250/250")
    assert 80 <= len(epoch_lines) <= 130


def test_early_stopping_says_when_and_what_was_restored(capsys):
    from zeronn.train import EarlyStopping

    x, y = moons(60)
    fit(mlp(0), x, y, loss="cross_entropy", optimizer="sgd", lr=1e-9, epochs=30, verbose=2, validation_split=0.3,
        callbacks=[EarlyStopping(monitor="val_loss", patience=2, min_delta=1.0, restore_best_weights=True)])
    out = capsys.readouterr().out.splitlines()
    assert [line.split(" - ")[0] for line in out[:3]] == ["Epoch 1/30", "Epoch 2/30", "Epoch 3/30"]
    assert out[3].startswith("Epoch 3: early stopping: val_loss has not improved for 2 epoch(s) (best val_loss ")
    assert out[3].endswith(" at epoch 1)")
    assert out[4].startswith("Restored the weights of epoch 1, the best one (val_loss ")
    assert len(out) == 5


def test_resume_message(capsys):
    progress = Progress(2, epochs=5, batches=1)
    progress.train_begin(3)
    assert capsys.readouterr().out == "Resuming after epoch 3/5\n"
