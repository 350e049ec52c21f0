"""Checkpoints and resume: contents, keep-last/best, errors, and bit-identical resumed runs."""

import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import zeronn
from tests.train import resume_script
from tests.train.helpers import mlp, moons, same_bits
from zeronn.io import ModelFileError
from zeronn.optim import SGD, Adam
from zeronn.optim.lr_scheduler import StepLR
from zeronn.train import Callback, ModelCheckpoint, fit, model_from_checkpoint, read_checkpoint
from zeronn.train.checkpoint import find_latest_checkpoint

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class InterruptAt(Callback):
    """Raises KeyboardInterrupt at batch ``batch`` of epoch ``epoch`` (both from 0), like a Ctrl+C."""

    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)

    def on_batch_end(self, batch, logs=None):
        if (self.trainer.epoch, batch) == self.at:
            raise KeyboardInterrupt


def _assert_same_run(resumed, reference):
    (model, history), (ref_model, ref_history) = resumed, reference
    assert same_bits(model, ref_model)
    assert history.epoch == ref_history.epoch
    for key in ("loss", "accuracy", "val_loss", "val_accuracy", "lr"):
        assert history[key] == ref_history[key], key


@pytest.mark.parametrize("dropout_rng", ["seeded", None])
def test_interrupted_and_resumed_run_is_bit_identical(tmp_path, dropout_rng):
    reference = resume_script.run(dropout_rng=dropout_rng)
    with pytest.raises(KeyboardInterrupt):
        resume_script.run([ModelCheckpoint(tmp_path), InterruptAt(epoch=3, batch=2)], dropout_rng=dropout_rng)
    assert sorted(os.listdir(tmp_path)) == ["best.ckpt", "epoch-0003.ckpt"]
    # a fresh model with other initial weights and another global seed: everything comes from the checkpoint
    resumed = resume_script.run([ModelCheckpoint(tmp_path)], resume_from=tmp_path, model_seed=5,
                                dropout_rng=dropout_rng)
    _assert_same_run(resumed, reference)
    assert not same_bits(mlp(5, hidden=12, dropout=0.3), reference[0])     # the check can fail


def test_killed_subprocess_resumes_bit_identical(tmp_path):
    """Kill a training process with SIGKILL mid-epoch, resume from its last checkpoint, compare bits."""
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    process = subprocess.Popen([sys.executable, "-m", "tests.train.resume_script", str(tmp_path)], cwd=REPO,
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first = tmp_path / "epoch-0001.ckpt"
    try:
        deadline = time.monotonic() + 60
        while not first.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert first.exists(), process.stderr.read().decode() if process.poll() is not None else "timed out"
        process.send_signal(signal.SIGKILL)                    # mid-epoch 2: each batch sleeps 50 ms
    finally:
        process.kill()
        process.wait()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL              # it was killed, it did not finish
    done = read_checkpoint(tmp_path)["epoch"]
    assert 1 <= done < resume_script.EPOCHS
    resumed = resume_script.run([ModelCheckpoint(tmp_path, keep_last=2)], resume_from=tmp_path, model_seed=3)
    _assert_same_run(resumed, resume_script.run())


def test_resume_with_names_and_scheduler_factory(tmp_path):
    x, y = moons(96)

    def run(callbacks=(), resume_from=None, model_seed=0):
        model = mlp(model_seed, dropout=0.2)
        fit(model, x, y, loss="cross_entropy", optimizer="sgd", lr=0.1,
            scheduler=lambda opt: StepLR(opt, step_size=1, gamma=0.9), epochs=4, batch_size=32, seed=1,
            verbose=0, callbacks=callbacks, resume_from=resume_from)
        return model

    reference = run()
    with pytest.raises(KeyboardInterrupt):
        run([ModelCheckpoint(tmp_path), InterruptAt(2, 1)])
    path = tmp_path / "epoch-0002.ckpt"
    assert same_bits(run(resume_from=path, model_seed=9), reference)     # a file path works too


def test_checkpoint_contents(tmp_path):
    x, y = moons(64)
    model = mlp(0, dropout=0.5)
    optimizer = Adam(model.parameters(), lr=0.01)
    history = fit(model, x, y, loss="cross_entropy", optimizer=optimizer, scheduler=StepLR(optimizer, 1),
                  epochs=2, seed=0, verbose=0, callbacks=[ModelCheckpoint(tmp_path)])
    tree = read_checkpoint(tmp_path / "epoch-0002.ckpt")
    assert tree["epoch"] == 2 and tree["stop_training"] is False
    assert tree["model"]["spec"] == zeronn.nn.layer_to_spec(model)
    assert same_bits(list(tree["model"]["state"].values()), list(model.state_dict().values()))
    assert tree["optimizer"]["class"] == "Adam" and tree["scheduler"]["class"] == "StepLR"
    assert set(tree["rng"]) == {"shuffle", "layers", "global"}
    assert set(tree["rng"]["layers"]) == {"2.rng"}                       # the Dropout's generator
    assert tree["rng"]["layers"]["2.rng"] == model.layers[2].rng.bit_generator.state
    assert tree["history"]["history"]["loss"] == history["loss"]
    assert set(tree["callbacks"]) == {"ModelCheckpoint#0"}
    rebuilt = model_from_checkpoint(tmp_path / "epoch-0002.ckpt")
    assert same_bits(rebuilt, model) and repr(rebuilt) == repr(model)


def test_keep_last_every_and_best(tmp_path):
    x, y = moons(64)
    checkpoint = ModelCheckpoint(tmp_path / "run", keep_last=2, every=2)
    fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=7, verbose=0, callbacks=[checkpoint])
    # epochs 2, 4, 6 and the last (7) are written; the newest two are kept
    assert sorted(os.listdir(tmp_path / "run")) == ["best.ckpt", "epoch-0006.ckpt", "epoch-0007.ckpt"]
    assert checkpoint.last_path == os.path.join(str(tmp_path / "run"), "epoch-0007.ckpt")
    best = read_checkpoint(checkpoint.best_path)
    assert best["history"]["history"]["loss"][-1] == checkpoint.best    # monitor defaults to "loss" here
    assert find_latest_checkpoint(tmp_path / "run").endswith("epoch-0007.ckpt")


def test_keep_all_and_monitor_val_loss(tmp_path):
    x, y = moons(64)
    checkpoint = ModelCheckpoint(tmp_path, keep_last=None, save_best=False)
    fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=3, verbose=0, validation_split=0.25,
        callbacks=[checkpoint])
    assert sorted(os.listdir(tmp_path)) == ["epoch-0001.ckpt", "epoch-0002.ckpt", "epoch-0003.ckpt"]
    assert checkpoint._monitor.name == "val_loss"


def test_resume_after_early_stop_trains_no_more(tmp_path):
    x, y = moons(64)
    from zeronn.train import EarlyStopping

    stopper = EarlyStopping(monitor="loss", patience=0, min_delta=10.0)   # nothing improves by 10: stops at once
    history = fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=5, verbose=0,
                  callbacks=[stopper, ModelCheckpoint(tmp_path)])
    assert len(history) == 2
    model = mlp(0)
    resumed = fit(model, x, y, loss="cross_entropy", optimizer="adam", epochs=5, verbose=0,
                  callbacks=[EarlyStopping(monitor="loss", patience=0, min_delta=10.0)], resume_from=tmp_path)
    assert len(resumed) == 2


def _checkpoint(tmp_path):
    x, y = moons(32)
    fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=1, verbose=0,
        callbacks=[ModelCheckpoint(tmp_path)])
    return x, y


def test_resume_errors(tmp_path):
    x, y = _checkpoint(tmp_path)
    with pytest.raises(ValueError, match="different model .*out_features.*checkpoint has 16, this model has 8"):
        fit(mlp(0, hidden=8), x, y, loss="cross_entropy", optimizer="adam", epochs=2, verbose=0,
            resume_from=tmp_path)
    with pytest.raises(ValueError, match="written with optimizer Adam, this run uses SGD"):
        fit(mlp(0), x, y, loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=2, verbose=0,
            resume_from=tmp_path)
    model = mlp(0)
    optimizer = Adam(model.parameters())
    with pytest.raises(ValueError, match="written with scheduler None, this run uses StepLR"):
        fit(model, x, y, loss="cross_entropy", optimizer=optimizer, scheduler=StepLR(optimizer, 1), epochs=2,
            verbose=0, resume_from=tmp_path)
    with pytest.raises(ValueError, match="checkpoint has 3 layers \\[Linear, ReLU, Linear\\], this model has 4"):
        fit(mlp(0, dropout=0.5), x, y, loss="cross_entropy", optimizer="adam", epochs=2, verbose=0,
            resume_from=tmp_path)
    with pytest.raises(ModelFileError, match="no such file"):
        fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=2, verbose=0,
            resume_from=tmp_path / "missing.ckpt")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelFileError, match="no checkpoint \\(epoch-NNNN.ckpt\\)"):
        read_checkpoint(empty)
    zeronn.io.save(mlp(0), tmp_path / "model.safetensors")
    with pytest.raises(ModelFileError, match="model file, not a checkpoint file"):
        read_checkpoint(tmp_path / "model.safetensors")


def test_mismatched_checkpoint_leaves_model_untouched(tmp_path):
    x, y = _checkpoint(tmp_path)
    model = mlp(3)
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(ValueError):
        fit(model, x, y, loss="cross_entropy", optimizer=SGD(model.parameters(), lr=0.1), epochs=2, verbose=0,
            resume_from=tmp_path)
    assert same_bits(before, model)


def test_generator_states_must_match():
    from zeronn.train.checkpoint import generator_states, set_generator_states

    model = mlp(0, dropout=0.5)
    states = generator_states(model)
    assert list(states) == ["2.rng"]
    with pytest.raises(ValueError, match="random generators \\[\\] do not match the model's \\['2.rng'\\]"):
        set_generator_states(model, {})
    expected = model.layers[2].rng.random(3)
    set_generator_states(model, states)
    np.testing.assert_array_equal(model.layers[2].rng.random(3), expected)


def test_resume_restores_buffers_bit_identical(tmp_path):
    """Batch-norm running statistics (buffers) come back too."""
    x, y = moons(96)

    def run(callbacks=(), resume_from=None, seed=0):
        model = zeronn.nn.Sequential(zeronn.nn.Linear(2, 8, rng=seed), zeronn.nn.BatchNorm1d(8), zeronn.nn.ReLU(),
                                     zeronn.nn.Dropout(0.2, rng=seed + 1), zeronn.nn.Linear(8, 2, rng=seed + 2))
        fit(model, x, y, loss="cross_entropy", optimizer="adamw", lr=0.01, epochs=4, batch_size=16, seed=2,
            verbose=0, callbacks=callbacks, resume_from=resume_from)
        return model

    reference = run()
    with pytest.raises(KeyboardInterrupt):
        run([ModelCheckpoint(tmp_path), InterruptAt(3, 0)])
    resumed = run(resume_from=tmp_path, seed=4)
    expected = reference.state_dict()
    assert any("running_mean" in name for name in expected)
    assert all(np.array_equal(value, expected[name]) for name, value in resumed.state_dict().items())


# ------------------------------------------------------------------------------------------ all-or-nothing
def _resumable(tmp_path):
    """A 2-epoch checkpoint (Adam + StepLR + dropout) and a function that tries to resume a fresh run from a file.

    ``attempt(path)`` returns (error, untouched): the error the resume raised, and whether the fresh
    model, optimizer, scheduler and generators are exactly as they were before the attempt.
    """
    from zeronn.io import read_archive

    x, y = moons(48)
    model = mlp(0, dropout=0.2)
    optimizer = Adam(model.parameters(), lr=0.01)
    fit(model, x, y, loss="cross_entropy", optimizer=optimizer, scheduler=StepLR(optimizer, 1), epochs=2,
        batch_size=16, verbose=0, callbacks=[ModelCheckpoint(tmp_path / "run", save_best=False)])
    tree = read_archive(tmp_path / "run" / "epoch-0002.ckpt", kind="checkpoint")

    def attempt(path):
        fresh = mlp(7, dropout=0.2)
        fresh_optimizer = Adam(fresh.parameters(), lr=0.01)
        scheduler = StepLR(fresh_optimizer, 1)
        before = ([p.data.copy() for p in fresh.parameters()], fresh_optimizer.state_dict(),
                  scheduler.state_dict(), fresh.layers[2].rng.bit_generator.state)
        with pytest.raises(ValueError) as info:
            fit(fresh, x, y, loss="cross_entropy", optimizer=fresh_optimizer, scheduler=scheduler, epochs=4,
                batch_size=16, verbose=0, resume_from=path)
        after = ([p.data for p in fresh.parameters()], fresh_optimizer.state_dict(), scheduler.state_dict(),
                 fresh.layers[2].rng.bit_generator.state)
        untouched = (same_bits(before[0], after[0]) and before[2] == after[2] and before[3] == after[3]
                     and _same_tree(before[1], after[1]))
        return info.value, untouched

    return tree, attempt


def _same_tree(a, b):
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same_tree(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same_tree(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    return a == b


def _tampered(tmp_path, tree, change, name="tampered.ckpt"):
    import copy

    from zeronn.io import write_archive

    tree = copy.deepcopy(tree)
    change(tree)
    path = tmp_path / name
    write_archive(path, tree, kind="checkpoint")
    return path


def test_hundred_zero_bytes_are_refused_and_nothing_changes(tmp_path):
    _, attempt = _resumable(tmp_path)
    path = tmp_path / "zeros.ckpt"
    path.write_bytes(bytes(100))
    error, untouched = attempt(path)
    assert isinstance(error, ModelFileError) and "zeros.ckpt" in str(error) and untouched


def _set(path, value):
    def change(tree):
        node = tree
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return change


def _first_moment(tree):
    return next(iter(tree["optimizer"]["state"]["state"].values()))


@pytest.mark.parametrize(
    "what, change, fragment",
    [
        ("negative epoch", _set(["epoch"], -5), "'epoch' must be a non-negative int"),
        ("epoch as text", _set(["epoch"], "2"), "'epoch' must be a non-negative int"),
        ("epoch beyond the history", _set(["epoch"], 7), "7 epochs were done, but its history lists"),
        ("history too short", lambda t: t["history"]["history"]["loss"].pop(), "'loss' has 1 values for 2 epochs"),
        ("history not numbers", lambda t: t["history"]["history"]["loss"].__setitem__(0, "low"), "must hold numbers"),
        ("history missing", lambda t: t.pop("history"), "missing: history"),
        ("unknown part", _set(["virus"], 1), "unknown parts \\['virus'\\]"),
        ("stop_training not a bool", _set(["stop_training"], "no"), "'stop_training' must be true or false"),
        ("NaN weight", lambda t: t["model"]["state"]["0.weight"].__setitem__((0, 0), np.nan), "NaN or infinite"),
        ("weight of another shape", _set(["model", "state", "0.bias"], np.zeros(3, np.float32)),
         "'0.bias' has shape \\(3,\\), the model needs \\(16,\\)"),
        ("weight missing", lambda t: t["model"]["state"].pop("0.bias"), "missing \\['0.bias'\\]"),
        ("NaN in Adam's moment", lambda t: _first_moment(t)["exp_avg"].fill(np.nan), "optimizer state is invalid"),
        ("negative lr", lambda t: t["optimizer"]["state"]["param_groups"][0].__setitem__("lr", -1.0),
         "optimizer state is invalid"),
        ("optimizer state not a dict", _set(["optimizer", "state"], [1, 2]), "'optimizer' must be a dict"),
        ("scheduler gamma -2", _set(["scheduler", "state", "gamma"], -2.0), "scheduler state is invalid"),
        ("scheduler last_epoch text", _set(["scheduler", "state", "last_epoch"], "abc"), "scheduler state is invalid"),
        ("shuffle state float", lambda t: t["rng"]["shuffle"]["state"].__setitem__("state", 1.5),
         "rng.shuffle is not a valid PCG64 state"),
        ("dropout rng of another kind", _set(["rng", "layers", "2.rng", "bit_generator"], "MT19937"),
         "rng.layers.2.rng is not a valid PCG64 state"),
        ("generator missing", lambda t: t["rng"]["layers"].pop("2.rng"), "random generators \\[\\] do not match"),
    ],
)
def test_a_bad_part_is_refused_before_anything_changes(tmp_path, what, change, fragment):
    tree, attempt = _resumable(tmp_path)
    error, untouched = attempt(_tampered(tmp_path, tree, change))
    assert untouched, f"{what}: the trainer changed although the checkpoint was refused"
    assert "tampered.ckpt" in str(error), error
    assert re.search(fragment, str(error)), f"{what}: {error}"


def test_a_failure_while_applying_puts_everything_back(tmp_path):
    """A callback whose load_state_dict raises after the model was restored: the model goes back as it was."""

    class Fragile(Callback):
        def state_dict(self):
            return {"n": 1}

        def load_state_dict(self, state):
            raise ValueError("Fragile cannot restore")

    x, y = moons(48)
    fit(mlp(0), x, y, loss="cross_entropy", optimizer="adam", epochs=1, verbose=0,
        callbacks=[Fragile(), ModelCheckpoint(tmp_path, save_best=False)])
    model = mlp(3)
    before = [p.data.copy() for p in model.parameters()]
    optimizer = Adam(model.parameters())
    with pytest.raises(ValueError, match="Fragile cannot restore"):
        fit(model, x, y, loss="cross_entropy", optimizer=optimizer, epochs=2, verbose=0, callbacks=[Fragile()],
            resume_from=tmp_path)
    assert same_bits(before, model) and optimizer.state_dict()["state"] == {}


def test_the_untampered_checkpoint_resumes(tmp_path):
    """The harness above is not refusing everything: the same attempt with the real file succeeds."""
    tree, _ = _resumable(tmp_path)
    path = _tampered(tmp_path, tree, lambda t: None, name="same.ckpt")
    x, y = moons(48)
    model = mlp(7, dropout=0.2)
    optimizer = Adam(model.parameters(), lr=0.01)
    history = fit(model, x, y, loss="cross_entropy", optimizer=optimizer, scheduler=StepLR(optimizer, 1), epochs=4,
                  batch_size=16, verbose=0, resume_from=path)
    assert history.epoch == [0, 1, 2, 3]


def test_model_from_a_tampered_checkpoint_is_refused(tmp_path):
    tree, _ = _resumable(tmp_path)
    path = _tampered(tmp_path, tree, _set(["model", "spec", "config", "layers", 0, "config", "out_features"], 10**9))
    with pytest.raises(ModelFileError, match="the architecture would take 11.2 GiB"):
        model_from_checkpoint(path)
