"""The lessons' training loop keeps a divergence visible instead of raising."""

import numpy as np

from zeronn.lessons.training import accuracy_of, train
from zeronn.losses import MSELoss
from zeronn.nn import Linear
from zeronn.optim import SGD


def test_divergence_is_recorded_at_its_step():
    x = np.random.default_rng(0).normal(size=(16, 3)) * 10
    y = np.random.default_rng(1).normal(size=(16, 1))
    model = Linear(3, 1, rng=0, dtype=np.float64)
    run = train("huge lr", model, x, y, loss=MSELoss(), optimizer=SGD(model.parameters(), lr=1e3), epochs=200)
    assert run.diverged_at is not None and run.final_loss is None
    assert np.isinf(run.step_losses[-1]) and len(run.step_losses) == run.diverged_at + 1


def test_a_good_run_learns_and_counts_epochs():
    x = np.random.default_rng(0).normal(size=(32, 2))
    y = x @ np.array([[1.0], [-2.0]])
    model = Linear(2, 1, rng=0, dtype=np.float64)
    run = train("ok", model, x, y, loss=MSELoss(), optimizer=SGD(model.parameters(), lr=0.1), epochs=50,
                batch_size=8, track_accuracy=False)
    assert run.epoch_losses[-1] < 1e-3 * run.epoch_losses[0] and run.diverged_at is None
    assert run.epoch_accuracies == []


def test_accuracy_of_binary_and_multiclass():
    assert accuracy_of(np.array([[0.9], [0.2]]), np.array([[1], [1]])) == 0.5
    assert accuracy_of(np.array([[1.0, 2.0], [3.0, 0.0]]), np.array([1, 0])) == 1.0
