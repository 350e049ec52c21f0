"""Every loss states its math in its docstring (``Forward:`` / ``Backward:``), and the math is the code's."""

import inspect

import numpy as np
import pytest

from zeronn import losses
from zeronn.explain.docstring import formulas_of
from zeronn.losses import LOSSES, REDUCTIONS, Loss, get_loss

CLASSES = [type(get_loss(name)) for name in LOSSES]


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _onehot(t, classes):
    return np.eye(classes)[t]


def _inputs(name):
    """A valid (prediction, target) float64 pair for the loss ``name``."""
    rng = np.random.default_rng(7)
    if name in ("cross_entropy", "nll"):
        scores = rng.normal(size=(5, 4))
        if name == "nll":
            scores = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))     # log-probabilities
        return scores, np.array([0, 3, 1, 1, 2])
    if name == "bce":
        return rng.uniform(0.05, 0.95, size=(5, 3)), rng.integers(0, 2, size=(5, 3)).astype(np.float64)
    if name == "bce_with_logits":
        return rng.normal(size=(5, 3)), rng.uniform(size=(5, 3))
    return rng.normal(size=(5, 3)), rng.normal(size=(5, 3)) * 2          # Huber: some |d| above delta=1


def _docstring_math(name, p, y):
    """The per-element loss l and dl/dp exactly as each class's Forward/Backward paragraph writes them."""
    if name in ("mse", "sse"):
        return (p - y) ** 2, 2 * (p - y)
    if name == "l1":
        return np.abs(p - y), np.sign(p - y)
    if name == "huber":
        d, delta = p - y, 1.0
        return np.where(np.abs(d) <= delta, d**2 / 2, delta * (np.abs(d) - delta / 2)), np.clip(d, -delta, delta)
    if name == "bce":
        loss = -(y * np.maximum(np.log(p), -100) + (1 - y) * np.maximum(np.log(1 - p), -100))
        return loss, (p - y) / np.maximum(p * (1 - p), 1e-12)
    if name == "bce_with_logits":
        loss = -(y * np.log(_sigmoid(p)) + (1 - y) * np.log(1 - _sigmoid(p)))
        return loss, _sigmoid(p) - y
    if name == "cross_entropy":
        log_p = p - np.log(np.exp(p).sum(axis=1, keepdims=True))
        return -log_p[np.arange(len(y)), y], np.exp(log_p) - _onehot(y, p.shape[1])
    if name == "nll":
        return -p[np.arange(len(y)), y], -_onehot(y, p.shape[1])
    raise AssertionError(f"no docstring math written down for {name}")


def test_every_exported_loss_is_in_the_registry():
    exported = {obj for obj in vars(losses).values()
                if isinstance(obj, type) and issubclass(obj, Loss) and obj is not Loss}
    assert exported == set(CLASSES)


@pytest.mark.parametrize("cls", CLASSES, ids=[cls.__name__ for cls in CLASSES])
def test_the_docstring_has_forward_and_backward_paragraphs(cls):
    own = inspect.cleandoc(vars(cls)["__doc__"])                      # its own text, not a base class's
    assert "\nForward:" in own and "\nBackward:" in own
    formulas = formulas_of(cls)
    assert formulas.forward and formulas.backward
    assert "=" in formulas.forward[0] and "=" in formulas.backward[0]
    for paragraph in (formulas.forward, formulas.backward):              # every reduction's effect is stated
        labels = [line.partition(":")[0] for line in paragraph]
        assert all(reduction in labels for reduction in REDUCTIONS), (cls.__name__, paragraph)
    mean = next(line for line in formulas.forward if line.startswith("mean:"))
    assert "/ n" in mean or "/ N" in mean


@pytest.mark.parametrize("name", LOSSES)
def test_the_docstring_math_is_the_code(name):
    p, y = _inputs(name)
    loss, grad = _docstring_math(name, p, y)
    elements = get_loss(name, reduction="none")
    np.testing.assert_allclose(elements(p, y), loss, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(elements.backward(), grad, rtol=1e-12, atol=1e-14)
    # mean: L = sum(l) / n and dL/dp = dl/dp / n, with n = l.size (N for the class losses)
    n = loss.size
    assert n == (len(p) if name in ("cross_entropy", "nll") else p.size)
    for reduction, scale in (("sum", 1.0), ("mean", 1.0 / n)):
        reduced = get_loss(name, reduction=reduction)
        assert reduced(p, y) == pytest.approx(loss.sum() * scale, rel=1e-12)
        np.testing.assert_allclose(reduced.backward(), grad * scale, rtol=1e-12, atol=1e-14)
    # none: dL/dp = g * dl/dp for a per-element grad_out g
    weights = np.random.default_rng(1).normal(size=loss.shape)
    elements(p, y)
    expected = grad * (weights[:, None] if loss.ndim < grad.ndim else weights)
    np.testing.assert_allclose(elements.backward(weights), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("soft", [False, True], ids=["class indices", "probabilities"])
def test_cross_entropy_docstring_math_with_label_smoothing(soft):
    # y = (1 - eps) * y + eps / C, then l_n = -sum_c y[n, c] * log p[n, c];  dl/dx = p * sum_c' y - y
    x, t = _inputs("cross_entropy")
    eps, classes = 0.2, x.shape[1]
    y = np.random.default_rng(3).dirichlet(np.ones(classes), size=len(x)) if soft else _onehot(t, classes)
    y_smooth = (1 - eps) * y + eps / classes
    log_p = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    loss_fn = losses.CrossEntropyLoss(reduction="none", label_smoothing=eps)
    np.testing.assert_allclose(loss_fn(x, y if soft else t), -(y_smooth * log_p).sum(axis=1), rtol=1e-12)
    expected = np.exp(log_p) * y_smooth.sum(axis=1, keepdims=True) - y_smooth
    np.testing.assert_allclose(loss_fn.backward(), expected, rtol=1e-12, atol=1e-14)
