"""Tests for zeronn.datasets.idx."""

import gzip
import hashlib

import numpy as np
import pytest

from zeronn.datasets import DatasetError, read_idx, write_idx
from zeronn.datasets.idx import idx_magic


def test_hand_made_file(tmp_path):
    # magic 0x00000801 = 2049: type 0x08 (uint8), 1 dimension; size 3; then the bytes 7, 8, 9
    (tmp_path / "labels").write_bytes(b"\x00\x00\x08\x01" + (3).to_bytes(4, "big") + bytes([7, 8, 9]))
    labels = read_idx(tmp_path / "labels")
    np.testing.assert_array_equal(labels, [7, 8, 9])
    assert labels.dtype == np.uint8 and labels.flags.writeable


def test_magic_numbers():
    assert idx_magic(np.uint8, 3) == 2051 and idx_magic(np.uint8, 1) == 2049
    assert idx_magic(np.float32, 2) == 0x0D02


@pytest.mark.parametrize("dtype", ["u1", "i1", ">i2", "<i4", "f4", "f8"])
@pytest.mark.parametrize("name", ["a.gz", "a.idx"])
def test_round_trip(tmp_path, dtype, name):
    array = (np.arange(24) - 7).reshape(2, 3, 4).astype(dtype)
    write_idx(tmp_path / name, array)
    back = read_idx(tmp_path / name)
    assert back.dtype == array.dtype.newbyteorder("=") and back.dtype.isnative
    np.testing.assert_array_equal(back, array)


def test_compression_is_recognised_from_content_not_name(tmp_path):
    write_idx(tmp_path / "plain.gz", np.arange(5, dtype=np.uint8), compress=False)
    write_idx(tmp_path / "packed", np.arange(5, dtype=np.uint8), compress=True)
    assert (tmp_path / "packed").read_bytes()[:2] == b"\x1f\x8b"
    np.testing.assert_array_equal(read_idx(tmp_path / "plain.gz"), read_idx(tmp_path / "packed"))


def test_checksums_are_of_the_decompressed_content(tmp_path):
    array = np.arange(12, dtype=np.uint8).reshape(3, 4)
    write_idx(tmp_path / "a.gz", array)
    content = gzip.decompress((tmp_path / "a.gz").read_bytes())
    good = {"sha256": hashlib.sha256(content).hexdigest(), "md5": hashlib.md5(content).hexdigest()}
    np.testing.assert_array_equal(read_idx(tmp_path / "a.gz", checksums=good), array)
    np.testing.assert_array_equal(read_idx(tmp_path / "a.gz", checksums={"md5": good["md5"]}), array)
    with pytest.raises(DatasetError, match=r"a\.gz: checksum mismatch: .*SHA256 .*expected 0000.*not used"):
        read_idx(tmp_path / "a.gz", checksums={"sha256": "0" * 64, "md5": good["md5"]})
    with pytest.raises(DatasetError, match="MD5"):
        read_idx(tmp_path / "a.gz", checksums={"md5": "f" * 32})


def _labels_file(tmp_path, count=100):
    path = tmp_path / "labels.gz"
    write_idx(path, np.arange(count, dtype=np.uint8) % 10)
    return path


def test_truncated_gzip_is_rejected_naming_the_file(tmp_path):
    path = _labels_file(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DatasetError, match=r"labels\.gz: damaged or truncated gzip"):
        read_idx(path)


def test_corrupt_gzip_is_rejected(tmp_path):
    path = tmp_path / "big.gz"
    write_idx(path, np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8))
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF                     # one flipped byte inside the compressed stream
    path.write_bytes(bytes(data))
    with pytest.raises(DatasetError, match=r"big\.gz"):
        read_idx(path)


def test_truncated_data_is_rejected(tmp_path):
    path = tmp_path / "images"
    write_idx(path, np.zeros((4, 3, 3), np.uint8))
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(DatasetError, match=r"images: truncated: .*shape \(4, 3, 3\) \(36 data bytes\), but only 31"):
        read_idx(path)


def test_trailing_bytes_are_rejected(tmp_path):
    path = tmp_path / "labels"
    write_idx(path, np.zeros(4, np.uint8))
    path.write_bytes(path.read_bytes() + b"\x00")
    with pytest.raises(DatasetError, match="but more follow"):
        read_idx(path)


@pytest.mark.parametrize("content, message", [
    (b"", "too short"),
    (b"PK\x03\x04 a zip file, not IDX", "not an IDX file: magic number"),
    (b"\x00\x00\x07\x01\x00\x00\x00\x01\x00", "not an IDX file"),          # unknown type code 0x07
    (b"\x00\x00\x08\x00", "not an IDX file"),                              # zero dimensions
    (b"\x00\x00\x08\x03\x00\x00\x00\x02", "truncated header"),             # 3 sizes announced, 1 present
    (b"\x00\x00\x08\x02\xff\xff\xff\xff\xff\xff\xff\xff", "implausibly large"),
])
def test_malformed_headers(tmp_path, content, message):
    (tmp_path / "bad").write_bytes(content)
    with pytest.raises(DatasetError, match=message):
        read_idx(tmp_path / "bad")


def test_expected_shape_and_type(tmp_path):
    path = _labels_file(tmp_path, count=10)
    with pytest.raises(DatasetError, match=r"announces shape \(10,\), expected \(60000,\)"):
        read_idx(path, expected_shape=(60000,))
    with pytest.raises(DatasetError, match=r"magic number 2049 \(uint8, 1 dimension\), expected 2051 \(uint8, 3 dim"):
        read_idx(path, expected_shape=(10, 28, 28), expected_dtype=np.uint8)
    np.testing.assert_array_equal(read_idx(path, expected_shape=(10,), expected_dtype=np.uint8), np.arange(10))


def test_missing_file_is_a_file_not_found_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothing-here"):
        read_idx(tmp_path / "nothing-here.gz")


def test_write_rejects_unsupported_types(tmp_path):
    with pytest.raises(TypeError, match="IDX files hold"):
        write_idx(tmp_path / "a", np.zeros(3, np.uint16))
    with pytest.raises(ValueError, match="at least one dimension"):
        write_idx(tmp_path / "a", np.uint8(3))
