import wave

import numpy as np
import pytest

from audioguide import speech
from audioguide.errors import MissingToolError, UnknownNameError
from audioguide.model import SAMPLE_RATE


@pytest.fixture
def speaker(tmp_path):
    return speech.Speaker(speech.EngineSpec("pyttsx3"), speech.ClipCache(tmp_path / "cache"))


def test_renders_trimmed_clips_at_the_session_rate(speaker):
    clips = speaker.clips(["Lift your arms off the wall.", "Hold."])
    long, short = clips["Lift your arms off the wall."], clips["Hold."]
    assert long.dtype == np.int16 and 0.8 * SAMPLE_RATE < len(long) < 4 * SAMPLE_RATE
    assert len(short) < len(long)
    for clip in (long, short):  # trimmed: sound right at both edges (within the 20 ms margin)
        edge = round(0.03 * SAMPLE_RATE)
        assert np.abs(clip[:edge]).max() > 300 and np.abs(clip[-edge:]).max() > 300
    assert speaker.rendered == 2


def test_a_second_run_renders_nothing(speaker, tmp_path):
    speaker.clips(["One.", "Two."])
    again = speech.Speaker(speech.EngineSpec("pyttsx3"), speech.ClipCache(tmp_path / "cache"))
    again.clips(["One.", "Two."])
    assert again.rendered == 0


def test_parallel_rendering_in_spawned_processes(tmp_path):
    texts = [f"Number {i}, and breathe." for i in range(6)]
    speaker = speech.Speaker(speech.EngineSpec("pyttsx3"), speech.ClipCache(tmp_path / "c"), jobs=2)
    clips = speaker.clips(texts)
    assert set(clips) == set(texts) and all(len(c) > SAMPLE_RATE // 2 for c in clips.values())


def test_a_truncated_clip_is_rendered_again(speaker):
    speaker.clips(["Truncate me."])
    path = speaker.cache.path(speaker.engine.identity(), "Truncate me.")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    again = speaker.clips(["Truncate me."])
    assert speaker.rendered == 2 and len(again["Truncate me."]) * 2 + 44 == len(path.read_bytes())


def test_cache_key_depends_on_voice_rate_and_text(tmp_path):
    cache = speech.ClipCache(tmp_path)
    a = speech.make_engine(speech.EngineSpec("pyttsx3")).identity()
    b = speech.make_engine(speech.EngineSpec("pyttsx3", rate=200)).identity()
    assert cache.path(a, "Hi.") != cache.path(b, "Hi.") != cache.path(a, "Hello.")
    assert cache.path(a, "Hi.") == cache.path(a, "  Hi. ")


def test_unknown_voice_is_an_error(tmp_path):
    engine = speech.make_engine(speech.EngineSpec("pyttsx3", voice="no/such-voice"))
    with pytest.raises(UnknownNameError, match="unknown pyttsx3 voice 'no/such-voice'"):
        engine.render("Hi.", tmp_path / "x.wav")


def test_missing_espeak_names_the_package(monkeypatch):
    monkeypatch.setattr(speech, "ESPEAK_LIBS", ("libno-such-espeak.so.9",))
    with pytest.raises(MissingToolError, match="apt-get install espeak-ng"):
        speech.require_espeak()


def test_written_wavs_are_valid(tmp_path):
    path = tmp_path / "x.wav"
    speech.write_wav(path, np.arange(100, dtype=np.int16))
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnframes(), w.getnchannels()) == (SAMPLE_RATE, 100, 1)


@pytest.mark.parametrize("text, spoken", [
    ("Do 8-12 reps.", "Do 8 to 12 reps."),
    ("Hold 5 s, then rest 10 sec...", "Hold 5 seconds, then rest 10 seconds"),
    ("Rest 1 min.", "Rest 1 minute."),
    ("Switch L/R sides.", "Switch left and right sides."),
    ("Stretch <emphasis>gently</emphasis>… and relax", "Stretch gently, and relax"),
    ("Use a mat & a towel, e.g. a bath towel.", "Use a mat and a towel, for example a bath towel."),
    ("2 x 10 at 50 %", "2 times 10 at 50 percent"),
])
def test_text_is_normalised_for_speech(text, spoken):
    assert speech.normalise(text) == spoken


def test_auto_is_piper_when_installed():
    assert speech.resolve("auto") == ("piper" if speech.piper_available() else "pyttsx3")
    with pytest.raises(UnknownNameError, match="unknown speech engine 'festival'"):
        speech.resolve("festival")


needs_piper = pytest.mark.skipif(not speech.piper_available(), reason="the neural extra is not installed")


@needs_piper
def test_piper_renders_the_bundled_voice(tmp_path):
    speaker = speech.Speaker(speech.EngineSpec("piper"), speech.ClipCache(tmp_path))
    clip = speaker.clips(["Thread your left hand under your body."])["Thread your left hand under your body."]
    assert 1.0 * SAMPLE_RATE < len(clip) < 5 * SAMPLE_RATE
    slow = speech.Speaker(speech.EngineSpec("piper", rate=110), speech.ClipCache(tmp_path))
    slower = slow.clips(["Thread your left hand under your body."])["Thread your left hand under your body."]
    assert len(slower) > 1.25 * len(clip)  # the rate reaches the engine, and the cache keeps them apart


@needs_piper
def test_piper_voice_must_be_a_model_file(tmp_path):
    with pytest.raises(UnknownNameError, match="unknown piper voice 'amy'"):
        speech.make_engine(speech.EngineSpec("piper", voice="amy"))
    (tmp_path / "v.onnx").write_bytes(b"x")
    with pytest.raises(UnknownNameError, match="with its .onnx.json beside it"):
        speech.make_engine(speech.EngineSpec("piper", voice=str(tmp_path / "v.onnx")))


def test_cache_info_and_clear(speaker):
    speaker.clips(["One clip."])
    count, size = speaker.cache.info()
    assert count == 1 and size > 1000
    assert speaker.cache.clear() == 1 and speaker.cache.info() == (0, 0)
