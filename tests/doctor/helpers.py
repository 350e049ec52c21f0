"""Small deliberately broken and healthy trainings for the doctor's tests (each well under a second)."""

import numpy as np

import zeronn
from zeronn import nn
from zeronn.data import make_blobs, make_spirals
from zeronn.doctor import Doctor


def mlp(sizes, activation=nn.ReLU, seed=0):
    """Linear layers of ``sizes`` with ``activation`` between them (none after the last)."""
    rng = np.random.default_rng(seed)
    layers = []
    for position, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b, rng=rng))
        if position < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def blobs(n=600, seed=0):
    """Three standardised Gaussian blobs in 2-D: x float32 (n, 2), y int labels (n,)."""
    x, y = make_blobs(n, centers=3, seed=seed)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    return x.astype(np.float32), y


def spirals(n=600, seed=0):
    """Three noisy spiral arms: x float32 (n, 2), y int labels (n,)."""
    x, y = make_spirals(n, n_classes=3, noise=0.05, turns=1.5, seed=seed)
    return x.astype(np.float32), y


def fit_with_doctor(model, x, y, *, lr=0.1, optimizer="sgd", loss="cross_entropy", epochs=10, batch_size=32,
                    validation_split=0.2, every=5, lang=None):
    """Train with ``fit`` and a Doctor callback; a training that fails is reported to the doctor."""
    doctor = Doctor(every=every, lang=lang)
    try:
        with np.errstate(all="ignore"):                      # broken runs overflow on purpose
            zeronn.fit(model, x, y, loss=loss, optimizer=optimizer, lr=lr, epochs=epochs, batch_size=batch_size,
                       validation_split=validation_split, callbacks=[doctor], verbose=0, seed=0)
    except FloatingPointError as error:
        doctor.note_failure(str(error))
    return doctor


def loop_with_doctor(model, x, y, *, loss_fn, optimizer, epochs=3, batch_size=32, every=5, x_val=None,
                     y_val=None, lang=None):
    """The plain loop of the Doctor's docstring: watch once, step after backward, end_epoch per epoch."""
    doctor = Doctor(every=every, lang=lang)
    doctor.watch(model, optimizer, loss=loss_fn)
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        order = rng.permutation(len(x))
        total, count = 0.0, 0
        for start in range(0, len(x), batch_size):
            rows = order[start:start + batch_size]
            xb, yb = x[rows], y[rows]
            with np.errstate(all="ignore"):
                loss = loss_fn(model(xb), yb)
                optimizer.zero_grad()
                model.backward(loss_fn.backward())
            doctor.step(loss, x=xb, y=yb)
            with np.errstate(all="ignore"):
                optimizer.step()
            total, count = total + loss * len(rows), count + len(rows)
        val_loss = None
        if x_val is not None:
            with zeronn.no_grad():
                val_loss = loss_fn(model(x_val), y_val)
        doctor.end_epoch(total / count, val_loss=val_loss)
    return doctor


def codes(doctor, severities=("warning", "error")):
    """The codes of the doctor's findings of the given severities."""
    return {finding.code for finding in doctor.findings() if finding.severity in severities}
