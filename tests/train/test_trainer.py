"""The training loop: learning, determinism, history, validation, dtypes, schedulers, hooks, errors."""

import numpy as np
import pytest

import zeronn
from tests.train.helpers import mlp, moons, same_bits
from zeronn import nn
from zeronn.data import xor
from zeronn.losses import BCEWithLogitsLoss, MSELoss, SSELoss
from zeronn.metrics import accuracy
from zeronn.optim import SGD, Adam
from zeronn.optim.lr_scheduler import ReduceLROnPlateau, StepLR
from zeronn.train import LambdaCallback, Trainer, evaluate, fit, predict


def test_learns_two_moons_quickly():
    x, y = moons(300, noise=0.1)
    model = mlp(0, hidden=32)
    history = fit(model, x, y, loss="cross_entropy", optimizer="adam", lr=0.02, epochs=40, batch_size=32, seed=0,
                  verbose=0)
    assert history["accuracy"][-1] > 0.95
    assert accuracy(y, predict(model, x)) > 0.95


def test_same_seed_same_bits_different_seed_different_bits():
    x, y = moons(100)

    def run(seed):
        model = mlp(0, dropout=0.2)
        fit(model, x, y, loss="cross_entropy", optimizer="adam", epochs=3, batch_size=16, seed=seed, verbose=0)
        return model

    assert same_bits(run(1), run(1))
    assert not same_bits(run(1), run(2))


def test_history_contents():
    x, y = moons(80)
    model = mlp(0)
    optimizer = SGD(model.parameters(), lr=0.4)
    history = fit(model, x, y, loss="cross_entropy", optimizer=optimizer, scheduler=StepLR(optimizer, 2, 0.5),
                  epochs=5, batch_size=20, validation_data=moons(40, seed=1), verbose=0)
    assert history.keys() == ["loss", "accuracy", "val_loss", "val_accuracy", "lr", "time"]
    assert history.epoch == [0, 1, 2, 3, 4]
    assert all(len(history[key]) == 5 for key in history.keys())
    assert history["lr"] == [0.4, 0.4, 0.2, 0.2, 0.1]       # StepLR(step_size=2, gamma=0.5), lr used in each epoch
    assert all(t > 0 for t in history["time"])
    assert all(0 <= a <= 1 for a in history["accuracy"] + history["val_accuracy"])


def test_validation_loss_is_the_models_loss_on_validation_data():
    x, y = moons(80)
    x_val, y_val = moons(30, seed=3)
    model = mlp(0)
    history = fit(model, x, y, loss="cross_entropy", optimizer="adam", epochs=2, validation_data=(x_val, y_val),
                  verbose=0)
    expected = evaluate(model, x_val, y_val, loss="cross_entropy")
    assert history["val_loss"][-1] == pytest.approx(expected["loss"], rel=1e-6)
    assert history["val_accuracy"][-1] == expected["accuracy"]


def test_validation_split_takes_the_last_fraction():
    x, y = moons(100)
    seen = []
    spy = LambdaCallback(on_batch_end=lambda batch, logs: seen.append(logs["size"]))
    history = fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=1, batch_size=100,
                  validation_split=0.2, callbacks=[spy], verbose=0)
    assert seen == [80]                                        # 100 * (1 - 0.2) training samples
    model = mlp(0)
    history = fit(model, x, y, loss="cross_entropy", optimizer="adam", epochs=1, validation_split=0.2, verbose=0)
    assert history["val_loss"][0] == pytest.approx(evaluate(model, x[80:], y[80:], loss="cross_entropy")["loss"],
                                                   rel=1e-6)


def _tutorial_network():
    return nn.Sequential(nn.Linear(3, 4, rng=0), nn.Sigmoid(), nn.Linear(4, 1, rng=1), nn.Sigmoid())


def test_sum_reduction_epoch_loss_is_the_total():
    # the tutorial's loss, sum of squared errors, in two batches of 2 rows without shuffling
    x, y = xor()
    history = fit(_tutorial_network(), x, y, loss="sse", optimizer="sgd", lr=1.0, epochs=1, batch_size=2,
                  shuffle=False, verbose=0)
    # by hand: the epoch loss is the sum of the two batch sums (each before its own update)
    model, loss_fn = _tutorial_network(), SSELoss()
    optimizer = SGD(model.parameters(), lr=1.0)
    total = 0.0
    for rows in (slice(0, 2), slice(2, 4)):
        total += loss_fn(model(x[rows]), y[rows])
        optimizer.zero_grad()
        model.backward(loss_fn.backward())
        optimizer.step()
    assert history["loss"][0] == total


def test_tutorial_network_learns_xor():
    x, y = xor()
    model = _tutorial_network()
    history = fit(model, x, y, loss="sse", optimizer="sgd", lr=1.0, epochs=1500, batch_size=4, verbose=0)
    assert history["accuracy"][-1] == 1.0                      # binary targets: threshold 0.5
    assert np.round(predict(model, x)).ravel().tolist() == [0, 1, 1, 0]


def test_binary_logits_accuracy_uses_threshold_zero():
    x, y = moons(120, noise=0.1)
    model = mlp(0, outputs=1)
    targets = y.reshape(-1, 1).astype(np.float32)
    history = fit(model, x, targets, loss=BCEWithLogitsLoss(), optimizer="adam", lr=0.02, epochs=30, verbose=0,
                  validation_data=(x, targets))
    logits = predict(model, x)
    assert history["val_accuracy"][-1] == pytest.approx(accuracy(targets, logits, threshold=0.0))
    assert history["val_accuracy"][-1] > 0.85


def test_regression_targets_skip_default_accuracy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 2)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0]], dtype=np.float32)) + 0.5
    history = fit(mlp(0, outputs=1), x, y, loss="mse", optimizer="adam", epochs=2, verbose=0)
    assert "accuracy" not in history
    history = fit(mlp(0, outputs=1), x, y, loss="mse", optimizer="adam", epochs=2, verbose=0, metrics=["mae"])
    assert "mae" in history
    with pytest.raises(ValueError, match="metric 'accuracy' needs class targets"):
        fit(mlp(0, outputs=1), x, y, loss="mse", optimizer="adam", epochs=1, verbose=0, metrics=["accuracy"])


def test_custom_metric_function():
    x, y = moons(60)

    def error_rate(y_true, y_pred):
        return 1.0 - accuracy(y_true, y_pred)

    history = fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=2, verbose=0,
                  metrics=("accuracy", error_rate))
    assert history["error_rate"][-1] == pytest.approx(1.0 - history["accuracy"][-1])


class _InputSpy(nn.Layer):
    """Identity layer that records the dtype of what it receives."""

    seen: list = []

    def forward(self, x):
        _InputSpy.seen.append(x.dtype)
        return x

    def backward(self, grad_out):
        return grad_out


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_inputs_cast_to_the_models_dtype(dtype):
    x, y = moons(40)
    model = nn.Sequential(_InputSpy(), nn.Linear(2, 2, rng=0)).to(dtype)
    _InputSpy.seen = []
    fit(model, x.astype(np.float64 if dtype == "float32" else np.float32), y, loss="cross_entropy",
        optimizer="sgd", lr=0.1, epochs=1, verbose=0)
    assert set(_InputSpy.seen) == {np.dtype(dtype)}
    assert model.layers[1].weight.dtype == np.dtype(dtype)
    _InputSpy.seen = []
    fit(model, (x * 10).astype(np.uint8), y, loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=1, verbose=0)
    assert set(_InputSpy.seen) == {np.dtype(dtype)}


def test_mode_restored():
    x, y = moons(40)
    model = mlp(0, dropout=0.5)
    model.eval()
    fit(model, x, y, loss="cross_entropy", optimizer="adam", epochs=1, verbose=0)
    assert not model.training


def test_plateau_scheduler_gets_val_loss_else_loss():
    x, y = moons(60)

    class Recording(ReduceLROnPlateau):
        def step(self, metric=None):
            self.seen = getattr(self, "seen", []) + [metric]
            return super().step(metric)

    for validation in (None, moons(30, seed=2)):
        model = mlp(0)
        optimizer = Adam(model.parameters())
        scheduler = Recording(optimizer, patience=0)
        history = fit(model, x, y, loss="cross_entropy", optimizer=optimizer, scheduler=scheduler, epochs=3,
                      validation_data=validation, verbose=0)
        key = "loss" if validation is None else "val_loss"
        assert scheduler.seen == history[key]


def test_hook_order_and_stop_training():
    x, y = moons(40)
    calls = []

    def stop_after_second(epoch, logs):
        calls.append(("epoch_end", epoch, sorted(logs)))
        if epoch == 1:
            callback.trainer.stop_training = True

    callback = LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(("epoch_begin", epoch)),
        on_batch_begin=lambda batch, logs: calls.append(("batch_begin", batch)),
        on_batch_end=lambda batch, logs: calls.append(("batch_end", batch, round(logs["loss"], 6) > 0)),
        on_epoch_end=stop_after_second,
        on_train_end=lambda logs: calls.append("train_end"),
    )
    history = fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=10, batch_size=20, verbose=0,
                  callbacks=[callback])
    keys = ["accuracy", "loss", "lr", "time"]
    assert calls == ["train_begin",
                     ("epoch_begin", 0), ("batch_begin", 0), ("batch_end", 0, True), ("batch_begin", 1),
                     ("batch_end", 1, True), ("epoch_end", 0, keys),
                     ("epoch_begin", 1), ("batch_begin", 0), ("batch_end", 0, True), ("batch_begin", 1),
                     ("batch_end", 1, True), ("epoch_end", 1, keys),
                     "train_end"]
    assert len(history) == 2


def test_clip_grad_norm_bounds_the_gradient():
    x, y = moons(40)
    norms = []

    def record(batch, logs):
        grads = [p.grad for p in model.parameters()]
        norms.append(float(np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in grads))))

    model = mlp(0)
    fit(model, x * 100, y, loss="cross_entropy", optimizer="sgd", lr=1e-4, epochs=1, batch_size=10, verbose=0,
        clip_grad_norm=0.5, callbacks=[LambdaCallback(on_batch_end=record)])
    assert len(norms) == 4 and max(norms) <= 0.5 * (1 + 1e-5)


def test_trainer_object_continues_and_evaluates():
    x, y = moons(60)
    trainer = Trainer(mlp(0), loss="cross_entropy", optimizer="adam", lr=0.01, seed=0, verbose=0)
    trainer.fit(x, y, epochs=2)
    trainer.fit(x, y, epochs=4)                                 # continues up to 4 epochs in total
    assert trainer.epoch == 4 and trainer.history.epoch == [0, 1, 2, 3]
    assert set(trainer.evaluate(x, y)) == {"loss", "accuracy"}
    assert trainer.predict(x).shape == (60, 2)
    assert trainer.learning_rate() == 0.01
    assert "Trainer(model=Sequential" in repr(trainer)


def test_plain_pytorch_style_loop_works():
    """The loop a learner writes by hand, with no fit at all."""
    x, y = moons(200, noise=0.1)
    model = mlp(0, hidden=32)
    loss_fn = zeronn.losses.CrossEntropyLoss()
    optimizer = Adam(model.parameters(), lr=0.02)
    loader = zeronn.data.DataLoader(x, y, batch_size=32, shuffle=True, seed=0)
    first = None
    for _ in range(30):
        for xb, yb in loader:
            out = model(xb)
            loss = loss_fn(out, yb)
            first = loss if first is None else first
            optimizer.zero_grad()
            model.backward(loss_fn.backward())
            optimizer.step()
    assert loss < first / 3
    assert accuracy(y, predict(model, x)) > 0.95


def test_errors():
    x, y = moons(20)
    model = mlp(0)
    common = dict(loss="cross_entropy", optimizer="adam", epochs=1, verbose=0)
    with pytest.raises(TypeError, match="model must be a zeronn Layer"):
        fit(lambda v: v, x, y, **common)
    with pytest.raises(TypeError, match="loss must be a loss name"):
        fit(model, x, y, loss=3, optimizer="adam", epochs=1)
    with pytest.raises(ValueError, match="Unknown loss 'crossentropy'"):
        fit(model, x, y, loss="crossentropy", optimizer="adam", epochs=1)
    with pytest.raises(ValueError, match="reduction='none'"):
        fit(model, x, y, loss=MSELoss(reduction="none"), optimizer="adam", epochs=1)
    with pytest.raises(TypeError, match="optimizer must be an optimizer name"):
        fit(model, x, y, loss="mse", optimizer=None, epochs=1)
    with pytest.raises(ValueError, match="Unknown optimizer 'adamm'"):
        fit(model, x, y, loss="mse", optimizer="adamm", epochs=1)
    with pytest.raises(ValueError, match="lr=0.1 is only used with an optimizer given by name"):
        fit(model, x, y, loss="mse", optimizer=SGD(model.parameters(), lr=0.1), lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="does not hold any parameter of this model"):
        fit(model, x, y, loss="mse", optimizer=SGD(mlp(1).parameters(), lr=0.1), epochs=1)
    other = SGD(mlp(1).parameters(), lr=0.1)
    with pytest.raises(ValueError, match="built for another optimizer"):
        fit(model, x, y, loss="mse", optimizer="sgd", lr=0.1, scheduler=StepLR(other, 1), epochs=1)
    with pytest.raises(TypeError, match="scheduler must be a scheduler object"):
        fit(model, x, y, loss="mse", optimizer="sgd", lr=0.1, scheduler=3, epochs=1)
    with pytest.raises(ValueError, match="Invalid lr value: -1"):
        fit(model, x, y, loss="mse", optimizer="sgd", lr=-1, epochs=1)
    with pytest.raises(ValueError, match="verbose must be 'auto', 0, 1 or 2, got 'loud'"):
        fit(model, x, y, loss="mse", optimizer="sgd", lr=0.1, epochs=1, verbose="loud")
    with pytest.raises(TypeError, match="Callback objects, got builtin_function_or_method at position 0"):
        fit(model, x, y, callbacks=[print], **common)
    with pytest.raises(TypeError, match="got the class LambdaCallback at position 1: create one"):
        fit(model, x, y, callbacks=[LambdaCallback(), LambdaCallback], **common)
    with pytest.raises(ValueError, match="epochs must be a positive integer, got 0"):
        fit(model, x, y, **{**common, "epochs": 0})
    with pytest.raises(ValueError, match="DataLoader batch_size must be a positive integer, got 0"):
        fit(model, x, y, batch_size=0, **common)
    with pytest.raises(ValueError, match="same number of samples, got 20 inputs and 19 targets"):
        fit(model, x, y[:-1], **common)
    with pytest.raises(ValueError, match="y is None"):
        fit(model, x, None, **common)
    with pytest.raises(ValueError, match="Invalid validation_split value: 1.0"):
        fit(model, x, y, validation_split=1.0, **common)
    with pytest.raises(ValueError, match="not both"):
        fit(model, x, y, validation_split=0.2, validation_data=(x, y), **common)
    with pytest.raises(TypeError, match="validation_data must be a pair"):
        fit(model, x, y, validation_data=x, **common)
    with pytest.raises(ValueError, match="leaves an empty part"):
        fit(model, x[:1], y[:1], validation_split=0.5, **common)
    with pytest.raises(ValueError, match="Unknown metric 'auc'"):
        fit(model, x, y, metrics=["auc"], **common)
    with pytest.raises(ValueError, match="metric names must be unique"):
        fit(model, x, y, metrics=["accuracy", "accuracy"], **common)
    with pytest.raises(TypeError, match="seed must be an int"):
        fit(model, x, y, seed="zero", **common)
    with pytest.raises(ValueError, match="Invalid clip_grad_norm value"):
        fit(model, x, y, clip_grad_norm=0, **common)
    with pytest.raises(ValueError, match="empty dataset"):
        fit(model, x[:0], y[:0], **common)


def test_validation_split_rounds_up_the_validation_part():
    x, y = moons(30)
    sizes = []
    fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=1, batch_size=100, validation_split=0.1,
        verbose=0, callbacks=[LambdaCallback(on_batch_end=lambda batch, logs: sizes.append(logs["size"]))])
    assert sizes == [27]                                      # ceil(0.1 * 30) = 3 validation rows
    fit(mlp(0), x[:7], y[:7], loss="cross_entropy", optimizer="adam", epochs=1, batch_size=100,
        validation_split=0.3, verbose=0, callbacks=[LambdaCallback(on_batch_end=lambda b, logs: sizes.append(
            logs["size"]))])
    assert sizes[-1] == 4                                     # ceil(0.3 * 7) = ceil(2.1) = 3
