"""Callbacks: the base class, LambdaCallback, EarlyStopping (with best-weights restore), ModelCheckpoint args."""

import numpy as np
import pytest

from tests.train.helpers import mlp, moons, same_bits
from zeronn.train import Callback, EarlyStopping, LambdaCallback, ModelCheckpoint, fit


class _FakeTrainer:
    """Just what a callback touches: the model, stop_training and the logged keys."""

    def __init__(self, model, log_keys=("loss", "val_loss", "accuracy", "val_accuracy")):
        self.model = model
        self.stop_training = False
        self.log_keys = list(log_keys)
        self.messages: list[str] = []

    def message(self, text):
        self.messages.append(text)


def _drive(callback, values, key="val_loss", model=None):
    """Run ``callback`` over epochs whose ``key`` takes ``values``; each epoch sets the weights to the epoch number."""
    model = model or mlp(0)
    trainer = _FakeTrainer(model)
    callback.set_trainer(trainer)
    callback.on_train_begin({})
    stopped_after = None
    for epoch, value in enumerate(values):
        for p in model.parameters():
            p.data[...] = epoch
        callback.on_epoch_end(epoch, {key: value})
        if trainer.stop_training:
            stopped_after = epoch
            break
    callback.on_train_end({})
    return model, stopped_after


def test_early_stopping_patience_hand_worked():
    stopper = EarlyStopping(patience=2)
    # val_loss: 1.0 (best), 0.8 (best), 0.9 (wait 1), 0.85 (wait 2 -> stop after epoch 3)
    _, stopped = _drive(stopper, [1.0, 0.8, 0.9, 0.85, 0.1])
    assert stopped == 3 and stopper.stopped_epoch == 3
    assert stopper.best == 0.8 and stopper.best_epoch == 1 and stopper.wait == 2


def test_early_stopping_restores_best_weights():
    stopper = EarlyStopping(patience=2, restore_best_weights=True)
    model, _ = _drive(stopper, [1.0, 0.8, 0.9, 0.85])
    assert all(np.all(p.data == 1) for p in model.parameters())          # the weights of epoch 1
    plain, _ = _drive(EarlyStopping(patience=2), [1.0, 0.8, 0.9, 0.85])
    assert all(np.all(p.data == 3) for p in plain.parameters())          # without restore: the last weights


def test_early_stopping_min_delta_and_max_mode():
    stopper = EarlyStopping(monitor="val_accuracy", patience=1, min_delta=0.05)
    # auto mode -> "max" for accuracy; 0.62 is not better than 0.6 + 0.05
    _, stopped = _drive(stopper, [0.6, 0.62, 0.9], key="val_accuracy")
    assert stopped == 1 and stopper.best == 0.6
    stopper = EarlyStopping(monitor="val_loss", patience=1, mode="max")
    _, stopped = _drive(stopper, [0.5, 0.7, 0.6])
    assert stopped == 2 and stopper.best == 0.7


def test_early_stopping_nan_never_improves():
    stopper = EarlyStopping(patience=1)
    _, stopped = _drive(stopper, [1.0, float("nan")])
    assert stopped == 1


def test_early_stopping_in_fit_restores_best_epoch_weights():
    x, y = moons(60)
    snapshots = []
    model = mlp(0)
    recorder = LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(
        [p.data.copy() for p in model.parameters()]))
    # SGD with a too-large learning rate: the validation loss stops improving quickly
    stopper = EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = fit(model, x, y, loss="cross_entropy", optimizer="sgd", lr=5.0, epochs=30, batch_size=10,
                  validation_split=0.3, verbose=0, seed=0, callbacks=[recorder, stopper])
    assert len(history) < 30
    best_epoch, best = history.best("val_loss")
    assert stopper.best_epoch == best_epoch and stopper.best == best
    assert same_bits(model, snapshots[best_epoch])
    assert not same_bits(model, snapshots[-1])


def test_state_dict_round_trip():
    stopper = EarlyStopping(patience=3, restore_best_weights=True)
    _drive(stopper, [1.0, 0.5, 0.7])
    copy = EarlyStopping(patience=3, restore_best_weights=True)
    copy.load_state_dict(stopper.state_dict())
    assert (copy.best, copy.wait, copy.best_epoch) == (0.5, 1, 1)
    copy.set_trainer(_FakeTrainer(mlp(0)))
    copy.on_train_begin({})                                     # a restored state survives the start of training
    assert copy.best == 0.5
    copy.on_train_begin({})                                     # a second run starts afresh
    assert copy.best is None


def test_monitor_missing_is_a_clear_error():
    x, y = moons(20)
    with pytest.raises(ValueError, match="EarlyStopping monitors 'val_loss', which this run does not log "
                                         "\\(it logs: loss, accuracy, lr, time\\); pass validation_data"):
        fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=1, verbose=0, callbacks=[EarlyStopping()])
    with pytest.raises(ValueError, match="ModelCheckpoint monitors 'val_accuracy'"):
        fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=1, verbose=0,
            callbacks=[ModelCheckpoint("unused", monitor="val_accuracy")])


def test_argument_errors():
    with pytest.raises(ValueError, match="EarlyStopping patience must be a non-negative integer, got -1"):
        EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="Invalid EarlyStopping min_delta value: -0.1"):
        EarlyStopping(min_delta=-0.1)
    with pytest.raises(ValueError, match="EarlyStopping: mode must be 'auto', 'min' or 'max', got 'up'"):
        EarlyStopping(mode="up")
    with pytest.raises(ValueError, match="EarlyStopping: monitor must be the name"):
        EarlyStopping(monitor="")
    with pytest.raises(ValueError, match="ModelCheckpoint keep_last must be a positive integer, got 0"):
        ModelCheckpoint("d", keep_last=0)
    with pytest.raises(ValueError, match="ModelCheckpoint every must be a positive integer"):
        ModelCheckpoint("d", every=0)
    with pytest.raises(ValueError, match="ModelCheckpoint: mode must be"):
        ModelCheckpoint("d", mode="best")
    with pytest.raises(ValueError, match="ModelCheckpoint: monitor must be the name"):
        ModelCheckpoint("d", monitor=3)
    with pytest.raises(TypeError, match="unknown hook 'on_step'; valid hooks are: on_train_begin"):
        LambdaCallback(on_step=print)
    with pytest.raises(TypeError, match="on_epoch_end must be callable"):
        LambdaCallback(on_epoch_end=3)
    with pytest.raises(RuntimeError, match="EarlyStopping is not attached to a trainer yet"):
        _ = EarlyStopping().model


def test_base_callback_does_nothing_and_reprs():
    callback = Callback()
    for hook in ("on_train_begin", "on_train_end"):
        getattr(callback, hook)({})
    for hook in ("on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end"):
        getattr(callback, hook)(0, {})
    assert callback.state_dict() == {} and repr(callback) == "Callback()"
    assert repr(EarlyStopping()) == ("EarlyStopping(monitor='val_loss', patience=5, min_delta=0.0, mode='auto', "
                                     "restore_best_weights=False)")
    assert repr(LambdaCallback(on_epoch_end=print)) == "LambdaCallback(on_epoch_end)"
    assert "ModelCheckpoint('d'" in repr(ModelCheckpoint("d"))
