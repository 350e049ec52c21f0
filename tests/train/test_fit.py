"""evaluate and predict: batched, eval mode, no_grad, same numbers as a direct forward pass."""

import numpy as np
import pytest

from tests.train.helpers import mlp, moons
from zeronn.losses import CrossEntropyLoss
from zeronn.metrics import accuracy
from zeronn.train import evaluate, predict


def test_predict_matches_forward_in_eval_mode_and_restores_mode():
    x, _ = moons(300)
    model = mlp(0, dropout=0.5)
    model.eval()
    expected = model(x)
    model.train()
    out = predict(model, x, batch_size=64)                        # 5 batches, the last one of 44
    np.testing.assert_array_equal(out, expected)
    assert out.shape == (300, 2) and out.dtype == np.float32
    assert model.training
    assert all(not layer._saved for layer in model.modules())    # nothing kept for backward


def test_predict_casts_inputs():
    x, _ = moons(10)
    model = mlp(0).double()
    assert predict(model, x).dtype == np.float64
    assert predict(mlp(0), [[0.0, 1.0]]).shape == (1, 2)


def test_evaluate_matches_direct_computation():
    x, y = moons(200)
    model = mlp(0)
    result = evaluate(model, x, y, loss="cross_entropy", batch_size=64)
    scores = model(x)
    assert result["loss"] == pytest.approx(CrossEntropyLoss()(scores, y), rel=1e-6)
    assert result["accuracy"] == accuracy(y, scores)
    assert evaluate(model, x, y, loss=CrossEntropyLoss(), batch_size=7)["loss"] == pytest.approx(result["loss"],
                                                                                                 rel=1e-6)


def test_evaluate_without_loss_and_with_other_metrics():
    x, y = moons(50)
    assert set(evaluate(mlp(0), x, y)) == {"accuracy"}
    assert set(evaluate(mlp(0), x, y, metrics=())) == set()
    onehot = np.eye(2, dtype=np.float32)[y]
    assert set(evaluate(mlp(0), x, onehot, loss="mse", metrics=("accuracy", "mse"))) == {"loss", "accuracy", "mse"}


def test_errors():
    x, y = moons(10)
    with pytest.raises(TypeError, match="model must be a zeronn Layer"):
        predict("model", x)
    with pytest.raises(TypeError, match="model must be a zeronn Layer"):
        evaluate(None, x, y)
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        predict(mlp(0), x, batch_size=0)
    with pytest.raises(ValueError, match="same number of samples"):
        evaluate(mlp(0), x, y[:5])
    with pytest.raises(ValueError, match="Linear\\(2 -> 16\\) expects input of shape \\(batch, 2\\), got \\(10, 3\\)"):
        predict(mlp(0), np.zeros((10, 3)))
