"""Heat-maps: the lattice, the byte encodings and one forward pass giving every unit's picture."""

from __future__ import annotations

import base64

import numpy as np

from zeronn.nn import Linear, ReLU, Sequential
from zeronn.playground.maps import GRID, UNIT_GRID, encode_bytes, grid_features, grid_points, network_maps


def decode(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), dtype=np.uint8)


def test_the_lattice_starts_top_left_and_goes_row_by_row():
    points = grid_points(3)
    np.testing.assert_array_equal(points, [[-6, 6], [0, 6], [6, 6], [-6, 0], [0, 0], [6, 0],
                                           [-6, -6], [0, -6], [6, -6]])


def test_encode_bytes_round_trips():
    values = np.array([0, 1, 128, 255], dtype=np.uint8)
    np.testing.assert_array_equal(decode(encode_bytes(values)), values)


def test_unit_maps_scale_each_unit_by_its_largest_value():
    model = Sequential(Linear(2, 2, rng=0, dtype="float64"), ReLU(), Linear(2, 1, rng=1, dtype="float64"))
    inputs = grid_features(["x1", "x2"])
    maps = network_maps(model, ["x1", "x2"], "binary", inputs)
    assert len(maps["units"]) == 2 and len(maps["units"][1]) == 2
    x1 = decode(maps["units"][0][0]).reshape(UNIT_GRID, UNIT_GRID)
    assert x1[0, 0] == 0 and x1[0, -1] == 255 and maps["scales"][0][0] == 6.0     # x1 runs -6 .. 6, left to right
    hidden = model.layers[1](model.layers[0](inputs))                             # (GRID*GRID, 2) ReLU outputs
    rows = np.rint(np.linspace(0, GRID - 1, UNIT_GRID)).astype(int)
    expected = hidden.reshape(GRID, GRID, 2)[rows][:, rows, 0]
    scale = expected.max()
    assert maps["scales"][1][0] == scale
    np.testing.assert_array_equal(decode(maps["units"][1][0]).reshape(UNIT_GRID, UNIT_GRID),
                                  np.rint(255 * (expected / scale + 1) / 2))


def test_regression_and_class_maps():
    model = Sequential(Linear(2, 3, rng=0, dtype="float64"))
    inputs = grid_features(["x1", "x2"])
    classes = network_maps(model, ["x1", "x2"], "multiclass", inputs)
    winners = decode(classes["output_classes"])
    np.testing.assert_array_equal(winners, np.argmax(model(inputs), axis=1))
    assert decode(classes["output"]).min() >= 255 // 3                    # the winner has at least 1/3
    line = Sequential(Linear(2, 1, rng=0, dtype="float64"))
    regression = decode(network_maps(line, ["x1", "x2"], "regression", inputs)["output"])
    y = np.clip(line(inputs)[:, 0], -1, 1)
    np.testing.assert_array_equal(regression, np.rint(255 * (y + 1) / 2))
