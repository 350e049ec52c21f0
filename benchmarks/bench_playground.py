"""How live the playground feels: server time per update and the page's frame time, for a 2-8-8-1 network.

    python benchmarks/bench_playground.py                 # server side, HTTP, and the page in headless Chromium
    python benchmarks/bench_playground.py --seconds 10 --no-browser

One *update* is what the page asks for while playing: one epoch of training
(500 points, half for training, batches of 10: 25 optimizer steps), then the
100x100 output heat-map, the 50x50 map of every unit (2 inputs + 16 hidden),
the weights, the losses and the doctor's findings, as JSON.  Measured:

1. server: ``Session.train(1)`` + ``snapshot`` + ``json.dumps`` in this process (what the handler does);
2. http: the same through ``POST /api/train`` on 127.0.0.1 (adds the HTTP round trip);
3. page: Chromium (Debian's, driven by Playwright) playing for ``--seconds``: updates per second and the
   time the page spends decoding and drawing each update (``window.__zeronnStats``), i.e. its frame time.

The target is >= 20 updates per second.  Prints one JSON object per measurement and the CPU model.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import statistics
import time
from typing import Any

from zeronn.playground import PlaygroundConfig, PlaygroundServer, Session
from zeronn.playground.server import _one_blas_thread

QUERY = "data=spirals&points=500&ratio=50&batch=10&layers=8,8&features=x1,x2&activation=tanh&optimizer=sgd&lr=0.03"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def summary(name: str, seconds: list[float], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    ms = sorted(1000 * s for s in seconds)
    result = {"measure": name, "updates": len(ms), "median_ms": round(statistics.median(ms), 2),
              "p90_ms": round(ms[int(0.9 * (len(ms) - 1))], 2), "updates_per_s": round(1000 / statistics.mean(ms), 1)}
    result.update(extra or {})
    return result


def bench_server(updates: int) -> dict[str, Any]:
    from zeronn.playground.config import config_from_query

    session = Session(config_from_query(QUERY, PlaygroundConfig()))
    times, sizes = [], []
    for _ in range(updates):
        started = time.perf_counter()
        with _one_blas_thread():
            state = session.snapshot(full=False, new_rows=session.train(1))
            body = json.dumps(state, allow_nan=False, separators=(",", ":"))
        times.append(time.perf_counter() - started)
        sizes.append(len(body))
    return summary("server (train 1 epoch + maps + JSON, in process)", times,
                   {"bytes_per_update": int(statistics.mean(sizes)), "test_loss": round(session.test_loss, 4)})


def bench_http(server: PlaygroundServer, updates: int) -> dict[str, Any]:
    host, port = server.server_address[:2]
    connection = http.client.HTTPConnection(host, port)

    def post(path: str, payload: Any) -> Any:
        connection.request("POST", path, json.dumps(payload), {"Content-Type": "application/json"})
        return json.loads(connection.getresponse().read())

    session = post("/api/session", {"query": QUERY})["session"]
    times = []
    for _ in range(updates):
        started = time.perf_counter()
        post("/api/train", {"session": session, "epochs": 1})
        times.append(time.perf_counter() - started)
    connection.close()
    return summary("http (POST /api/train round trip, keep-alive)", times)


def bench_page(server: PlaygroundServer, seconds: float) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(server.url + "?" + QUERY)
        page.wait_for_selector("body[data-ready='1']", state="attached", timeout=30000)
        before = page.evaluate("() => Object.assign({}, window.__zeronnStats)")
        page.click("#play")
        time.sleep(seconds)
        page.click("#pause")
        after = page.evaluate("() => Object.assign({}, window.__zeronnStats)")
        epoch = int(page.inner_text("#epoch").replace(",", ""))
        browser.close()
    updates = after["updates"] - before["updates"]
    span_ms = after["lastUpdate"] - before["lastUpdate"]
    draw_ms = (after["drawMs"] - before["drawMs"]) / max(1, updates)
    request_ms = after["requestMs"] / max(1, updates)
    return {"measure": "page (headless Chromium playing)", "updates": updates, "epochs": epoch,
            "updates_per_s": round(1000 * updates / max(span_ms, 1), 1), "frame_ms_mean": round(draw_ms, 2),
            "frame_ms_max": round(after["maxDrawMs"], 2), "request_ms_mean": round(request_ms, 2),
            "errors": after["errors"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--updates", type=int, default=200, help="updates timed on the server side")
    parser.add_argument("--seconds", type=float, default=6.0, help="how long the page plays")
    parser.add_argument("--no-browser", action="store_true", help="skip the page measurement")
    args = parser.parse_args()
    print(json.dumps({"cpu": cpu_model(), "cores": os.cpu_count(), "load_average": os.getloadavg()}))
    print(json.dumps(bench_server(args.updates)))
    server = PlaygroundServer(("127.0.0.1", 0))
    server.start_in_thread()
    try:
        print(json.dumps(bench_http(server, args.updates)))
        if not args.no_browser:
            print(json.dumps(bench_page(server, args.seconds)))
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
