"""Tests for zeronn.plot._mpl: lazy import, off-screen figures, saving."""

import subprocess
import sys
import textwrap

import pytest
from matplotlib.figure import Figure
from PIL import Image

from zeronn.plot import _mpl


def test_new_figure_is_offscreen_and_saves_exact_size(tmp_path):
    figure = _mpl.new_figure((3.0, 2.0), dpi=50)
    figure.add_subplot().plot([0, 1], [1, 0])
    assert isinstance(figure, Figure)
    path = _mpl.save_figure(figure, tmp_path / "sub" / "dir" / "line.png", dpi=50)   # folders created
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (150, 100)
    assert _mpl.figure_to_rgba(figure).shape == (100, 150, 4)


def test_path_without_suffix_is_png(tmp_path):
    figure = _mpl.new_figure((2.0, 2.0), dpi=20)
    _mpl.finish(figure, tmp_path / "picture", dpi=20)
    with Image.open(tmp_path / "picture") as image:
        assert image.format == "PNG" and image.size == (40, 40)


@pytest.mark.parametrize("dpi", [0, -5, float("nan")])
def test_bad_dpi_is_rejected(dpi):
    with pytest.raises(ValueError, match="dpi"):
        _mpl.new_figure((2.0, 2.0), dpi=dpi)


def test_missing_matplotlib_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)   # makes "import matplotlib.figure" fail
    with pytest.raises(ImportError, match=r"pip install 'zeronn\[plot\]'"):
        _mpl.new_figure((2.0, 2.0))


def test_headless_and_pyplot_free(tmp_path):
    # A fresh interpreter without a display: importing zeronn.plot loads no matplotlib,
    # drawing works, and pyplot (with its global figure list and backend choice) is never imported.
    script = textwrap.dedent(f"""
        import os, sys
        os.environ.pop("DISPLAY", None)
        os.environ.pop("MPLBACKEND", None)
        import zeronn.plot
        assert "matplotlib" not in sys.modules
        zeronn.plot.plot_loss([3.0, 2.0, 1.0], {str(tmp_path / "loss.png")!r}, dpi=20)
        assert "matplotlib.pyplot" not in sys.modules
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert (tmp_path / "loss.png").stat().st_size > 0
