"""The practice log in SQLite: entries written whole, concurrent writers all landing, the schema migrated from
every earlier version, and a damaged or too new database one clear line."""

import datetime as dt
import sqlite3
import subprocess
import sys

import pytest

from audioguide.errors import FileError
from audioguide.practice import log

TODAY = dt.date(2026, 12, 2)


def test_entries_round_trip_and_absurd_seconds_are_refused(tmp_path):
    assert log.entries(tmp_path) == []
    first = log.Entry(TODAY, "thoracic-four-weeks-day02.mp3", 412.5, "thoracic-mobility", "thoracic-four-weeks", 2)
    log.add(tmp_path, first)
    log.add(tmp_path, log.Entry(TODAY - dt.timedelta(days=1), "desk-reset-5m.mp3", 300.0, "desk-reset"))
    assert log.entries(tmp_path) == [log.Entry(TODAY - dt.timedelta(days=1), "desk-reset-5m.mp3", 300.0,
                                               "desk-reset"), first]
    for seconds in (0, -5, log.MAX_PLAYED_S + 1):
        with pytest.raises(ValueError, match=r"^played_s: expected seconds"):
            log.add(tmp_path, log.Entry(TODAY, "x.mp3", seconds))
    with sqlite3.connect(tmp_path / log.NAME) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_schema_is_migrated_from_every_earlier_version(tmp_path):
    for version in range(len(log.MIGRATIONS)):
        folder = tmp_path / f"v{version}"
        folder.mkdir()
        with sqlite3.connect(folder / log.NAME) as db:  # a log as that version of audioguide left it
            for step in log.MIGRATIONS[:version]:
                db.execute(step)
            if version:
                db.execute("INSERT INTO entries (done_on, file, played_s, logged_at) VALUES "
                           "('2026-12-01', 'old.mp3', 60, '2026-12-01T07:00:00+00:00')")
            db.execute(f"PRAGMA user_version = {version}")
        log.add(folder, log.Entry(TODAY, "new.mp3", 120.0))
        assert [e.file for e in log.entries(folder)] == (["old.mp3"] if version else []) + ["new.mp3"]
        with sqlite3.connect(folder / log.NAME) as db:
            assert db.execute("PRAGMA user_version").fetchone()[0] == len(log.MIGRATIONS)


def test_a_damaged_or_newer_log_is_one_line(tmp_path):
    (tmp_path / log.NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(FileError, match=r"^cannot (open|use) the practice log .*practice\.sqlite3: "):
        log.entries(tmp_path)
    newer = tmp_path / "newer"
    newer.mkdir()
    with sqlite3.connect(newer / log.NAME) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(FileError, match="schema is version 99, newer than this audioguide"):
        log.add(newer, log.Entry(TODAY, "x.mp3", 60.0))


@pytest.mark.parametrize("odd", ["fifo", "link-to-dev-zero"])
def test_a_log_that_is_a_fifo_or_a_device_is_one_line_at_once(tmp_path, odd):
    import os
    path = tmp_path / log.NAME
    os.mkfifo(path) if odd == "fifo" else path.symlink_to("/dev/zero")
    with pytest.raises(FileError, match=r"^cannot open the practice log .*: expected a SQLite database, found a pipe"):
        log.entries(tmp_path)


WRITER = """
import datetime as dt, sys
from pathlib import Path
from audioguide.practice import log
for i in range(int(sys.argv[3])):
    log.add(Path(sys.argv[1]), log.Entry(dt.date(2026, 12, 2), f"{sys.argv[2]}-{i}.mp3", 60.0 + i))
"""


def test_concurrent_writers_all_land_and_none_is_refused_as_locked(tmp_path):
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name, "40"], stderr=subprocess.PIPE,
                                text=True) for name in ("page", "phone", "cli")]
    errors = [w.communicate(timeout=120)[1] for w in writers]
    assert all(w.returncode == 0 for w in writers), errors
    found = log.entries(tmp_path)
    assert len(found) == 120 and len({e.file for e in found}) == 120


def test_reading_a_log_an_older_audioguide_left_migrates_it_first(tmp_path):
    for version in range(1, len(log.MIGRATIONS)):
        folder = tmp_path / f"v{version}"
        folder.mkdir()
        with sqlite3.connect(folder / log.NAME) as db:
            for step in log.MIGRATIONS[:version]:
                db.execute(step)
            db.execute("INSERT INTO entries (done_on, file, played_s, logged_at) VALUES "
                       "('2026-12-01', 'old.mp3', 60, '2026-12-01T07:00:00+00:00')")
            db.execute(f"PRAGMA user_version = {version}")
        assert [e.file for e in log.entries(folder)] == ["old.mp3"]
        with sqlite3.connect(folder / log.NAME) as db:
            assert db.execute("PRAGMA user_version").fetchone()[0] == len(log.MIGRATIONS)
    newer = tmp_path / "newer"
    newer.mkdir()
    with sqlite3.connect(newer / log.NAME) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(FileError, match="schema is version 99, newer than this audioguide"):
        log.entries(newer)


KILLED_WRITER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA wal_autocheckpoint = 0")  # what it commits stays in the write-ahead log
db.execute("INSERT INTO entries (done_on, file, played_s, logged_at) VALUES ('2026-12-02', 'in-wal.mp3', 60, 'x')")
print("committed", flush=True)
time.sleep(60)
"""


def _fill(where):
    with open(where / "filler", "wb", buffering=0) as f, pytest.raises(OSError):
        while True:
            f.write(b"\0" * 4096)


@pytest.mark.parametrize("wal", ["checkpointed", "left by a killed writer"])
def test_a_full_then_read_only_disk_still_shows_the_whole_log_and_refuses_writes_in_one_line(tiny_disk, wal):
    """Reading writes nothing: with no room for SQLite's shared-memory file, or on a read-only mount, every
    entry is still read, whether it is in the database file or still in the write-ahead log."""
    state = tiny_disk("state", "256k")
    for i in range(3):
        log.add(state, log.Entry(TODAY, f"s{i}.mp3", 60.0 + i))
    expected = [f"s{i}.mp3" for i in range(3)]
    if wal != "checkpointed":
        writer = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(state / log.NAME)],
                                  stdout=subprocess.PIPE, text=True)
        assert writer.stdout.readline().strip() == "committed"
        writer.kill()
        writer.wait()
        expected.append("in-wal.mp3")
        assert (state / (log.NAME + "-wal")).stat().st_size > 0
    else:
        assert not (state / (log.NAME + "-wal")).exists()
    _fill(state)
    assert [e.file for e in log.entries(state)] == expected
    refused = None
    for i in range(200):  # a few may still fit in the WAL's free pages
        try:
            log.add(state, log.Entry(TODAY, f"more{i}.mp3", 60.0))
        except FileError as e:
            refused = str(e)
            break
        expected.append(f"more{i}.mp3")
    assert refused and refused.startswith("cannot ") and "full" in refused and "\n" not in refused, refused
    assert [e.file for e in log.entries(state)] == expected
    (state / "filler").unlink()
    subprocess.run(["mount", "-o", "remount,ro", str(state)], check=True)
    try:
        assert [e.file for e in log.entries(state)] == expected
        with pytest.raises(FileError, match=r"^cannot (open|use) the practice log .*([Rr]ead-only|readonly)"):
            log.add(state, log.Entry(TODAY, "never.mp3", 60.0))
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(state)], check=True)
