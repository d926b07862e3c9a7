"""End to end: real espeak-ng through pyttsx3, real ffmpeg, then listen to the MP3 as a player would."""

import json
import subprocess

import numpy as np
import pytest
from conftest import DATA, decode, ebur128, ffprobe, loudness_of, rms_db

from audioguide.model import HOLD, SAMPLE_RATE, SOUND_KINDS, SPEECH
from audioguide.pipeline import options as pipeline_options
from audioguide.pipeline import routines as pipeline_routines
from audioguide.publish import tags
from audioguide.speech import EngineSpec

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def short_build(tmp_path_factory, clip_cache):
    out = tmp_path_factory.mktemp("out")
    options = pipeline_options.BuildOptions(length_s=120, output_dir=out, engine=EngineSpec("pyttsx3"),
                                    cache_dir=clip_cache, definition_paths=(DATA / "short.toml",))
    return pipeline_routines.build("short", options)


def test_writes_one_mp3_with_a_stable_name_and_its_sidecars(short_build):
    assert short_build.path.name == "short-2m.mp3"
    assert sorted(p.name for p in short_build.path.parent.iterdir()) == [
        "short-2m.chapters.json", "short-2m.jpg", "short-2m.mp3", "short-2m.plan.json", "short-2m.srt",
        "short-2m.svg", "short-2m.vtt"]
    plan = json.loads(short_build.plan_path.read_text())
    assert plan["duration_s"] == 120 and plan["sample_rate"] == SAMPLE_RATE
    assert plan.pop("made_with") == {"engine": "pyttsx3", "voice": "gmw/en-us+klatt2", "music": None}
    assert plan == json.loads(json.dumps(short_build.timeline.to_dict()))


def test_duration_format_and_header(short_build):
    info = ffprobe(short_build.path, "-show_streams", "-show_format")
    stream = info["streams"][0]
    assert stream["sample_rate"] == "44100" and stream["bit_rate"] == "96000"
    assert abs(len(decode(short_build.path)) / SAMPLE_RATE - 120) < 0.05
    assert abs(float(info["format"]["duration"]) - 120) < 1


def test_sound_where_the_plan_put_it_and_silence_elsewhere(short_build):
    audio = decode(short_build.path)
    timeline = short_build.timeline
    audible = [e for e in timeline.events if e.kind in (SPEECH, *SOUND_KINDS)]
    assert {e.kind for e in audible} >= {SPEECH, "rep", "hold_start", "hold_end", "tick", "chime", "bell"}
    for event in audible:
        assert rms_db(audio[event.start:event.end]) > -40, event
    busy = np.zeros(len(audio), dtype=bool)
    guard = round(0.03 * SAMPLE_RATE)  # MP3 pre-echo and frame smearing
    for event in audible:
        busy[max(0, event.start - guard):event.end + guard] = True
    window = round(0.1 * SAMPLE_RATE)
    quiet = 0
    for start in range(0, len(audio) - window, window):
        if not busy[start:start + window].any():
            assert rms_db(audio[start:start + window]) < -60, f"sound at {start / SAMPLE_RATE:.2f} s"
            quiet += 1
    assert quiet > 50  # there were silent stretches to check (rests, holds)


def test_the_first_half_second_is_silent_for_earbuds_to_wake(short_build):
    audio = decode(short_build.path)
    first = min(e.start for e in short_build.timeline.events if e.kind in (SPEECH, *SOUND_KINDS))
    assert first >= SAMPLE_RATE // 2
    assert rms_db(audio[:SAMPLE_RATE // 2]) < -70
    assert rms_db(audio[first:first + SAMPLE_RATE // 2]) > -40  # and then the voice


def test_beeps_start_where_planned(short_build):
    audio = decode(short_build.path)
    for event in (e for e in short_build.timeline.events if e.kind in ("hold_start", "rep", "tick")):
        ms = round(0.005 * SAMPLE_RATE)
        before = rms_db(audio[event.start - 4 * ms:event.start - ms])
        after = rms_db(audio[event.start + ms:event.start + 4 * ms])
        assert after > before + 20, event


def test_holds_are_silent_apart_from_ticks_and_reminders(short_build):
    timeline = short_build.timeline
    hold = next(e for e in timeline.events if e.kind == HOLD and e.end - e.start > 10 * SAMPLE_RATE)
    inside = [e for e in timeline.events if e.kind == SPEECH and hold.start < e.start < hold.end]
    assert [e.text for e in inside] == ["Halfway."]


def test_tags_and_chapters_read_back(short_build):
    from mutagen.id3 import ID3
    id3 = ID3(short_build.path)
    assert id3.version == (2, 3, 0)
    assert str(id3["TIT2"]) == "Short test routine (2m)" and str(id3["TCON"]) == "Fitness"
    assert str(id3["TALB"]) == "Short test routine" and str(id3["TPE1"])
    expected = [(c.title, round(c.start_s * 1000), round(c.end_s * 1000)) for c in short_build.timeline.chapters]
    assert [t for t, _, _ in expected] == ["Intro", "Arm raise", "Stand tall", "Outro"]
    assert tags.chapters(short_build.path) == expected
    probed = ffprobe(short_build.path, "-show_chapters")["chapters"]
    assert [(c["tags"]["title"], round(float(c["start_time"]) * 1000), round(float(c["end_time"]) * 1000))
            for c in probed] == expected


def test_a_rebuild_renders_nothing_and_gives_the_same_audio(short_build, clip_cache, tmp_path):
    options = pipeline_options.BuildOptions(length_s=120, output_dir=tmp_path, engine=EngineSpec("pyttsx3"),
                                    cache_dir=clip_cache, definition_paths=(DATA / "short.toml",))
    again = pipeline_routines.build("short", options)
    assert again.rendered_clips == 0
    assert again.timeline == short_build.timeline
    assert np.array_equal(decode(again.path), decode(short_build.path))


def test_a_short_builtin_session(tmp_path, clip_cache):
    # espeak-ng's built-in session needs at least 4.9 minutes (piper's: 4); 6 leaves room for other versions
    options = pipeline_options.BuildOptions(length_s=6 * 60, output_dir=tmp_path, engine=EngineSpec("pyttsx3"),
                                    cache_dir=clip_cache)
    result = pipeline_routines.build("thoracic-mobility", options)
    assert result.path.name == "thoracic-mobility-6m.mp3"
    assert abs(len(decode(result.path)) / SAMPLE_RATE - 360) < 0.05
    titles = [t for t, _, _ in tags.chapters(result.path)]
    assert titles[0] == "Intro" and titles[-1] == "Outro" and "Thread the needle" in titles


def test_podcast_loudness_on_the_encoded_file(short_build):
    integrated, peak = ebur128(short_build.path)
    assert abs(integrated - (-16.0)) <= 1.0
    assert peak <= -1.0


def test_music_bed_in_stereo(tmp_path, clip_cache):
    music = tmp_path / "bed.ogg"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "anoisesrc=color=pink:duration=20:seed=3",
                    "-af", "lowpass=3000", "-ac", "2", str(music)], check=True)
    options = pipeline_options.BuildOptions(length_s=90, output_dir=tmp_path / "out", engine=EngineSpec("pyttsx3"),
                                    cache_dir=clip_cache, definition_paths=(DATA / "short.toml",), music=music,
                                    stereo=True)
    result = pipeline_routines.build("short", options)
    stream = ffprobe(result.path, "-show_streams")["streams"][0]
    assert stream["channels"] == 2
    integrated, peak = ebur128(result.path)
    assert abs(integrated - (-16.0)) <= 1.0 and peak <= -1.0
    audio = decode(result.path)
    events = sorted(result.timeline.events, key=lambda e: e.start)
    rests = [(a.end, b.start) for a, b in zip(events, events[1:])
             if b.start - a.end > 3 * SAMPLE_RATE]
    assert rests  # the music fills the rests: no silence there any more
    start, end = rests[0]
    assert rms_db(audio[start + SAMPLE_RATE:end - SAMPLE_RATE]) > -45


def test_everything_in_the_tag_reads_back(short_build):
    import io

    from mutagen.id3 import ID3
    from PIL import Image
    id3 = ID3(short_build.path)
    raw = short_build.path.read_bytes()[:10 + id3.size]
    assert b"TYER" in raw and b"TDRC" not in raw  # v2.3 frames, as v2.3 players expect
    assert str(id3["TRCK"]) == "2" and str(id3["TDRC"]).isdigit() and str(id3["TLEN"]) == "120000"
    timeline = short_build.timeline
    comment = str(id3["COMM::eng"]).splitlines()
    assert comment == ["%02d:%02d %s" % (*divmod(round(c.start_s), 60), c.title) for c in timeline.chapters]
    cover = id3["APIC:Cover"]
    assert cover.mime == "image/jpeg" and len(cover.data) < 300_000
    assert Image.open(io.BytesIO(cover.data)).size == (1400, 1400)
    spoken = sorted((e for e in timeline.events if e.kind == SPEECH), key=lambda e: e.start)
    assert id3["SYLT::eng"].format == 2
    assert id3["SYLT::eng"].text == [(e.text, round(e.start_s * 1000)) for e in spoken]
    lyrics = str(id3["USLT::eng"])
    assert lyrics.startswith("INTRO\n") and all(e.text in lyrics for e in spoken)


def test_sidecars_match_the_timeline(short_build):
    from test_publish_sidecars import _parse
    timeline = short_build.timeline
    spoken = sorted((e for e in timeline.events if e.kind == SPEECH), key=lambda e: e.start)
    base = short_build.path.with_suffix("")
    vtt = _parse(base.with_suffix(".vtt").read_text(), ".")
    srt = _parse(base.with_suffix(".srt").read_text(), ",")
    expected = [(round(e.start_s, 3), round(e.end_s, 3), e.text) for e in spoken]
    assert [(round(a, 3), round(b, 3), t) for a, b, t in vtt] == expected
    assert [(round(a, 3), round(b, 3), t) for a, b, t in srt] == expected
    chapters = json.loads(base.with_suffix(".chapters.json").read_text())["chapters"]
    assert [(c["title"], c["startTime"]) for c in chapters] == [(c.title, round(c.start_s, 3)) for c in timeline.chapters]


@pytest.mark.slow
@pytest.mark.skipif(not __import__("audioguide.speech", fromlist=["x"]).piper_available(),
                    reason="the neural extra is not installed")
def test_the_plan_is_the_same_after_the_cache_is_cleared(tmp_path):
    from audioguide.speech import ClipCache
    options = pipeline_options.BuildOptions(length_s=120, engine=EngineSpec("piper"), cache_dir=tmp_path / "cache",
                                    definition_paths=(DATA / "short.toml",))
    first, _ = pipeline_routines.plan("short", options)
    assert ClipCache(tmp_path / "cache").clear() > 0
    again, _ = pipeline_routines.plan("short", options)
    assert again == first


@pytest.mark.parametrize("engine, minutes", [("pyttsx3", 10), ("piper", 10)])  # long sessions: test_pipeline_lengths
def test_a_cold_build_renders_only_the_texts_its_session_says(tmp_path, engine, minutes):
    """Planning measures speech as it goes; nothing is rendered for a candidate plan that is not used."""
    from audioguide.speech import ClipCache, piper_available
    if engine == "piper" and not piper_available():
        pytest.skip("the neural extra is not installed")
    options = pipeline_options.BuildOptions(length_s=minutes * 60, output_dir=tmp_path / "out", engine=EngineSpec(engine),
                                    cache_dir=tmp_path / "cache")
    result = pipeline_routines.build("thoracic-mobility", options)
    said = set(result.timeline.texts())
    assert result.rendered_clips == ClipCache(tmp_path / "cache").info()[0]
    assert result.rendered_clips == len(said)


def test_beeps_sit_at_their_level_against_the_voice(short_build, tmp_path):
    """Each kind of sound, as loud as heard (ffmpeg's BS.1770 meter on the decoded MP3), against the voice."""
    from audioguide import defaults
    audio = decode(short_build.path)
    events = short_build.timeline.events
    voice = loudness_of(audio, [(e.start, e.end) for e in events if e.kind == SPEECH], tmp_path)
    measured = {kind: loudness_of(audio, [(e.start, e.end) for e in events if e.kind == kind], tmp_path) - voice
                for kind in ("rep", "hold_start", "hold_end", "tick", "chime", "bell")}
    assert all(abs(level - defaults.BEEP_LEVEL_DB) <= 1.0 for level in measured.values()), measured


def test_the_beep_level_can_be_changed(tmp_path, clip_cache):
    options = pipeline_options.BuildOptions(length_s=120, output_dir=tmp_path / "out", engine=EngineSpec("pyttsx3"),
                                    cache_dir=clip_cache, definition_paths=(DATA / "short.toml",), beep_level_db=-12)
    result = pipeline_routines.build("short", options)
    audio, events = decode(result.path), result.timeline.events
    voice = loudness_of(audio, [(e.start, e.end) for e in events if e.kind == SPEECH], tmp_path)
    ticks = loudness_of(audio, [(e.start, e.end) for e in events if e.kind == "tick"], tmp_path)
    assert abs(ticks - voice - (-12)) <= 1.0
    integrated, peak = ebur128(result.path)
    assert abs(integrated - (-16.0)) <= 1.0 and peak <= -1.0  # the session's loudness target still holds


@pytest.mark.slow
def test_a_session_in_another_language_names_the_voice_that_spoke_it(tmp_path):
    """The plan's made_with names the voice chosen for the language (German's), not the engine's English one."""
    from audioguide.pipeline.studio import Studio
    options = pipeline_options.BuildOptions(output_dir=tmp_path, cache_dir=tmp_path / "cache",
                                            engine=EngineSpec("pyttsx3", language="de"))
    studio = Studio(options, None)
    assert studio.made_with()["voice"] == studio.speaker.engine.voice
    assert studio.made_with()["voice"] in ("mb/mb-de6", "gmw/de")
