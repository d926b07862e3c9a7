import wave
from pathlib import Path

import numpy as np
import pytest

from audioguide import audio
from audioguide.errors import AudioError, MissingToolError
from audioguide.model import SAMPLE_RATE


def test_written_wavs_are_valid(tmp_path):
    path = tmp_path / "x.wav"
    audio.write_wav(path, np.arange(100, dtype=np.int16))
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnframes(), w.getnchannels()) == (SAMPLE_RATE, 100, 1)
    samples, rate = audio.read_wav(path)
    assert rate == SAMPLE_RATE and np.array_equal(samples, np.arange(100))
    assert audio.wav_info(path).complete


def test_a_truncated_wav_is_known_from_its_header(tmp_path):
    path = tmp_path / "x.wav"
    audio.write_wav(path, np.ones(1000, dtype=np.int16))
    path.write_bytes(path.read_bytes()[:500])
    info = audio.wav_info(path)
    assert info.frames == 1000 and not info.complete
    assert audio.wav_info(tmp_path / "missing.wav") is None


@pytest.mark.parametrize("data", [b"", b"RIFF", b"not a wav file at all", b"RIFF\x24\x00\x00\x00WAVEfmt "])
def test_unreadable_wavs_are_audio_errors(tmp_path, data):
    path = tmp_path / "bad.wav"
    path.write_bytes(data)
    with pytest.raises(AudioError, match=rf"^{path}: not a readable WAV file"):
        audio.read_wav(path)


def test_decode_reads_any_format_and_refuses_what_is_not_audio(tmp_path):
    import subprocess
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=0.5", "-ac", "2",
                    "-ar", "48000", str(tmp_path / "a.ogg")], check=True)
    stereo = audio.decode(tmp_path / "a.ogg", channels=2)
    assert stereo.shape[1] == 2 and abs(len(stereo) - SAMPLE_RATE / 2) < 0.01 * SAMPLE_RATE
    (tmp_path / "b.mp3").write_text("words, not sound")
    with pytest.raises(AudioError, match=r"b.mp3: expected audio that ffmpeg can read; ffmpeg says: \w"):
        audio.decode(tmp_path / "b.mp3")


def test_decode_refuses_what_is_not_a_regular_file_before_ffmpeg_waits_on_it(tmp_path):
    import os
    os.mkfifo(tmp_path / "pipe.mp3")  # no writer: ffmpeg would wait for one forever
    with pytest.raises(AudioError, match="pipe.mp3: expected an audio file, found a pipe, a device or a socket"):
        audio.decode(tmp_path / "pipe.mp3")
    with pytest.raises(AudioError, match="expected an audio file, found a pipe, a device or a socket"):
        audio.decode(Path("/dev/zero"))
    (tmp_path / "music.mp3").mkdir()
    with pytest.raises(AudioError, match="music.mp3: expected an audio file, found a folder"):
        audio.decode(tmp_path / "music.mp3")


def test_trim_silence_keeps_a_margin():
    x = np.zeros(SAMPLE_RATE, dtype=np.int16)
    x[10000:20000] = 5000
    trimmed = audio.trim_silence(x, -45.0, 0.02)
    margin = round(0.02 * SAMPLE_RATE)
    assert len(trimmed) == 10000 + 2 * margin
    assert audio.trim_silence(np.zeros(100, dtype=np.int16), -45.0, 0.02).size == 0


def test_missing_ffmpeg_names_the_package(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(MissingToolError, match="ffmpeg is not installed; install it with: apt-get install ffmpeg"):
        audio.ffmpeg_path()
