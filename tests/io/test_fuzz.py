"""Fuzzing model files: truncations, bit flips, huge shapes, deep JSON, wrong dtypes.

The rule every mutated file must follow: ``zeronn.load`` either raises
``ModelFileError`` or returns a model identical to the original (same
architecture, bit-identical weights, same modes, flags and metadata).  Any
other exception, a different model, or a ``ModelFileWarning`` (a mutation
that switched verification off) fails the test.  With the header and every
tensor under a SHA-256 checksum, no single flipped bit is expected to load
at all (the JSON padding is spaces, and no flip of a space gives JSON
whitespace); the rule still allows meaning-preserving mutations in case a
future writer produces some.

"Re-signed" mutations recompute the checksums after the change, as a forger
would, so that the checks behind the checksums (limits, registry, shapes,
dtypes) are exercised too.  Memory is bounded: the peak that tracemalloc sees
over all cases stays under ``MEMORY_BOUND``.
"""

import hashlib
import json
import os
import random
import struct
import time
import tracemalloc
import warnings

import numpy as np
import pytest

from zeronn import nn
from zeronn.io import ModelFileError, ModelFileWarning, load, save
from zeronn.io.checksum import header_digest

MEMORY_BOUND = 50 * 2**20
TIME_BOUND = 30.0         # seconds for the whole test (about 3 s alone on a 2-core machine)


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    model = nn.Sequential(nn.Linear(3, 4, rng=0), nn.BatchNorm1d(4), nn.ReLU(), nn.Dropout(0.1, rng=1),
                          nn.Linear(4, 2, rng=2))
    model(np.random.default_rng(0).standard_normal((6, 3)).astype(np.float32))
    model.layers[4].bias.requires_grad = False
    save(model, folder / "model.safetensors", metadata={"preprocessing": {"kind": "scale", "divide_by": 255.0},
                                                         "classes": ["cat", "dog"]})
    path = folder / "model.safetensors"
    return path.read_bytes(), fingerprint(load(path), path)


def fingerprint(model, path):
    from zeronn.io import load_metadata

    return (nn.layer_to_spec(model), {k: (v.dtype.str, v.shape, v.tobytes()) for k, v in model.state_dict().items()},
            [layer.training for layer in model.modules()], [p.requires_grad for p in model.parameters()],
            load_metadata(path))


def split(data):
    size = int.from_bytes(data[:8], "little")
    return json.loads(data[8 : 8 + size]), data[8 + size :]


def join(header, body, sign=True):
    """Assemble a file; with ``sign``, recompute the checksums for the (changed) header and body."""
    header = json.loads(json.dumps(header))
    if sign:
        metadata = header["__metadata__"]
        entries = {name: entry for name, entry in header.items() if name != "__metadata__"}
        tensors = {}
        for name, entry in entries.items():
            start, end = (entry.get("data_offsets") or [0, 0])[:2] if isinstance(entry, dict) else (0, 0)
            tensors[name] = hashlib.sha256(body[start:end]).hexdigest()
        described = {name: (e.get("dtype"), e.get("shape")) for name, e in entries.items() if isinstance(e, dict)}
        metadata.pop("sha256", None)
        metadata["sha256"] = json.dumps({"header": header_digest(metadata, described), "tensors": tensors})
    raw = json.dumps(header, separators=(",", ":")).encode()
    return struct.pack("<Q", len(raw)) + raw + body


class Harness:
    """Loads mutated files and keeps count; fails on anything but ModelFileError or an identical model.

    Every ``measure_every``-th case (and every case with ``measure=True``) runs under tracemalloc, whose
    bookkeeping would make the whole run several times slower; ``peak`` is the largest peak seen.
    """

    def __init__(self, path, expected, measure_every=8):
        self.path, self.expected, self.measure_every = path, expected, measure_every
        self.refused = self.identical = self.forged = self.cases = self.peak = 0

    def check(self, data, what, measure=False, forged=False):
        """Load ``data``; a ``forged`` file (valid checksums recomputed) may also load as another valid model."""
        self._write(data)
        self.cases += 1
        measure = measure or self.cases % self.measure_every == 0
        if measure:
            tracemalloc.start()
        try:
            self._load(what, forged)
        finally:
            if measure:
                self.peak = max(self.peak, tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()

    def _write(self, data):
        """Replace the file's bytes in place (re-creating a file costs milliseconds on some file systems)."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT)
        try:
            os.write(fd, data)
            os.ftruncate(fd, len(data))
        finally:
            os.close(fd)

    def _load(self, what, forged):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", ModelFileWarning)
                model = load(self.path)
        except ModelFileError:
            self.refused += 1
            return
        except Exception as error:                       # noqa: BLE001 - anything else is the bug we look for
            pytest.fail(f"{what}: {type(error).__name__}: {error}")
        if fingerprint(model, self.path) == self.expected:
            self.identical += 1
        elif forged:
            self.forged += 1
        else:
            pytest.fail(f"{what}: loaded silently as a different model")


def tree_of(header):
    return json.loads(header["__metadata__"]["tree"])


def with_tree(header, tree):
    """A copy of ``header`` with another tree (a dict, or JSON text for trees too deep for json.dumps)."""
    header = json.loads(json.dumps(header))
    header["__metadata__"]["tree"] = tree if isinstance(tree, str) else json.dumps(tree)
    return header


def huge_shapes(header):
    """Architectures whose numbers grow from plausible to absurd."""
    tree = tree_of(header)
    for exponent in (1, 2, 4, 6, 9, 12, 18, 30):
        for layer, key in ((0, "in_features"), (0, "out_features"), (1, "num_features"), (4, "in_features")):
            changed = json.loads(json.dumps(tree))
            changed["architecture"]["config"]["layers"][layer]["config"][key] = 10**exponent
            yield f"{key}={10**exponent} in layer {layer}", with_tree(header, changed)


def deep_trees(header):
    text = header["__metadata__"]["tree"]
    architecture = json.dumps(tree_of(header)["architecture"], separators=(",", ":"))
    assert architecture in text
    for depth in (30, 70, 500, 5000, 50000):
        nested = '{"class":"Sequential","config":{"layers":[' * depth + architecture + "]}}" * depth
        yield f"architecture nested {depth} deep", with_tree(header, text.replace(architecture, nested))
        deep_list = "[" * depth + "]" * depth
        deeper_metadata = text.replace('"classes":', f'"d":{deep_list},"classes":')
        yield f"metadata nested {depth} deep", with_tree(header, deeper_metadata)


def wrong_dtypes(header):
    codes = ["BOOL", "U8", "I8", "U16", "I16", "F16", "U32", "I32", "F32", "U64", "I64", "F64", "BF16", "O", "<f4"]
    for name in [n for n in header if n != "__metadata__"]:
        for code in codes:
            if code != header[name]["dtype"]:
                changed = json.loads(json.dumps(header))
                changed[name]["dtype"] = code
                yield f"{name} as {code}", changed


def test_fuzz_model_files(original, tmp_path):
    data, expected = original
    header, body = split(data)
    harness = Harness(tmp_path / "mutant.safetensors", expected)
    rng = random.Random(1234)
    header_end = 8 + int.from_bytes(data[:8], "little")

    start = time.perf_counter()
    harness.check(data, "the original")                                       # the harness accepts a good file
    assert harness.identical == 1
    cuts = set(range(0, 64)) | set(range(header_end - 64, header_end + 64)) | set(range(0, len(data), 5))
    for cut in sorted(cuts):
        harness.check(data[:cut], f"truncated to {cut} bytes")
    flips = list(range(8 * 8)) + [rng.randrange(8 * len(data)) for _ in range(1500)]
    for bit in flips:
        mutated = bytearray(data)
        mutated[bit // 8] ^= 1 << (bit % 8)
        harness.check(bytes(mutated), f"bit {bit % 8} of byte {bit // 8} flipped")
    for what, changed in [*huge_shapes(header), *deep_trees(header), *wrong_dtypes(header)]:
        harness.check(join(changed, body), f"{what} (re-signed)", measure=True, forged=True)
        harness.check(join(changed, body, sign=False), what)
    harness.check(data + b"\0" * 8, "8 bytes appended")
    spaced = b"{ " + data[9:header_end]                                        # same JSON, one more byte
    harness.check(struct.pack("<Q", len(spaced)) + spaced + body, "a space inserted in the header's JSON")
    elapsed = time.perf_counter() - start
    assert harness.refused + harness.identical + harness.forged == harness.cases
    assert harness.identical == 2               # the original, and the one with a space added to its JSON
    assert harness.forged <= 5                  # only the metadata nested within the depth limit is valid
    assert harness.refused > 2000
    assert harness.peak < MEMORY_BOUND, f"peak {harness.peak / 2**20:.1f} MiB"
    assert elapsed < TIME_BOUND, f"{elapsed:.1f} s"
