"""Build requests as both doors make them: the names they will make, and a page's request that names a file."""

import shutil

import pytest
from conftest import DATA

from audioguide.errors import PlanError, UnknownNameError
from audioguide.model import EngineSpec
from audioguide.pipeline.options import BuildOptions
from audioguide.pipeline.requests import BuildRequest, build, targets


def test_a_routine_request_names_each_length_and_a_program_request_each_day():
    assert targets(BuildRequest("desk-reset", (180, 300))) == ["desk-reset-3m.mp3", "desk-reset-5m.mp3"]
    import datetime as dt
    days = BuildRequest("thoracic-four-weeks", start=dt.date(2026, 12, 1), days=frozenset({1, 2}))
    assert targets(days) == ["thoracic-four-weeks-day01.mp3", "thoracic-four-weeks-day02.mp3"]
    with pytest.raises(PlanError, match="day 6 of thoracic-four-weeks is a rest day"):
        targets(BuildRequest("thoracic-four-weeks", start=dt.date(2026, 12, 1), days=frozenset({6})))


def test_a_library_only_request_never_reads_a_file_of_that_name(tmp_path, monkeypatch):
    shutil.copy(DATA / "short.toml", tmp_path / "short.toml")
    monkeypatch.chdir(tmp_path)
    options = BuildOptions(length_s=90, output_dir=tmp_path / "out", engine=EngineSpec("tone"),
                           cache_dir=tmp_path / "cache")
    asked = BuildRequest("short.toml", (90,), library_only=True)
    with pytest.raises(UnknownNameError):
        targets(asked, options)
    with pytest.raises(UnknownNameError):  # the build itself refuses it too, not only the door's check
        build(asked, options)
    assert not (tmp_path / "out").exists()
    made = build(BuildRequest("short.toml", (90,)), options)  # from the command line, the same name is a file
    assert made[0].path is not None and made[0].path.name == "short-1m30s.mp3"
