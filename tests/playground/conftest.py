"""A playground server on a free 127.0.0.1 port, and a tiny JSON client for it."""

from __future__ import annotations

import http.client
import json
from typing import Any, Optional

import pytest

from zeronn.playground import PlaygroundServer


class Client:
    """Plain http.client requests to the test server (a new connection each time)."""

    def __init__(self, server: PlaygroundServer) -> None:
        self.host, self.port = server.server_address[:2]

    def raw(self, method: str, path: str, body: Optional[bytes] = None,
            headers: Optional[dict[str, str]] = None) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, Any]:
        status, _, body = self.raw("GET", path)
        return status, json.loads(body)

    def post(self, path: str, payload: Any) -> tuple[int, Any]:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        status, _, body = self.raw("POST", path, data, {"Content-Type": "application/json"})
        return status, json.loads(body)

    def session(self, query: str = "") -> dict[str, Any]:
        status, state = self.post("/api/session", {"query": query})
        assert status == 200, state
        return state


@pytest.fixture
def server():
    server = PlaygroundServer(("127.0.0.1", 0), max_sessions=3)
    server.start_in_thread()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(server):
    return Client(server)
