"""The README's runnable Python examples run and do what the README says."""

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[1] / "README.md"


def runnable_blocks():
    """Python blocks that need no data files and elide nothing."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    return [block for block in blocks if "..." not in block and ">>>" not in block and "load_mnist" not in block]


def test_tutorial_and_moons_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = runnable_blocks()
    assert len(blocks) >= 2, "the README lost its tutorial or fit example"
    namespace = {}
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    assert (tmp_path / "moons.png").stat().st_size > 0 and (tmp_path / "boundary.png").stat().st_size > 0
    history = namespace["history"]
    assert history.history["val_accuracy"][-1] > 0.9


def test_tutorial_block_learns_xor(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(runnable_blocks()[0], str(README), "exec"), namespace)
    predictions = namespace["model"](namespace["X"]).ravel()
    assert np.array_equal(predictions.round(), [0, 1, 1, 0])
