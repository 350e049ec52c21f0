"""A crash while writing must leave the previous file intact and no temporary file behind."""

import os
import stat

import numpy as np
import pytest

from zeronn.io import atomic, read_archive, write_archive
from zeronn.io.atomic import atomic_write_bytes

pytest.importorskip("safetensors")


class Crash(Exception):
    pass


def test_writes_and_replaces(tmp_path):
    path = tmp_path / "f.bin"
    atomic_write_bytes(path, b"one")
    atomic_write_bytes(path, b"two")
    assert path.read_bytes() == b"two"
    assert os.listdir(tmp_path) == ["f.bin"]


def test_permissions_follow_the_umask(tmp_path):
    path = tmp_path / "f.bin"
    atomic_write_bytes(path, b"x")
    plain = tmp_path / "plain.bin"
    plain.write_bytes(b"x")
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


@pytest.fixture
def old_file(tmp_path):
    path = tmp_path / "ckpt.safetensors"
    write_archive(path, {"epoch": 1, "w": np.zeros(1000)}, kind="checkpoint")
    return path


def assert_old_file_survived(path):
    assert read_archive(path, kind="checkpoint")["epoch"] == 1
    assert os.listdir(path.parent) == [path.name]            # no temporary file left over


def test_crash_half_way_through_writing(old_file, monkeypatch):
    def write_half_then_crash(handle, data):
        handle.write(bytes(data)[: len(data) // 2])
        raise Crash("power cut")

    monkeypatch.setattr(atomic, "_write_all", write_half_then_crash)
    with pytest.raises(Crash):
        write_archive(old_file, {"epoch": 2, "w": np.ones(1000)}, kind="checkpoint")
    assert_old_file_survived(old_file)


def test_crash_in_fsync(old_file, monkeypatch):
    def failing_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        write_archive(old_file, {"epoch": 2, "w": np.ones(1000)}, kind="checkpoint")
    assert_old_file_survived(old_file)


def test_crash_in_rename(old_file, monkeypatch):
    def failing_replace(src, dst):
        raise Crash("killed before the rename")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(Crash):
        write_archive(old_file, {"epoch": 2, "w": np.ones(1000)}, kind="checkpoint")
    assert_old_file_survived(old_file)


def test_keyboard_interrupt_also_cleans_up(old_file, monkeypatch):
    def interrupted(handle, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic, "_write_all", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_archive(old_file, {"epoch": 2}, kind="checkpoint")
    assert_old_file_survived(old_file)


def test_bad_tree_never_touches_the_disk(old_file):
    with pytest.raises(TypeError):
        write_archive(old_file, {"epoch": 2, "bad": object()}, kind="checkpoint")
    assert_old_file_survived(old_file)


def test_folder_as_target(tmp_path):
    (tmp_path / "d").mkdir()
    with pytest.raises(IsADirectoryError, match="is a folder"):
        atomic_write_bytes(tmp_path / "d", b"x")


def test_large_write_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic, "_CHUNK", 7)
    data = bytes(range(256)) * 3
    atomic_write_bytes(tmp_path / "f", data)
    assert (tmp_path / "f").read_bytes() == data
