"""A small training run with dropout, Adam and StepLR, used by the resume tests.

Run as a script (``python -m tests.train.resume_script DIRECTORY``) it trains
slowly with checkpoints in DIRECTORY, so that a test can kill it mid-epoch.
"""

import sys
import time

import zeronn
from tests.train.helpers import mlp, moons
from zeronn.optim import Adam
from zeronn.optim.lr_scheduler import StepLR
from zeronn.train import Callback, EarlyStopping, ModelCheckpoint, fit

EPOCHS = 5


class Slow(Callback):
    """Sleeps after every batch so that the run lasts long enough to be killed mid-epoch."""

    def on_batch_end(self, batch, logs=None):
        time.sleep(0.05)


def run(callbacks=(), resume_from=None, model_seed=0, epochs=EPOCHS, dropout_rng="seeded"):
    """Train the reference model; a resumed run may start from other initial weights (``model_seed``)."""
    zeronn.manual_seed(100 + model_seed)
    x, y = moons(160, noise=0.25)
    model = mlp(model_seed, hidden=12, dropout=0.3, dropout_rng=dropout_rng)
    optimizer = Adam(model.parameters(), lr=0.02)
    scheduler = StepLR(optimizer, step_size=2, gamma=0.5)
    history = fit(model, x, y, loss="cross_entropy", optimizer=optimizer, scheduler=scheduler, epochs=epochs,
                  batch_size=16, validation_split=0.25, seed=7, verbose=0, resume_from=resume_from,
                  callbacks=[EarlyStopping(patience=10, restore_best_weights=True), *callbacks])
    return model, history


if __name__ == "__main__":
    run([ModelCheckpoint(sys.argv[1], keep_last=2), Slow()])
