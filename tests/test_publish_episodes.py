"""Episodes read back from a folder: dates a client trusts, and an identity that follows the audio."""

import concurrent.futures
import datetime as dt
import os
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3, TIT2

from audioguide import encoder
from audioguide.errors import FeedError
from audioguide.model import SAMPLE_RATE
from audioguide.publish import episodes, session
from audioguide.publish.episodes import Episode

NOW = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)


def _session(day: int, built: dt.datetime, program: str = "p") -> Episode:
    date = dt.date(2026, 12, 1) + dt.timedelta(days=day - 1)
    session = {"program": program, "program_title": "P", "day": day, "date": date.isoformat(), "week": 1,
               "episode": day}
    published = dt.datetime.combine(date, dt.time(episodes.SESSION_HOUR_UTC), dt.UTC)
    return Episode(Path(f"{program}-day{day:02d}.mp3"), f"Day {day}", 60.0, published, (), session, modified=built)


def test_no_episode_is_dated_after_now_or_after_it_was_built():
    built = NOW - dt.timedelta(hours=2)   # a week of sessions built this afternoon
    week = [_session(day, built + dt.timedelta(seconds=day)) for day in range(1, 8)]
    loose = Episode(Path("x.mp3"), "X", 60.0, NOW + dt.timedelta(days=3), (), modified=NOW + dt.timedelta(days=3))
    dated = episodes.dated([*week, loose], NOW)
    assert all(e.published <= NOW and e.modified <= NOW for e in dated)
    assert all(e.published <= w.modified for e, w in zip(dated, week))


def test_a_programs_sessions_are_dated_in_day_order_whatever_order_they_were_built_in():
    built = [NOW - dt.timedelta(minutes=m) for m in (5, 30, 1, 90, 2)]  # days built out of order, today
    week = [_session(day, when) for day, when in zip(range(1, 6), built)]
    dated = sorted(episodes.dated(week[::-1], NOW), key=lambda e: e.session["day"])
    times = [e.published for e in dated]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert all(b - a >= episodes.DAY_ORDER_STEP for a, b in zip(times, times[1:]))


def test_a_session_built_on_or_after_its_day_is_dated_on_its_day_and_one_built_ahead_when_it_was_built():
    late = _session(1, NOW)                               # built this evening, its day began this morning
    ahead = _session(3, NOW - dt.timedelta(days=10), "q")  # built ten days ago: its date stays put as days pass
    dated = episodes.dated([late, ahead], NOW + dt.timedelta(days=5))
    assert dated[0].published == dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    assert dated[1].published == NOW - dt.timedelta(days=10)


def _mp3(path: Path, seed: int) -> Path:
    rng = np.random.default_rng(seed)
    x = (rng.normal(0, 0.1, 2 * SAMPLE_RATE)).astype(np.float32)
    encoder.encode([x], path, len(x))
    return path


def test_the_audio_version_follows_the_sound_and_not_the_tag(tmp_path):
    a = _mp3(tmp_path / "a.mp3", 1)
    first = episodes.audio_version(a)
    assert episodes.audio_version(_mp3(tmp_path / "same.mp3", 1)) == first   # the same audio, encoded again
    tags = ID3()
    tags.add(TIT2(encoding=3, text=["A title that makes the tag longer " * 20]))
    tags.save(a, v2_version=3)
    assert episodes.audio_version(a) == first                                  # retagged: the same episode
    assert episodes.audio_version(_mp3(tmp_path / "other.mp3", 2)) != first    # other audio: a new one


@pytest.mark.parametrize("sidecar", [".plan.json", ".chapters.json"])
@pytest.mark.parametrize("odd", ["fifo", "link-to-dev-zero", "huge"])
def test_a_sidecar_that_is_not_a_small_file_is_one_line_never_a_hang(tmp_path, sidecar, odd):
    """The feed and the page read every session's plan and chapters: one replaced by a FIFO (no writer), a link to
    an endless device or a file too large is refused at once, in one line naming it, and nothing waits on it."""
    mp3 = _mp3(tmp_path / "s.mp3", 3)
    plan, chapters = tmp_path / "s.plan.json", tmp_path / "s.chapters.json"
    plan.write_text('{"routine": "r", "title": "R"}')
    chapters.write_text('{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Intro"}]}')
    odd_one = tmp_path / f"s{sidecar}"
    odd_one.unlink()
    if odd == "fifo":
        os.mkfifo(odd_one)
    elif odd == "huge":
        with open(odd_one, "wb") as f:
            f.truncate(session.MAX_SIDECAR_BYTES + 1)
    else:
        odd_one.symlink_to("/dev/zero")
    outcome = concurrent.futures.ThreadPoolExecutor(1).submit(episodes.read, mp3)
    with pytest.raises(FeedError) as raised:
        outcome.result(timeout=10)
    assert str(raised.value).startswith(f"{odd_one}: not a readable ") and "\n" not in str(raised.value)
