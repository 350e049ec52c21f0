"""Files that describe huge models or are huge garbage: refused fast, with little memory, by every entry point.

Each case runs under tracemalloc: the peak of what Python and NumPy allocated
while refusing the file must stay under ``MEMORY_BOUND`` (the files below ask
for 256 MiB to 4 TiB), and each refusal must be quick.
"""

import os
import time
import tracemalloc

import numpy as np
import pytest

from zeronn import nn
from zeronn.cli.main import main as cli_main
from zeronn.io import ModelFileError, load, load_metadata, load_weights, read_header, write_archive
from zeronn.nn import init
from zeronn.train import model_from_checkpoint

MEMORY_BOUND = 20 * 2**20          # bytes
TIME_BOUND = 2.0                   # seconds; typically ~5 ms, generous for a loaded 2-core CI machine


def linear(in_features, out_features):
    return {"class": "Linear", "config": {"in_features": in_features, "out_features": out_features}}


def write_model(path, architecture, state):
    write_archive(path, {"architecture": architecture, "state_dict": state, "eval_modules": [], "frozen": []},
                  kind="model")
    return path


def big_files(folder):
    """name -> (path, what the refusal says)"""
    f32 = np.float32
    return {
        # 34 KB: the right bias for Linear(8192, 8192), a 1x1 weight (building it first cost 768 MB)
        "linear8192": (write_model(folder / "linear8192.safetensors", linear(8192, 8192),
                                   {"weight": np.zeros((1, 1), f32), "bias": np.zeros(8192, f32)}),
                       r"'weight' has shape \(1, 1\), the architecture needs \(8192, 8192\)"),
        "linear1e6": (write_model(folder / "linear1e6.safetensors", linear(10**6, 10**6),
                                  {"weight": np.zeros((1, 1), f32), "bias": np.zeros(1, f32)}),
                      r"the architecture would take 3.6 TiB \(1,000,001,000,000 numbers"),
        "batchnorm1e9": (write_model(folder / "bn.safetensors", {"class": "BatchNorm2d",
                                                                "config": {"num_features": 10**9}},
                                     {"weight": np.zeros(1, f32)}),
                         r"the architecture would take 14.9 GiB"),
        "nested": (write_model(folder / "nested.safetensors",
                               {"class": "Sequential", "config": {"layers": [linear(3, 4), linear(4, 10**7)]}},
                               {"0.weight": np.zeros((3, 4), f32), "0.bias": np.zeros(4, f32),
                                "1.weight": np.zeros((4, 1), f32), "1.bias": np.zeros(1, f32)}),
                   r"'1.weight' has shape \(4, 1\), the architecture needs \(4, 10000000\)"),
    }


def garbage_file(folder, size=5 * 2**30):
    """A sparse file of ``size`` bytes (no disk used) that starts with a plausible header length."""
    path = folder / "garbage.bin"
    with open(path, "wb") as handle:
        handle.write((1000).to_bytes(8, "little"))
        handle.truncate(size)
    return path


def refuse(function, *args, match):
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ModelFileError, match=match):
            function(*args)
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < MEMORY_BOUND, f"{function.__name__} allocated {peak / 2**20:.1f} MiB to refuse the file"
    assert elapsed < TIME_BOUND, f"{function.__name__} took {elapsed:.2f} s to refuse the file"


@pytest.mark.parametrize("case", ["linear8192", "linear1e6", "batchnorm1e9", "nested"])
@pytest.mark.parametrize("entry", [load, load_metadata])
def test_huge_architectures_are_refused_cheaply(tmp_path, case, entry):
    path, message = big_files(tmp_path)[case]
    refuse(entry, path, match=message)


def test_the_limit_can_be_lifted_and_shapes_are_still_checked(tmp_path):
    path, _ = big_files(tmp_path)["linear1e6"]
    refuse(lambda p: load(p, max_bytes=None), path,
           match=r"'weight' has shape \(1, 1\), the architecture needs \(1000000, 1000000\)")
    with pytest.raises(ValueError, match="max_bytes must be a positive int"):
        load(path, max_bytes=-1)


def test_a_model_above_the_limit_loads_when_asked(tmp_path):
    model = nn.Linear(64, 64)
    path = tmp_path / "m"
    from zeronn.io import save

    save(model, path)
    with pytest.raises(ModelFileError, match="more than the limit of max_bytes=1000"):
        load(path, max_bytes=1000)
    assert load(path, max_bytes=10**6).weight.shape == (64, 64)


def test_tensor_data_above_the_limit_is_refused_before_reading(tmp_path):
    path = write_model(tmp_path / "m", linear(256, 256), {"weight": np.zeros((256, 256), np.float32),
                                                         "bias": np.zeros(256, np.float32)})
    refuse(lambda p: load(p, max_bytes=100_000), path, match="holds 257.0 KiB of tensor data, more than the limit")


@pytest.mark.parametrize("entry", [load, load_metadata, load_weights, read_header])
def test_a_5_gb_garbage_file_is_refused_after_reading_its_header(tmp_path, entry):
    path = garbage_file(tmp_path)
    refuse(entry, path, match="not valid JSON")


def test_a_header_length_beyond_the_file_is_truncation(tmp_path):
    path = tmp_path / "short"
    path.write_bytes((10**6).to_bytes(8, "little") + b"{}")
    refuse(load, path, match="truncated: the header needs 1000000 bytes but only 2 follow")


def test_huge_declared_tensors_are_refused_from_the_file_size(tmp_path):
    """A header that declares 4 TB of tensors, in a file of a few hundred bytes: no read, no allocation."""
    import json
    import struct

    metadata = {"format": "zeronn", "format_version": "1", "kind": "model",
                "tree": json.dumps({"architecture": linear(10**6, 10**6), "state_dict": {"w": {"$array": "w"}}})}
    header = {"__metadata__": metadata, "w": {"dtype": "F32", "shape": [10**6, 10**6], "data_offsets": [0, 4 * 10**12]}}
    raw = json.dumps(header).encode()
    path = tmp_path / "claims.safetensors"
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + b"\0" * 16)
    refuse(load, path, match="truncated: the tensors need 4000000000000 bytes")


def test_checkpoints_with_huge_architectures_are_refused_cheaply(tmp_path):
    path = tmp_path / "c.ckpt"
    history = {"epoch": [0], "history": {"loss": [1.0]}}
    write_archive(path, {"layout": 1, "epoch": 1, "model": {"spec": linear(10**6, 10**6),
                                                           "state": {"weight": np.zeros((1, 1), np.float32)}},
                         "optimizer": {"class": "SGD", "state": {}}, "rng": {"shuffle": {"bit_generator": "PCG64"}},
                         "history": history}, kind="checkpoint")
    refuse(model_from_checkpoint, path, match="the architecture would take 3.6 TiB")


@pytest.mark.parametrize("command", ["summary", "predict"])
@pytest.mark.parametrize("case", ["linear8192", "linear1e6", "batchnorm1e9"])
def test_cli_refuses_with_one_line(tmp_path, capsys, command, case):
    path, _ = big_files(tmp_path)[case]
    (tmp_path / "x.csv").write_text("a,b,c\n1,2,3\n")
    args = [command, str(path)] + ([str(tmp_path / "x.csv")] if command == "predict" else [])
    tracemalloc.start()
    try:
        code = cli_main(args)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("zeronn: error:") and len(err.strip().splitlines()) == 1, err
    assert os.path.basename(path) in err
    assert peak < MEMORY_BOUND


# ------------------------------------------------------------------------------------------ skip_init
def test_layers_built_under_skip_init_take_no_memory_and_draw_no_numbers():
    generator = np.random.default_rng(0)
    expected = np.random.default_rng(0).random(3)
    tracemalloc.start()
    try:
        with init.skip_init():
            huge = nn.Sequential(nn.Linear(10**6, 10**6, rng=generator), nn.BatchNorm1d(10**9),
                                 nn.Conv2d(10**4, 10**4, 99, rng=generator))
            assert init.is_placeholder(huge.layers[0].weight.data)
            assert init.is_placeholder(huge.layers[1].running_var)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < MEMORY_BOUND
    assert huge.layers[0].weight.shape == (10**6, 10**6) and huge.layers[2].weight.shape == (10**4, 10**4, 99, 99)
    np.testing.assert_array_equal(generator.random(3), expected)            # no random numbers were drawn
    assert not init.is_placeholder(huge.layers[0].weight.data)              # outside the block: plain arrays


def test_outside_skip_init_layers_are_initialised_as_always():
    a, b = nn.Linear(3, 2, rng=0), nn.Linear(3, 2, rng=0)
    assert a.weight.data.flags.writeable and np.array_equal(a.weight.data, b.weight.data)
    assert np.any(a.weight.data != 0)


def test_an_architecture_of_too_many_layers_is_refused_before_building(tmp_path):
    from zeronn.io.limits import MAX_LAYERS

    layers = [{"class": "Identity", "config": {}}] * MAX_LAYERS
    path = write_model(tmp_path / "many.safetensors", {"class": "Sequential", "config": {"layers": layers}}, {})
    refuse(load, path, match=f"describes {MAX_LAYERS + 1:,} layers, more than the limit of {MAX_LAYERS:,}")
