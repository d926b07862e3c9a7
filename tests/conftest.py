"""Shared fixtures: one speech cache for the whole run, real audio helpers, fake durations for pure tests.

Quick tests (not marked slow) run as on a machine without any TTS: the real engines are out of their reach, so
the quick subset needs neither espeak-ng nor piper; they use the tone engine where they need clips.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

from audioguide.definitions import loader as definitions_loader
from audioguide.model import SAMPLE_RATE
from audioguide.speech import engines, espeak, kokoro

DATA = Path(__file__).parent / "data"

# HYPOTHESIS_PROFILE=thorough for a long search before a release; the default keeps the suite quick.
settings.register_profile("default", max_examples=120, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.register_profile("thorough", max_examples=3000, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session", autouse=True)
def _isolated_user_dirs_for_the_session(tmp_path_factory):
    """The same before any module's fixtures start servers and builds in processes of their own."""
    home = tmp_path_factory.getbasetemp() / "xdg"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        patch.setenv("XDG_CACHE_HOME", str(home / "cache"))
        patch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("session-state")))
        yield


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """No test reads the developer's own definitions or writes to their cache."""
    home = tmp_path_factory.getbasetemp() / "xdg"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config")))  # each test its own: the
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))                      # editor writes there
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
    for variable in [v for v in os.environ if v.startswith("AUDIOGUIDE_")]:  # the developer's own settings
        monkeypatch.delenv(variable)


@pytest.fixture(autouse=True)
def _piper_for_auto_outside_the_voice_tests(request, monkeypatch):
    """Kokoro renders about five times slower than piper. In this process, tests of other things than the voice
    (pipeline, faults, the web) keep 'auto' at piper, as before Kokoro, so the suite stays in its time budget;
    tests marked voice, and every test that names kokoro, speak with Kokoro."""
    if not request.node.get_closest_marker("voice"):
        monkeypatch.setattr(kokoro, "available", lambda: False)


@pytest.fixture(autouse=True)
def _no_real_voices_in_quick_tests(request, monkeypatch):
    """A quick test that reaches for espeak-ng, piper or Kokoro fails as it would on a machine without them."""
    if request.node.get_closest_marker("slow"):
        return
    monkeypatch.setattr(espeak, "LIBS", ("libaudioguide-quick-tests-have-no-espeak.so",))
    monkeypatch.setattr(engines, "piper_available", lambda: False)


@pytest.fixture(scope="session")
def clip_cache(tmp_path_factory, worker_id) -> Path:
    """One clip cache shared by every test that renders real speech, across pytest-xdist's workers too (the
    cache is content-addressed and written atomically, so workers may fill it at once)."""
    if worker_id == "master":
        return tmp_path_factory.mktemp("clips")
    shared = tmp_path_factory.getbasetemp().parent / "clips"
    shared.mkdir(exist_ok=True)
    return shared


@pytest.fixture(scope="session")
def library():
    return definitions_loader.load_library([DATA / "short.toml"], include_user=False)


def fake_durations(texts) -> dict[str, int]:
    """Deterministic stand-in for measured speech: 60 ms per character plus 200 ms."""
    return {t: round((0.2 + 0.06 * len(t)) * SAMPLE_RATE) for t in texts}



class FakeDurations(dict):
    """A durations mapping that answers for any text (pure compiler tests need no audio)."""

    def __contains__(self, text):
        return True

    def __getitem__(self, text):
        return fake_durations([text])[text]


def decode(path: Path) -> np.ndarray:
    """Decode an audio file with ffmpeg to mono float32 at SAMPLE_RATE."""
    out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "f32le", "-ac", "1",
                          "-ar", str(SAMPLE_RATE), "pipe:1"], capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype="<f4")


def ffprobe(path: Path, *args: str) -> dict:
    out = subprocess.run(["ffprobe", "-v", "error", "-of", "json", *args, str(path)], capture_output=True,
                         check=True, text=True).stdout
    return json.loads(out)


def rms_db(x: np.ndarray) -> float:
    return 20 * np.log10(float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) + 1e-12)


def pytest_configure(config):
    # Started in the background by a shell without job control (`cmd &` in a script, nohup), pytest inherits
    # SIGINT ignored, and so would every audioguide it starts: the tests that press Ctrl-C, and the servers
    # stopped with it, need it back. (audioguide itself rightly keeps an ignored SIGINT ignored.)
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true",
                     help="Rewrite tests/golden/ from the current compiler instead of comparing with it.")


@pytest.fixture
def regen_golden(request) -> bool:
    return request.config.getoption("--regen-golden")


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of an audio file, measured by ffmpeg's ebur128 filter."""
    import re
    err = subprocess.run(["ffmpeg", "-nostats", "-hide_banner", "-i", str(path), "-af", "ebur128=peak=true",
                          "-f", "null", "-"], capture_output=True, text=True, check=True).stderr
    summary = err[err.rindex("Summary:"):]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


def loudness_of(audio: np.ndarray, spans, folder: Path) -> float:
    """Integrated loudness (ffmpeg's ebur128) of the spans (start, end in samples) of audio, played back to back:
    how loud those sounds are while they sound."""
    import wave
    pieces = np.concatenate([audio[a:b] for a, b in spans])
    path = folder / f"spans-{len(pieces)}.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((np.clip(pieces, -1, 1) * 32767).astype("<i2").tobytes())
    return ebur128(path)[0]


# The modules that take longest, heaviest first: run first, so that pytest-xdist's two workers (a module each at
# a time) end together instead of one waiting for the other's last long module.
HEAVY_FIRST = ("test_clarity", "test_clarity_mixed", "test_faults_load", "test_install", "test_web_page",
               "test_pipeline_lengths", "test_pipeline", "test_faults", "test_speech_assets", "test_web_server",
               "test_web_api", "test_cli")


def pytest_collection_modifyitems(items):
    weight = {name: i for i, name in enumerate(HEAVY_FIRST)}
    items.sort(key=lambda item: weight.get(item.path.stem, len(HEAVY_FIRST)))  # stable: files keep their order


@pytest.fixture
def tiny_disk(tmp_path):
    """A real, nearly full disk: a tmpfs of a few hundred kilobytes (needs root, as CI runs)."""
    mounted = []

    def make(name: str, size: str) -> Path:
        where = tmp_path / name
        where.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode != 0:
            pytest.skip("cannot mount a tmpfs here")
        mounted.append(where)
        return where

    yield make
    busy = [where for where in mounted if subprocess.run(["umount", str(where)], capture_output=True).returncode]
    for where in busy:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
    if busy:  # the code under test still holds a file there: a leak
        pytest.fail(f"a file is still open on {', '.join(map(str, busy))}: something did not close it")
