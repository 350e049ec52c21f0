"""From model outputs to probabilities and scores (hand-worked examples)."""

from __future__ import annotations

import numpy as np

from zeronn.cli.inference import class_probabilities, confusion, cross_entropy, output_kind, per_class_scores
from zeronn.nn import Identity, Linear, Sequential
from zeronn.nn.activation import LogSoftmax, Sigmoid, Softmax


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


def test_cross_entropy_and_scores():
    p = np.array([[0.5, 0.5], [0.25, 0.75], [0.9, 0.1]])
    y = np.array([0, 1, 1])
    # (-ln 0.5 - ln 0.75 - ln 0.1) / 3
    assert cross_entropy(p, y) == np.mean([-np.log(0.5), -np.log(0.75), -np.log(0.1)])
    matrix = confusion(y, p.argmax(axis=1), 2)          # predictions 0, 1, 0
    np.testing.assert_array_equal(matrix, [[1, 0], [1, 1]])
    scores = per_class_scores(matrix)
    # class 0: precision 1/2, recall 1/1; class 1: precision 1/1, recall 1/2
    assert scores[0] == {"precision": 0.5, "recall": 1.0, "f1": 2 * 0.5 / 1.5, "support": 1}
    assert scores[1]["precision"] == 1.0 and scores[1]["recall"] == 0.5 and scores[1]["support"] == 2


def test_scores_of_a_class_never_predicted_are_zero():
    scores = per_class_scores(np.array([[2, 0], [1, 0]]))
    assert scores[1] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
