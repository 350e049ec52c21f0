"""The playground's HTTP server: the page, and a small JSON API that trains in Python with ZeroNN.

Standard library only (``http.server.ThreadingHTTPServer``).  Binds
127.0.0.1 unless told otherwise; each tab creates its own session.

    GET  /                       the page (static/index.html); /static/app.js, /static/style.css
    GET  /api/options            choices, limits, defaults and the page's text in both languages
    POST /api/session            {"query": "data=xor&layers=4"}            -> full state of a new session
    POST /api/config             {"session": id, "changes": {"lr": 0.1}}   -> full state
    POST /api/train              {"session": id, "epochs": 1}              -> state after training
    POST /api/reset              {"session": id}                           -> full state, weights re-initialised
    POST /api/weight             {"session": id, "layer": 0, "source": 1, "target": 2, "value": 0.5}
    POST /api/explain            {"session": id}                           -> the explain view of every layer
    POST /api/upload             {"session": id, "name": "my.csv", "text": "x1,x2,label\\n..."}
    POST /api/close              {"session": id}
    GET  /api/export/model?session=id   the trained model (.safetensors, ``zeronn.load`` reads it)
    GET  /api/export/code?session=id    the Python program that builds and trains the same network

A malformed request (bad JSON, unknown setting, too many units, a body over
``MAX_BODY`` bytes ...) gets status 400 and ``{"error": "..."}``; an unknown or
evicted session 404 (the page then starts a new one).  The server keeps
serving either way.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import tempfile
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any, Optional
from urllib.parse import parse_qs, urlsplit

from zeronn.playground.config import ConfigError, PlaygroundConfig, config_from_query
from zeronn.playground.data import CSVSource, read_csv_source
from zeronn.playground.options import page_options
from zeronn.playground.session import MAX_EPOCHS_PER_REQUEST, Session, SessionStore

__all__ = ["PlaygroundServer", "PlaygroundHandler", "RequestError", "MAX_BODY", "STATIC_FILES"]

#: Largest request body accepted (an uploaded CSV of 5000 rows fits easily).
MAX_BODY = 2 * 1024 * 1024

#: The files the page is made of, and their content types.
STATIC_FILES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}

#: Nothing the page loads may come from anywhere but this server.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
                           "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'")


class RequestError(Exception):
    """A request the server refuses: answered with ``status`` and ``{"error": message}``."""

    def __init__(self, message: str, status: HTTPStatus = HTTPStatus.BAD_REQUEST) -> None:
        super().__init__(message)
        self.status = status


class PlaygroundServer(ThreadingHTTPServer):
    """The HTTP server plus what every request shares: the sessions, the starting settings, the CSV file.

    Parameters
    ----------
    address : (host, port)
        ``("127.0.0.1", 0)`` picks a free port; read it back from ``server_address``.
    config : PlaygroundConfig
        Settings of a new session before its URL's settings are applied.
    csv_source : CSVSource, optional
        The file given with ``--data FILE.csv``.
    max_sessions : int, default 16
    quiet : bool, default True
        Do not log each request to stderr.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], *, config: Optional[PlaygroundConfig] = None,
                 csv_source: Optional[CSVSource] = None, max_sessions: int = 16, quiet: bool = True) -> None:
        self.base_config = config or PlaygroundConfig()
        self.csv_source = csv_source
        self.sessions = SessionStore(max_sessions)
        self.quiet = quiet
        super().__init__(address, PlaygroundHandler)

    @property
    def url(self) -> str:
        """The page's address."""
        host, port = str(self.server_address[0]), int(self.server_address[1])
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        return f"http://{shown}:{port}/"

    def start_in_thread(self) -> threading.Thread:
        """Serve from a daemon thread (for tests and benchmarks); stop with ``shutdown()``."""
        thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05},
                                  name="zeronn-playground", daemon=True)
        thread.start()
        return thread


_BLAS: list[Any] = []


def _one_blas_thread() -> Any:
    """A context running BLAS on one thread (threadpoolctl), or doing nothing where it is not installed.

    The playground's products are tiny ((10000, 8) @ (8, 8) at most): OpenBLAS's worker threads cost far more
    than they save, and on a busy 2-core machine a 0.05 ms product took 22 ms with two threads.
    """
    if not _BLAS:
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:                      # optional (the "web" extra): the page still works, a bit slower
            _BLAS.append(None)
        else:
            _BLAS.append(ThreadpoolController())
    controller = _BLAS[0]
    return contextlib.nullcontext() if controller is None else controller.limit(limits=1, user_api="blas")


def _static(name: str) -> bytes:
    return resources.files("zeronn.playground").joinpath("static").joinpath(name).read_bytes()


class PlaygroundHandler(BaseHTTPRequestHandler):
    """Routes one request; every answer is complete (Content-Length) and errors are JSON."""

    server: PlaygroundServer
    protocol_version = "HTTP/1.1"
    server_version = "ZeroNNPlayground"

    # ------------------------------------------------------------------ plumbing
    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes; without TCP_NODELAY the second waits for the client's
        # delayed ACK (about 40 ms on Linux), which alone would cap the page at ~20 updates per second.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if not self.server.quiet:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, content_type: str, extra: Optional[dict[str, str]] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, payload: Any, status: int = HTTPStatus.OK) -> None:
        body = json.dumps(payload, allow_nan=False, separators=(",", ":")).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _error(self, error: RequestError) -> None:
        self._json({"error": str(error)}, error.status)

    def _check_host(self) -> None:
        """Refuse pages of other sites that reach this server through a DNS name pointing at 127.0.0.1."""
        bound = self.server.server_address[0]
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]")
        if bound not in ("0.0.0.0", "", "::") and host not in (bound, "localhost", "127.0.0.1", "::1"):
            raise RequestError(f"unexpected Host header {host!r}; open the page at {self.server.url}")

    def _body(self) -> Any:
        """The request's JSON object (at most MAX_BODY bytes)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            raise RequestError("chunked request bodies are not accepted; send Content-Length")
        length_text = self.headers.get("Content-Length")
        try:
            length = int(length_text) if length_text is not None else 0
        except ValueError:
            self.close_connection = True
            raise RequestError(f"bad Content-Length {length_text!r}") from None
        if length < 0 or length > MAX_BODY:
            self.close_connection = True            # the body is not read: drop the connection after answering
            raise RequestError(f"request body of {length} bytes; the limit is {MAX_BODY} bytes")
        raw = self.rfile.read(length)
        try:
            payload = json.loads(raw.decode("utf-8")) if raw else None
        except (UnicodeDecodeError, ValueError) as error:
            raise RequestError(f"the request body is not valid JSON: {error}") from None
        if not isinstance(payload, dict):
            raise RequestError(f"the request body must be a JSON object, got {type(payload).__name__}")
        return payload

    def _session(self, session_id: Any) -> Session:
        session = self.server.sessions.get(session_id)
        if session is None:
            raise RequestError(f"no session {session_id!r} (it may have been closed or replaced by newer tabs)",
                               HTTPStatus.NOT_FOUND)
        return session

    def _run(self, handler: Any, *args: Any) -> None:
        try:
            self._check_host()
            with _one_blas_thread():
                handler(*args)
        except RequestError as error:
            self._error(error)
        except ConfigError as error:
            self._error(RequestError(str(error)))
        except (ValueError, TypeError) as error:       # the library refused a value: still the request's fault
            self._error(RequestError(f"{type(error).__name__}: {error}"))
        except Exception as error:                     # a bug: say so, keep serving the other requests
            self.log_error("%s", f"internal error on {self.command} {self.path}: {error!r}")
            self._error(RequestError(f"internal error: {type(error).__name__}: {error}",
                                     HTTPStatus.INTERNAL_SERVER_ERROR))

    # ------------------------------------------------------------------ GET
    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self._run(self._get)

    def do_HEAD(self) -> None:  # noqa: N802
        self._run(self._get)

    def _get(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        if path in ("/", "/index.html"):
            self._send(HTTPStatus.OK, _static("index.html"), STATIC_FILES["index.html"])
        elif path.startswith("/static/") and path[len("/static/"):] in STATIC_FILES:
            name = path[len("/static/"):]
            self._send(HTTPStatus.OK, _static(name), STATIC_FILES[name])
        elif path == "/api/options":
            self._json(page_options(self.server.base_config, self.server.csv_source))
        elif path in ("/api/export/model", "/api/export/code"):
            self._export(path, parse_qs(parts.query))
        elif path.startswith("/api/"):
            raise RequestError(f"unknown GET endpoint {path}", HTTPStatus.NOT_FOUND)
        else:
            raise RequestError(f"no page at {path}", HTTPStatus.NOT_FOUND)

    def _export(self, path: str, query: dict[str, list[str]]) -> None:
        session = self._session((query.get("session") or [""])[0])
        with session.lock:
            if path.endswith("model"):
                body, kind, name = session.model_file(), "application/octet-stream", "playground_model.safetensors"
            else:
                body, kind, name = session.python_code().encode("utf-8"), "text/x-python; charset=utf-8", \
                    "playground_model.py"
        self._send(HTTPStatus.OK, body, kind, {"Content-Disposition": f'attachment; filename="{name}"'})

    # ------------------------------------------------------------------ POST
    def do_POST(self) -> None:  # noqa: N802
        self._run(self._post)

    def _post(self) -> None:
        path = urlsplit(self.path).path
        routes = {
            "/api/session": self._new_session,
            "/api/config": self._config,
            "/api/train": self._train,
            "/api/reset": self._reset,
            "/api/weight": self._weight,
            "/api/explain": self._explain,
            "/api/upload": self._upload,
            "/api/close": self._close,
        }
        if path not in routes:
            self.close_connection = True
            raise RequestError(f"unknown POST endpoint {path}", HTTPStatus.NOT_FOUND)
        routes[path](self._body())

    def _new_session(self, body: dict[str, Any]) -> None:
        _only(body, {"query"})
        config = config_from_query(body.get("query", ""), self.server.base_config)
        session = Session(config, self.server.csv_source)
        self.server.sessions.add(session)
        with session.lock:
            self._json(session.snapshot(full=True))

    def _config(self, body: dict[str, Any]) -> None:
        _only(body, {"session", "changes"})
        session = self._session(body.get("session"))
        with session.lock:
            session.apply(body.get("changes"))
            self._json(session.snapshot(full=True))

    def _train(self, body: dict[str, Any]) -> None:
        _only(body, {"session", "epochs"})
        epochs = body.get("epochs", 1)
        if isinstance(epochs, bool) or not isinstance(epochs, int) or not 1 <= epochs <= MAX_EPOCHS_PER_REQUEST:
            raise RequestError(f"'epochs' must be a whole number from 1 to {MAX_EPOCHS_PER_REQUEST}, got {epochs!r}")
        session = self._session(body.get("session"))
        with session.lock:
            rows = session.train(epochs)
            self._json(session.snapshot(full=False, new_rows=rows))

    def _reset(self, body: dict[str, Any]) -> None:
        _only(body, {"session"})
        session = self._session(body.get("session"))
        with session.lock:
            session.reset()
            self._json(session.snapshot(full=True))

    def _weight(self, body: dict[str, Any]) -> None:
        _only(body, {"session", "layer", "source", "target", "value"})
        numbers = [body.get(name) for name in ("layer", "source", "target")]
        indices = [n for n in numbers if isinstance(n, int) and not isinstance(n, bool)]
        if len(indices) != 3:
            raise RequestError(f"'layer', 'source' and 'target' must be whole numbers, got {numbers!r}")
        value = body.get("value")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not -100 <= value <= 100:
            raise RequestError(f"'value' must be a number from -100 to 100, got {value!r}")
        session = self._session(body.get("session"))
        with session.lock:
            session.set_weight(indices[0], indices[1], indices[2], float(value))
            self._json(session.snapshot(full=False))

    def _explain(self, body: dict[str, Any]) -> None:
        _only(body, {"session"})
        session = self._session(body.get("session"))
        with session.lock:
            self._json(session.explain())

    def _upload(self, body: dict[str, Any]) -> None:
        _only(body, {"session", "name", "text"})
        name, text = body.get("name"), body.get("text")
        if not isinstance(name, str) or not isinstance(text, str) or not name.strip():
            raise RequestError("upload needs 'name' (the file name) and 'text' (the CSV file's content) as strings")
        session = self._session(body.get("session"))
        shown = os.path.basename(name.strip())[:100]
        with tempfile.TemporaryDirectory(prefix="zeronn-playground-") as folder:
            path = os.path.join(folder, "upload.csv")
            with open(path, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
            source = read_csv_source(path, name=shown)
        with session.lock:
            session.use_csv(source)
            self._json(session.snapshot(full=True))

    def _close(self, body: dict[str, Any]) -> None:
        _only(body, {"session"})
        self._json({"closed": self.server.sessions.remove(str(body.get("session")))})


def _only(body: dict[str, Any], allowed: set[str]) -> None:
    """Refuse keys the endpoint does not know (a typo should not pass silently)."""
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise RequestError(f"unknown field(s) {', '.join(map(repr, unknown))}; this endpoint takes: "
                           f"{', '.join(sorted(allowed))}")
