"""Atomic writes: readable like a normal file, an existing file's mode kept, nothing left on failure."""

from __future__ import annotations

import os

import pytest

from leadgraph.fileio import atomic_write


def test_new_file_gets_the_umask_mode_not_private(tmp_path):
    old = os.umask(0o022)
    try:
        target = atomic_write(tmp_path / "shared.graphml", "x")
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "leaders.csv"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_failure_leaves_old_content_and_no_temp_file(tmp_path):
    target = tmp_path / "keep.txt"
    target.write_text("old")

    with pytest.raises(TypeError):
        atomic_write(target, 12345)  # not bytes or str: the write fails mid-way
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
