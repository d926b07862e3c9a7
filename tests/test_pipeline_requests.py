"""Build requests as both doors make them: the names they will make, and a page's request that names a file."""

import shutil
from pathlib import Path

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
    rest = r"day 6 \(Sunday 2026-12-06\) is a rest day of Four weeks to a freer upper back; the next session is day 7"
    with pytest.raises(PlanError, match=rest):
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


def test_two_different_sessions_get_two_names_the_same_one_keeps_its_name():
    import datetime as dt
    from dataclasses import replace

    from audioguide.pipeline.options import DEFAULTS
    plain = targets(BuildRequest("desk-reset", (600,)))
    music = replace(DEFAULTS, music=Path("/beds/Rain on a roof.mp3"))
    voice = replace(DEFAULTS, engine=EngineSpec("kokoro", "bf_emma"))
    both = replace(music, engine=EngineSpec("kokoro", "bf_emma"))
    names = [plain[0], targets(BuildRequest("desk-reset", (600,)), music)[0],
             targets(BuildRequest("desk-reset", (600,)), voice)[0], targets(BuildRequest("desk-reset", (600,)), both)[0]]
    assert names == ["desk-reset-10m.mp3", "desk-reset-10m-Rain on a roof.mp3", "desk-reset-10m-bf_emma.mp3",
                     "desk-reset-10m-bf_emma-Rain on a roof.mp3"]
    day = BuildRequest("thoracic-four-weeks", start=dt.date(2026, 12, 1), days=frozenset({1}))
    assert targets(day, music) == ["thoracic-four-weeks-day01-Rain on a roof.mp3"]
    assert targets(BuildRequest("desk-reset", (600,)), replace(music, name="{routine}")) == ["desk-reset.mp3"]  # theirs
