"""Output the way people ask for it: --name, --artist, --album, --loudness, --split (tone voice, real ffmpeg)."""

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import DATA, ebur128, ffprobe
from mutagen.id3 import ID3

from audioguide.cli import cli
from audioguide.publish import tags

SHORT = ["-d", str(DATA / "short.toml"), "--engine", "tone"]


def build(tmp_path, *args):
    result = CliRunner().invoke(cli, ["build", "short", "-m", "2", "-o", str(tmp_path), *SHORT, *args])
    return result


def test_name_template_names_the_session_and_its_sidecars(tmp_path):
    result = build(tmp_path, "--name", "{routine}-{length}-{date}")
    assert result.exit_code == 0, result.output
    stem = f"short-2m-{dt.date.today().isoformat()}"
    assert result.output.strip() == str(tmp_path / f"{stem}.mp3")
    assert {p.name for p in tmp_path.iterdir()} >= {f"{stem}.mp3", f"{stem}.plan.json", f"{stem}.vtt"}


@pytest.mark.parametrize("template, message", [
    ("{day}", "found {day}"),
    ("{routine:>9}", "found {routine}"),
    ("{nope}", "expected placeholders among {routine}, {length}, {date}"),
    ("{routine", "expected a template such as"),
    ("/", "expected a template that makes a file name"),
])
def test_a_bad_name_template_is_one_line_before_any_work(tmp_path, template, message):
    result = build(tmp_path / "out", "--name", template)
    assert result.exit_code == 2 and message in result.output and result.output.startswith("Error: --name: ")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_several_lengths_need_the_length_in_the_name(tmp_path):
    result = CliRunner().invoke(cli, ["build", "short", "-m", "2,3", "-o", str(tmp_path), *SHORT, "--name", "x"])
    assert result.exit_code == 2 and "several lengths need {length}" in result.output


def test_a_name_with_a_slash_stays_in_the_output_folder(tmp_path):
    result = build(tmp_path, "--name", "../{routine}/{length}")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "short-2m.mp3") and not (tmp_path.parent / "short").exists()


def test_a_long_name_is_cut_to_fit_a_file_name_in_bytes_not_characters(tmp_path):
    result = build(tmp_path, "--name", "é" * 190 + "{length}", "--split")  # 380 bytes of UTF-8 before the cut
    assert result.exit_code == 0, result.output
    names = [p.name for p in tmp_path.iterdir()]
    assert f"{'é' * 100}.mp3" in names and max(len(n.encode()) for n in names) <= 255
    assert all(len(p.name.encode()) <= 255 for p in (tmp_path / ("é" * 100)).iterdir())


def test_program_sessions_take_the_day_and_program_in_their_name(tmp_path):
    args = ["program", "build", "thoracic-four-weeks", "--start", "2026-12-01", "--days", "2", "-o", str(tmp_path),
            "--engine", "tone", "--name", "{program}-{day}-{date}-{routine}"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(tmp_path / "thoracic-four-weeks-02-2026-12-02-desk-reset.mp3")
    again = CliRunner().invoke(cli, args)  # the same name is found again: up to date
    assert again.output.strip().endswith("(up to date)")


def test_program_sessions_named_alike_are_refused_before_any_work(tmp_path):
    result = CliRunner().invoke(cli, ["program", "build", "thoracic-four-weeks", "--start", "2026-12-01", "--days",
                                      "1-3", "-o", str(tmp_path / "o"), "--engine", "tone", "--name", "{program}"])
    assert result.exit_code == 2
    assert result.output == ("Error: --name: '{program}' gives several sessions the same file name; put {day} or "
                             "{date} in it\n")
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_artist_and_album_tags(tmp_path):
    result = build(tmp_path, "--artist", "Sam Lee", "--album", "Mornings")
    assert result.exit_code == 0, result.output
    found = ID3(tmp_path / "short-2m.mp3")
    assert str(found["TPE1"]) == "Sam Lee" and str(found["TALB"]) == "Mornings"
    assert build(tmp_path / "plain").exit_code == 0
    found = ID3(tmp_path / "plain" / "short-2m.mp3")
    assert str(found["TPE1"]) == tags.ARTIST and str(found["TALB"]) == "Short test routine"


@pytest.mark.parametrize("lufs", [-23.0, -14.0])
def test_loudness_target_holds_on_the_encoded_file(tmp_path, lufs):
    assert build(tmp_path, "--loudness", str(lufs)).exit_code == 0
    integrated, true_peak = ebur128(tmp_path / "short-2m.mp3")
    assert abs(integrated - lufs) <= 1.0 and true_peak <= -1.0 + 0.3


def test_loudness_outside_the_range_is_a_usage_error(tmp_path):
    result = build(tmp_path, "--loudness", "-10")
    assert result.exit_code == 2 and "-24" in result.output


def test_split_writes_one_tagged_mp3_per_chapter_and_a_playlist_in_order(tmp_path):
    result = build(tmp_path, "--split", "--artist", "Sam")
    assert result.exit_code == 0
    # it says where the parts and the playlist went, under the session
    assert result.stdout.splitlines() == [str(tmp_path / "short-2m.mp3"), f"  {tmp_path / 'short-2m'}/",
                                          f"  {tmp_path / 'short-2m.m3u8'}"]
    whole = tmp_path / "short-2m.mp3"
    chapters = tags.chapters(whole)
    parts = sorted((tmp_path / "short-2m").iterdir())
    assert len(parts) == len(chapters) >= 3
    playlist = (tmp_path / "short-2m.m3u8").read_text().splitlines()
    assert playlist[0] == "#EXTM3U"
    assert [line for line in playlist if not line.startswith("#")] == [f"short-2m/{p.name}" for p in parts]
    total = 0.0
    for number, (part, (title, start_ms, end_ms)) in enumerate(zip(parts, chapters), 1):
        found = ID3(part)
        assert str(found["TIT2"]) == title and str(found["TRCK"]) == f"{number}/{len(parts)}"
        assert str(found["TPE1"]) == "Sam" and str(found["TALB"]) == "Short test routine (2m)"
        duration = float(ffprobe(part, "-show_entries", "format=duration")["format"]["duration"])
        assert abs(duration - (end_ms - start_ms) / 1000) < 0.1   # cut at MP3 frames, 26 ms apart
        total += duration
    assert abs(total - 120) < 0.2


def test_a_rebuild_with_split_replaces_the_parts_whole(tmp_path):
    assert build(tmp_path, "--split").exit_code == 0
    (tmp_path / "short-2m" / "stale.mp3").write_bytes(b"old")
    assert build(tmp_path, "--split").exit_code == 0
    assert not (tmp_path / "short-2m" / "stale.mp3").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".audioguide-")]


def test_split_parts_are_not_episodes_of_the_feed(tmp_path):
    assert build(tmp_path, "--split").exit_code == 0
    result = CliRunner().invoke(cli, ["feed", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "feed.xml").read_text().count("<item>") == 1


def test_removing_a_split_session_takes_its_parts_and_leaves_other_folders(tmp_path):
    from audioguide.publish import session
    assert build(tmp_path, "--split").exit_code == 0
    session.remove_parts(tmp_path / "short-2m.mp3")
    assert not (tmp_path / "short-2m").exists() and not (tmp_path / "short-2m.m3u8").exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    session.remove_parts(tmp_path / "mine.mp3")
    assert (mine / "notes.txt").read_text() == "keep"


def _quietest_rms(path, window_s=0.5) -> float:
    from conftest import decode
    audio = decode(path)
    n = int(window_s * 44100)
    return min(float(np.sqrt(np.mean(audio[i:i + n] ** 2))) for i in range(0, len(audio) - n, n))


def test_program_sessions_take_the_mix_options_and_rebuild_when_they_change(tmp_path):
    from clarity import music_bed
    bed = music_bed(tmp_path / "bed.wav", seconds=8)
    base = ["program", "build", "thoracic-four-weeks", "--start", "2026-12-01", "--days", "2", "--engine", "tone"]
    dry = CliRunner().invoke(cli, [*base, "-o", str(tmp_path / "dry")])
    assert dry.exit_code == 0, dry.output
    args = [*base, "-o", str(tmp_path / "wet"), "--music", str(bed), "--stereo", "--bitrate", "128"]
    wet = CliRunner().invoke(cli, args)
    assert wet.exit_code == 0, wet.output
    path = Path(wet.output.strip())
    stream = ffprobe(path, "-show_entries", "stream=channels,bit_rate")["streams"][0]
    assert stream["channels"] == 2 and int(stream["bit_rate"]) == 128_000
    assert _quietest_rms(path) > 10 * _quietest_rms(Path(dry.output.strip()))  # the bed fills the pauses
    assert CliRunner().invoke(cli, args).output.strip().endswith("(up to date)")
    louder = CliRunner().invoke(cli, [*args, "--beep-level", "0"])
    assert louder.exit_code == 0 and not louder.output.strip().endswith("(up to date)")
