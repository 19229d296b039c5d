"""Atomic writes: the old file or the new one, never half of one, with the umask's permissions."""

import os
import stat

import pytest

from gvgai_py.files import save_atomically, write_text_atomically


@pytest.fixture
def umask_027():
    previous = os.umask(0o027)
    yield
    os.umask(previous)


def test_an_atomically_written_file_follows_the_umask(tmp_path, umask_027):
    path = tmp_path / "report.json"
    write_text_atomically(path, "{}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "model.zip"
    path.write_text("old")

    def write_then_fail(tmp):
        tmp.write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save_atomically(path, write_then_fail)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model.zip"]
