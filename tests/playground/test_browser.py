"""The playground in a real headless browser: Debian's Chromium driven by Playwright.

Skips cleanly where Chromium or the ``playwright`` package is missing (CI installs
Chromium with apt; Playwright's own browser download is not used).  Set
``ZERONN_PLAYGROUND_SCREENSHOT=docs/playground.png`` to also write the README's
screenshot.
"""

from __future__ import annotations

import os
import shutil
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

import zeronn
from zeronn.playground import PlaygroundServer

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"), pytest.mark.slow]

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]

START = "?data=spirals&layers=8,8&features=x1,x2,x1sq,x2sq,sinx1,sinx2&optimizer=adam&lr=0.03&noise=5"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page_server():
    server = PlaygroundServer(("127.0.0.1", 0))
    server.start_in_thread()
    yield server
    server.shutdown()
    server.server_close()


def _save_small_screenshot(page, path: str) -> None:
    """The README's picture: the page as shown, in 256 colours (well under 300 KB)."""
    image_module = pytest.importorskip("PIL.Image")
    page.mouse.move(0, 0)
    raw = page.screenshot()
    import io

    image = image_module.open(io.BytesIO(raw)).convert("RGB")
    image.quantize(colors=256, method=image_module.Quantize.MEDIANCUT).save(path, optimize=True)


def _epoch(page) -> int:
    return int(page.inner_text("#epoch").replace(",", ""))


def _canvas(page) -> str:
    return page.evaluate("document.getElementById('boundary').toDataURL()")


def test_learn_change_export_and_stay_local(browser, page_server, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_server.url + START)
    page.wait_for_selector("body[data-ready='1']", state="attached", timeout=15000)
    first_loss = float(page.inner_text("#test-loss"))
    first_picture = _canvas(page)

    # play, wait for several epochs, pause
    page.click("#play")
    page.wait_for_function("() => parseInt(document.getElementById('epoch').textContent.replace(',', '')) >= 40",
                           timeout=20000)
    page.click("#pause")
    page.wait_for_timeout(300)                         # the request in flight lands
    epoch = _epoch(page)
    assert epoch >= 40
    assert float(page.inner_text("#test-loss")) < 0.7 * first_loss
    assert _canvas(page) != first_picture
    assert float(page.inner_text("#train-loss")) > 0
    page.click("#step")
    page.wait_for_function(f"() => parseInt(document.getElementById('epoch').textContent.replace(',', '')) "
                           f"== {epoch + 1}")

    if os.environ.get("ZERONN_PLAYGROUND_SCREENSHOT"):
        _save_small_screenshot(page, os.environ["ZERONN_PLAYGROUND_SCREENSHOT"])
    page.screenshot(path=str(tmp_path / "playground.png"))
    assert (tmp_path / "playground.png").stat().st_size > 10_000

    # a setting changes the URL and the network: a third hidden layer (2 units), then one more unit in it
    page.click("#add-layer")
    page.wait_for_function("() => location.search.includes('layers=8,8,2')")
    assert page.locator("#node-3-1").count() == 1 and page.locator("#node-3-2").count() == 0
    page.click("#add-unit-2")
    page.wait_for_function("() => location.search.includes('layers=8,8,3')")
    assert page.locator("#node-3-2").count() == 1
    assert page.locator("#links path").count() == 6 * 8 + 8 * 8 + 8 * 3 + 3 * 1
    assert _epoch(page) == 0                           # a new network starts from epoch 0
    page.click("#node-0-4")                            # switch the feature x1*x2 on
    page.wait_for_function("() => location.search.includes('features=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2')")
    assert page.locator("#links path").count() == 7 * 8 + 8 * 8 + 8 * 3 + 3 * 1
    page.click("#node-0-4")                            # and off again
    page.wait_for_function("() => location.search.includes('features=x1,x2,x1sq,x2sq,sinx1,sinx2')")
    page.select_option("#activation", "relu")
    page.wait_for_function("() => location.search.includes('activation=relu')")
    query = parse_qs(urlsplit(page.url).query)
    assert query["layers"] == ["8,8,3"] and query["data"] == ["spirals"]

    # the link reproduces the setup in a new tab
    other = browser.new_page()
    other.on("request", lambda request: requests.append(request.url))
    other.goto(page.url)
    other.wait_for_selector("body[data-ready='1']", state="attached", timeout=15000)
    assert other.locator("#node-3-2").count() == 1 and other.input_value("#activation") == "relu"
    other.close()

    # a weight edited by clicking its link
    page.click("#step")
    page.wait_for_function("() => parseInt(document.getElementById('epoch').textContent.replace(',', '')) == 1")
    page.dispatch_event("#link-3-0-0", "click")
    page.fill("#weight-value", "-3.5")
    page.press("#weight-value", "Enter")
    page.wait_for_function("() => document.getElementById('link-3-0-0').getAttribute('stroke-width') > 7")

    # exports: the model loads with zeronn.load, the code compiles
    page.click("#step")
    page.wait_for_function("() => parseInt(document.getElementById('epoch').textContent.replace(',', '')) == 2")
    with page.expect_download() as download:
        page.click("#export-model")
    path = tmp_path / "playground_model.safetensors"
    download.value.save_as(path)
    model = zeronn.load(path)
    assert model(np.zeros((5, 6))).shape == (5, 1)
    with page.expect_download() as download:
        page.click("#export-code")
    code_path = tmp_path / "playground_model.py"
    download.value.save_as(code_path)
    compile(code_path.read_text(encoding="utf-8"), str(code_path), "exec")

    # the explain view of the first hidden layer: formulas with the live shapes (batch of 10, 6 features)
    page.click("#column-1")
    page.wait_for_selector("#explain:not([hidden])")
    body = page.inner_text("#explain-body")
    assert "y = x @ W + b" in body and "(10, 6) @ (6, 8)" in body and "dW = x.T @ g" in body

    # the page in Chinese
    page.select_option("#lang", "zh")
    page.wait_for_function("() => document.getElementById('test-loss').previousElementSibling.textContent "
                           "== '测试损失'")
    assert "lang=zh" in page.url

    assert not errors, errors
    outside = [url for url in requests if urlsplit(url).hostname not in ("127.0.0.1",)
               and not url.startswith(("data:", "blob:"))]
    assert not outside, outside
    page.close()
