import numpy as np
import pytest
from conftest import decode, ffprobe

from audioguide import encoder, files
from audioguide.errors import EncodeError
from audioguide.model import SAMPLE_RATE


def _tone(seconds):
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def test_cbr_mp3_at_44100_with_xing_info_header(tmp_path):
    path = tmp_path / "a.mp3"
    x = _tone(3.0)
    encoder.encode([x[:SAMPLE_RATE], x[SAMPLE_RATE:]], path, len(x))
    stream = ffprobe(path, "-show_streams")["streams"][0]
    assert stream["codec_name"] == "mp3" and stream["sample_rate"] == "44100" and stream["channels"] == 1
    assert stream["bit_rate"] == "96000"
    head = path.read_bytes()[:2000]
    assert b"Info" in head  # the CBR flavour of the Xing header
    assert head[:3] != b"ID3"  # ffmpeg writes no tag of its own: tags.py owns the tag
    decoded = decode(path)
    assert abs(len(decoded) - len(x)) < 0.01 * SAMPLE_RATE  # gapless: encoder delay is trimmed


def test_failed_encoding_leaves_nothing_behind(tmp_path):
    target = tmp_path / "out" / "session.mp3"

    def blocks():
        yield _tone(1.0)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        with files.atomic_output(target) as tmp:
            encoder.encode(blocks(), tmp, 2 * SAMPLE_RATE)
    assert list(target.parent.iterdir()) == []


def test_sample_count_mismatch_is_an_error(tmp_path):
    with pytest.raises(EncodeError, match="the mixer produced 44100 samples, the timeline has 88200"):
        encoder.encode([_tone(1.0)], tmp_path / "a.mp3", 2 * SAMPLE_RATE)


def test_the_true_peak_of_an_encoded_file_is_what_ebur128_reads(tmp_path):
    from conftest import ebur128
    rng = np.random.default_rng(3)
    n = 20 * SAMPLE_RATE
    x = (np.convolve(rng.normal(0, 0.2, n), np.ones(3) / 2, "same")
         * (np.arange(n) % SAMPLE_RATE < SAMPLE_RATE // 2)).astype(np.float32)  # bursts of buzz
    path = tmp_path / "x.mp3"
    encoder.encode([x[: n // 2], x[n // 2:]], path, n)
    ours = encoder.true_peak_db(path, stretch_s=0.7)  # stretches cut through the bursts
    assert ours == pytest.approx(ebur128(path)[1], abs=0.15)


def test_the_true_peak_read_in_pieces_is_the_whole_files_to_the_bit(tmp_path):
    rng = np.random.default_rng(4)
    n = 70 * SAMPLE_RATE + 555
    x = (np.convolve(rng.normal(0, 0.25, n), np.ones(3) / 2, "same")
         * (np.arange(n) % (3 * SAMPLE_RATE) < SAMPLE_RATE)).astype(np.float32)
    path = tmp_path / "x.mp3"
    encoder.encode([x], path, n)
    whole = encoder.true_peak_db(path, pieces=1)
    assert whole > -6.0     # the bursts reach near the limit, where the reading interpolates
    assert encoder.true_peak_db(path, pieces=2) == whole == encoder.true_peak_db(path, pieces=3)
