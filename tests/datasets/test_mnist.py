"""Tests for zeronn.datasets.mnist: the real files (skipped when absent) and damaged copies of them."""

import gzip

import numpy as np
import pytest

from tests.datasets.synthetic import make_synthetic, real_data_dir
from zeronn.datasets import (
    FASHION_MNIST,
    FASHION_MNIST_CLASSES,
    MNIST,
    DatasetError,
    DatasetNotFoundError,
    load_fashion_mnist,
    load_idx_dataset,
    load_mnist,
    write_idx,
)
from zeronn.datasets.locate import find_file, search_dirs

DATA = real_data_dir()


def _real(spec):
    if DATA is None or not (DATA / spec.name).is_dir():
        pytest.skip(f"the real {spec.title} files are not available (set ZERONN_DATA)")
    return DATA


@pytest.fixture(scope="module")
def mnist():
    return load_mnist(data_dir=_real(MNIST), download=False)


@pytest.fixture(scope="module")
def fashion():
    return load_fashion_mnist(data_dir=_real(FASHION_MNIST), download=False)


# ---------------------------------------------------------------------------- the real files
@pytest.mark.data
@pytest.mark.parametrize("name, means", [("mnist", (33.318, 33.791)), ("fashion", (72.940, 73.147))])
def test_real_files_shapes_dtypes_and_pixel_means(name, means, request):
    (x_train, y_train), (x_test, y_test) = request.getfixturevalue(name)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert all(a.dtype == np.uint8 for a in (x_train, y_train, x_test, y_test))
    assert x_train.mean() == pytest.approx(means[0], abs=5e-4)          # the values in shared/data/README.md
    assert x_test.mean() == pytest.approx(means[1], abs=5e-4)
    assert x_train.min() == 0 and x_train.max() == 255
    for labels in (y_train, y_test):
        assert labels.min() == 0 and labels.max() == 9


@pytest.mark.data
def test_real_mnist_labels(mnist):
    (_, y_train), (_, y_test) = mnist
    np.testing.assert_array_equal(y_train[:5], [5, 0, 4, 1, 9])            # the well-known first digits
    np.testing.assert_array_equal(np.bincount(y_test), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])


@pytest.mark.data
def test_real_fashion_labels_are_balanced(fashion):
    (_, y_train), (_, y_test) = fashion
    np.testing.assert_array_equal(np.bincount(y_train), [6000] * 10)
    np.testing.assert_array_equal(np.bincount(y_test), [1000] * 10)
    assert FASHION_MNIST_CLASSES[y_train[0]] == "Ankle boot"


@pytest.mark.data
def test_env_variable_points_the_loader_at_the_real_files(monkeypatch, tmp_path):
    monkeypatch.setenv("ZERONN_DATA", str(_real(MNIST)))
    monkeypatch.setenv("ZERONN_CACHE", str(tmp_path / "cache"))
    for spec in (MNIST, FASHION_MNIST):
        assert find_file(spec.test_labels, search_dirs(spec)) == DATA / spec.name / "t10k-labels-idx1-ubyte.gz"


# ---------------------------------------------------------------------------- damaged copies
def _copy_real(spec, tmp_path):
    """A folder of links to the real files (replace a link by a damaged copy to test it)."""
    folder = tmp_path / "copy" / spec.name
    folder.mkdir(parents=True)
    for file in spec.files:
        (folder / f"{file.name}.gz").symlink_to(_real(spec) / spec.name / f"{file.name}.gz")
    return folder


def _damaged(path, data):
    path.unlink()
    path.write_bytes(data)


@pytest.mark.data
def test_truncated_copy_raises_naming_the_file(tmp_path):
    folder = _copy_real(MNIST, tmp_path)
    labels = folder / "t10k-labels-idx1-ubyte.gz"
    _damaged(labels, labels.read_bytes()[:-100])
    with pytest.raises(DatasetError, match=r"MNIST: .*t10k-labels-idx1-ubyte\.gz: damaged or truncated"):
        load_mnist(data_dir=tmp_path / "copy", download=False)


@pytest.mark.data
def test_modified_copy_fails_the_checksum(tmp_path):
    folder = _copy_real(FASHION_MNIST, tmp_path)
    path = folder / "t10k-labels-idx1-ubyte.gz"
    labels = np.frombuffer(gzip.decompress(path.read_bytes()), np.uint8, offset=8).copy()
    labels[0] = (labels[0] + 1) % 10                                       # still a valid IDX file
    path.unlink()
    write_idx(path, labels)
    with pytest.raises(DatasetError, match=r"t10k-labels-idx1-ubyte\.gz: checksum mismatch.*published MD5 "
                                           r"15d484375f8d13e6eb1aabb0c3f46965"):
        load_fashion_mnist(data_dir=tmp_path / "copy", download=False)


@pytest.mark.data
def test_files_of_another_dataset_are_not_used(tmp_path):
    folder = _copy_real(MNIST, tmp_path)
    folder.rename(tmp_path / "copy" / "fashion-mnist")                    # MNIST files where Fashion-MNIST belongs
    with pytest.raises(DatasetError, match="checksum mismatch"):
        load_fashion_mnist(data_dir=tmp_path / "copy", download=False)


def test_flat_folder_mismatch_hints_at_subfolders(clean_env, tmp_path):
    make_synthetic(tmp_path / "flat")                                     # some other data, directly in data_dir
    with pytest.raises(DatasetError, match=r"expected \(60000,\).*give each dataset its own subfolder: .*/mnist"):
        load_mnist(data_dir=tmp_path / "flat", download=False)


def test_label_out_of_range_is_rejected(tmp_path):
    # a well-formed file with a correct checksum, but label 12 where there are 10 classes
    bad = make_synthetic(tmp_path / "bad" / "tiny", train_labels=[1, 2, 12, 3, 4, 5])
    with pytest.raises(DatasetError, match=r"train-labels-idx1-ubyte\.gz: label 12 found, but there are only 10"):
        load_idx_dataset(bad.spec, data_dir=tmp_path / "bad", download=False)


def test_missing_mnist_without_download(clean_env):
    with pytest.raises(DatasetNotFoundError, match=r"(?s)MNIST not found.*mnist.*ZERONN_DATA"):
        load_mnist(download=False)


def test_class_names():
    assert len(FASHION_MNIST_CLASSES) == 10 and FASHION_MNIST_CLASSES[0] == "T-shirt/top"
    assert MNIST.classes[7] == "7" and FASHION_MNIST.classes == FASHION_MNIST_CLASSES
    assert all(file.md5 and file.sha256 for spec in (MNIST, FASHION_MNIST) for file in spec.files)
