"""Fixtures for the dataset tests: synthetic datasets, a local file server, a clean environment.

Nothing here touches the internet: downloads are tested against an ``http.server``
on 127.0.0.1 serving files written by the test itself.
"""

import functools
import http.server
import socket
import threading

import pytest

from tests.datasets.synthetic import make_synthetic


@pytest.fixture
def synthetic(tmp_path):
    return make_synthetic(tmp_path / "served")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    requested: list

    def log_message(self, *args):          # keep the test output clean
        pass

    def do_GET(self):
        self.requested.append(self.path)
        super().do_GET()


@pytest.fixture
def serve():
    """``serve(folder) -> (base_url, requested_paths)``: an HTTP server on 127.0.0.1 for the test's duration."""
    servers = []

    def start(folder):
        requested = []
        handler = type("Handler", (_QuietHandler,), {"requested": requested})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/", requested

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def dead_url():
    """A URL on 127.0.0.1 where nothing listens (connection refused at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No ZERONN_DATA; the cache in an empty temporary folder."""
    monkeypatch.delenv("ZERONN_DATA", raising=False)
    monkeypatch.setenv("ZERONN_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"
