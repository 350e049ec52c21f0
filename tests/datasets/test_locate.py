"""Tests for zeronn.datasets.locate: the order in which folders are searched."""

import gzip
from pathlib import Path

import numpy as np

from tests.datasets.synthetic import make_synthetic
from zeronn.datasets import FASHION_MNIST, MNIST, load_idx_dataset
from zeronn.datasets.locate import cache_dir, download_dir, search_dirs

NOWHERE = "http://127.0.0.1:9/"       # never contacted: every test finds its files locally


def test_default_order_env_then_cache_then_system(monkeypatch, tmp_path):
    monkeypatch.setenv("ZERONN_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("ZERONN_CACHE", str(tmp_path / "cache"))
    dirs = [folder for folder, _ in search_dirs(FASHION_MNIST)]
    assert dirs == [tmp_path / "data" / "fashion-mnist", tmp_path / "data", tmp_path / "cache" / "fashion-mnist",
                    Path("/usr/share/datasets/fashion-mnist")]
    assert [folder for folder, _ in search_dirs(MNIST)][-1] == tmp_path / "cache" / "mnist"


def test_data_dir_replaces_the_search(monkeypatch, tmp_path):
    monkeypatch.setenv("ZERONN_DATA", str(tmp_path / "data"))
    assert [folder for folder, _ in search_dirs(MNIST, tmp_path / "mine")] == [tmp_path / "mine" / "mnist",
                                                                               tmp_path / "mine"]
    assert download_dir(MNIST, tmp_path / "mine") == tmp_path / "mine" / "mnist"


def test_cache_location(monkeypatch, tmp_path):
    monkeypatch.delenv("ZERONN_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir(MNIST) == tmp_path / "xdg" / "zeronn" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir(MNIST) == tmp_path / "home" / ".cache" / "zeronn" / "mnist"
    monkeypatch.setenv("ZERONN_CACHE", str(tmp_path / "c"))
    assert cache_dir(MNIST) == download_dir(MNIST) == tmp_path / "c" / "mnist"


def test_env_subfolder_wins_over_flat_folder_and_cache(monkeypatch, tmp_path):
    in_subfolder = make_synthetic(tmp_path / "data" / "tiny", seed=1)
    make_synthetic(tmp_path / "data", seed=2)                       # files directly in $ZERONN_DATA
    make_synthetic(tmp_path / "cache" / "tiny", seed=3)
    monkeypatch.setenv("ZERONN_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("ZERONN_CACHE", str(tmp_path / "cache"))
    (x_train, _), _ = load_idx_dataset(in_subfolder.with_mirrors(NOWHERE), download=False)
    np.testing.assert_array_equal(x_train, in_subfolder.arrays["train-images-idx3-ubyte"])


def test_files_directly_in_the_env_folder_are_accepted(monkeypatch, tmp_path):
    flat = make_synthetic(tmp_path / "data", seed=2)
    monkeypatch.setenv("ZERONN_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("ZERONN_CACHE", str(tmp_path / "cache"))
    (_, y_train), _ = load_idx_dataset(flat.with_mirrors(NOWHERE), download=False)
    np.testing.assert_array_equal(y_train, flat.arrays["train-labels-idx1-ubyte"])


def test_cache_is_used_when_the_env_folder_lacks_the_dataset(monkeypatch, tmp_path):
    cached = make_synthetic(tmp_path / "cache" / "tiny", seed=3)
    (tmp_path / "data").mkdir()
    monkeypatch.setenv("ZERONN_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("ZERONN_CACHE", str(tmp_path / "cache"))
    (x_train, _), _ = load_idx_dataset(cached.with_mirrors(NOWHERE), download=False)
    np.testing.assert_array_equal(x_train, cached.arrays["train-images-idx3-ubyte"])


def test_decompressed_files_are_accepted(clean_env, tmp_path):
    synthetic = make_synthetic(tmp_path / "served")
    folder = tmp_path / "plain" / "tiny"
    folder.mkdir(parents=True)
    for file in synthetic.spec.files:
        (folder / file.name).write_bytes(gzip.decompress((synthetic.folder / f"{file.name}.gz").read_bytes()))
    (x_train, _), (x_test, _) = load_idx_dataset(synthetic.with_mirrors(NOWHERE), data_dir=tmp_path / "plain",
                                                 download=False)
    np.testing.assert_array_equal(x_test, synthetic.arrays["t10k-images-idx3-ubyte"])
