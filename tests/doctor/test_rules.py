"""Every doctor code fires on a small deliberately broken training and stays silent on a healthy one."""

import numpy as np
import pytest

from tests.doctor.helpers import blobs, codes, fit_with_doctor, loop_with_doctor, mlp, spirals
from zeronn import losses, nn, optim
from zeronn.doctor import CODES, Doctor, check_data
from zeronn.doctor.rules import smooth_losses


# ------------------------------------------------------------------------------------ healthy runs
@pytest.fixture(scope="module")
def healthy():
    """A small ReLU MLP on standardised blobs, SGD lr 0.1: the loss falls every epoch."""
    x, y = blobs()
    return fit_with_doctor(mlp([2, 32, 32, 3]), x, y, epochs=10)


def test_a_healthy_run_gives_no_warnings(healthy):
    assert [f for f in healthy.findings() if f.severity != "info"] == []


def test_a_healthy_plain_loop_gives_no_warnings():
    x, y = blobs()
    model = mlp([2, 32, 32, 3])
    loss_fn = losses.CrossEntropyLoss()
    doctor = loop_with_doctor(model, x, y, loss_fn=loss_fn, optimizer=optim.SGD(model.parameters(), lr=0.1),
                              epochs=6, x_val=x[:100], y_val=y[:100])
    assert codes(doctor) == set()
    assert len(doctor.record.update_ratios["0 (Linear)"]) == len(doctor.record.sampled_steps)
    assert np.isfinite(doctor.record.update_ratios["0 (Linear)"]).all()


def test_healthy_sigmoid_and_tanh_networks_give_no_warnings():
    x, y = blobs()
    assert codes(fit_with_doctor(mlp([2, 16, 16, 3], nn.Sigmoid), x, y, lr=0.5)) == set()
    assert codes(fit_with_doctor(mlp([2, 16, 16, 3], nn.Tanh), x, y)) == set()


def test_healthy_spirals_model_gives_no_warnings():
    x, y = spirals()
    assert codes(fit_with_doctor(mlp([2, 64, 64, 3]), x, y, optimizer="adam", lr=0.01, epochs=30)) == set()


# ------------------------------------------------------------------------------------ each code
def test_init_loss_fires_for_confidently_wrong_initial_outputs(healthy):
    x, y = blobs()
    model = mlp([2, 32, 32, 3])
    model[-1].weight.data *= 30                                    # huge logits at step 0
    doctor = fit_with_doctor(model, x, y, epochs=2)
    finding = next(f for f in doctor.findings() if f.code == "init_loss")
    assert finding.severity == "warning"
    assert finding.evidence["expected"] == pytest.approx(np.log(3))
    assert finding.evidence["loss_at_step_0"] > 1.5 * np.log(3)
    assert "init_loss" not in codes(healthy, ("info", "warning", "error"))


def test_init_loss_uses_ln2_for_binary_cross_entropy():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)                         # (200, 1)
    model = nn.Sequential(nn.Linear(4, 8, rng=0), nn.ReLU(), nn.Linear(8, 1, rng=1))
    model[-1].weight.data *= 40
    doctor = fit_with_doctor(model, x, y, loss="bce_with_logits", epochs=1)
    finding = next(f for f in doctor.findings() if f.code == "init_loss")
    assert finding.evidence["expected"] == pytest.approx(np.log(2))


def test_unscaled_inputs_fires_for_raw_pixels(healthy):
    x, y = blobs()
    raw = np.clip(x * 80 + 120, 0, 255).round().astype(np.float32)  # 0-255 "pixels"
    model = mlp([2, 32, 32, 3])
    doctor = loop_with_doctor(model, raw, y, loss_fn=losses.CrossEntropyLoss(),
                              optimizer=optim.SGD(model.parameters(), lr=0.01), epochs=1)
    finding = next(f for f in doctor.findings() if f.code == "unscaled_inputs")
    assert "255" in finding.advice
    assert finding.evidence["worst_mean"] > 5
    assert "unscaled_inputs" not in codes(healthy)
    assert [f.code for f in check_data(raw, y)] == ["unscaled_inputs"]
    assert check_data(x, y) == []


def test_unscaled_inputs_is_an_error_for_nan_inputs():
    x, y = blobs(100)
    x[3, 1] = np.nan
    (finding,) = check_data(x, y)
    assert (finding.code, finding.severity, finding.evidence["non_finite_values"]) == ("unscaled_inputs", "error", 1)


def test_class_imbalance_fires_for_a_one_percent_class(healthy):
    x, y = blobs(1000)
    keep = (y != 2) | (np.arange(len(y)) % 50 == 0)              # class 2 keeps 1 sample in 50
    model = mlp([2, 32, 32, 3])
    doctor = loop_with_doctor(model, x[keep], y[keep], loss_fn=losses.CrossEntropyLoss(),
                              optimizer=optim.SGD(model.parameters(), lr=0.1), epochs=1)
    finding = next(f for f in doctor.findings() if f.code == "class_imbalance")
    assert finding.evidence["smallest_class"] == 2
    assert finding.evidence["smallest_share"] < 0.02
    assert "class_imbalance" not in codes(healthy)
    assert [f.code for f in check_data(x[keep], y[keep])] == ["class_imbalance"]
    onehot = np.eye(3)[y[keep]]
    assert [f.code for f in check_data(x[keep], onehot)] == ["class_imbalance"]
    assert check_data(x, y, task="regression") == []


def test_lr_too_high_fires_for_lr_50(healthy):
    x, y = blobs()
    doctor = fit_with_doctor(mlp([2, 32, 32, 3]), x, y, lr=50)
    finding = next(f for f in doctor.findings() if f.code == "lr_too_high")
    assert finding.severity == "error"
    assert "lr_too_low" not in codes(doctor)                       # the advice never contradicts itself
    assert "lr_too_high" not in codes(healthy)


def test_lr_too_high_is_an_error_when_training_stopped_with_nan():
    x, y = blobs()
    model = mlp([2, 32, 32, 3])
    loss_fn = losses.CrossEntropyLoss()
    doctor = loop_with_doctor(model, x, y, loss_fn=loss_fn, optimizer=optim.SGD(model.parameters(), lr=1e6),
                              epochs=2)
    finding = next(f for f in doctor.findings() if f.code == "lr_too_high")
    assert finding.severity == "error"


def test_lr_too_low_fires_for_a_tiny_learning_rate(healthy):
    x, y = blobs()
    doctor = fit_with_doctor(mlp([2, 32, 32, 3]), x, y, lr=1e-7)
    finding = next(f for f in doctor.findings() if f.code == "lr_too_low")
    assert finding.evidence["median_update_ratio"] < 1e-5
    assert "lr_too_low" not in codes(healthy)


def test_vanishing_gradients_fires_for_a_ten_layer_sigmoid_net(healthy):
    x, y = blobs()
    doctor = fit_with_doctor(mlp([2] + [16] * 9 + [3], nn.Sigmoid), x, y, epochs=2)
    finding = next(f for f in doctor.findings() if f.code == "vanishing_gradients")
    assert finding.layer == "0 (Linear)"
    assert finding.evidence["first_to_last_ratio"] < 1e-3
    assert "vanishing_gradients" not in codes(healthy)
    shallow = fit_with_doctor(mlp([2, 16, 16, 3], nn.Sigmoid), x, y, lr=0.5, epochs=2)
    assert "vanishing_gradients" not in codes(shallow)


def test_exploding_gradients_fires_when_gradients_grow(healthy):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(320, 5)).astype(np.float32)
    y = (x @ rng.normal(size=(5, 1))).astype(np.float32)          # (320, 1)
    growing = fit_with_doctor(nn.Linear(5, 1, rng=0), x, y, loss="mse", lr=1.1, epochs=3,
                              validation_split=0)                  # |1 - 2 lr| > 1: each step overshoots more
    finding = next(f for f in growing.findings() if f.code == "exploding_gradients")
    assert finding.evidence["growth"] > 100
    steady = fit_with_doctor(nn.Linear(5, 1, rng=0), x, y, loss="mse", lr=0.1, epochs=3, validation_split=0)
    assert codes(steady) == set()
    assert "exploding_gradients" not in codes(healthy)


def test_dead_relu_fires_for_a_large_negative_bias(healthy):
    x, y = blobs()
    model = mlp([2, 32, 32, 3])
    model[0].bias.data[:] = -20
    doctor = fit_with_doctor(model, x, y, epochs=3)
    finding = next(f for f in doctor.findings() if f.code == "dead_relu")
    assert finding.layer == "1 (ReLU)"
    assert finding.evidence["dead_share"] == 1.0
    assert "dead_relu" not in codes(healthy)


def test_saturated_fires_for_sigmoids_fed_large_values(healthy):
    x, y = blobs()
    model = mlp([2, 16, 16, 3], nn.Sigmoid)
    model[0].weight.data *= 40                                     # pre-activations of +-40
    doctor = fit_with_doctor(model, x, y, epochs=3)
    finding = next(f for f in doctor.findings() if f.code == "saturated")
    assert finding.layer == "1 (Sigmoid)"
    assert finding.evidence["saturated_share"] > 0.5
    assert "saturated" not in codes(healthy)


def test_plateau_fires_when_the_loss_stops_improving(healthy):
    x, y = blobs()
    model = mlp([2, 32, 32, 3])
    model[0].bias.data[:] = -20                                    # nothing can learn: a flat loss
    doctor = fit_with_doctor(model, x, y, epochs=8)
    finding = next(f for f in doctor.findings() if f.code == "plateau")
    assert finding.evidence["patience"] == 5
    assert "plateau" not in codes(healthy)


def test_overfitting_fires_when_validation_loss_rises(healthy):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 20)).astype(np.float32)
    y = rng.integers(0, 2, 80)                                     # random labels: only memorising helps
    doctor = fit_with_doctor(mlp([20, 128, 128, 2]), x, y, optimizer="adam", lr=0.01, epochs=30, batch_size=8,
                             validation_split=0.5)
    finding = next(f for f in doctor.findings() if f.code == "overfitting")
    assert finding.evidence["last_val_loss"] > finding.evidence["best_val_loss"]
    assert "overfitting" not in codes(healthy)


def test_overfitting_fires_for_a_large_gap_in_a_plain_loop():
    x, y = blobs(200)
    model = mlp([2, 16, 3])
    loss_fn = losses.CrossEntropyLoss()
    wrong = (y + 1) % 3                                            # validation labels that disagree
    doctor = loop_with_doctor(model, x, y, loss_fn=loss_fn, optimizer=optim.SGD(model.parameters(), lr=0.1),
                         epochs=3, x_val=x, y_val=wrong)
    assert "overfitting" in codes(doctor)


def test_underfitting_fires_for_a_tiny_model_on_spirals(healthy):
    x, y = spirals()
    doctor = fit_with_doctor(mlp([2, 2, 3]), x, y, epochs=10)
    finding = next(f for f in doctor.findings() if f.code == "underfitting")
    assert finding.evidence["fraction"] > 0.5
    assert "underfitting" not in codes(healthy)
    big = fit_with_doctor(mlp([2, 64, 64, 3]), x, y, optimizer="adam", lr=0.01, epochs=30)
    assert "underfitting" not in codes(big)


def test_every_code_is_documented_in_the_rules_table():
    from zeronn.doctor import rules

    for code in CODES:
        assert code in rules.__doc__


def test_smoothed_losses_are_debiased():
    # a constant loss stays constant after debiasing (no pull towards 0 at the start)
    assert np.allclose(smooth_losses([2.0] * 5), 2.0)
    # by hand: avg1 = 0.02 * 1 = 0.02, debiased 0.02 / 0.02 = 1;  avg2 = 0.98*0.02 + 0.02*3 = 0.0796,
    # debiased 0.0796 / (1 - 0.98^2) = 0.0796 / 0.0396 = 2.0101...
    assert smooth_losses([1.0, 3.0]) == pytest.approx([1.0, 0.0796 / 0.0396])


def test_findings_in_chinese():
    x, y = blobs()
    doctor = fit_with_doctor(mlp([2, 32, 32, 3]), x, y, lr=50, lang="zh")
    finding = next(f for f in doctor.findings() if f.code == "lr_too_high")
    assert "学习率" in finding.advice
    english = next(f for f in doctor.findings(lang="en") if f.code == "lr_too_high")
    assert "learning rate" in english.advice


def _epochs_only(epoch_losses):
    """A doctor that saw a few steps and then the given epoch losses."""
    model = mlp([2, 3])
    doctor = Doctor(every=1).watch(model, optim.SGD(model.parameters(), lr=0.1), loss=losses.CrossEntropyLoss())
    for value in epoch_losses:
        doctor.step(value)
        doctor.end_epoch(value)
    return doctor


def test_lr_too_high_fires_for_an_oscillating_epoch_loss():
    bouncing = _epochs_only([1.0, 1.2, 0.9, 1.3, 0.95, 1.4])
    finding = next(f for f in bouncing.findings() if f.code == "lr_too_high")
    assert (finding.severity, finding.evidence["epochs_rising"]) == ("warning", 3)
    # converged runs bounce too, at a tiny loss: that is noise, not a learning rate problem
    settled = _epochs_only([0.5, 0.03, 0.035, 0.04, 0.031, 0.036, 0.041])     # rises in 4 of 6 epochs
    assert "lr_too_high" not in codes(settled)
