"""Tests of the ZeroNN container: write_archive / read_archive round trips and damaged files."""

import json
import math
import os
import struct
import sys
import tempfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zeronn.io import FORMAT_VERSION, ModelFileError, read_archive, read_header, write_archive

pytest.importorskip("safetensors")


def roundtrip(tmp_path, tree, kind="checkpoint"):
    path = tmp_path / "tree.safetensors"
    write_archive(path, tree, kind=kind)
    return read_archive(path, kind=kind)


def assert_same_array(actual, expected):
    assert isinstance(actual, np.ndarray)
    assert actual.dtype == expected.dtype
    assert actual.shape == expected.shape
    assert actual.tobytes() == expected.tobytes()        # bit-exact, NaN payloads included


# ------------------------------------------------------------------------------------------ round trips
def test_nested_tree_of_arrays_and_json_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    tree = {
        "epoch": 7,
        "model": {"0.weight": rng.standard_normal((3, 4)).astype(np.float32), "0.bias": np.zeros(4)},
        "optimizer": {
            "state": {"0": {"step": 3, "exp_avg": rng.standard_normal(5)}},
            "param_groups": [{"params": [0, 1], "lr": 0.001, "betas": [0.9, 0.999], "amsgrad": False}],
        },
        "history": {"loss": [1.5, 0.75, 0.5], "note": "ünïcode ✓", "nothing": None},
        "counts": np.array([1, 2, 3], dtype=np.int64),
        "mask": np.array([True, False]),
    }
    back = roundtrip(tmp_path, tree)
    assert back.keys() == tree.keys()
    assert back["epoch"] == 7 and type(back["epoch"]) is int
    assert_same_array(back["model"]["0.weight"], tree["model"]["0.weight"])
    assert_same_array(back["model"]["0.bias"], tree["model"]["0.bias"])
    assert_same_array(back["optimizer"]["state"]["0"]["exp_avg"], tree["optimizer"]["state"]["0"]["exp_avg"])
    assert back["optimizer"]["param_groups"] == tree["optimizer"]["param_groups"]
    assert back["history"] == tree["history"]
    assert_same_array(back["counts"], tree["counts"])
    assert_same_array(back["mask"], tree["mask"])


def test_empty_trees_round_trip(tmp_path):
    assert roundtrip(tmp_path, {}) == {}
    assert roundtrip(tmp_path, {"a": {}, "b": [], "c": {"d": {}}}) == {"a": {}, "b": [], "c": {"d": {}}}


def test_empty_and_zero_dim_arrays_round_trip(tmp_path):
    tree = {"empty": np.zeros((0, 3), dtype=np.float32), "scalar_array": np.array(2.5)}
    back = roundtrip(tmp_path, tree)
    assert_same_array(back["empty"], tree["empty"])
    assert_same_array(back["scalar_array"], tree["scalar_array"])


def test_every_supported_dtype_round_trips_bit_exact(tmp_path):
    tree = {str(dtype): np.arange(6).reshape(2, 3).astype(dtype) for dtype in
            ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
             "float16", "float32", "float64")}
    tree["extremes"] = np.array([np.finfo(np.float64).tiny, -0.0, 1 / 3, np.nan, np.inf], dtype=np.float64)
    back = roundtrip(tmp_path, tree)
    for key, array in tree.items():
        assert_same_array(back[key], array)


def test_numpy_scalars_keep_their_dtype(tmp_path):
    tree = {"f32": np.float32(1.1), "i64": np.int64(-3), "b": np.bool_(True)}
    back = roundtrip(tmp_path, tree)
    for key, value in tree.items():
        assert type(back[key]) is type(value) and back[key] == value


def test_big_ints_round_trip_exactly(tmp_path):
    # PCG64 states are 128-bit integers; a float64 would keep only 53 bits of them
    generator = np.random.default_rng(12345)
    generator.random(3)
    tree = {"rng": generator.bit_generator.state, "huge": 2**200 + 1, "negative": -(2**127)}
    back = roundtrip(tmp_path, tree)
    assert back == tree
    restored = np.random.default_rng()
    restored.bit_generator.state = back["rng"]
    assert restored.random(4).tobytes() == generator.random(4).tobytes()


def test_floats_round_trip_exactly_including_nan_and_inf(tmp_path):
    # policy: finite floats are JSON numbers (repr, exact); nan/inf/-inf become {"$float": "..."} markers,
    # so the stored JSON stays strict JSON and the values come back as Python floats
    values = [0.1, 1 / 3, -0.0, 5e-324, 1.7976931348623157e308, math.inf, -math.inf]
    back = roundtrip(tmp_path, {"values": values, "nan": math.nan, "best": math.inf})
    assert [v.hex() for v in back["values"]] == [v.hex() for v in values]
    assert math.isnan(back["nan"]) and back["best"] == math.inf
    header = read_raw_header(tmp_path / "tree.safetensors")
    json.loads(header["__metadata__"]["tree"], parse_constant=lambda name: pytest.fail(f"{name} in JSON"))


def test_tuples_lists_and_dollar_keys_are_kept_apart(tmp_path):
    tree = {
        "t": (1, (2, 3)),
        "l": [1, [2, 3]],
        "$array": "a user key that looks like a marker",
        "user": {"$float": "nan"},
        "arrays_in_list": [np.ones(2), {"x": np.zeros(1)}],
    }
    back = roundtrip(tmp_path, tree)
    assert back["t"] == (1, (2, 3)) and back["l"] == [1, [2, 3]]
    assert back["$array"] == tree["$array"] and back["user"] == {"$float": "nan"}
    assert_same_array(back["arrays_in_list"][0], np.ones(2))
    assert_same_array(back["arrays_in_list"][1]["x"], np.zeros(1))


def test_dotted_keys_cannot_clash_with_nesting(tmp_path):
    tree = {"a.b": np.array([1.0]), "a": {"b": np.array([2.0])}}
    back = roundtrip(tmp_path, tree)
    assert back["a.b"][0] == 1.0 and back["a"]["b"][0] == 2.0


def test_loaded_arrays_are_writable_and_independent(tmp_path):
    back = roundtrip(tmp_path, {"w": np.zeros(3)})
    back["w"] += 1.0                                 # optimizers update state in place
    assert back["w"].tolist() == [1.0, 1.0, 1.0]


def test_non_contiguous_and_big_endian_arrays_are_stored_by_value(tmp_path):
    base = np.arange(12.0).reshape(3, 4)
    tree = {"strided": base[:, ::2], "transposed": base.T, "big_endian": np.arange(3, dtype=">i4")}
    back = roundtrip(tmp_path, tree)
    np.testing.assert_array_equal(back["strided"], base[:, ::2])
    np.testing.assert_array_equal(back["transposed"], base.T)
    np.testing.assert_array_equal(back["big_endian"], [0, 1, 2])


def test_header_fields(tmp_path):
    path = tmp_path / "m.safetensors"
    write_archive(path, {"x": 1}, kind="weights")
    header = read_header(path)
    assert header["format"] == "zeronn"
    assert header["format_version"] == str(FORMAT_VERSION) == "1"
    assert header["kind"] == "weights"
    assert header["zeronn_version"]


def test_file_is_plain_safetensors(tmp_path):
    from safetensors.numpy import load_file

    path = tmp_path / "m.safetensors"
    write_archive(path, {"layer": {"weight": np.eye(2, dtype=np.float32)}}, kind="weights")
    np.testing.assert_array_equal(load_file(str(path))["layer.weight"], np.eye(2))


# ------------------------------------------------------------------------------------------ bad input to write
@pytest.mark.parametrize(
    "tree, fragment",
    [
        ({"a": {1: 2}}, "keys must be str"),
        ({"a": [object()]}, "'a.0'"),
        ({"a": {"b": {1, 2}}}, "set at 'a.b'"),
        ({"a": np.array(["x", "y"])}, "dtype <U1 is not supported"),
        ({"a": np.array([None], dtype=object)}, "dtype object is not supported"),
        ({"a": np.array([1j])}, "complex128 is not supported"),
    ],
)
def test_write_refuses_what_it_cannot_store(tmp_path, tree, fragment):
    with pytest.raises(TypeError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        write_archive(tmp_path / "x", tree, kind="checkpoint")
    assert not os.listdir(tmp_path)


def test_write_checks_kind_and_tree_type(tmp_path):
    with pytest.raises(ValueError, match="kind must be one of"):
        write_archive(tmp_path / "x", {}, kind="pickle")
    with pytest.raises(TypeError, match="must be a dict"):
        write_archive(tmp_path / "x", [1, 2], kind="checkpoint")


def test_write_into_missing_folder_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_archive(tmp_path / "nope" / "x", {}, kind="checkpoint")


# ------------------------------------------------------------------------------------------ damaged files
def read_raw_header(path):
    data = open(path, "rb").read()
    size = int.from_bytes(data[:8], "little")
    return json.loads(data[8 : 8 + size])


def rewrite(path, header, body=None):
    """Write ``header`` (a dict) back with the original tensor bytes (or ``body``)."""
    data = open(path, "rb").read()
    size = int.from_bytes(data[:8], "little")
    body = data[8 + size :] if body is None else body
    text = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(text)) + text + body)


@pytest.fixture
def good_file(tmp_path):
    path = tmp_path / "good.safetensors"
    write_archive(path, {"w": np.arange(4, dtype=np.float32), "step": 3}, kind="checkpoint")
    return path


def expect_error(path, fragment, kind="checkpoint"):
    with pytest.raises(ModelFileError, match=fragment) as info:
        read_archive(path, kind=kind)
    assert str(path.name) in str(info.value)               # every message names the file
    return info.value


def test_missing_file(tmp_path):
    expect_error(tmp_path / "absent.safetensors", "no such file")


def test_folder_instead_of_file(tmp_path):
    (tmp_path / "dir").mkdir()
    expect_error(tmp_path / "dir", "not a file")


def test_empty_file(tmp_path):
    path = tmp_path / "empty"
    path.write_bytes(b"")
    expect_error(path, "too short")


@pytest.mark.parametrize("keep", [4, 12, 40, -3])
def test_truncated_file(good_file, keep):
    data = good_file.read_bytes()
    good_file.write_bytes(data[:keep])
    expect_error(good_file, "too short|truncated")


def test_trailing_garbage(good_file):
    good_file.write_bytes(good_file.read_bytes() + b"junk")
    expect_error(good_file, "unexpected bytes")


def test_garbage_bytes(tmp_path):
    path = tmp_path / "garbage"
    path.write_bytes(np.random.default_rng(0).bytes(500))
    expect_error(path, "not a ZeroNN file|truncated|absurd")


def test_header_not_json(good_file):
    data = good_file.read_bytes()
    size = int.from_bytes(data[:8], "little")
    good_file.write_bytes(data[:8] + b"{" + b"x" * (size - 1) + data[8 + size :])
    expect_error(good_file, "header is not valid JSON")


def test_header_not_utf8(good_file):
    data = good_file.read_bytes()
    size = int.from_bytes(data[:8], "little")
    good_file.write_bytes(data[:8] + b"\xff" * size + data[8 + size :])
    expect_error(good_file, "header is not valid JSON")


def test_header_json_array(good_file):
    rewrite(good_file, [1, 2, 3], body=b"")
    expect_error(good_file, "not a JSON object")


def test_plain_safetensors_file_is_not_ours(tmp_path):
    from safetensors.numpy import save_file

    path = tmp_path / "foreign.safetensors"
    save_file({"w": np.zeros(2)}, str(path))
    expect_error(path, "not a ZeroNN file")
    save_file({"w": np.zeros(2)}, str(path), metadata={"format": "pt"})
    expect_error(path, "not a ZeroNN file")


def test_newer_format_version(good_file):
    header = read_raw_header(good_file)
    header["__metadata__"]["format_version"] = "2"
    rewrite(good_file, header)
    error = expect_error(good_file, "newer ZeroNN")
    assert "format 2" in str(error) and "reads format 1" in str(error) and "upgrade zeronn" in str(error)


@pytest.mark.parametrize("version", ["", "one", "0", "-1", "1.0"])
def test_invalid_format_version(good_file, version):
    header = read_raw_header(good_file)
    header["__metadata__"]["format_version"] = version
    rewrite(good_file, header)
    expect_error(good_file, "invalid format_version")


def test_kind_mismatch(good_file):
    error = expect_error(good_file, "is a ZeroNN checkpoint file, not a model file", kind="model")
    assert "resume_from" in str(error)
    assert read_archive(good_file, kind=("model", "checkpoint"))["step"] == 3


def test_unknown_kind_in_file(good_file):
    header = read_raw_header(good_file)
    header["__metadata__"]["kind"] = "virus"
    rewrite(good_file, header)
    expect_error(good_file, "unknown kind")


def test_unknown_kind_requested(good_file):
    with pytest.raises(ValueError, match="kind must be one of"):
        read_archive(good_file, kind="everything")


def test_metadata_value_not_string(good_file):
    header = read_raw_header(good_file)
    header["__metadata__"]["format_version"] = 1
    rewrite(good_file, header)
    expect_error(good_file, "must be strings")


def test_tree_missing(good_file):
    header = read_raw_header(good_file)
    del header["__metadata__"]["tree"]
    rewrite(good_file, header)
    expect_error(good_file, "no 'tree'")


@pytest.mark.parametrize("tree", ["{not json", "[1, 2]", '{"x": NaN}', "[" * 100000 + "]" * 100000])
def test_tree_invalid(good_file, tree):
    header = read_raw_header(good_file)
    header["__metadata__"]["tree"] = tree
    rewrite(good_file, header)
    expect_error(good_file, "tree stored in the metadata|tensors the tree does not mention")


def test_tree_references_missing_tensor(good_file):
    header = read_raw_header(good_file)
    header["__metadata__"]["tree"] = json.dumps({"w": {"$array": "w"}, "v": {"$array": "v"}})
    rewrite(good_file, header)
    expect_error(good_file, "tensor 'v' .* is missing")


def test_extra_tensor_not_in_tree(good_file):
    header = read_raw_header(good_file)
    header["__metadata__"]["tree"] = json.dumps({"step": 3})
    rewrite(good_file, header)
    expect_error(good_file, "tensors the tree does not mention: 'w'")


@pytest.mark.parametrize(
    "marker",
    [{"$array": 5}, {"$float": "big"}, {"$tuple": 3}, {"$dict": []}, {"$code": "os.system('x')"},
     {"$scalar": "w"}],
)
def test_malformed_markers(good_file, marker):
    header = read_raw_header(good_file)
    header["__metadata__"]["tree"] = json.dumps({"w": {"$array": "w"}, "bad": marker})
    rewrite(good_file, header)
    expect_error(good_file, "'bad'|referenced twice")


def test_tensor_referenced_twice(good_file):
    header = read_raw_header(good_file)
    header["__metadata__"]["tree"] = json.dumps({"w": {"$array": "w"}, "v": {"$array": "w"}})
    rewrite(good_file, header)
    expect_error(good_file, "referenced twice")


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"dtype": "O"}, "dtype 'O'"),
        ({"dtype": "object"}, "dtype 'object'"),
        ({"dtype": "BF16"}, "dtype 'BF16'"),
        ({"shape": [-4]}, "invalid shape"),
        ({"shape": "4"}, "invalid shape"),
        ({"shape": [5]}, "does not match shape"),
        ({"data_offsets": [0]}, "invalid data_offsets"),
        ({"data_offsets": [8, 4]}, "invalid data_offsets"),
        ({"data_offsets": [0, 32], "shape": [8]}, "truncated"),
    ],
)
def test_tampered_tensor_entries(good_file, change, fragment):
    header = read_raw_header(good_file)
    header["w"].update(change)
    rewrite(good_file, header)
    expect_error(good_file, fragment)


def test_overlapping_tensors_are_reported_as_damaged(tmp_path):
    path = tmp_path / "two.safetensors"
    write_archive(path, {"a": np.zeros(2), "b": np.ones(2)}, kind="checkpoint")
    header = read_raw_header(path)
    header["a"]["data_offsets"], header["b"]["data_offsets"] = [0, 16], [0, 16]
    rewrite(path, header, body=bytes(32))
    expect_error(path, "damaged|unexpected bytes")


def test_tensor_entry_not_a_dict(good_file):
    header = read_raw_header(good_file)
    header["w"] = "hello"
    rewrite(good_file, header)
    expect_error(good_file, "invalid header entry")


def test_absurd_header_length(tmp_path):
    path = tmp_path / "absurd"
    path.write_bytes(struct.pack("<Q", 2**62) + b"{}")
    expect_error(path, "absurd")


# ------------------------------------------------------------------------------------------ properties
json_leaves = st.none() | st.booleans() | st.integers(min_value=-(2**200), max_value=2**200) \
    | st.floats(allow_nan=False) | st.text(max_size=8)
json_trees = st.recursive(
    json_leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(max_size=6), json_trees, max_size=5))
def test_any_json_tree_round_trips(tree):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "t")
        write_archive(path, tree, kind="checkpoint")
        assert read_archive(path, kind="checkpoint") == tree


def test_missing_safetensors_gives_install_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "safetensors.numpy", None)      # makes the import fail
    with pytest.raises(ImportError, match=r"pip install zeronn\[io\]"):
        write_archive(tmp_path / "x", {"a": np.zeros(1)}, kind="checkpoint")


# ------------------------------------------------------------------------------------------ strictness
def test_unknown_metadata_entry_is_refused(good_file):
    header = read_raw_header(good_file)
    header["__metadata__"]["preprmcessing"] = "x"
    rewrite(good_file, header)
    expect_error(good_file, "unknown entries 'preprmcessing'")


def test_unknown_tensor_entry_field_is_refused(good_file):
    header = read_raw_header(good_file)
    header["w"]["endian"] = "big"
    rewrite(good_file, header)
    expect_error(good_file, "tensor 'w' has unknown header fields 'endian'")


def test_duplicate_keys_in_the_header_are_refused(good_file):
    data = good_file.read_bytes()
    size = int.from_bytes(data[:8], "little")
    text = data[8 : 8 + size].decode().rstrip()
    doubled = text[:-1] + ',"w":' + json.dumps(read_raw_header(good_file)["w"]) + "}"
    good_file.write_bytes(struct.pack("<Q", len(doubled)) + doubled.encode() + data[8 + size :])
    expect_error(good_file, "the key 'w' twice")


def test_gap_between_tensors_is_refused(tmp_path):
    path = tmp_path / "two.safetensors"
    write_archive(path, {"a": np.zeros(2), "b": np.ones(2)}, kind="checkpoint")
    header = read_raw_header(path)
    header["a"]["data_offsets"], header["b"]["data_offsets"] = [0, 16], [24, 40]
    rewrite(path, header, body=bytes(40))
    expect_error(path, "overlap or leave gaps")


def test_read_archive_respects_max_bytes(good_file):
    assert read_archive(good_file, kind="checkpoint", max_bytes=16)["step"] == 3       # 4 float32: 16 bytes
    with pytest.raises(ModelFileError, match="holds 16 bytes of tensor data, more than the limit of max_bytes=15"):
        read_archive(good_file, kind="checkpoint", max_bytes=15)


def test_open_archive_reads_no_tensor_before_asked(good_file, monkeypatch):
    from zeronn.io import Archive, open_archive

    archive = open_archive(good_file, kind="checkpoint")
    assert archive.kind == "checkpoint" and archive.data_bytes == 16
    shapes = {name: (value.shape, value.dtype, value.nbytes) for name, value in archive.placeholders().items()}
    assert shapes == {"w": ((4,), np.dtype(np.float32), 16)}
    assert archive.tree(archive.placeholders())["step"] == 3
    good_file.write_bytes(good_file.read_bytes()[:-1])               # the file changes under our feet
    with pytest.raises(ModelFileError, match="changed while it was being read"):
        archive.read_tensors()
    assert isinstance(archive, Archive)


def test_tensor_checksum_mismatch_names_the_tensor(good_file):
    data = bytearray(good_file.read_bytes())
    data[-1] ^= 0x01
    good_file.write_bytes(bytes(data))
    expect_error(good_file, "tensor 'w' does not match its SHA-256 checksum")


def test_header_checksum_covers_the_tree(good_file):
    header = read_raw_header(good_file)
    header["__metadata__"]["tree"] = header["__metadata__"]["tree"].replace('"step":3', '"step":4')
    rewrite(good_file, header)
    expect_error(good_file, "header does not match its SHA-256 checksum")


def test_a_tree_beyond_the_limits_is_refused_when_written_not_when_read(tmp_path):
    from zeronn.io.limits import MAX_JSON_DEPTH

    deep = []
    for _ in range(MAX_JSON_DEPTH + 5):
        deep = [deep]
    with pytest.raises(ValueError, match="nested too deeply .* could not be read back"):
        write_archive(tmp_path / "x", {"deep": deep}, kind="checkpoint")
    with pytest.raises(ValueError, match="JSON values, more than the limit"):
        write_archive(tmp_path / "x", {"many": list(range(600_000))}, kind="checkpoint")
    assert not os.listdir(tmp_path)
    write_archive(tmp_path / "x", {"many": np.arange(600_000)}, kind="checkpoint")     # arrays have no such limit
    assert read_archive(tmp_path / "x", kind="checkpoint")["many"].shape == (600_000,)
