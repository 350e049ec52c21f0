"""Fixtures for the command-line tests: a runner and small trained models shared by the tests of a module."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest

from zeronn.cli.main import main


class Result:
    """Exit code and captured output of one ``main([...])`` call."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Result(code={self.code}, out={self.out[-500:]!r}, err={self.err[-500:]!r})"


@pytest.fixture
def cli(capsys):
    """Run ``zeronn`` in-process: ``cli("train", "--data", "moons")`` -> Result."""

    def run(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_quietly(args: Sequence[str]) -> int:
    """Run ``main`` for a fixture (output not captured by a test)."""
    return main(list(args))


@pytest.fixture(scope="session")
def moons_run(tmp_path_factory) -> str:
    """A run folder of a small MLP trained on moons (no pictures)."""
    out = str(tmp_path_factory.mktemp("moons") / "run")
    code = run_quietly(["train", "--data", "moons", "--samples", "300", "--epochs", "15", "--out", out,
                        "--quiet", "--no-plots"])
    if code != 0:
        raise RuntimeError(f"training the moons fixture failed with exit code {code}")
    return out


@pytest.fixture(scope="session")
def digits_run(tmp_path_factory) -> str:
    """A run folder of an MLP trained briefly on the 8x8 digits (needs scikit-learn)."""
    pytest.importorskip("sklearn")
    out = str(tmp_path_factory.mktemp("digits") / "run")
    code = run_quietly(["train", "--data", "digits", "--epochs", "5", "--out", out, "--quiet", "--no-plots"])
    if code != 0:
        raise RuntimeError(f"training the digits fixture failed with exit code {code}")
    return out


@pytest.fixture
def iris_like_csv(tmp_path) -> str:
    """A small CSV with a header, three named classes and four numeric features."""
    import numpy as np

    rng = np.random.default_rng(0)
    centers = {"setosa": (5.0, 3.4, 1.5, 0.2), "versicolor": (5.9, 2.8, 4.3, 1.3), "virginica": (6.6, 3.0, 5.5, 2.0)}
    lines = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    for _ in range(30):
        for name, center in centers.items():
            values = np.asarray(center) + rng.normal(0, 0.2, 4)
            lines.append(",".join(f"{v:.2f}" for v in values) + f",{name}")
    path = tmp_path / "flowers.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def data_dir_available() -> bool:
    """Whether the real MNIST files are reachable through ZERONN_DATA."""
    folder = os.environ.get("ZERONN_DATA")
    return bool(folder) and os.path.isfile(os.path.join(folder, "mnist", "t10k-images-idx3-ubyte.gz"))
