"""The Doctor's API: as a fit callback and in a plain loop, its report, files, and that it changes nothing."""

import json

import numpy as np
import pytest

import zeronn
from tests.doctor.helpers import blobs, fit_with_doctor, loop_with_doctor, mlp
from zeronn import losses, nn, optim
from zeronn.doctor import FINDINGS_FILE, REPORT_FILE, Doctor, Finding, read_findings, render_text


def test_arguments_are_checked():
    with pytest.raises(ValueError, match="every"):
        Doctor(every=0)
    with pytest.raises(ValueError, match="lang"):
        Doctor(lang="fr")


def test_step_before_watch_is_a_clear_error():
    with pytest.raises(RuntimeError, match="watch"):
        Doctor().step(1.0)


def test_loss_must_be_a_number():
    model = mlp([2, 3])
    doctor = Doctor().watch(model, optim.SGD(model.parameters(), lr=0.1), loss=losses.CrossEntropyLoss())
    with pytest.raises(TypeError, match="loss must be a number"):
        doctor.step("high")


def test_the_doctor_does_not_change_training():
    x, y = blobs(300)
    plain, watched = mlp([2, 16, 3], seed=3), mlp([2, 16, 3], seed=3)
    zeronn.fit(plain, x, y, loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=3, verbose=0, seed=0)
    doctor = Doctor(every=2)
    zeronn.fit(watched, x, y, loss="cross_entropy", optimizer="sgd", lr=0.1, epochs=3, verbose=0, seed=0,
               callbacks=[doctor])
    for a, b in zip(plain.parameters(), watched.parameters()):
        assert np.array_equal(a.data, b.data)
    assert all("forward" not in vars(layer) for layer in watched.modules())   # every layer's own forward is back


def test_sampling_every_k_steps():
    x, y = blobs(320)
    doctor = fit_with_doctor(mlp([2, 8, 3]), x, y, epochs=2, every=3, validation_split=0)   # 10 batches/epoch
    assert doctor.record.sampled_steps == list(range(0, 20, 3))
    assert len(doctor.record.losses) == 20
    assert len(doctor.record.epoch_losses) == 2
    for norms in doctor.record.grad_norms.values():
        assert len(norms) == len(doctor.record.sampled_steps)
        assert all(n > 0 for n in norms)


def test_update_ratio_of_plain_sgd_is_lr_times_gradient_over_weights():
    x, y = blobs(64)
    model = nn.Sequential(nn.Linear(2, 3, rng=0))
    loss_fn = losses.CrossEntropyLoss()
    opt = optim.SGD(model.parameters(), lr=0.5)
    doctor = Doctor(every=1).watch(model, opt, loss=loss_fn)
    loss = loss_fn(model(x), y)
    opt.zero_grad()
    model.backward(loss_fn.backward())
    weights = np.concatenate([p.data.ravel() for p in model.parameters()]).astype(np.float64)
    grads = np.concatenate([p.grad.ravel() for p in model.parameters()]).astype(np.float64)
    doctor.step(loss, x=x, y=y)
    opt.step()
    doctor.end_epoch(loss)
    expected = 0.5 * np.linalg.norm(grads) / np.linalg.norm(weights)   # |W_after - W_before| = lr |g|
    assert doctor.record.update_ratios["0 (Linear)"][0] == pytest.approx(expected, rel=1e-5)
    assert doctor.record.grad_norms["0 (Linear)"][0] == pytest.approx(np.linalg.norm(grads), rel=1e-5)


def test_report_is_markdown_in_both_languages():
    x, y = blobs()
    doctor = fit_with_doctor(mlp([2, 32, 32, 3]), x, y, lr=50)
    report = doctor.report()
    assert report.startswith("# Training doctor")
    assert "`lr_too_high` (error)" in report
    assert "What to do" in report and "Evidence" in report
    chinese = doctor.report(lang="zh")
    assert chinese.startswith("# 训练诊断") and "怎么办" in chinese and "学习率" in chinese
    text = render_text(doctor.findings(), "en", limit=1)
    assert text.splitlines()[1].startswith("- ERROR lr_too_high")


def test_healthy_report_says_so():
    x, y = blobs()
    doctor = fit_with_doctor(mlp([2, 32, 32, 3]), x, y)
    assert "No problems found" in doctor.report()
    assert "没有发现问题" in doctor.report(lang="zh")


def test_save_and_read_back(tmp_path):
    pytest.importorskip("matplotlib")
    x, y = blobs()
    doctor = fit_with_doctor(mlp([2, 32, 32, 3]), x, y, lr=50)
    written = doctor.save(tmp_path)
    names = {p.split("/")[-1] for p in written}
    assert {REPORT_FILE, FINDINGS_FILE, "doctor_activations.png", "doctor_gradients.png"} <= names
    assert "doctor_gradients.png" in (tmp_path / REPORT_FILE).read_text(encoding="utf-8")
    data = json.loads((tmp_path / FINDINGS_FILE).read_text(encoding="utf-8"))
    assert data["record"]["sampled_steps"][:2] == [0, 5]
    back = read_findings(tmp_path)
    assert [f.to_dict() for f in back] == [f.to_dict() for f in doctor.findings()]


def test_read_findings_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="--doctor"):
        read_findings(tmp_path)
    (tmp_path / FINDINGS_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        read_findings(tmp_path)
    (tmp_path / FINDINGS_FILE).write_text('{"findings": [{"code": 1}]}', encoding="utf-8")
    with pytest.raises(ValueError, match="text fields"):
        read_findings(tmp_path)


def test_finding_checks_its_severity_and_serialises():
    with pytest.raises(ValueError, match="severity"):
        Finding("x", "fatal", None, "m", "a")
    finding = Finding("plateau", "warning", None, "m", "a", {"best": np.float64(1.5), "steps": np.int64(3)})
    data = finding.to_dict()
    assert json.loads(json.dumps(data))["evidence"] == {"best": 1.5, "steps": 3}
    assert Finding.from_dict(data) == Finding("plateau", "warning", None, "m", "a", {"best": 1.5, "steps": 3})
    assert str(finding) == "WARNING plateau: m"


def test_note_failure_gives_an_lr_too_high_error():
    x, y = blobs(64)
    model = mlp([2, 3])
    loss_fn = losses.CrossEntropyLoss()
    doctor = loop_with_doctor(model, x, y, loss_fn=loss_fn, optimizer=optim.SGD(model.parameters(), lr=0.1),
                              epochs=1)
    doctor.note_failure("The loss became NaN at epoch 1/1, batch 2/2.")
    assert [f.code for f in doctor.findings() if f.severity == "error"] == ["lr_too_high"]


def test_the_doctor_watches_a_cnn():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 2, 64)
    model = nn.Sequential(nn.Conv2d(1, 4, 3, rng=0), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 2, rng=1))
    model[0].bias.data[:] = -50                                     # every channel dead
    doctor = fit_with_doctor(model, x, y, epochs=3, every=1, validation_split=0)
    dead = next(f for f in doctor.findings() if f.code == "dead_relu")
    assert dead.layer == "1 (ReLU)" and dead.evidence["units"] == 4


def test_findings_before_training_are_empty():
    assert Doctor().findings() == []


def test_fit_passes_the_batches_for_the_data_checks():
    x, y = blobs(1000)
    keep = (y != 2) | (np.arange(len(y)) % 50 == 0)
    raw = np.clip(x[keep] * 80 + 120, 0, 255).astype(np.float32)
    doctor = fit_with_doctor(mlp([2, 32, 32, 3]), raw, y[keep], lr=0.01, epochs=1, validation_split=0)
    codes = {f.code for f in doctor.findings()}
    assert {"unscaled_inputs", "class_imbalance"} <= codes
    assert doctor.record.first_batch.shape == (32, 2)
    assert sum(doctor.record.class_counts.values()) == int(keep.sum())   # every target of the first epoch
