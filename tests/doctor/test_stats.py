"""The per-layer output statistics shared by explain mode and the doctor."""

import numpy as np
import pytest

from zeronn import nn
from zeronn.doctor.stats import alive_units, output_stats, value_sample


def test_statistics_by_hand():
    y = np.array([[0.0, 1.0], [2.0, 1.0]])          # mean 1, std sqrt(0.5), one zero in four
    stats = output_stats(nn.ReLU(), y)
    assert stats["mean"] == 1.0 and stats["std"] == pytest.approx(np.sqrt(0.5))
    assert (stats["min"], stats["max"], stats["zeros"], stats["samples"]) == (0.0, 2.0, 0.25, 2)
    assert stats["saturated"] is None
    assert stats["dead"] == 0.0                     # both units fire for some sample


def test_saturation_of_sigmoid_and_tanh():
    sig = np.array([0.001, 0.5, 0.995, 0.02])      # 0.001 and 0.995 are within 0.01 of a limit
    assert output_stats(nn.Sigmoid(), sig)["saturated"] == 0.5
    assert output_stats(nn.Tanh(), np.array([-0.999, 0.0, 0.5, 0.991]))["saturated"] == 0.5
    assert output_stats(nn.Linear(1, 1), np.ones((2, 1)))["saturated"] is None


def test_dead_units_of_a_feature_map():
    y = np.zeros((2, 3, 4, 4))
    y[1, 0, 2, 2] = 1.0                             # channel 0 fires once; channels 1 and 2 never
    assert alive_units(nn.ReLU(), y).tolist() == [True, False, False]
    assert output_stats(nn.ReLU(), y)["dead"] == pytest.approx(2 / 3)
    assert alive_units(nn.Sigmoid(), y) is None


def test_empty_and_sampled_outputs():
    assert output_stats(nn.ReLU(), np.zeros((0, 3)))["mean"] is None
    sample = value_sample(np.arange(10_000.0).reshape(100, 100), size=512)
    assert sample.dtype == np.float32 and len(sample) == 512 and sample[0] == 0
