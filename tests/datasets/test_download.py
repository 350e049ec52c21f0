"""Tests for zeronn.datasets.download, against a local HTTP server (never the internet)."""

import os

import numpy as np
import pytest

from zeronn.datasets import DatasetError, DatasetNotFoundError, load_idx_dataset, write_idx
from zeronn.datasets.download import download_file


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_downloads_verifies_and_places_the_files(synthetic, serve, tmp_path):
    base, requested = serve(synthetic.folder)
    spec = synthetic.with_mirrors(base)
    (x_train, y_train), (x_test, y_test) = load_idx_dataset(spec, data_dir=tmp_path / "data")
    np.testing.assert_array_equal(x_train, synthetic.arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(y_test, synthetic.arrays["t10k-labels-idx1-ubyte"])
    assert x_train.dtype == y_train.dtype == np.uint8 and x_test.shape == (4, 4, 4)
    assert _leftovers(tmp_path / "data" / "tiny") == sorted(f"{f.name}.gz" for f in spec.files)   # no .part files
    assert len(requested) == 4
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "data" / "tiny" / "train-labels-idx1-ubyte.gz").stat().st_mode & 0o777 == 0o666 & ~umask


def test_falls_back_to_the_next_mirror(synthetic, serve, dead_url, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    missing_base, _ = serve(empty)                        # answers 404 for every file
    base, requested = serve(synthetic.folder)
    spec = synthetic.with_mirrors(dead_url, missing_base, base)
    (x_train, _), _ = load_idx_dataset(spec, data_dir=tmp_path / "data")
    np.testing.assert_array_equal(x_train, synthetic.arrays["train-images-idx3-ubyte"])
    assert len(requested) == 4


def test_second_load_uses_the_cache_without_network(synthetic, serve, clean_env):
    base, requested = serve(synthetic.folder)
    load_idx_dataset(synthetic.with_mirrors(base))
    assert _leftovers(clean_env / "tiny") and len(requested) == 4
    (x_train, _), _ = load_idx_dataset(synthetic.with_mirrors("http://127.0.0.1:9/never-used/"), download=False)
    np.testing.assert_array_equal(x_train, synthetic.arrays["train-images-idx3-ubyte"])
    assert len(requested) == 4


def test_only_missing_files_are_downloaded(synthetic, serve, tmp_path):
    target = tmp_path / "data" / "tiny"
    target.mkdir(parents=True)
    for name in ("train-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte.gz"):
        (target / name).write_bytes((synthetic.folder / name).read_bytes())
    base, requested = serve(synthetic.folder)
    load_idx_dataset(synthetic.with_mirrors(base), data_dir=tmp_path / "data")
    assert sorted(requested) == ["/t10k-labels-idx1-ubyte.gz", "/train-labels-idx1-ubyte.gz"]


def test_a_mirror_with_wrong_content_is_rejected_and_nothing_is_kept(synthetic, serve, tmp_path):
    impostor = tmp_path / "impostor"
    impostor.mkdir()
    for file in synthetic.spec.files:                       # same names and shapes, other bytes
        data = (synthetic.folder / f"{file.name}.gz").read_bytes()
        (impostor / f"{file.name}.gz").write_bytes(data)
    write_idx(impostor / "train-images-idx3-ubyte.gz", np.zeros((6, 4, 4), np.uint8))
    bad_base, _ = serve(impostor)
    with pytest.raises(DatasetNotFoundError, match=r"train-images-idx3-ubyte\.gz: downloaded .* rejected: .*checksum"):
        load_idx_dataset(synthetic.with_mirrors(bad_base), data_dir=tmp_path / "data")
    assert "train-images-idx3-ubyte.gz" not in _leftovers(tmp_path / "data" / "tiny")
    assert not any(name.endswith(".part") for name in _leftovers(tmp_path / "data" / "tiny"))
    good_base, _ = serve(synthetic.folder)                  # a good mirror after the bad one is used
    (x_train, _), _ = load_idx_dataset(synthetic.with_mirrors(bad_base, good_base), data_dir=tmp_path / "data")
    np.testing.assert_array_equal(x_train, synthetic.arrays["train-images-idx3-ubyte"])


def test_offline_error_says_where_to_put_the_files(synthetic, dead_url, clean_env):
    with pytest.raises(DatasetNotFoundError) as caught:
        load_idx_dataset(synthetic.with_mirrors(dead_url), timeout=5)
    message = str(caught.value)
    assert isinstance(caught.value, FileNotFoundError) and isinstance(caught.value, DatasetError)
    assert "Downloading failed (no internet?)" in message and "no connection" in message and dead_url in message
    for file in synthetic.spec.files:
        assert f"{file.name}.gz" in message
    assert str(clean_env / "tiny") in message and "ZERONN_DATA" in message and "data_dir" in message
    assert _leftovers(clean_env / "tiny") == []


def test_download_switched_off(synthetic, clean_env):
    with pytest.raises(DatasetNotFoundError, match=r"(?s)missing train-images.*switched off \(download=False\)"):
        load_idx_dataset(synthetic.with_mirrors("http://127.0.0.1:9/"), download=False)


def test_only_http_urls_are_accepted(synthetic, tmp_path):
    with pytest.raises(ValueError, match="must be http:// or https://"):
        download_file([f"file://{synthetic.folder}/train-labels-idx1-ubyte.gz"], tmp_path / "x.gz",
                      synthetic.spec.train_labels)


def test_download_file_reports_each_attempt(synthetic, serve, dead_url, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    base, _ = serve(empty)
    lines = []
    with pytest.raises(DatasetNotFoundError, match=r"(?s)no connection.*HTTP 404"):
        download_file([dead_url + "a.gz", base + "a.gz"], tmp_path / "out" / "a.gz", synthetic.spec.train_labels,
                      log=lines.append)
    assert lines == [f"Downloading {dead_url}a.gz", f"Downloading {base}a.gz"]
