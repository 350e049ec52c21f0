"""From model outputs to probabilities and scores (hand-worked examples)."""

from __future__ import annotations

import numpy as np

from zeronn.nn import Identity, Linear, Sequential
from zeronn.nn.activation import LogSoftmax, Sigmoid, Softmax
from zeronn.train.inference import cross_entropy, output_kind
from zeronn.train.inference import predict_proba as class_probabilities


def identity_model(last=None):
    layers = [Identity()] + ([last] if last is not None else [])
    return Sequential(*layers)


def test_output_kinds():
    assert output_kind(Sequential(Linear(2, 2))) == "logits"
    assert output_kind(identity_model(Softmax())) == "probabilities"
    assert output_kind(identity_model(LogSoftmax())) == "log_probabilities"
    assert output_kind(identity_model(Sigmoid())) == "sigmoid"


def test_probabilities_from_logits():
    # softmax([0, ln 3]) = [1/4, 3/4]
    p = class_probabilities(identity_model(), np.array([[0.0, np.log(3.0)]]))
    np.testing.assert_allclose(p, [[0.25, 0.75]])


def test_single_output_becomes_two_columns():
    p = class_probabilities(identity_model(Sigmoid()), np.array([[0.0], [np.log(3.0)]]))
    np.testing.assert_allclose(p, [[0.5, 0.5], [0.25, 0.75]])        # sigmoid(ln 3) = 3/4
    p = class_probabilities(identity_model(), np.array([[0.0]]))        # one logit
    np.testing.assert_allclose(p, [[0.5, 0.5]])


def test_log_probabilities():
    p = class_probabilities(identity_model(LogSoftmax()), np.array([[0.0, 0.0]]))
    np.testing.assert_allclose(p, [[0.5, 0.5]])


def test_cross_entropy():
    p = np.array([[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]])
    y = np.array([0, 1, 1])
    # (-ln 0.5 - ln 0.75 - ln 0.1) / 3
    assert cross_entropy(p, y) == np.mean([-np.log(0.5), -np.log(0.75), -np.log(0.1)])
    assert np.isfinite(cross_entropy(np.array([[1.0, 0.0]]), np.array([1])))      # p = 0 is clipped at 1e-12
