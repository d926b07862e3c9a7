import pytest

from audioguide import files
from audioguide.errors import FileError


def test_atomic_output_gives_an_ordinary_file(tmp_path):
    target = tmp_path / "t.txt"
    files.write_text(target, "hello")
    assert target.read_text() == "hello" and (target.stat().st_mode & 0o044) == 0o044
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "t.txt"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt):
        with files.atomic_output(target) as tmp:
            tmp.write_text("half")
            raise KeyboardInterrupt
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["t.txt"]


def test_os_errors_name_the_target_not_the_temporary(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(FileError, match=rf"^cannot write {tmp_path / 'afile' / 't.txt'}: "):
        files.write_text(tmp_path / "afile" / "t.txt", "hello")
    with pytest.raises(FileError, match=r"cannot write .*t\.txt: No space left on device"):
        with files.atomic_output(tmp_path / "t.txt"):
            raise OSError(28, "No space left on device")
    assert [p.name for p in tmp_path.iterdir()] == ["afile"]


def test_scratch_files_are_removed_whatever_happens(tmp_path):
    with pytest.raises(RuntimeError):
        with files.scratch(tmp_path / "clip.wav") as tmp:
            tmp.write_bytes(b"raw")
            raise RuntimeError
    assert list(tmp_path.iterdir()) == []


def test_a_folder_under_a_file_is_refused(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(FileError, match=r"cannot create the output folder .*afile/out: Not a directory"):
        files.ensure_folder(tmp_path / "afile" / "out", "output folder")


def test_user_folders_follow_xdg_and_the_cache_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert files.config_dir() == tmp_path / "cfg" / "audioguide"
    assert files.cache_dir() == tmp_path / "cache" / "audioguide"
    monkeypatch.setenv("AUDIOGUIDE_CACHE", str(tmp_path / "mine"))
    assert files.cache_dir() == tmp_path / "mine"


def test_read_text_errors_name_the_file(tmp_path):
    (tmp_path / "bin").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(FileError, match="cannot read chapters file .*bin: not UTF-8 text"):
        files.read_text(tmp_path / "bin", "chapters file")
    with pytest.raises(FileError, match="cannot read file .*nope: No such file"):
        files.read_text(tmp_path / "nope")
