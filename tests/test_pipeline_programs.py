"""Programs built for real: the tone voice for the quick checks, espeak-ng end to end, the feed read back."""

import datetime as dt
import json
import subprocess
import sys

import podcastparser
import pytest
from click.testing import CliRunner
from conftest import decode, ffprobe
from mutagen.id3 import ID3

from audioguide.cli import cli
from audioguide.errors import LengthError
from audioguide.pipeline import options as pipeline_options
from audioguide.pipeline import programs as pipeline_programs
from audioguide.speech import EngineSpec
from audioguide.web import page

PROGRAM = "thoracic-four-weeks"
START = "2026-12-01"


def _run(*args):
    return CliRunner().invoke(cli, list(args))


def _tone(tmp_path):
    return ["--engine", "tone", "--cache-dir", str(tmp_path / "cache")]


VIEW_ALONE = """
import sys
from audioguide.cli.app import main
sys.argv = ["audioguide", *sys.argv[1:]]
try:
    main()
except SystemExit as done:
    heavy = sorted(m for m in ("numpy", "scipy", "mutagen", "PIL", "audioguide.mixer", "audioguide.encoder")
                   if m in sys.modules)
    print("loaded:", " ".join(heavy) or "nothing heavy", file=sys.stderr)
    sys.exit(done.code)
"""


@pytest.mark.parametrize("view, code", [(["program", "show", PROGRAM, "--start", START], 0),
                                        (["show", "thoracic-mobility"], 0),
                                        (["build", "thoracic-mobility", "-m", "0.1", "-o", "{out}"], 1)])
def test_a_view_or_a_length_too_short_loads_none_of_what_rendering_needs(tmp_path, view, code):
    """A calendar, a routine's page, or a build whose length cannot be, answers before numpy, the mixer, the
    encoder or the tagger have loaded (and the build leaves no output folder behind)."""
    args = [a.format(out=tmp_path / "out") for a in view]
    shown = subprocess.run([sys.executable, "-c", VIEW_ALONE, *args, "--cache-dir", str(tmp_path / "cache")],
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == code, shown.stderr
    assert not (tmp_path / "out").exists()
    assert shown.stderr.splitlines()[-1] == "loaded: nothing heavy"


def test_program_list_and_show(tmp_path):
    listed = _run("program", "list")
    assert listed.exit_code == 0 and f"  {PROGRAM}" in listed.output and "(4 weeks)  [built-in]" in listed.output
    shown = _run("program", "show", PROGRAM, "--start", START, *_tone(tmp_path))
    assert shown.exit_code == 0, shown.output
    assert shown.stderr.startswith("Note: lengths are estimated where speech is not rendered yet (")
    assert not list((tmp_path / "cache").rglob("*.wav"))   # a calendar renders nothing
    lines = shown.stdout.splitlines()
    assert lines[2].startswith("2026-12-01  Tue  day  1  week 1  Desk reset (3m")
    assert "2026-12-06  Sun  day  6  rest day" in lines
    assert any("new: Cat cow" in line for line in lines)              # exercises added over the weeks
    assert any("reps" in line or "hold" in line for line in lines[3:8])  # and more of them within a week


def test_build_a_slice_then_rebuild_skips_what_is_built(tmp_path):
    out = tmp_path / "out"
    first = _run("program", "build", PROGRAM, "--start", START, "--days", "1-3", "-o", str(out), *_tone(tmp_path))
    assert first.exit_code == 0, first.output
    names = [f"{PROGRAM}-day0{d}.mp3" for d in (1, 2, 3)]
    assert first.output.splitlines() == [str(out / n) for n in names]
    stamps = {n: (out / n).stat().st_mtime_ns for n in names}
    again = _run("program", "build", PROGRAM, "--start", START, "--days", "1-3", "-o", str(out), *_tone(tmp_path))
    assert again.output.splitlines() == [f"{out / n}  (up to date)" for n in names]
    assert {n: (out / n).stat().st_mtime_ns for n in names} == stamps
    moved = _run("program", "build", PROGRAM, "--start", "2026-12-02", "--days", "1", "-o", str(out), *_tone(tmp_path))
    assert moved.output == f"{out / names[0]}\n"  # another start date is another input: built again
    assert str(ID3(out / names[0])["TDRC"]) == "2026"  # mutagen reads the v2.3 TYER back as TDRC


def test_through_a_date_and_rest_days(tmp_path):
    out = tmp_path / "out"
    result = _run("program", "build", PROGRAM, "--start", START, "--through", "2026-12-02", "-o", str(out),
                  *_tone(tmp_path))
    assert result.output.splitlines() == [str(out / f"{PROGRAM}-day01.mp3"), str(out / f"{PROGRAM}-day02.mp3")]
    rest = _run("program", "build", PROGRAM, "--start", START, "--days", "6", "-o", str(out), *_tone(tmp_path))
    assert rest.exit_code == 1
    assert rest.output == f"Error: no session on the days asked for: they are rest days of {PROGRAM}\n"
    past = _run("program", "build", PROGRAM, "--start", START, "--days", "29-40", "-o", str(out), *_tone(tmp_path))
    assert past.exit_code == 1
    assert past.output == f"Error: no session on the days asked for: {PROGRAM} has days 1 to 28\n"
    before = _run("program", "build", PROGRAM, "--start", START, "--through", "2026-11-30", "-o", str(out),
                  *_tone(tmp_path))
    assert before.exit_code == 1 and before.output == f"Error: no session: --through 2026-11-30 is before the start, {START}\n"


@pytest.mark.parametrize("days", ["0", "x", "5-2", "1-"])
def test_bad_day_ranges_are_usage_errors(days):
    result = _run("program", "build", PROGRAM, "--start", START, "--days", days)
    assert result.exit_code == 2 and "expected days such as 3, 1-7" in result.output


def test_today_builds_or_finds_the_days_session(tmp_path):
    out = tmp_path / "out"
    options = pipeline_options.BuildOptions(output_dir=out, engine=EngineSpec("tone"), cache_dir=tmp_path / "cache")
    start = dt.date(2026, 12, 1)
    day, outcome = pipeline_programs.today(PROGRAM, start, options, on=dt.date(2026, 12, 3))
    # the built-in program advances by practice: two days missed, nothing done, so today is day 1
    assert day == 1 and outcome.path == out / f"{PROGRAM}-day01.mp3" and outcome.path.exists()
    day, again = pipeline_programs.today(PROGRAM, start, options, on=dt.date(2026, 12, 3))
    assert again.up_to_date and again.path == outcome.path
    assert pipeline_programs.today(PROGRAM, start, options, on=dt.date(2026, 12, 6)) == (6, None)
    # past the calendar's last day, a program that advances by practice goes on with what is not done yet
    late, outcome = pipeline_programs.today(PROGRAM, start, options, on=dt.date(2027, 1, 5))
    assert late == 1 and outcome.path == out / f"{PROGRAM}-day01.mp3"
    with pytest.raises(LengthError, match="runs from 2026-12-01 to 2026-12-28; 2026-11-30 is not one of its days"):
        pipeline_programs.today(PROGRAM, start, options, on=dt.date(2026, 11, 30))


def test_today_from_the_command_line(tmp_path):
    today = dt.date.today()
    result = _run("program", "today", PROGRAM, "--start", today.isoformat(), "-o", str(tmp_path / "o"),
                  *_tone(tmp_path))
    if today.weekday() == 6:
        assert result.exit_code == 0 and result.output == "Day 1 is a rest day.\n"
    else:
        assert result.exit_code == 0 and result.output == f"{tmp_path / 'o' / (PROGRAM + '-day01.mp3')}\n"


@pytest.mark.slow
def test_a_three_day_slice_end_to_end(tmp_path, clip_cache):
    """espeak-ng, ffmpeg and mutagen for real: days 1-3 of the built-in program, its feed read by podcastparser."""
    out = tmp_path / "out"
    options = pipeline_options.BuildOptions(output_dir=out, engine=EngineSpec("pyttsx3"), cache_dir=clip_cache)
    _, outcomes = pipeline_programs.build_program(PROGRAM, dt.date(2026, 12, 1), options, days=[1, 2, 3])
    assert [o.error for o in outcomes] == [None] * 3
    plans = [json.loads(o.result.plan_path.read_text()) for o in outcomes]
    assert [(p["session"]["day"], p["session"]["date"], p["session"]["episode"]) for p in plans] == [
        (1, "2026-12-01", 1), (2, "2026-12-02", 2), (3, "2026-12-03", 3)]
    for outcome, day in zip(outcomes, (1, 2, 3)):
        tags = ID3(outcome.path)
        assert str(tags["TIT2"]).startswith(f"Day {day} - Desk reset (")
        assert str(tags["TRCK"]) == str(day) and str(tags["TALB"]) == "Four weeks to a freer upper back"
        probed = float(ffprobe(outcome.path, "-show_format")["format"]["duration"])
        assert abs(probed - outcome.result.timeline.duration_s) < 0.1
        assert abs(len(decode(outcome.path)) / 44100 - outcome.result.timeline.duration_s) < 0.05
    said = [[e["text"] for e in p["events"] if e["kind"] == "speech"] for p in plans]
    assert said[0][0] == "Day 1 of 28." and said[1][1] != said[0][1]          # a new piece of advice each day
    holds = [[e["end_s"] - e["start_s"] for e in p["events"] if e["kind"] == "hold"] for p in plans]
    assert max(holds[2]) > max(holds[0])                                      # day 3 asks a little more
    page.write_site(out, "http://192.0.2.10:8000/")
    parsed = podcastparser.parse("http://192.0.2.10:8000/feed.xml", (out / "feed.xml").open("rb"))
    assert parsed["title"] == "Four weeks to a freer upper back" and parsed["type"] == "serial"
    episodes = parsed["episodes"]
    assert [e["number"] for e in episodes] == [1, 2, 3] and {e["season"] for e in episodes} == {1}
    published = [dt.datetime.fromtimestamp(e["published"], dt.UTC) for e in episodes]
    now = dt.datetime.now(dt.UTC)
    assert published == sorted(published) and all(when <= now for when in published)  # day order, none ahead
    for when, date in zip(published, ("2026-12-01", "2026-12-02", "2026-12-03")):
        # a day that has come is dated on its day (unless it was built before it); one still ahead, when built
        assert when.date().isoformat() == date or when.date() < dt.date.fromisoformat(date)
    xml = (out / "feed.xml").read_text()
    assert '<podcast:season name="Week 1">1</podcast:season>' in xml and "<podcast:episode>3</podcast:episode>" in xml
    assert subprocess.run(["ffprobe", "-v", "error", str(out / "feed-cover.jpg")]).returncode == 0
