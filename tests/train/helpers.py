"""Small models and data shared by the training tests."""

import numpy as np

from zeronn import nn
from zeronn.data import make_moons


def moons(n=200, noise=0.15, seed=0):
    """Two moons: x float32 (n, 2), y int64 labels (n,)."""
    return make_moons(n, noise=noise, seed=seed)


def mlp(seed=0, hidden=16, dropout=0.0, dropout_rng="seeded", outputs=2):
    """2 -> hidden -> outputs ReLU network built entirely from ``seed``.

    ``dropout_rng="seeded"`` gives the dropout its own generator; None makes it
    draw from the library-wide one.
    """
    layers = [nn.Linear(2, hidden, rng=seed), nn.ReLU()]
    if dropout:
        layers.append(nn.Dropout(dropout, rng=seed + 1 if dropout_rng == "seeded" else None))
    layers.append(nn.Linear(hidden, outputs, rng=seed + 2))
    return nn.Sequential(*layers)


def weights(model):
    """Copies of every parameter, in order."""
    return [p.data.copy() for p in model.parameters()]


def same_bits(a, b):
    """True when two models (or lists of arrays) hold bit-identical parameters."""
    a = weights(a) if isinstance(a, nn.Layer) else a
    b = weights(b) if isinstance(b, nn.Layer) else b
    return len(a) == len(b) and all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip(a, b))
