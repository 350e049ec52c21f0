"""Small synthetic IDX datasets for the dataset tests, and where the real files are."""

import dataclasses
import gzip
import hashlib
import os
from pathlib import Path

import numpy as np

from zeronn.datasets import MNIST_CLASSES, DatasetFile, DatasetSpec, write_idx

REPO_ROOT = Path(__file__).resolve().parents[2]


def real_data_dir():
    """``$ZERONN_DATA`` if set, else ``<repo>/../shared/data``; None when it holds no dataset folders."""
    env = os.environ.get("ZERONN_DATA")
    folder = Path(env) if env else REPO_ROOT.parent / "shared" / "data"
    return folder if (folder / "mnist").is_dir() or (folder / "fashion-mnist").is_dir() else None


@dataclasses.dataclass
class Synthetic:
    """A tiny MNIST-like dataset: its spec (checksums of the files below), arrays and gzip files."""

    spec: DatasetSpec
    arrays: dict          # file name -> array
    folder: Path          # holds the four .gz files

    def with_mirrors(self, *mirrors):
        return dataclasses.replace(self.spec, mirrors=tuple(mirrors))


def make_synthetic(folder, *, name="tiny", n_train=6, n_test=4, side=4, seed=0, train_labels=None):
    """Write four small IDX files into ``folder`` and return the matching ``Synthetic``."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (n_train, side, side), dtype=np.uint8),
        "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, side, side), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    if train_labels is not None:
        arrays["train-labels-idx1-ubyte"] = np.asarray(train_labels, dtype=np.uint8)
    files = []
    for file_name, array in arrays.items():
        write_idx(folder / f"{file_name}.gz", array)
        content = gzip.decompress((folder / f"{file_name}.gz").read_bytes())
        files.append(DatasetFile(file_name, array.shape, md5=hashlib.md5(content).hexdigest(),
                                 sha256=hashlib.sha256(content).hexdigest()))
    spec = DatasetSpec(name, name.upper(), *files, mirrors=(), classes=MNIST_CLASSES)
    return Synthetic(spec, arrays, folder)
