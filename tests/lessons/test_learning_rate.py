"""The learning-rate lesson (real MNIST): too small, good, too large; optimizers; schedule; LR finder."""

import numpy as np

from tests.lessons.conftest import assert_pictures
from zeronn.lessons.learning_rate import LEARNING_RATES, _verdict, run
from zeronn.lessons.training import Run


def test_quick_run(tmp_path, mnist_available):
    result = run(True, tmp_path, "en")
    assert_pictures(result, ["tutorial_learning_rates.png", "mnist_learning_rates.png", "optimizers.png",
                             "schedule.png", "lr_finder.png"])
    tutorial, mnist, optimizers = result.tables
    assert [row[0] for row in mnist.rows] == [f"{lr:g}" for lr in LEARNING_RATES]
    verdicts = [row[-1] for row in mnist.rows]
    assert verdicts[0].startswith("too small") and verdicts[-1].startswith("too large")
    assert any(v == "good" for v in verdicts)
    assert result.numbers["lr_finder_suggestion"] > 0
    assert any("zeronn.lr_find suggests" in note for note in result.notes)
    assert len(optimizers.rows) == 5


def test_verdicts():
    good = Run("good", step_losses=[2.3, 1.0, 0.3], epoch_losses=[0.3])
    assert _verdict(good, 0.3, "en") == "good"
    flat = Run("flat", step_losses=[2.3, 2.3, 2.29], epoch_losses=[2.29])
    assert _verdict(flat, 0.3, "en").startswith("too small")
    exploded = Run("big", step_losses=[2.3, 900.0, 2.3], epoch_losses=[2.3])
    assert "blew up to 900" in _verdict(exploded, 0.3, "en")
    nan = Run("nan", step_losses=[2.3, np.inf], diverged_at=1)
    assert "step 2" in _verdict(nan, 0.3, "en") and "发散" in _verdict(nan, 0.3, "zh")
