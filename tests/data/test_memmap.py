"""zeronn.data.memmap: .npy memmaps written once and reused; training from them keeps memory O(batch)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import zeronn
from zeronn.data import csv_to_memmap, mnist_memmap, open_memmap, write_memmap

ROOT = Path(__file__).resolve().parents[2]


def test_write_array_and_blocks(tmp_path):
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    mm = write_memmap(tmp_path / "a.npy", x)
    assert isinstance(mm, np.memmap) and not mm.flags.writeable
    np.testing.assert_array_equal(mm, x)
    blocks = (x[i:i + 4] for i in range(0, 6, 4))                  # a generator: 4 rows, then 2
    np.testing.assert_array_equal(write_memmap(tmp_path / "b.npy", blocks, shape=(6, 2), dtype=np.float32), x)
    np.testing.assert_array_equal(np.load(tmp_path / "b.npy"), x)   # a standard .npy file
    with pytest.raises(ValueError, match="gave 4 rows, shape says 6"):
        write_memmap(tmp_path / "c.npy", iter([x[:4]]), shape=(6, 2), dtype=np.float32)
    assert not any(name.startswith("c.npy") for name in os.listdir(tmp_path))      # no partial file left
    with pytest.raises(ValueError, match="needs shape= and dtype="):
        write_memmap(tmp_path / "d.npy", iter([x]))


def test_open_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="memmap file not found"):
        open_memmap(tmp_path / "none.npy")
    (tmp_path / "bad.npy").write_bytes(b"not numpy")
    with pytest.raises(ValueError, match="not a .npy array file"):
        open_memmap(tmp_path / "bad.npy")


def test_csv_streamed_into_memmaps_and_reused(tmp_path):
    lines = ["a,b,kind"] + [f"{i},{i * 0.5},{'cat' if i % 3 else 'dog'}" for i in range(25)]
    (tmp_path / "t.csv").write_text("\n".join(lines) + "\n")
    x, y, classes = csv_to_memmap(tmp_path / "t.csv", tmp_path / "mm", block_rows=7)
    assert classes == ["cat", "dog"] and x.shape == (25, 2) and x.dtype == np.float32
    np.testing.assert_array_equal(x[:, 0], np.arange(25))
    np.testing.assert_array_equal(y, [1 if i % 3 == 0 else 0 for i in range(25)])
    os.remove(tmp_path / "t.csv")                                    # the second call only opens the files
    x2, y2, classes2 = csv_to_memmap(tmp_path / "t.csv", tmp_path / "mm")
    np.testing.assert_array_equal(x2, x)
    assert classes2 == classes and json.loads((tmp_path / "mm" / "classes.json").read_text()) == classes


def test_csv_without_header_and_errors(tmp_path):
    (tmp_path / "n.csv").write_text("1,2,0\n3,4,1\n5,6,1\n")
    x, y, classes = csv_to_memmap(tmp_path / "n.csv", tmp_path / "n")
    assert x.shape == (3, 2) and classes == ["0", "1"] and y.tolist() == [0, 1, 1]
    (tmp_path / "bad.csv").write_text("a,b,c\n1,2,x\n1,oops,y\n")
    with pytest.raises(ValueError, match=r"line 3, column 2: 'oops' is not a finite number"):
        csv_to_memmap(tmp_path / "bad.csv", tmp_path / "bad")
    (tmp_path / "ragged.csv").write_text("a,b,c\n1,2,x\n1,y\n")
    with pytest.raises(ValueError, match="line 3: 2 cells"):
        csv_to_memmap(tmp_path / "ragged.csv", tmp_path / "ragged")


def test_fit_evaluate_predict_from_memmaps(tmp_path):
    x, y = zeronn.data.make_moons(300, noise=0.1, seed=0)
    xm, ym = write_memmap(tmp_path / "x.npy", x), write_memmap(tmp_path / "y.npy", y)

    def train(xs, ys):
        model = zeronn.nn.Sequential(zeronn.nn.Linear(2, 8, rng=0), zeronn.nn.Tanh(), zeronn.nn.Linear(8, 2, rng=1))
        history = zeronn.fit(model, xs, ys, loss="cross_entropy", optimizer="adam", lr=0.05, epochs=3,
                             validation_split=0.2, seed=0, verbose=0)
        return model, history

    model, history = train(xm, ym)
    _, reference = train(x, y)
    assert history["loss"] == reference["loss"] and history["val_accuracy"] == reference["val_accuracy"]
    assert zeronn.evaluate(model, xm, ym)["accuracy"] > 0.8
    assert zeronn.predict(model, xm).shape == (300, 2)


@pytest.mark.data
def test_mnist_written_once_then_opened(tmp_path):
    if not os.environ.get("ZERONN_DATA") or not os.path.isdir(os.path.join(os.environ["ZERONN_DATA"], "mnist")):
        pytest.skip("needs the MNIST files (ZERONN_DATA)")
    x, y = mnist_memmap("mnist", "test", folder=tmp_path)
    assert x.shape == (10000, 1, 28, 28) and x.dtype == np.uint8 and y.dtype == np.int64
    stamp = os.path.getmtime(tmp_path / "mnist-test-x.npy")
    x2, _ = mnist_memmap("mnist", "test", folder=tmp_path)
    assert os.path.getmtime(tmp_path / "mnist-test-x.npy") == stamp and isinstance(x2, np.memmap)
    with pytest.raises(ValueError, match="split"):
        mnist_memmap("mnist", "dev", folder=tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status and RLIMIT_DATA")
def test_benchmark_trains_a_memmap_with_memory_of_a_batch(tmp_path):
    # 24 MB of float32 samples under a 300 MB cap on the process's own memory: copying the data into memory
    # would raise RssAnon by at least 24 MB; reading it batch by batch raises it by a few MB.
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_memmap.py"), "--gb", "0.024",
                           "--limit-mb", "300", "--json", "--folder", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["file_mb"] > 20
    assert result["anon_peak_above_model_mb"] < 0.5 * result["file_mb"], result
    assert result["accuracy"] > 0.3                                # it learns (chance is 0.1)


@pytest.mark.parametrize("cell", ["inf", "nan", "1e999", "-1e39"])
def test_csv_to_memmap_refuses_non_finite_cells_like_read_csv(tmp_path, cell):
    path = tmp_path / "points.csv"
    path.write_text(f"a,b,label\n1,2,x\n3,{cell},y\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 3, column 2: .* is not a finite number"):
        csv_to_memmap(path, tmp_path / "cache")
    assert not (tmp_path / "cache" / "x.npy").exists()


def test_csv_to_memmap_names_the_file_of_a_latin1_csv(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("größe,label\n1,ä\n".encode("latin-1"))
    with pytest.raises(ValueError, match="latin.csv is not valid utf-8"):
        csv_to_memmap(path, tmp_path / "cache")
