"""ZeroNN never unpickles or evaluates anything: a scan of the package source and crafted hostile files."""

import ast
import json
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest

import zeronn

PACKAGE = Path(zeronn.__file__).parent

FORBIDDEN_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "marshal", "shelve"}
FORBIDDEN_CALLS = {"eval", "exec"}
FORBIDDEN_ATTRIBUTES = {"read_pickle", "unsafe_load", "full_load"}   # pandas / PyYAML loaders that run code
# joblib runs work in parallel (zeronn.sweep): allowed; its file functions unpickle and pickle: forbidden
FORBIDDEN_FROM_JOBLIB = {"load", "dump"}

# Deliberate exceptions, each one (file, what the scan reports) with the reason it is not a file-loading risk.
ALLOWED = {
    ("zeronn/exercises/grading.py", "calls exec()"):
        "grading runs the learner's own exercise file, as `python file.py` would; no file ZeroNN reads as data",
}


def problems_in(source: str, filename: str = "<snippet>") -> list[str]:
    """Return a description of every forbidden construct in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Import):
            found += [f"{where} imports {alias.name}" for alias in node.names
                      if alias.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in FORBIDDEN_MODULES:
            found.append(f"{where} imports from {node.module}")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "joblib":
            found += [f"{where} imports joblib.{alias.name}" for alias in node.names
                      if alias.name in FORBIDDEN_FROM_JOBLIB]
        elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES:
            found.append(f"{where} uses .{node.attr}")
        elif isinstance(node, ast.Call):
            found += call_problems(node, where)
    return found


def call_problems(node: ast.Call, where: str) -> list[str]:
    found = []
    name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
    if isinstance(node.func, ast.Name) and name in FORBIDDEN_CALLS:
        found.append(f"{where} calls {name}()")
    if name in ("__import__", "import_module") and node.args and isinstance(node.args[0], ast.Constant):
        if str(node.args[0].value).split(".")[0] in FORBIDDEN_MODULES:
            found.append(f"{where} imports {node.args[0].value} dynamically")
    for keyword in node.keywords:
        literal_false = isinstance(keyword.value, ast.Constant) and keyword.value.value is False
        if keyword.arg == "allow_pickle" and not literal_false:
            found.append(f"{where} passes allow_pickle={ast.unparse(keyword.value)}")
    if name in FORBIDDEN_FROM_JOBLIB and isinstance(node.func, ast.Attribute) and _is_name(node.func.value, "joblib"):
        found.append(f"{where} calls joblib.{name}()")
    if name == "load" and isinstance(node.func, ast.Attribute) and _is_name(node.func.value, "yaml"):
        positional = node.args[1] if len(node.args) > 1 else None
        loader = next((k.value for k in node.keywords if k.arg == "Loader"), positional)
        if loader is None or "Safe" not in ast.unparse(loader):
            found.append(f"{where} calls yaml.load without a SafeLoader (use yaml.safe_load)")
    return found


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def test_package_source_never_unpickles_or_evaluates():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10                               # the scan really sees the package
    found = []
    for path in files:
        relative = path.relative_to(PACKAGE.parent).as_posix()
        found += [problem for problem in problems_in(path.read_text(encoding="utf-8"), relative)
                  if (relative, problem.split(" ", 1)[1]) not in ALLOWED]
    assert not found, "forbidden constructs in the package:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "snippet",
    [
        "import pickle",
        "import cPickle as p",
        "from pickle import loads",
        "import dill",
        "import cloudpickle",
        "from joblib import load",
        "import joblib; joblib.load(path)",
        "from joblib import dump",
        "import marshal",
        "import shelve",
        "np.load(path, allow_pickle=True)",
        "numpy.load(path, allow_pickle=flag)",
        "eval('1 + 1')",
        "exec(code)",
        "__import__('pickle')",
        "importlib.import_module('dill')",
        "pd.read_pickle(path)",
        "yaml.load(text)",
        "yaml.load(text, Loader=yaml.Loader)",
        "yaml.unsafe_load(text)",
    ],
)
def test_the_scan_catches_each_forbidden_construct(snippet):
    assert problems_in(snippet)


@pytest.mark.parametrize(
    "snippet",
    ["np.load(path)", "np.load(path, allow_pickle=False)", "yaml.safe_load(text)",
     "yaml.load(text, Loader=yaml.SafeLoader)", "model.eval()", "json.loads(text)",
     "from joblib import Parallel, delayed"],
)
def test_the_scan_allows_safe_code(snippet):
    assert not problems_in(snippet)


# ------------------------------------------------------------------------------------------ hostile files
class _CreatesFile:
    """Unpickling this object would create ``path``: the proof that code ran."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _zeronn_file_with_tensor(path, dtype, payload):
    """A file that looks like ours, with one tensor of ``dtype`` whose bytes are ``payload``."""
    metadata = {"format": "zeronn", "format_version": "1", "kind": "model", "zeronn_version": "0",
                "tree": json.dumps({"architecture": {"class": "Identity"}, "state_dict": {"w": {"$array": "w"}}})}
    header = {"__metadata__": metadata, "w": {"dtype": dtype, "shape": [1], "data_offsets": [0, len(payload)]}}
    raw = json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + payload)


def _all_loaders():
    from zeronn.io import load, load_weights, read_archive

    return [load, load_weights, lambda p: read_archive(p, kind=("model", "weights", "checkpoint"))]


@pytest.fixture
def payload(tmp_path):
    marker = tmp_path / "code_ran"
    return marker, pickle.dumps(_CreatesFile(marker))


def test_raw_pickle_file_is_refused(tmp_path, payload):
    pytest.importorskip("safetensors")
    from zeronn.io import ModelFileError

    marker, data = payload
    path = tmp_path / "model.pkl"
    path.write_bytes(data)
    for loader in _all_loaders():
        with pytest.raises(ModelFileError):
            loader(path)
    assert not marker.exists()


@pytest.mark.parametrize("dtype", ["O", "object", "PICKLE", "|O"])
def test_object_tensor_with_pickle_payload_is_refused(tmp_path, payload, dtype):
    pytest.importorskip("safetensors")
    from zeronn.io import ModelFileError

    marker, data = payload
    path = tmp_path / "model.safetensors"
    _zeronn_file_with_tensor(path, dtype, data)
    for loader in _all_loaders():
        with pytest.raises(ModelFileError, match="object arrays and pickles are never loaded"):
            loader(path)
    assert not marker.exists()


def test_numpy_object_array_file_is_refused(tmp_path, payload):
    pytest.importorskip("safetensors")
    from zeronn.io import ModelFileError

    marker, _ = payload
    path = tmp_path / "model.npy"
    np.save(path, np.array([_CreatesFile(marker)], dtype=object), allow_pickle=True)
    for loader in _all_loaders():
        with pytest.raises(ModelFileError):
            loader(path)
    assert not marker.exists()


def test_object_arrays_cannot_be_saved(tmp_path):
    pytest.importorskip("safetensors")
    from zeronn.io import save_weights, write_archive

    with pytest.raises(TypeError, match="object is not supported"):
        write_archive(tmp_path / "x", {"a": np.array([{"k": 1}], dtype=object)}, kind="checkpoint")
    with pytest.raises(TypeError, match="object is not supported"):
        save_weights({"a": np.array([None, 1], dtype=object)}, tmp_path / "x")


def test_json_that_looks_like_serialised_objects_stays_data(tmp_path):
    pytest.importorskip("safetensors")
    from zeronn.io import read_archive, write_archive

    tree = {"py/object": "os.system", "__reduce__": ["os.system", ["touch x"]], "$type": "builtins.eval"}
    write_archive(tmp_path / "x", tree, kind="checkpoint")
    assert read_archive(tmp_path / "x", kind="checkpoint") == tree
