"""``zeronn sweep``: the table, the files, the errors."""

from __future__ import annotations

import os

import pytest


def test_sweep_grid_on_moons_writes_everything(cli, tmp_path):
    out = tmp_path / "sweep"
    result = cli("sweep", "--data", "moons", "--grid", "lr=1e-3,1e-1", "activation=relu,tanh", "--seeds", "2",
                 "--set", "epochs=3", "hidden=8", "--samples", "120", "--no-plots", "--out", str(out))
    assert result.code == 0, result
    assert "4 configurations x 2 seeds" in result.out
    assert "| rank | lr | activation | val_accuracy |" in result.out and " ± " in result.out
    assert set(os.listdir(out)) == {"results.csv", "results.md", "runs.csv", "best_model.safetensors"}
    exported = cli("export", str(out / "best_model.safetensors"))          # the info says the input shape
    assert exported.code == 0, exported


def test_random_search_from_a_csv(cli, tmp_path, iris_like_csv):
    result = cli("sweep", "--data", iris_like_csv, "--random", "2", "--grid", "lr=1e-3:1e-1", "activation=relu,tanh",
                 "--seeds", "1", "--set", "epochs=2", "--no-plots", "--out", str(tmp_path / "s"))
    assert result.code == 0, result
    assert "sweep on flowers: 2 configurations x 1 seeds" in result.out


def test_a_failing_configuration_is_a_row_not_a_crash(cli, tmp_path):
    result = cli("sweep", "--grid", "activation=relu,nope", "--seeds", "1", "--set", "epochs=2", "--samples", "60",
                 "--no-plots", "--out", str(tmp_path / "s"))
    assert result.code == 0, result
    assert "failed: ValueError: Unknown activation 'nope'" in result.out


def test_sweep_on_a_dask_scheduler(cli, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp://",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        result = cli("sweep", "--grid", "lr=1e-2,1e-1", "--seeds", "2", "--set", "epochs=2", "--samples", "80",
                     "--no-plots", "--dask-scheduler", cluster.scheduler_address, "--out", str(tmp_path / "s"))
    assert result.code == 0, result
    assert f"in Dask at {cluster.scheduler_address}" in result.out


@pytest.mark.parametrize("args, message", [
    (["--grid", "lr"], "KEY=VALUES"),
    (["--grid", "lr=1", "--data", "nowhere"], "unknown --data"),
    (["--grid", "lr=x:1", "--random", "2"], "LOW:HIGH"),
    (["--grid", "learning_rate=1"], "unknown configuration entries"),
    (["--grid", "lr=1", "--seeds", "0"], "seeds"),
])
def test_errors_are_one_line(cli, tmp_path, args, message):
    result = cli("sweep", *args, "--out", str(tmp_path / "s"))
    assert result.code == 1 and message in result.err and result.err.startswith("zeronn: error:"), result
    assert "Traceback" not in result.err
