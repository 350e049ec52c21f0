"""``zeronn playground``: starts the server, prints its address, stops cleanly on Ctrl-C; bad arguments are one line."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import urllib.request

import numpy as np
import pytest

from zeronn.playground import PlaygroundServer


@pytest.fixture
def fake_serve(monkeypatch):
    """serve_forever answers one real request to the server, then acts as if Ctrl-C was pressed."""
    seen = {}
    original = PlaygroundServer.serve_forever

    def serve_forever(self, poll_interval=0.5):
        thread = threading.Thread(target=original, args=(self, 0.05), daemon=True)
        thread.start()
        with urllib.request.urlopen(self.url + "api/options", timeout=10) as response:
            seen["options"] = json.loads(response.read())
        seen["address"] = self.server_address
        self.shutdown()
        thread.join(timeout=10)
        raise KeyboardInterrupt

    monkeypatch.setattr(PlaygroundServer, "serve_forever", serve_forever)
    return seen


def test_starts_prints_the_address_and_stops_on_ctrl_c(cli, fake_serve):
    result = cli("playground", "--no-browser", "--data", "spirals", "--lang", "zh")
    assert result.code == 0, result
    host, port = fake_serve["address"]
    assert host == "127.0.0.1" and port > 0
    assert f"http://127.0.0.1:{port}/" in result.out and "playground stopped" in result.out
    defaults = fake_serve["options"]["defaults"]
    assert defaults["data"] == "spirals" and defaults["lang"] == "zh"


def test_a_csv_file_becomes_the_starting_data(cli, fake_serve, tmp_path):
    rows = np.random.default_rng(0).normal(size=(30, 2))
    path = tmp_path / "points.csv"
    path.write_text("a,b,label\n" + "\n".join(f"{x},{y},{int(x * y > 0)}" for x, y in rows))
    result = cli("playground", "--no-browser", "--data", str(path))
    assert result.code == 0, result
    options = fake_serve["options"]
    assert options["defaults"]["data"] == "csv" and options["csv_name"] == "points.csv"
    assert "csv" in options["choices"]["data"]


@pytest.mark.parametrize("args, message", [
    (["--data", "mnist"], "--data must be one of"),
    (["--data", "missing.csv"], "no such CSV file"),
    (["--port", "70000"], "--port must be 0 to 65535"),
    (["--max-sessions", "0"], "--max-sessions must be at least 1"),
])
def test_bad_arguments_are_one_line(cli, args, message):
    result = cli("playground", "--no-browser", *args)
    assert result.code == 1
    assert message in result.err and result.err.count("\n") == 1 and "Traceback" not in result.err


def test_a_csv_with_three_features_is_refused(cli, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("a,b,c,label\n1,2,3,x\n4,5,6,y\n")
    result = cli("playground", "--no-browser", "--data", str(path))
    assert result.code == 1 and "exactly 2 feature columns" in result.err


def test_a_port_in_use_is_one_line(cli):
    busy = PlaygroundServer(("127.0.0.1", 0))
    try:
        result = cli("playground", "--no-browser", "--port", str(busy.server_address[1]))
    finally:
        busy.server_close()
    assert result.code == 1 and "cannot listen on 127.0.0.1" in result.err


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process is POSIX")
def test_real_ctrl_c_stops_the_server_cleanly():
    process = subprocess.Popen([sys.executable, "-m", "zeronn", "playground", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert b'id="boundary"' in response.read()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "playground stopped" in out and "Traceback" not in err
