"""Tests for zeronn.nn.dropout2d."""

import numpy as np
import pytest

from zeronn.nn import Dropout2d
from zeronn.testing import check_layer


def test_passes_layer_checks():
    check_layer(Dropout2d(0.3, rng=0), (4, 5, 3, 2), expected_output_shape=(4, 5, 3, 2), bad_shape=(4, 5))


def test_zeroes_whole_channels_with_inverted_scaling():
    layer = Dropout2d(0.25, rng=0)
    y = layer(np.ones((100, 40, 3, 4), np.float32))
    assert y.dtype == np.float32
    # every (sample, channel) map is either all 0 or all 1 / (1 - 0.25) = 4/3
    per_channel = y.reshape(100, 40, -1)
    assert np.all(per_channel.min(axis=2) == per_channel.max(axis=2))
    assert set(np.unique(y)) <= {0.0, np.float32(4 / 3)}
    dropped = per_channel[:, :, 0] == 0
    assert abs(dropped.mean() - 0.25) < 0.03          # 4,000 channels: standard error 0.007
    assert abs(y.mean() - 1.0) < 0.04


def test_masks_differ_between_samples_and_calls():
    layer = Dropout2d(0.5, rng=3)
    first = layer(np.ones((8, 16, 2, 2)))[:, :, 0, 0]
    second = layer(np.ones((8, 16, 2, 2)))[:, :, 0, 0]
    assert not np.array_equal(first, second)
    assert len({tuple(row) for row in first}) > 1


def test_backward_uses_the_same_mask():
    layer = Dropout2d(0.5, rng=1)
    y = layer(np.ones((3, 8, 2, 2)))
    np.testing.assert_array_equal(layer.backward(np.ones((3, 8, 2, 2))), y)


def test_identity_in_eval_mode_and_for_p_zero():
    x = np.arange(24.0).reshape(1, 2, 3, 4)
    layer = Dropout2d(0.9).eval()
    assert layer(x) is x and layer.backward(x) is x
    layer = Dropout2d(0.0)
    assert layer(x) is x and layer.backward(x) is x


def test_same_seed_same_mask():
    x = np.ones((4, 6, 2, 2))
    np.testing.assert_array_equal(Dropout2d(0.5, rng=7)(x), Dropout2d(0.5, rng=7)(x))


def test_wrong_rank_names_the_layer():
    with pytest.raises(ValueError, match=r"Dropout2d\(p=0.5\) expects input of shape "
                                         r"\(batch, channels, height, width\), got \(4, 10\)"):
        Dropout2d()(np.zeros((4, 10)))


@pytest.mark.parametrize("p", [-0.1, 1.0, 2])
def test_rejects_bad_probability(p):
    with pytest.raises(ValueError, match="dropout probability"):
        Dropout2d(p)


def test_config_round_trip():
    layer = Dropout2d(0.2)
    assert Dropout2d.from_config(layer.get_config()).p == 0.2
    assert repr(layer) == "Dropout2d(p=0.2)"
