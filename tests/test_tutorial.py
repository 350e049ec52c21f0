"""The tutorial's network: the plain-NumPy port and the ZeroNN version agree."""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load_example(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def port():
    return load_example("tutorial_numpy")


@pytest.fixture(scope="module")
def library():
    return load_example("tutorial_zeronn")


def test_port_and_library_agree_from_the_same_weights(port, library):
    model = library.build_model(seed=3)
    w1, w2 = model[0].weight.data.copy(), model[2].weight.data.copy()
    network, port_losses = port.train(iterations=1500, weights1=w1, weights2=w2)
    library_losses = library.train(model, iterations=1500)
    # The port records the loss of each iteration's forward pass, like the library loop.
    np.testing.assert_allclose(library_losses, port_losses, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(model[0].weight.data, network.weights1, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(model[2].weight.data, network.weights2, rtol=1e-12, atol=1e-14)


def test_one_step_by_hand(port, library):
    # One iteration from known weights: the library's SGD step equals the tutorial's "+= d_weights".
    model = library.build_model(seed=0)
    w1, w2 = model[0].weight.data.copy(), model[2].weight.data.copy()
    network = port.NeuralNetwork(port.X, port.Y, w1, w2)
    network.feedforward()
    network.backprop()
    library.train(model, iterations=1)
    np.testing.assert_allclose(model[0].weight.data, network.weights1, rtol=1e-14)
    np.testing.assert_allclose(model[2].weight.data, network.weights2, rtol=1e-14)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
def test_learns_xor_rows(library, seed):
    model = library.build_model(seed=seed)
    losses = library.train(model)
    predictions = model(library.X).ravel()
    assert np.array_equal(predictions.round(), [0, 1, 1, 0])
    assert losses[-1] < losses[0] / 10
