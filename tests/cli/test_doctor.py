"""Tests for ``zeronn doctor RUN_DIR`` (and the files ``Doctor.save`` writes for it)."""

from tests.doctor.helpers import blobs, fit_with_doctor, mlp


def _run_folder(tmp_path):
    x, y = blobs()
    doctor = fit_with_doctor(mlp([2, 32, 32, 3]), x, y, lr=50)
    doctor.save(tmp_path, pictures=False)
    return tmp_path


def test_shows_the_findings_again(cli, tmp_path):
    folder = _run_folder(tmp_path)
    result = cli("doctor", str(folder))
    assert result.code == 0, result
    assert "ERROR lr_too_high" in result.out and "what to do:" in result.out
    assert "doctor.md" in result.out


def test_in_chinese_with_evidence(cli, tmp_path):
    folder = _run_folder(tmp_path)
    result = cli("doctor", str(folder), "--lang", "zh", "--evidence")
    assert result.code == 0, result
    assert "错误 lr_too_high".upper() in result.out.upper() and "学习率" in result.out and "证据" in result.out


def test_a_folder_without_findings_is_a_one_line_error(cli, tmp_path):
    result = cli("doctor", str(tmp_path))
    assert result.code == 1 and "zeronn train --doctor" in result.err and "Traceback" not in result.err
    assert cli("doctor", str(tmp_path / "nowhere")).code == 1


def test_train_with_the_doctor_says_why_it_failed(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("train", "--data", "spirals", "--lr", "5", "--epochs", "20", "--doctor", "--out", str(out),
                 "--no-plots", "--quiet")
    assert result.code == 0, result
    assert "training doctor: Found 1 error(s)" in result.out and "ERROR lr_too_high" in result.out
    assert (out / "doctor.md").is_file() and (out / "doctor.json").is_file()
    again = cli("doctor", str(out))
    assert again.code == 0 and "lr_too_high" in again.out


def test_train_with_the_doctor_on_a_healthy_run(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("train", "--data", "moons", "--samples", "300", "--epochs", "15", "--doctor", "--out", str(out),
                 "--no-plots", "--quiet")
    assert result.code == 0, result
    assert "No problems found" in result.out
