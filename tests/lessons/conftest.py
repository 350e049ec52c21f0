"""Lessons on MNIST need the real files ($ZERONN_DATA); without them those tests skip."""

import pytest


@pytest.fixture(scope="session")
def mnist_available():
    from zeronn.datasets import DatasetNotFoundError, load_mnist

    try:
        load_mnist(download=False)
    except DatasetNotFoundError:
        pytest.skip("the real MNIST files are not available (set ZERONN_DATA)")
    return True


def assert_pictures(result, names):
    """Every picture the lesson lists exists, is a non-empty PNG, and the expected ones are there."""
    written = {picture.path.name for picture in result.pictures}
    assert set(names) <= written, written
    for picture in result.pictures:
        data = picture.path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000, picture.path
        assert picture.caption
