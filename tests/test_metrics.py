"""Metrics: hand-worked examples for every input form, the report, and the errors."""

import json

import numpy as np
import pytest

from zeronn.metrics import (
    METRICS,
    accuracy,
    class_labels,
    classification_report,
    confusion_matrix,
    get_metric,
    mean_absolute_error,
    mean_squared_error,
    predicted_labels,
)


def test_accuracy_from_class_scores():
    scores = np.array([[0.9, 0.1, 0.0],      # argmax 0, true 0: right
                       [0.2, 0.3, 0.5],      # argmax 2, true 2: right
                       [0.6, 0.3, 0.1],      # argmax 0, true 1: wrong
                       [0.1, 0.8, 0.1]])     # argmax 1, true 1: right
    assert accuracy([0, 2, 1, 1], scores) == 0.75                  # 3 right of 4


def test_accuracy_with_one_hot_targets():
    targets = np.eye(3)[[0, 2, 1, 1]]
    scores = np.array([[2.0, 0, 0], [0, 0, 1.0], [3.0, 1, 0], [0, 5.0, 0]])
    assert accuracy(targets, scores) == 0.75


def test_accuracy_binary_probabilities_and_logits():
    y = np.array([[0.0], [1.0], [1.0], [0.0]])                     # the XOR targets
    probabilities = np.array([[0.1], [0.7], [0.4], [0.2]])         # > 0.5 -> 0, 1, 0, 0: 3 right of 4
    assert accuracy(y, probabilities) == 0.75
    logits = np.array([-2.0, 0.5, 0.1, -0.3])                      # > 0 -> 0, 1, 1, 0: all right
    assert accuracy(y, logits, threshold=0.0) == 1.0
    assert accuracy(y.ravel().astype(int), probabilities.ravel()) == 0.75


def test_accuracy_with_label_predictions():
    assert accuracy([0, 1, 2], np.array([0, 1, 1])) == pytest.approx(2 / 3)


def test_label_helpers():
    assert class_labels(np.array([[1.0], [0.0]])).tolist() == [1, 0]
    assert class_labels(np.eye(3)[[2, 0]]).tolist() == [2, 0]
    assert predicted_labels(np.array([[0.2], [0.9]])).tolist() == [0, 1]
    assert predicted_labels(np.array([[0.2, 0.9], [0.9, 0.2]])).tolist() == [1, 0]


def test_confusion_matrix_hand_worked():
    y_true = [0, 0, 1, 1, 1, 2]
    y_pred = [0, 1, 1, 1, 2, 2]
    # rows = truth, columns = prediction:
    #   true 0: predicted 0 once, 1 once; true 1: predicted 1 twice, 2 once; true 2: predicted 2 once
    expected = [[1, 1, 0],
                [0, 2, 1],
                [0, 0, 1]]
    matrix = confusion_matrix(y_true, np.array(y_pred))
    assert matrix.tolist() == expected and matrix.dtype == np.int64
    assert confusion_matrix(y_true, np.array(y_pred), num_classes=4).shape == (4, 4)


def test_confusion_matrix_size_from_score_columns():
    scores = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])        # 4 classes, only 0 and 1 seen
    assert confusion_matrix([0, 1], scores).shape == (4, 4)


def test_classification_report_hand_worked():
    y_true = [0, 0, 1, 1, 1, 2]
    y_pred = np.array([0, 1, 1, 1, 2, 2])
    report = classification_report(y_true, y_pred, target_names=["cat", "dog", "fox"])
    # cat: TP 1, predicted 1 -> precision 1;   support 2 -> recall 1/2;  F1 = 2*1*0.5/1.5 = 2/3
    # dog: TP 2, predicted 3 -> precision 2/3; support 3 -> recall 2/3;  F1 = 2/3
    # fox: TP 1, predicted 2 -> precision 1/2; support 1 -> recall 1;    F1 = 2*0.5*1/1.5 = 2/3
    assert report["cat"] == pytest.approx({"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "support": 2})
    assert report["dog"] == pytest.approx({"precision": 2 / 3, "recall": 2 / 3, "f1": 2 / 3, "support": 3})
    assert report["fox"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert report["accuracy"] == pytest.approx(4 / 6)
    assert report["macro avg"]["precision"] == pytest.approx((1 + 2 / 3 + 0.5) / 3)
    # weighted recall = (2 * 0.5 + 3 * 2/3 + 1 * 1) / 6 = 4/6 = accuracy
    assert report["weighted avg"]["recall"] == pytest.approx(4 / 6)
    assert report.class_names == ["cat", "dog", "fox"]
    text = str(report)
    assert "precision" in text and "recall" in text and "f1-score" in text and "support" in text
    assert "dog" in text and "0.667" in text and "weighted avg" in text
    json.dumps(report)                                           # a plain dict underneath


def test_report_class_never_predicted_scores_zero():
    report = classification_report([0, 1, 1], np.array([0, 0, 0]))
    assert report["1"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2}


def test_regression_metrics():
    y = np.array([1.0, 2.0, 3.0])
    p = np.array([1.5, 2.0, 1.0])
    assert mean_squared_error(y, p) == pytest.approx((0.25 + 0 + 4) / 3)
    assert mean_absolute_error(y, p) == pytest.approx((0.5 + 0 + 2) / 3)
    assert mean_squared_error(y.reshape(3, 1), p) == pytest.approx((0.25 + 0 + 4) / 3)


def test_get_metric():
    assert get_metric("accuracy") is accuracy
    assert METRICS == ("accuracy", "mse", "mae")
    with pytest.raises(ValueError, match="Unknown metric 'f2'; valid choices are: accuracy, mae, mse"):
        get_metric("f2")


def test_errors():
    with pytest.raises(ValueError, match="same number of samples, got 2 and 3"):
        accuracy([0, 1], np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="whole numbers"):
        accuracy(np.array([0.5, 1.0]), np.array([0, 1]))
    with pytest.raises(ValueError, match="targets must have shape"):
        accuracy(np.zeros((2, 2, 2)), np.zeros(2))
    with pytest.raises(ValueError, match="predictions must have shape"):
        accuracy([0, 1], np.float64(1.0))
    with pytest.raises(ValueError, match="empty set"):
        accuracy(np.array([], dtype=int), np.array([], dtype=int))
    with pytest.raises(TypeError, match="must be integers"):
        accuracy(np.array(["a", "b"]), np.array([0, 1]))
    with pytest.raises(ValueError, match=">= 0"):
        accuracy([-1, 0], np.array([0, 0]))
    with pytest.raises(ValueError, match="num_classes=2 is too small: the labels go up to 2"):
        confusion_matrix([0, 2], np.array([0, 1]), num_classes=2)
    with pytest.raises(ValueError, match="target_names has 1 names for 2 classes"):
        classification_report([0, 1], np.array([0, 1]), target_names=["a"])
    with pytest.raises(ValueError, match="same shape"):
        mean_squared_error(np.zeros(3), np.zeros(4))


def test_labels_beyond_the_score_columns_are_an_error():
    with pytest.raises(ValueError, match=r"the targets hold the class label 7, but the predictions are scores for 3 "
                                         r"classes \(labels 0 to 2\)"):
        accuracy([0, 7], np.zeros((2, 3)))
    assert accuracy([0, 2], np.array([0.2, 0.9])) == 0.5                   # binary scores are only thresholded
