import numpy as np

from audioguide.mixer import sounds
from audioguide.model import SAMPLE_RATE, SOUND_KINDS, SOUND_LENGTH_S


def _dominant_hz(x):
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)[np.argmax(spectrum)]


def test_every_sound_fills_its_slot_and_starts_and_ends_silent():
    for kind in SOUND_KINDS:
        x = sounds.synthesise(kind)
        assert len(x) == round(SOUND_LENGTH_S[kind] * SAMPLE_RATE)
        assert x[0] == 0 and x[-1] == 0
        assert abs(x[:20]).max() < 0.05 and abs(x[-20:]).max() < 0.05, kind  # no click at the edges
        assert 0.4 < abs(x).max() <= 0.51


def test_sounds_are_distinct_in_pitch():
    pitches = {kind: _dominant_hz(sounds.synthesise(kind)) for kind in ("rep", "tick", "bell")}
    assert pitches["tick"] > pitches["rep"] > pitches["bell"]
    start, end = sounds.synthesise("hold_start"), sounds.synthesise("hold_end")
    half = len(start) // 2
    assert _dominant_hz(start[:half]) < _dominant_hz(start[half:])  # rising
    assert _dominant_hz(end[:half]) > _dominant_hz(end[half:])      # falling


def test_synthesis_is_deterministic():
    assert all(np.array_equal(sounds.synthesise(k), sounds.synthesise(k)) for k in SOUND_KINDS)


def test_user_sounds_replace_builtins(tmp_path):
    from audioguide.audio import write_wav
    tone = (np.sin(np.arange(22050) * 2 * np.pi * 300 / 22050) * 20000).astype(np.int16)
    write_wav(tmp_path / "rep.wav", tone, rate=22050)
    loaded = sounds.load(tmp_path)
    assert abs(_dominant_hz(loaded["rep"]) - 300) < 20
    assert len(loaded["rep"]) == round(SOUND_LENGTH_S["rep"] * SAMPLE_RATE)
    assert np.array_equal(loaded["bell"], sounds.synthesise("bell"))


def test_user_sounds_in_other_formats_and_bad_files(tmp_path):
    import subprocess

    import pytest

    from audioguide.errors import AudioguideError
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=500:duration=1", "-ar", "48000",
                    str(tmp_path / "tick.ogg")], check=True)
    assert abs(_dominant_hz(sounds.load(tmp_path)["tick"]) - 500) < 40
    (tmp_path / "bell.wav").write_bytes(b"not audio at all")
    with pytest.raises(AudioguideError, match=r"bell.wav: expected audio that ffmpeg can read; ffmpeg says: invalid data"):
        sounds.load(tmp_path)


def test_the_sounds_folder_matches_the_code():
    from pathlib import Path

    from audioguide.audio import read_wav
    folder = Path(__file__).parent.parent / "sounds"
    for kind in SOUND_KINDS:
        samples, rate = read_wav(folder / f"{kind}.wav")
        assert rate == SAMPLE_RATE
        expected = np.round(sounds.synthesise(kind) * 32767).astype(np.int16)
        # within one step of 16 bits: libm may round sin/exp differently in the last bit on another machine
        assert np.abs(samples.astype(int) - expected).max() <= 1, f"sounds/{kind}.wav is stale: run scripts/make-sounds"


def _long_file(path, minutes: float) -> None:
    """A long, small file: 8 kHz 8-bit mono noise (what a replaced sound or bed could be)."""
    import subprocess
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"anoisesrc=r=8000:a=0.3:d={minutes * 60}",
                    "-ac", "1", "-c:a", "pcm_u8", str(path)], check=True)


def test_a_sound_replaced_by_a_long_file_costs_no_more_memory_than_a_sound(tmp_path):
    import tracemalloc
    _long_file(tmp_path / "rep.wav", 20)          # read whole: 106 MB of samples, twice that as float32
    tracemalloc.start()
    try:
        loaded = sounds.load(tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(loaded["rep"]) == round(SOUND_LENGTH_S["rep"] * SAMPLE_RATE)
    assert peak < 20 * 2**20, peak


def test_a_music_bed_is_read_only_as_far_as_it_is_looped(tmp_path):
    from audioguide import audio, mixer
    _long_file(tmp_path / "long.wav", 3)
    found = audio.decode(tmp_path / "long.wav", channels=2, max_s=60)
    assert found.shape[1] == 2 and abs(len(found) - 60 * SAMPLE_RATE) < 0.01 * SAMPLE_RATE   # not 3 minutes
    assert 60 < mixer.MAX_BED_S <= 30 * 60          # long enough to loop seldom, short enough to hold
