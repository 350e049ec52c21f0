"""Every ```python block of the README runs on its own, as written, and prints something.

Each block runs in a fresh namespace, in an empty temporary folder, with
``ZERONN_README_QUICK=1`` set (a block that would take long reads it to shrink
its work) and the library-wide random generator in a fresh state.  A block of
``>>>`` lines is checked as a doctest instead.  Blocks that load MNIST skip
when the files are not available (``ZERONN_DATA``).
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
from pathlib import Path

import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
_FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", flags=re.S | re.M)


def python_blocks() -> list[tuple[str, int, str]]:
    """(section heading, line number, code) of every ```python block, in order."""
    text = README.read_text(encoding="utf-8")
    prose = re.sub(r"^```.*?^```", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S | re.M)
    blocks = []
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        headings = re.findall(r"^#{1,6} (.+)$", prose[: match.start()], flags=re.M)     # not "# ..." in code
        blocks.append((headings[-1] if headings else "top", line, match.group(1)))
    return blocks


BLOCKS = python_blocks()


def _mnist_available() -> bool:
    from zeronn.datasets import load_mnist

    try:
        load_mnist(download=False)
    except (OSError, ValueError):
        return False
    return True


def _run_doctest(code: str, name: str) -> str:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(code, {"__name__": "__readme__"}, name, str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    output = io.StringIO()
    runner.run(test, out=output.write)
    assert runner.failures == 0, output.getvalue()
    return "doctest passed"


def _run_block(code: str, name: str) -> str:
    if re.search(r"^\s*>>> ", code, flags=re.M):
        return _run_doctest(code, name)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, name, "exec"), {"__name__": "__readme__"})
    return printed.getvalue()


def test_the_readme_has_its_blocks():
    headings = {heading for heading, _, _ in BLOCKS}
    assert len(BLOCKS) >= 6
    assert {"The tutorial, grown up", "Images: the tutorial's third question", "Command line"} <= headings


@pytest.mark.parametrize("heading, line, code", BLOCKS, ids=[f"line{line}" for _, line, _ in BLOCKS])
def test_block_runs_on_its_own(heading, line, code, tmp_path, monkeypatch):
    if "load_mnist(" in code and not _mnist_available():
        pytest.skip("needs the MNIST files (set ZERONN_DATA)")
    import zeronn

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZERONN_README_QUICK", "1")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    state = zeronn.random.global_rng().bit_generator.state
    zeronn.manual_seed(12345)                      # a block that needs a seed sets its own
    try:
        printed = _run_block(code, f"README.md, line {line} ({heading})")
    finally:
        zeronn.random.global_rng().bit_generator.state = state
    assert printed.strip(), f"the block at README.md line {line} ({heading}) prints nothing"


def _block_under(heading: str, index: int = 0) -> str:
    return [code for title, _, code in BLOCKS if title == heading][index]


def test_tutorial_block_learns_xor_and_says_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(compile(_block_under("The tutorial, grown up"), "README.md", "exec"), namespace)
    predictions = namespace["model"](namespace["X"]).ravel()
    assert np.array_equal(predictions.round(), [0, 1, 1, 0])
    claimed = re.search(r"# output: (.*)$", _block_under("The tutorial, grown up"), flags=re.M)
    assert claimed is not None and printed.getvalue().strip() == claimed.group(1).strip()


def test_fit_block_learns_the_moons(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(_block_under("The tutorial, grown up", 1), "README.md", "exec"), namespace)
    assert (tmp_path / "moons.png").stat().st_size > 0 and (tmp_path / "boundary.png").stat().st_size > 0
    assert namespace["kept"]["accuracy"] > 0.9

