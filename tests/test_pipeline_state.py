"""What lasts between runs: the program followed (program follow, then today and show without a name) and the
server's key, in the user's state folder; damaged or odd files there are one line, never a hang."""

import dataclasses
import datetime as dt
import os
import re
import stat
import subprocess
import sys

import pytest
from click.testing import CliRunner

from audioguide import files
from audioguide.cli import cli
from audioguide.errors import FileError
from audioguide.pipeline import state


def test_following_a_program_is_kept_and_used_without_a_name(tmp_path):
    start = dt.date.today() - dt.timedelta(days=2)
    followed = CliRunner().invoke(cli, ["program", "follow", "thoracic-four-weeks", "--start", start.isoformat()])
    assert followed.exit_code == 0
    assert followed.output == f"Following thoracic-four-weeks from {start} (today is day 3)\n"
    kept = files.state_dir() / state.FOLLOWING
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert state.program_and_start(None, None) == ("thoracic-four-weeks", start)
    assert state.program_and_start("thoracic-four-weeks", None) == ("thoracic-four-weeks", start)
    today = CliRunner().invoke(cli, ["program", "today", "-o", str(tmp_path), "--engine", "tone", "-q",
                                     "--cache-dir", str(tmp_path / "c")])
    assert today.exit_code == 0, today.output
    # the built-in advances by practice: nothing done yet, so today is its first session (day 1, or day 2 when
    # it started on a Sunday, when it rests), or nothing when today is a Sunday
    first = 2 if start.weekday() == 6 else 1
    assert today.output in (f"{tmp_path / f'thoracic-four-weeks-day{first:02d}.mp3'}\n", "Day 3 is a rest day.\n")


def test_without_a_program_named_or_followed_it_says_how(tmp_path):
    refused = CliRunner().invoke(cli, ["program", "today", "-o", str(tmp_path), "--engine", "tone"])
    assert refused.exit_code == 2
    assert refused.output == ("Error: name a program, or follow one first: audioguide program follow ID "
                              "--start YYYY-MM-DD\n")
    unknown = CliRunner().invoke(cli, ["program", "follow", "thoracic-for-weeks"])
    assert unknown.exit_code == 1 and unknown.output.startswith("Error: ") and "thoracic-four-weeks" in unknown.output
    assert not (files.state_dir() / state.FOLLOWING).exists()


@pytest.mark.parametrize("content, found", [("not json", "expected"), ('{"program": "x"}', "expected"),
                                            ("\xff", "not UTF-8")])
def test_a_damaged_following_file_is_one_line(content, found):
    path = files.state_dir() / state.FOLLOWING
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("latin-1"))
    with pytest.raises(FileError, match=found):
        state.followed()
    refused = CliRunner().invoke(cli, ["program", "today"])
    assert refused.exit_code == 1 and refused.output.count("\n") == 1 and refused.output.startswith("Error: ")


def test_a_fifo_or_a_device_where_the_state_is_never_blocks():
    path = files.state_dir() / state.FOLLOWING
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    with pytest.raises(FileError, match="expected a small file, found a pipe"):
        state.followed()
    path.unlink()
    os.symlink("/dev/zero", path)
    with pytest.raises(FileError, match="expected a small file"):
        state.followed()


def test_the_servers_key_is_kept_private_and_reused_until_a_new_one_is_asked_for():
    first = state.token()
    assert re.fullmatch(r"[A-Za-z0-9_-]{24}", first) and state.token() == first
    kept = files.state_dir() / state.TOKEN
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    renewed = state.token(new=True)
    assert renewed != first and state.token() == renewed
    kept.write_text("a key edited by hand, with spaces\n")
    assert re.fullmatch(r"[A-Za-z0-9_-]{24}", state.token())


def test_a_key_file_others_can_read_is_refused_and_a_new_one_is_private():
    first = state.token()
    kept = files.state_dir() / state.TOKEN
    kept.chmod(0o644)   # copied about, or written by hand: anyone on the machine can read it
    with pytest.raises(FileError, match=r"is not private to you \(mode 644\): it is not used; .*chmod 600"):
        state.token()
    renewed = state.token(new=True)
    assert renewed != first and stat.S_IMODE(kept.stat().st_mode) == 0o600 and state.token() == renewed


def test_the_calendars_key_opens_the_calendar_only():
    token = state.token()
    key = state.calendar_key(token)
    assert key != token and token not in key and re.fullmatch(r"[0-9a-f]{32}", key)
    assert state.calendar_key(token) == key and state.calendar_key(state.token(new=True)) != key


@pytest.mark.slow
def test_a_restarted_server_keeps_the_pages_key(tmp_path):
    def page_line():
        proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(tmp_path), "--port", "0",
                                 "--engine", "tone"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines = [proc.stdout.readline() for _ in range(3)]
        proc.send_signal(2)
        proc.communicate(timeout=30)
        return re.sub(r":\d+/", ":PORT/", lines[2])
    first = page_line()
    assert "?token=" in first and page_line() == first


def test_the_log_records_a_session_file_and_today_and_prints_the_streak(tmp_path):
    built = CliRunner().invoke(cli, ["build", "desk-reset", "-m", "3", "-o", str(tmp_path), "--engine", "tone",
                                     "--cache-dir", str(tmp_path / "c"), "-q"])
    assert built.exit_code == 0, built.output
    mp3 = tmp_path / "desk-reset-3m.mp3"
    added = CliRunner().invoke(cli, ["log", "add", str(mp3)])
    assert added.output == f"Logged desk-reset-3m.mp3 on {dt.date.today()} (3.0 min)\n"
    shown = CliRunner().invoke(cli, ["log"])
    week = "{}-W{:02d}".format(*dt.date.today().isocalendar()[:2])
    assert shown.output == (f"{dt.date.today()}  desk-reset                   desk-reset-3m.mp3  3.0 min\n"
                            f"Streak: 1 day (longest 1); the last week practised: 3 minutes ({week})\n")
    from audioguide.definitions import loader
    from audioguide.schedule import sessions
    program = loader.load_library(include_user=False).program("thoracic-four-weeks")
    calendar_program = dataclasses.replace(program, id="by-the-calendar", advance="calendar")
    today = dt.date.today()  # a start from which today, past day 1, is a session day
    start = next(today - dt.timedelta(days=k) for k in range(1, 8)
                 if any(s.date == today for s in sessions(calendar_program, today - dt.timedelta(days=k))))
    CliRunner().invoke(cli, ["program", "follow", "thoracic-four-weeks", "--start", start.isoformat()])
    by_hand = CliRunner().invoke(cli, ["log", "add", "--today", "--minutes", "6"])
    assert by_hand.output == f"Logged thoracic-four-weeks-day01.mp3 on {dt.date.today()} (6.0 min)\n"
    data = __import__("json").loads(CliRunner().invoke(cli, ["log", "--json"]).output)
    assert data["streak_days"] == 1 and data["entries"][0]["file"] == "desk-reset-3m.mp3"
    neither = CliRunner().invoke(cli, ["log", "add"])
    assert neither.exit_code == 2 and "give a session's FILE or --today" in neither.output


def test_the_calendar_of_reminders_has_one_event_per_session_day_at_the_time_asked(tmp_path):
    import icalendar

    from audioguide.definitions import loader
    from audioguide.schedule import calendar
    start = dt.date(2026, 12, 7)
    out = tmp_path / "program.ics"
    done = CliRunner().invoke(cli, ["program", "calendar", "thoracic-four-weeks", "--start", start.isoformat(),
                                    "--time", "07:30", "-o", str(out), "--page-url", "http://192.168.1.20:8000/"])
    assert done.exit_code == 0 and done.output == f"{out}\n"
    parsed = icalendar.Calendar.from_ical(out.read_bytes())
    events = [c for c in parsed.walk() if c.name == "VEVENT"]
    program = loader.load_library(include_user=False).program("thoracic-four-weeks")
    days = calendar(program, start)
    sessions = [(date, s) for _, date, s in days if s is not None]
    assert any(s is None for _, _, s in days)  # a program with rest days: none of them has an event
    assert [e.decoded("dtstart") for e in events] == [dt.datetime.combine(d, dt.time(7, 30)) for d, _ in sessions]
    assert [str(e["summary"]) for e in events] == [s.title() for _, s in sessions]
    assert all(e.decoded("duration") == dt.timedelta(seconds=round(s.length_s)) for e, (_, s) in zip(events, sessions))
    assert len({str(e["uid"]) for e in events}) == len(events) and str(events[0]["url"]) == "http://192.168.1.20:8000/"
    bad = CliRunner().invoke(cli, ["program", "calendar", "thoracic-four-weeks", "--time", "25:00", "-o", str(out)])
    assert bad.exit_code == 2 and "expected a time of day such as 07:30, found '25:00'" in bad.output


def test_a_program_advancing_by_practice_skips_nothing_and_one_by_the_calendar_follows_the_date():
    from audioguide.definitions import loader
    from audioguide.pipeline import practice
    from audioguide.practice import log
    program = loader.load_library(include_user=False).program("thoracic-four-weeks")
    assert program.advance == "practice"
    start = dt.date(2026, 12, 7)  # a Monday
    wednesday = dt.date(2026, 12, 9)
    session, done = practice.todays_session(program, start, wednesday)  # two days missed: still day 1
    assert (session.day, done) == (1, False)
    log.add(files.state_dir(), log.Entry(wednesday, session.file_stem() + ".mp3", 300.0, "", program.id, 1))
    assert [(s.day, d) for s, d in [practice.todays_session(program, start, wednesday)]] == [(1, True)]
    thursday_session, _ = practice.todays_session(program, start, wednesday + dt.timedelta(days=1))
    assert thursday_session.day == 2
    assert practice.todays_session(program, start, dt.date(2026, 12, 13)) == (None, False)  # Sunday rests
    by_date = dataclasses.replace(program, advance="calendar")
    session, done = practice.todays_session(by_date, start, wednesday + dt.timedelta(days=1))
    assert session.day == 4 and session.date == wednesday + dt.timedelta(days=1) and not done


def test_a_program_starts_where_it_is_followed_else_where_the_config_file_says(tmp_path, monkeypatch):
    from audioguide.pipeline.catalogue import Catalogue
    config = tmp_path / "config.toml"
    config.write_text('start = "2026-11-02"\n')
    monkeypatch.setenv("AUDIOGUIDE_CONFIG", str(config))
    assert state.start_for("thoracic-four-weeks") == dt.date(2026, 11, 2)
    state.follow("thoracic-four-weeks", dt.date(2026, 11, 23))
    assert state.start_for("thoracic-four-weeks") == dt.date(2026, 11, 23)  # the followed one's own start
    config.write_text('start = "not a date"\n')
    assert state.start_for("another-program") is None                       # said by the commands that read it
    listed = {p.id: p for p in Catalogue().programs()}["thoracic-four-weeks"]
    assert listed.start == "2026-11-23" and listed.weekdays == [0, 1, 2, 3, 4, 5]  # what the page's form needs


def test_todays_card_says_what_grew_since_the_session_before():
    from audioguide.pipeline import practice
    from audioguide.practice import log
    start = dt.date(2026, 11, 30)  # a Monday
    state.follow("thoracic-four-weeks", start)
    card = practice.today_card(today=start)
    assert card["day"] == 1 and card["session"]["grew"] == ""  # nothing before the first session
    for day in (1, 2, 3, 4, 5, 6):  # the first week done, one a day
        log.add(files.state_dir(), log.Entry(start + dt.timedelta(days=day - 1), f"d{day}.mp3", 200.0, "",
                                             "thoracic-four-weeks", day))
    card = practice.today_card(today=dt.date(2026, 12, 7))  # Monday of week 2: longer, and two exercises more
    assert card["day"] == 8 and card["session"]["minutes"] == 5
    assert card["session"]["grew"] == ("A minute longer than last time (5 minutes, was 4). "
                                       "New: Y lift off against wall, Cat cow.")
