"""The encoder in stretches: one MP3 as if encoded in one piece (gapless, sample-exact, one Info header for the
whole, the bit reservoir laid out again across each seam), the same bytes on any number of cores, and no
click at a seam even in sound that never pauses. Stretches are made short here (STRETCH_S) so that a minute
of audio has several seams."""

import os

import numpy as np
import pytest
from conftest import decode

from audioguide.encoder import frames, lame, stretches
from audioguide.model import SAMPLE_RATE

FRAME = frames.SAMPLES_PER_FRAME


@pytest.fixture(autouse=True)
def short_stretches(monkeypatch):
    monkeypatch.setattr(stretches, "STRETCH_S", 15.0)


def _speechlike(seconds: float, seed: int = 1, pauses: bool = True) -> np.ndarray:
    """Tones and noise in phrases, with pauses of silence between them (or none)."""
    rng = np.random.default_rng(seed)
    n = round(seconds * SAMPLE_RATE) + 777          # not a whole number of frames
    t = np.arange(n) / SAMPLE_RATE
    x = 0.25 * np.sin(2 * np.pi * (220 + 60 * np.sin(2 * np.pi * 0.7 * t)) * t) + 0.05 * rng.standard_normal(n)
    x *= 0.55 + 0.45 * np.sin(2 * np.pi * 0.31 * t)
    if pauses:
        x[(t % 3.0) > 2.2] = 0.0                     # a pause in every 3 s: one near every even cut
    return x.astype(np.float32)


def _source(x: np.ndarray, block: int = 10 * SAMPLE_RATE):
    def blocks(first: int, end: int):
        for b0 in range(first - first % block, end, block):
            yield x[max(first, b0):min(end, b0 + block)]
    return blocks


def _layout_faults(mp3: bytes) -> list[str]:
    """Where a frame's main data is not where a decoder can find it: before the previous frame's data ends,
    further back than the 511 bytes the reservoir allows, or past its own frame."""
    found = list(frames.frames(mp3))[1:]
    faults, at, end = [], 0, 0
    for n, f in enumerate(found):
        begin = at - f.begin
        if f.begin > frames.MAX_RESERVOIR_BYTES or begin < end or begin + f.data_bytes > at + f.payload:
            faults.append(f"frame {n}: main data at {begin}..{begin + f.data_bytes}, previous ends at {end}")
        end, at = begin + f.data_bytes, at + f.payload
    return faults


def test_in_stretches_the_file_is_gapless_sample_exact_and_counted_as_one(tmp_path):
    x = _speechlike(64)
    one, many = tmp_path / "one.mp3", tmp_path / "many.mp3"
    lame.encode(_source(x)(0, len(x)), one, len(x))
    stretches.encode(_source(x), many, len(x))
    assert stretches.stretch_count(len(x)) == 4
    single, joined = one.read_bytes(), many.read_bytes()
    head_one, head_many = next(frames.frames(single)), next(frames.frames(joined))
    counted, delay, padding = frames.info(joined[:head_many.size], 1)
    assert (counted, delay, padding) == frames.info(single[:head_one.size], 1)   # frames, delay and padding
    assert counted == len(list(frames.frames(joined))) - 1
    a, b = decode(one), decode(many)
    assert len(b) == len(a) == len(x)                                          # not a sample more or less
    seams = stretches.seams(_source(x), len(x), 4, 1)
    for seam in seams:                                                         # in a pause: bit for bit
        near = slice(seam * FRAME - 2 * FRAME, seam * FRAME + 2 * FRAME)
        assert not x[near].any() and np.array_equal(a[near], b[near])
    assert _layout_faults(joined) == []


def test_the_info_header_is_the_one_ffmpeg_writes_for_the_same_frames(tmp_path):
    x = _speechlike(20)
    path = tmp_path / "a.mp3"
    lame.encode([x], path, len(x))
    data = path.read_bytes()
    head = next(frames.frames(data))
    sizes = [f.size for f in frames.frames(data, head.size)]
    blank = bytearray(data[:head.size])
    at = frames.XING_AT[1]
    blank[at + 8:at + 116] = bytes(108)          # frames, bytes, seek table
    blank[at + 141:at + 144] = (frames.info(data[:head.size], 1)[1] << 12).to_bytes(3, "big")  # delay only
    blank[at + 148:at + 156] = bytes(8)          # music length and CRCs
    made = frames.info_frame(bytes(blank), 1, sizes, len(x))
    assert frames.with_crcs(made, 1, frames.crc16_many(data[head.size:])) == data[:head.size]


def test_the_crc_of_megabytes_is_the_crc_byte_by_byte():
    data = np.random.default_rng(5).integers(0, 256, 300_001, dtype=np.uint8).tobytes()
    assert frames.crc16_many(data) == frames.crc16(data)
    assert frames.crc16_many(data, 0x1234) == frames.crc16(data, 0x1234)


def test_the_same_inputs_give_the_same_bytes_on_one_core_or_many(tmp_path):
    x = _speechlike(50, seed=2)
    made = []
    for workers in (1, 3, 3):
        path = tmp_path / f"w{workers}-{len(made)}.mp3"
        stretches.encode(_source(x), path, len(x), workers=workers)
        made.append(path.read_bytes())
    assert made[0] == made[1] == made[2]


def test_a_seam_in_sound_that_never_pauses_adds_no_click(tmp_path):
    x = _speechlike(64, seed=3, pauses=False)
    one, many = tmp_path / "one.mp3", tmp_path / "many.mp3"
    lame.encode([x], one, len(x))
    stretches.encode(_source(x), many, len(x))
    a, b = decode(one), decode(many)
    assert len(b) == len(x)
    for seam in stretches.seams(_source(x), len(x), 4, 1):
        near = slice(seam * FRAME - 2 * FRAME, seam * FRAME + 2 * FRAME)
        error_one = np.sqrt(np.mean((a[near] - x[near]) ** 2))
        error_many = np.sqrt(np.mean((b[near] - x[near]) ** 2))
        assert error_many < 1.5 * error_one, (seam, error_many, error_one)   # the codec's own noise, no more
    assert _layout_faults(many.read_bytes()) == []


def test_a_seam_the_encodings_do_not_meet_at_is_encoded_in_one_piece(tmp_path, monkeypatch):
    x = _speechlike(40, seed=4, pauses=False)
    monkeypatch.setattr(frames, "SEAM_FRAMES", 0)      # no frame may be laid out again: every seam refuses
    one, many = tmp_path / "one.mp3", tmp_path / "many.mp3"
    lame.encode([x], one, len(x))
    stretches.encode(_source(x), many, len(x))
    assert many.read_bytes() == one.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.mp3", "one.mp3"]   # no part left


def test_a_failing_stretch_stops_them_all_and_leaves_no_part(tmp_path):
    x = _speechlike(60, seed=5)

    def source(first, end):
        yield x[first:first + SAMPLE_RATE]
        if first > 0:
            raise KeyboardInterrupt
        yield x[first + SAMPLE_RATE:end]

    before = _children()           # an earlier module's processes may still be ending: only this call's count
    with pytest.raises(KeyboardInterrupt):
        stretches.encode(source, tmp_path / "a.mp3", len(x), workers=2)
    assert [p.name for p in tmp_path.iterdir() if p.name != "a.mp3"] == []
    assert _children() - before == set()                # no ffmpeg left running, none left unreaped


def _children() -> set[str]:
    return {p for p in os.listdir("/proc") if p.isdigit() and _parent(p) == os.getpid()}


def _parent(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        return -1
