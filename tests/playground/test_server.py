"""The playground's HTTP API without a browser: every endpoint, and every kind of bad request."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest

import zeronn
from zeronn.playground.server import MAX_BODY


# ---------------------------------------------------------------------- the page and its files
def test_page_and_static_files_are_served_with_a_strict_content_policy(client):
    status, headers, body = client.raw("GET", "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert b'id="boundary"' in body and b"/static/app.js" in body
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        status, headers, body = client.raw("GET", f"/static/{name}")
        assert status == 200 and headers["Content-Type"].startswith(kind) and len(body) > 1000


def test_the_page_names_no_other_host():
    """Nothing in the shipped files points outside the machine (no CDN, fonts, analytics)."""
    from importlib import resources

    for name in ("index.html", "app.js", "style.css"):
        text = resources.files("zeronn.playground").joinpath("static").joinpath(name).read_text("utf-8")
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "") and "https://" not in text, name
        assert "//cdn" not in text and "@import" not in text and "url(" not in text, name


def test_unknown_paths_and_files_are_404(client):
    assert client.raw("GET", "/static/../server.py")[0] == 404
    assert client.raw("GET", "/static/secret.txt")[0] == 404
    status, body = client.get("/api/nothing")
    assert status == 404 and "unknown GET endpoint" in body["error"]
    status, body = client.post("/api/nothing", {})
    assert status == 404 and "unknown POST endpoint" in body["error"]


def test_options_list_every_choice_and_both_languages(client):
    status, options = client.get("/api/options")
    assert status == 200
    choices = options["choices"]
    assert {"circles", "xor", "gauss", "spirals", "plane", "multigauss"} <= set(choices["data"])
    assert "csv" not in choices["data"]                          # no file given
    assert {"relu", "tanh", "sigmoid", "linear", "gelu"} <= set(choices["activation"])
    assert {"sgd", "momentum", "adam", "rmsprop"} <= set(choices["optimizer"])
    assert options["text"]["zh"]["lr"] == "学习率" and options["text"]["en"]["lr"] == "Learning rate"
    assert set(options["text"]["en"]) == set(options["text"]["zh"])


# ---------------------------------------------------------------------- a session's life
def test_session_config_train_reset_and_close(client):
    state = client.session("?data=xor&layers=4,3&features=x1,x2,x1x2&lr=0.1")
    assert state["config"]["layers"] == [4, 3] and state["task"] == "binary"
    assert "data=xor" in state["query"] and "layers=4,3" in state["query"]
    assert len(state["train"]["x"]) == 250 and len(state["test"]["x"]) == 250
    assert len(base64.b64decode(state["output"])) == 100 * 100
    assert [len(column) for column in state["units"]] == [3, 4, 3]      # features, then each hidden layer
    assert len(base64.b64decode(state["units"][1][0])) == 50 * 50
    assert np.array(state["weights"][0]).shape == (3, 4)
    session = state["session"]

    status, trained = client.post("/api/train", {"session": session, "epochs": 5})
    assert status == 200 and trained["epoch"] == 5 and [row[0] for row in trained["losses"]] == [1, 2, 3, 4, 5]
    assert trained["test_loss"] < state["test_loss"]
    assert trained["output"] != state["output"]

    status, changed = client.post("/api/config", {"session": session, "changes": {"lr": 0.3, "reg": "l2",
                                                                               "reg_rate": 0.001}})
    assert status == 200 and changed["epoch"] == 5                       # optimizer settings keep the weights
    assert "lr=0.3" in changed["query"] and changed["lr"] == 0.3
    status, changed = client.post("/api/config", {"session": session, "changes": {"layers": [2]}})
    assert status == 200 and changed["epoch"] == 0 and np.array(changed["weights"][0]).shape == (3, 2)

    client.post("/api/train", {"session": session, "epochs": 2})
    status, reset = client.post("/api/reset", {"session": session})
    assert status == 200 and reset["epoch"] == 0 and reset["history"] == []
    assert reset["weights"] == changed["weights"]                        # the seeded start again

    assert client.post("/api/close", {"session": session}) == (200, {"closed": True})
    status, body = client.post("/api/train", {"session": session})
    assert status == 404 and "no session" in body["error"]


def test_every_dataset_and_feature_trains(client):
    for name in ("circles", "xor", "gauss", "spirals", "moons", "blobs", "plane", "multigauss"):
        state = client.session(f"data={name}&features=x1,x2,x1sq,x2sq,x1x2,sinx1,sinx2&points=60&layers=3")
        status, trained = client.post("/api/train", {"session": state["session"], "epochs": 2})
        assert status == 200 and trained["epoch"] == 2, name
        assert (state["task"] == "regression") == (name in ("plane", "multigauss"))
        assert ("output_classes" in trained) == (name == "blobs")


def test_several_tabs_have_their_own_sessions_and_the_oldest_is_forgotten(client, server):
    first, second = client.session("data=xor"), client.session("data=gauss")
    assert first["session"] != second["session"]
    client.post("/api/train", {"session": first["session"], "epochs": 3})
    status, other = client.post("/api/train", {"session": second["session"], "epochs": 1})
    assert other["epoch"] == 1                                           # not disturbed by the first tab
    for _ in range(3):                                                   # max_sessions=3 in the fixture
        client.session()
    assert len(server.sessions) == 3
    assert client.post("/api/train", {"session": first["session"]})[0] == 404


def test_edit_a_weight(client):
    state = client.session("layers=2")
    status, edited = client.post("/api/weight", {"session": state["session"], "layer": 0, "source": 1,
                                                 "target": 0, "value": 2.5})
    assert status == 200 and edited["weights"][0][1][0] == 2.5
    assert edited["output"] != state["output"]


def test_explain_gives_formulas_with_live_shapes_per_column(client):
    state = client.session("layers=3&batch=7&features=x1,x2,x1x2")
    status, result = client.post("/api/explain", {"session": state["session"]})
    assert status == 200
    first = [record for record in result["records"] if record["column"] == 1]
    assert [record["layer"] for record in first] == ["Linear(3 -> 3)", "Tanh()"]
    assert "y = x @ W + b" in first[0]["forward"][0] and "(7, 3) @ (3, 3)" in first[0]["forward"][-1]
    assert any(record["name"] == "loss" and record["column"] == 2 for record in result["records"])


def test_doctor_findings_arrive_with_the_state(client):
    state = client.session("data=spirals&lr=10&optimizer=sgd&layers=8,8&activation=sigmoid")
    status, trained = client.post("/api/train", {"session": state["session"], "epochs": 10})
    assert status == 200
    assert trained["findings"], "a learning rate of 10 should worry the doctor"
    assert {"code", "severity", "message", "advice"} <= set(trained["findings"][0])


def test_export_model_loads_with_zeronn_load(client, tmp_path):
    state = client.session("data=gauss&layers=3&features=x1,x2")
    client.post("/api/train", {"session": state["session"], "epochs": 3})
    status, headers, body = client.raw("GET", f"/api/export/model?session={state['session']}")
    assert status == 200 and "attachment" in headers["Content-Disposition"]
    path = tmp_path / "model.safetensors"
    path.write_bytes(body)
    model = zeronn.load(path)
    assert model(np.zeros((4, 2))).shape == (4, 1)
    metadata = zeronn.io.load_metadata(path)
    assert metadata["features"] == ["x1", "x2"] and metadata["epoch"] == 3


def test_export_code_is_python(client):
    state = client.session("data=moons&layers=2")
    status, headers, body = client.raw("GET", f"/api/export/code?session={state['session']}")
    assert status == 200 and headers["Content-Type"].startswith("text/x-python")
    compile(body.decode(), "playground_model.py", "exec")
    assert b"make_moons(500" in body and b"Linear(2, 2" in body
    assert client.raw("GET", "/api/export/code?session=nope")[0] == 404


def test_upload_a_csv(client):
    state = client.session()
    points = np.random.default_rng(0).normal(size=(40, 2))
    rows = "\n".join(f"{x:.3f},{y:.3f},{'a' if x > y else 'b'}" for x, y in points)
    status, uploaded = client.post("/api/upload", {"session": state["session"], "name": "mine.csv",
                                                   "text": "u,v,label\n" + rows})
    assert status == 200, uploaded
    assert uploaded["config"]["data"] == "csv" and uploaded["csv_name"] == "mine.csv"
    assert uploaded["classes"] == ["a", "b"] and len(uploaded["train"]["x"]) == 20
    assert client.post("/api/train", {"session": state["session"], "epochs": 2})[0] == 200
    status, body = client.post("/api/upload", {"session": state["session"], "name": "bad.csv",
                                               "text": "a,b,c,label\n1,2,3,x\n4,5,6,y\n"})
    assert status == 400 and "exactly 2 feature columns" in body["error"]


# ---------------------------------------------------------------------- bad requests: 400, and the server goes on
BAD_BODIES = [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "must be a JSON object"),
    (b"\xff\xfe", "not valid JSON"),
]

BAD_QUERIES = [
    ("layers=1000000", "1 to 8 units"),
    ("layers=8,8,8,8,8,8,8", "at most 6"),
    ("layers=a,b", "sizes separated by commas"),
    ("data=mnist", "setting 'data'"),
    ("activation=swishy", "setting 'activation'"),
    ("optimizer=lbfgs", "setting 'optimizer'"),
    ("features=x3", "setting 'features'"),
    ("features=", "non-empty list"),
    ("lr=0", "from 1e-06 to 10"),
    ("lr=nan", "expected a number"),
    ("lr=fast", "expected a number"),
    ("points=1000000", "setting 'points'"),
    ("batch=2.5", "expected a number"),
    ("noise=99", "setting 'noise'"),
    ("show_test=yes", "expected 0 or 1"),
    ("colour=red", "unknown setting 'colour'"),
    ("data=csv", "needs a CSV file"),
]


@pytest.mark.parametrize("body, message", BAD_BODIES)
def test_malformed_bodies_get_400(client, body, message):
    status, answer = client.post("/api/session", body)
    assert status == 400 and message in answer["error"]


@pytest.mark.parametrize("query, message", BAD_QUERIES)
def test_bad_settings_in_the_url_get_400_naming_the_setting(client, query, message):
    status, answer = client.post("/api/session", {"query": query})
    assert status == 400 and message in answer["error"], answer


def test_bad_changes_get_400_and_change_nothing(client):
    state = client.session("layers=3")
    session = state["session"]
    for changes, message in [
        ({"layers": [10**6]}, "1 to 8 units"),
        ({"layers": "8,8"}, "expected a list"),
        ({"lr": "0.1"}, "expected a number"),
        ({"lr": True}, "expected a number"),
        ({"activation": None}, "setting 'activation'"),
        ({"unknown": 1}, "unknown setting"),
        ([1, 2], "must be a JSON object"),
    ]:
        status, answer = client.post("/api/config", {"session": session, "changes": changes})
        assert status == 400 and message in answer["error"], (changes, answer)
    status, trained = client.post("/api/train", {"session": session, "epochs": 1})
    assert status == 200 and trained["weights"][0] and len(trained["weights"][0][0]) == 3


def test_bad_fields_of_each_endpoint_get_400(client):
    session = client.session()["session"]
    cases = [
        ("/api/train", {"session": session, "epochs": 0}, "'epochs'"),
        ("/api/train", {"session": session, "epochs": 10**6}, "'epochs'"),
        ("/api/train", {"session": session, "epochs": "5"}, "'epochs'"),
        ("/api/train", {"session": session, "steps": 5}, "unknown field"),
        ("/api/weight", {"session": session, "layer": 9, "source": 0, "target": 0, "value": 1}, "layer must be"),
        ("/api/weight", {"session": session, "layer": 0, "source": 99, "target": 0, "value": 1}, "links units"),
        ("/api/weight", {"session": session, "layer": 0, "source": 0, "target": 0, "value": "x"}, "'value'"),
        ("/api/weight", {"session": session, "layer": 0, "source": 0, "target": 0, "value": 1e9}, "'value'"),
        ("/api/weight", {"session": session, "layer": 0.5, "source": 0, "target": 0, "value": 1}, "whole numbers"),
        ("/api/upload", {"session": session, "name": "x.csv"}, "'text'"),
        ("/api/upload", {"session": session, "name": "x.csv", "text": "1,2\n3,4\n"}, "feature columns"),
        ("/api/session", {"query": 5}, "query string"),
        ("/api/session", {"query": "a" * 3000}, "query string"),
    ]
    for path, payload, message in cases:
        status, answer = client.post(path, payload)
        assert status == 400 and message in answer["error"], (path, payload, answer)


def test_a_huge_body_is_refused_without_being_read(client):
    status, _, body = client.raw("POST", "/api/session", b"{}",
                                 {"Content-Type": "application/json", "Content-Length": str(MAX_BODY + 1)})
    assert status == 400 and b"limit" in body
    status, _, body = client.raw("POST", "/api/session", b"{}", {"Content-Length": "lots"})
    assert status == 400 and b"Content-Length" in body


def test_a_foreign_host_header_is_refused(client):
    status, _, body = client.raw("GET", "/api/options", headers={"Host": "evil.example:80"})
    assert status == 400 and b"Host" in body


def test_the_server_keeps_serving_after_bad_requests(client):
    for body, _ in BAD_BODIES:
        client.post("/api/session", body)
    state = client.session()
    assert client.post("/api/train", {"session": state["session"]})[0] == 200


def test_diverging_training_stops_with_a_message(client):
    state = client.session("data=plane&lr=10&optimizer=sgd&layers=8,8&activation=relu&features=x1sq,x2sq")
    status, trained = client.post("/api/train", {"session": state["session"], "epochs": 30})
    assert status == 200, trained
    assert trained["diverged"] and "learning rate" in trained["diverged"]
    json.dumps(trained, allow_nan=False)                                 # still valid JSON


def test_numbers_in_maps_are_what_the_model_says(client, server):
    """The binary output map holds round(255 * sigmoid(logit)) at each lattice point, row 0 at the top."""
    state = client.session("data=gauss&layers=&features=x1,x2")
    session = server.sessions.get(state["session"])
    output = np.frombuffer(base64.b64decode(state["output"]), dtype=np.uint8).reshape(100, 100)
    corner = np.array([[-6.0, 6.0], [6.0, -6.0]])                        # top-left, bottom-right
    logits = session.viewer(corner)[:, 0]
    expected = np.rint(255 / (1 + np.exp(-logits)))
    np.testing.assert_array_equal([output[0, 0], output[99, 99]], expected)
    assert io.BytesIO(base64.b64decode(state["units"][0][0])).getbuffer().nbytes == 2500
