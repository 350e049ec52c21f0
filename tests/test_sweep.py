"""zeronn.sweep: grid and random search, the same numbers serially, on joblib and on Dask, failures reported."""

import csv
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import zeronn
from zeronn.sweep import grid_configs, parse_value, random_configs, sweep

GRID = {"lr": [1e-3, 1e-1], "activation": ["relu", "tanh"]}
BASE = {"epochs": 4, "hidden": (8,)}


def _same_numbers(a, b):
    assert [(r.config, r.seed) for r in a.runs] == [(r.config, r.seed) for r in b.runs]
    for x, y in zip(a.runs, b.runs):
        assert x.metrics == y.metrics and x.history == y.history      # bit for bit


@pytest.fixture(scope="module")
def serial():
    return sweep("moons", GRID, seeds=2, base=BASE, n_samples=200)


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    # Two workers as threads of this process, reached over TCP on the loopback interface only: starts in a blink.
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://",
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_grid_table_sorted_with_mean_and_std(serial):
    assert len(serial.runs) == 8 and len(serial.rows) == 4
    values = [row["val_accuracy_mean"] for row in serial.rows]
    assert values == sorted(values, reverse=True)
    row = serial.best
    accuracies = [r.metrics["val_accuracy"] for r in serial.runs if r.config == row["config"]]
    assert row["val_accuracy_mean"] == pytest.approx(np.mean(accuracies))
    assert row["val_accuracy_std"] == pytest.approx(np.std(accuracies, ddof=1))
    markdown = serial.to_markdown()
    assert markdown.startswith("| rank | lr | activation | val_accuracy |") and " ± " in markdown


def test_same_seeds_same_numbers_on_joblib(serial):
    pytest.importorskip("joblib")
    _same_numbers(serial, sweep("moons", GRID, seeds=2, base=BASE, n_samples=200, jobs=2))


def test_same_seeds_same_numbers_on_dask(serial, dask_client):
    _same_numbers(serial, sweep("moons", GRID, seeds=2, base=BASE, n_samples=200, dask=dask_client))


def test_dask_scheduler_address(serial, dask_client):
    address = dask_client.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    _same_numbers(serial, sweep("moons", GRID, seeds=2, base=BASE, n_samples=200, dask=address))


def test_failing_configuration_is_reported_and_others_run(dask_client):
    result = sweep("moons", {"activation": ["relu", "no_such_activation"]}, seeds=2, base=BASE, n_samples=100,
                   dask=dask_client)
    failed = result.rows[-1]
    assert failed["activation"] == "no_such_activation" and failed["runs"] == 0 and failed["failed"] == 2
    assert "Unknown activation" in failed["error"]
    assert result.rows[0]["runs"] == 2
    assert "failed: ValueError" in result.to_markdown()


def test_diverging_learning_rate_fails_alone():
    result = sweep("moons", {"lr": [1e-2, 1e12]}, seeds=1, base={"epochs": 3, "optimizer": "sgd"}, n_samples=100)
    by_lr = {row["lr"]: row for row in result.rows}
    assert by_lr[1e-2]["runs"] == 1
    assert by_lr[1e12]["runs"] == 0 and by_lr[1e12]["error"]


def test_out_folder_files(tmp_path):
    pytest.importorskip("matplotlib")
    result = sweep("moons", {"lr": [1e-2, 1e-1]}, seeds=2, base=BASE, n_samples=100, out=tmp_path)
    assert set(os.listdir(tmp_path)) == {"results.csv", "results.md", "runs.csv", "curves.png",
                                         "best_model.safetensors"}
    with open(tmp_path / "results.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [float(r["lr"]) for r in rows] == [row["lr"] for row in result.rows]
    assert "val_accuracy_mean" in rows[0] and "val_accuracy_std" in rows[0]
    with open(tmp_path / "runs.csv", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 4
    model = zeronn.load(tmp_path / "best_model.safetensors")
    x, y = zeronn.data.make_moons(100, noise=0.2, seed=0)
    best = result.best_run()
    assert zeronn.evaluate(model, x[80:], y[80:])["accuracy"] == pytest.approx(best.metrics["val_accuracy"])
    assert zeronn.io.load_metadata(tmp_path / "best_model.safetensors")["sweep"]["seed"] == best.seed


def test_random_search_and_arrays_and_regression():
    configs = random_configs({"lr": (1e-4, 1e-1), "hidden": [(4,), (8,)], "epochs": (2, 4)}, 5, seed=1)
    assert configs == random_configs({"lr": (1e-4, 1e-1), "hidden": [(4,), (8,)], "epochs": (2, 4)}, 5, seed=1)
    assert all(1e-4 <= c["lr"] <= 1e-1 and c["epochs"] in (2, 3, 4) for c in configs)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5])).astype(np.float32)
    result = sweep((x, y), space={"lr": (1e-3, 1e-1)}, n_trials=3, seeds=1, base={"epochs": 3})
    assert result.metric == "val_loss" and len(result.rows) == 3
    losses = [row["val_loss_mean"] for row in result.rows]
    assert losses == sorted(losses)


def test_memmap_data(tmp_path):
    x, y = zeronn.data.make_moons(200, noise=0.2, seed=0)
    mm = np.memmap(tmp_path / "x.dat", dtype=np.float32, mode="w+", shape=x.shape)
    mm[:] = x
    mm.flush()
    data = (np.memmap(tmp_path / "x.dat", dtype=np.float32, mode="r", shape=x.shape), y)
    a = sweep(data, {"lr": [1e-2]}, seeds=1, base=BASE)
    b = sweep((x, y), {"lr": [1e-2]}, seeds=1, base=BASE)
    _same_numbers(a, b)


def test_helpers_and_errors():
    assert grid_configs({"a": [1, 2], "b": ["x"]}) == [{"a": 1, "b": "x"}, {"a": 2, "b": "x"}]
    assert [parse_value(v) for v in ("3", "1e-3", "relu", "16x16", "true")] == [3, 1e-3, "relu", (16, 16), True]
    with pytest.raises(ValueError, match="grid= .* or space="):
        sweep("moons")
    with pytest.raises(ValueError, match="unknown configuration entries"):
        sweep("moons", {"learning_rate": [0.1]})
    with pytest.raises(ValueError, match="unknown dataset"):
        sweep("mnoons", {"lr": [0.1]})
    with pytest.raises(ValueError, match="non-empty list"):
        sweep("moons", {"lr": 0.1})


@pytest.mark.slow
def test_ctrl_c_stops_the_workers(tmp_path):
    pytest.importorskip("joblib")
    marker = f"zeronn-sweep-test-{os.getpid()}-{time.time_ns()}"
    script = textwrap.dedent("""
        import zeronn
        zeronn.sweep("moons", {"lr": [1e-3, 1e-2, 1e-1, 0.3]}, seeds=4, jobs=2,
                     base={"epochs": 100000}, n_samples=2000)
    """)
    env = {**os.environ, "ZERONN_SWEEP_MARKER": marker}
    process = subprocess.Popen([sys.executable, "-c", script], env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(_marked(marker)) < 3:        # the script and two workers
        time.sleep(0.2)
    assert len(_marked(marker)) >= 3, "the workers did not start"
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    assert process.returncode != 0 and b"KeyboardInterrupt" in process.stderr.read()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _marked(marker):
        time.sleep(0.2)
    assert not _marked(marker), "worker processes survived Ctrl-C"


def _marked(marker):
    """Processes whose environment holds ``marker`` (the test's script and the workers it started)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/environ", "rb") as handle:
                if marker.encode() in handle.read():
                    found.append(int(pid))
        except OSError:
            continue
    return found


class MoonsDataset:
    """A dataset object returning (inputs, labels) for index arrays (picklable: it goes to the workers)."""

    def __init__(self):
        self.x, self.y = zeronn.data.make_moons(200, noise=0.2, seed=0)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        return self.x[index], self.y[index]


def test_dataset_object_same_numbers_as_arrays(dask_client):
    data = MoonsDataset()
    on_arrays = sweep((data.x, data.y), {"lr": [1e-2, 1e-1]}, seeds=1, base=BASE)
    _same_numbers(on_arrays, sweep(data, {"lr": [1e-2, 1e-1]}, seeds=1, base=BASE))
    _same_numbers(on_arrays, sweep(data, {"lr": [1e-2, 1e-1]}, seeds=1, base=BASE, dask=dask_client))
    assert on_arrays.task["n_outputs"] == 2
