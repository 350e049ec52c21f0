"""Integrity: SHA-256 checksums of the header and of every tensor, and files written before there were any."""

import hashlib
import json
import shutil
import struct
import warnings
from pathlib import Path

import numpy as np
import pytest

from zeronn import nn
from zeronn.io import (
    ModelFileError,
    ModelFileWarning,
    load,
    load_metadata,
    load_weights,
    read_archive,
    read_header,
    save,
    write_archive,
)
from zeronn.io.checksum import header_digest, tensor_digest
from zeronn.train import model_from_checkpoint, read_checkpoint

FIXTURES = Path(__file__).parent / "fixtures"


def split(path):
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    return data, size, json.loads(data[8 : 8 + size])


def rewrite(path, header, body):
    raw = json.dumps(header, separators=(",", ":")).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + body)


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "model.safetensors"
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.ReLU(), nn.Linear(4, 2, rng=1))
    save(model, path, metadata={"preprocessing": {"kind": "scale", "divide_by": 255.0}})
    return path


def test_files_carry_checksums_of_header_and_tensors(model_file):
    _, _, header = split(model_file)
    checksums = json.loads(header["__metadata__"]["sha256"])
    assert set(checksums) == {"header", "tensors"}
    assert set(checksums["tensors"]) == {name for name in header if name != "__metadata__"}
    weight = load(model_file).layers[0].weight.data
    assert checksums["tensors"]["state_dict.0.weight"] == tensor_digest(weight)
    metadata = header["__metadata__"]
    tensors = {name: (entry["dtype"], entry["shape"]) for name, entry in header.items() if name != "__metadata__"}
    assert header_digest(metadata, tensors) == checksums["header"]


def test_digest_definitions():
    """A tensor's checksum is the SHA-256 of its bytes as stored: little-endian, C order."""
    array = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    assert tensor_digest(array) == hashlib.sha256(array.tobytes()).hexdigest()
    assert tensor_digest(array.T) == hashlib.sha256(np.ascontiguousarray(array.T).tobytes()).hexdigest()
    assert tensor_digest(np.array(True)) == hashlib.sha256(b"\x01").hexdigest()
    assert tensor_digest(np.zeros((0, 3))) == hashlib.sha256(b"").hexdigest()


def test_a_bit_flip_in_tensor_data_names_the_tensor(model_file):
    data = bytearray(model_file.read_bytes())
    data[-3] ^= 0x04                                           # inside the last tensor's bytes
    model_file.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="tensor 'state_dict.*' does not match its SHA-256 checksum"):
        load(model_file)
    with pytest.raises(ModelFileError, match="SHA-256"):
        load_weights(model_file)


def test_a_flipped_metadata_key_is_refused(model_file):
    """'preprocessing' -> 'preprmcessing' in the user metadata must not silently drop the scaling rule."""
    data = model_file.read_bytes()
    assert data.count(b"preprocessing") == 1
    flipped = data.replace(b"preprocessing", b"preprmcessing")        # 'o' (0x6f) -> 'm' (0x6d): one bit
    model_file.write_bytes(flipped)
    for reader in (load, load_metadata):
        with pytest.raises(ModelFileError, match="header does not match its SHA-256 checksum"):
            reader(model_file)


def test_a_changed_tensor_dtype_with_the_same_bytes_is_refused(tmp_path):
    """F32 -> I32 keeps every data byte; the header checksum covers dtypes and shapes."""
    path = tmp_path / "w"
    write_archive(path, {"counts": np.arange(4, dtype=np.float32)}, kind="checkpoint")
    data, size, header = split(path)
    header["counts"]["dtype"] = "I32"
    rewrite(path, header, data[8 + size :])
    with pytest.raises(ModelFileError, match="header does not match"):
        read_archive(path, kind="checkpoint")


def test_a_malformed_checksum_entry_is_refused(model_file):
    data, size, header = split(model_file)
    for bad in ("{}", '{"header": "00", "tensors": {}}', "[1]", json.dumps({"header": "a" * 64, "tensors": {}})):
        header["__metadata__"]["sha256"] = bad
        rewrite(model_file, header, data[8 + size :])
        with pytest.raises(ModelFileError, match="checksum"):
            load(model_file)


def test_a_file_without_checksums_loads_with_a_warning_naming_it(model_file):
    data, size, header = split(model_file)
    del header["__metadata__"]["sha256"]
    rewrite(model_file, header, data[8 + size :])
    with pytest.warns(ModelFileWarning, match=f"'{model_file}' has no checksums"):
        model = load(model_file)
    assert isinstance(model, nn.Sequential)


# ------------------------------------------------------------------------------------------ older files
# Written by ZeroNN at commit 97f2d53, before checksums (see the git history of tests/io/fixtures).
def copy_fixture(tmp_path, name):
    target = tmp_path / name
    shutil.copy(FIXTURES / name, target)
    return target


def test_model_file_from_zeronn_0_1_loads_bit_exact_with_a_warning(tmp_path):
    path = copy_fixture(tmp_path, "v0_1_model.safetensors")
    with pytest.warns(ModelFileWarning, match="v0_1_model.safetensors' has no checksums"):
        model = load(path)
    expected = np.load(FIXTURES / "v0_1_model_expected.npy")
    got = np.concatenate([v.reshape(-1).astype(np.float64) for v in model.state_dict().values()])
    assert got.tobytes() == expected.tobytes()
    assert not model.training and not model.layers[3].bias.requires_grad
    x = np.arange(6, dtype=np.float32).reshape(2, 3) / 6
    assert model(x).tobytes() == np.load(FIXTURES / "v0_1_model_output.npy").tobytes()
    with pytest.warns(ModelFileWarning):
        info = load_metadata(path)
    assert info["data"]["preprocessing"] == {"kind": "scale", "divide_by": 255.0}


def test_weights_and_checkpoint_from_zeronn_0_1_load_with_a_warning(tmp_path):
    with pytest.warns(ModelFileWarning):
        state = load_weights(copy_fixture(tmp_path, "v0_1_weights.safetensors"))
    assert state["1.running_mean"].shape == (4,)
    path = copy_fixture(tmp_path, "v0_1_epoch-0002.ckpt")
    with pytest.warns(ModelFileWarning):
        tree = read_checkpoint(path)
    assert tree["epoch"] == 2
    with pytest.warns(ModelFileWarning):
        assert isinstance(model_from_checkpoint(path), nn.Sequential)


def test_a_file_written_now_loads_without_warnings(model_file):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load(model_file)
        load_metadata(model_file)
        read_header(model_file)
