import tracemalloc

import numpy as np
from scipy import signal

from audioguide import mixer
from audioguide.mixer import loudness
from audioguide.mixer import music as bed
from audioguide.mixer.mixing import BLOCK_S
from audioguide.model import SAMPLE_RATE, Chapter, Event, Timeline

SR = SAMPLE_RATE


def _timeline(events, n):
    return Timeline("t", "t", n, tuple(events), (Chapter("all", 0, n),))


def _speechlike(seconds, seed=0):
    """Noise shaped like speech: bursts of syllables with sharp peaks (a hard case for a limiter)."""
    rng = np.random.default_rng(seed)
    n = round(seconds * SR)
    envelope = (np.sin(np.arange(n) * 2 * np.pi * 4 / SR) > 0).astype(float)
    x = rng.normal(0, 3000, n) * envelope
    x[::SR // 4] = 32000
    return x.astype(np.int16)


def _integrated(x):
    """BS.1770 integrated loudness of a whole mono signal, the long way (no shortcuts)."""
    y = signal.sosfilt(loudness.K_SOS, x.astype(np.float64))
    steps = np.add.reduceat(y * y, np.arange(0, len(y), loudness.STEP))
    return loudness.integrated(steps)


def test_clips_land_on_their_sample_across_block_edges():
    clip = (np.ones(1000) * 8000).astype(np.int16)
    beep = np.ones(50, dtype=np.float32) * 0.25
    n = 3 * SR
    events = [Event("speech", 44000, 45000, 0, "a"), Event("rep", 88190, 88240, 0), Event("hold", 0, 10, 0)]
    blocks = list(mixer.mix(_timeline(events, n), {"a": clip}, {"rep": beep}, mixer.MixSettings(block_s=1.0)))
    out = np.concatenate(blocks)
    assert len(blocks) == 3 and len(out) == n
    assert np.flatnonzero(out).tolist() == [*range(44000, 45000), *range(88190, 88240)]
    # a step's true peak overshoots its samples: the limiter may lower the clip near its edges (its reach,
    # 11 ms), never inside it
    assert np.ptp(out[88190:88240]) == 0 and np.ptp(out[44450:44600]) == 0


def test_any_stretch_of_the_mix_is_the_same_samples_as_the_whole():
    n = 5 * SR + 123
    events = [Event("speech", at, at + len(_speechlike(0.5)), 0, "a") for at in range(1000, n - SR, 30_000)]
    prepared = mixer.prepare(_timeline(events, n), {"a": _speechlike(0.5, seed=2)}, {}, mixer.MixSettings(block_s=1.0))
    whole = np.concatenate(list(prepared.blocks()))
    for first, end in ((0, n), (1152 * 7, 1152 * 100), (SR - 5, SR + 5), (n - 1000, n + 99)):
        assert np.array_equal(np.concatenate(list(prepared.blocks(first, end))), whole[first:end])


def test_clips_are_brought_to_one_level():
    square = np.sign(np.sin(np.arange(4000) / 5) + 1e-9)
    a, b = mixer.level_clip((square * 1000).astype(np.int16)), mixer.level_clip((square * 30000).astype(np.int16))
    assert np.isclose(np.sqrt(np.mean(a ** 2)), np.sqrt(np.mean(b ** 2)), rtol=0.01)


def test_the_mix_reaches_the_target_loudness_and_never_the_ceiling():
    n = 40 * SR
    clips = {f"c{i}": _speechlike(2.0 + i / 3, seed=i) for i in range(5)}
    events = [Event("speech", s, s + len(clips[f"c{i % 5}"]), 0, f"c{i % 5}")
              for i, s in enumerate(range(SR, n - 5 * SR, 4 * SR))]
    events += [Event("hold_start", s - SR // 3, s - SR // 3 + 4000, 0) for s in range(5 * SR, n - 5 * SR, 8 * SR)]
    sounds = {"hold_start": np.sin(np.arange(4000) / 3).astype(np.float32)}
    prepared = mixer.prepare(_timeline(events, n), clips, sounds)
    out = np.concatenate(list(prepared.blocks()))
    assert abs(_integrated(out) - (-16.0)) < 0.2
    assert np.abs(out).max() <= 10 ** (-2.0 / 20) + 1e-6
    assert prepared.gain_db > 0  # TTS-level clips needed gain: the limiter acted before it


def test_the_mix_is_the_same_samples_on_one_thread_or_many(monkeypatch):
    """Clips are measured and limited on every core: the result may not depend on how many there are."""
    from concurrent.futures import ThreadPoolExecutor

    from audioguide.mixer import mixing
    n = 30 * SR
    clips = {f"c{i}": _speechlike(1.5 + i / 4, seed=10 + i) for i in range(12)}
    events = [Event("speech", s, s + len(clips[f"c{i % 12}"]), 0, f"c{i % 12}")
              for i, s in enumerate(range(SR, n - 4 * SR, 2 * SR))]
    made = []
    for threads in (1, 4):
        with ThreadPoolExecutor(threads) as pool:
            monkeypatch.setattr(mixing, "_pool", lambda pool=pool: pool)
            prepared = mixer.prepare(_timeline(events, n), clips, {})
            made.append((prepared.gain, np.concatenate(list(prepared.blocks()))))
    assert made[0][0] == made[1][0] and np.array_equal(made[0][1], made[1][1])


def test_overlapping_sources_never_pass_the_ceiling_together():
    """A beep on a word, each at the ceiling alone: their sum is limited too (mono, and stereo with music)."""
    n = 6 * SR
    word = _speechlike(2.0, seed=3)
    events = [Event("speech", SR, SR + len(word), 0, "w")]
    events += [Event("rep", s, s + 2000, 0) for s in range(SR + 1000, SR + len(word) - 2000, SR // 5)]
    sounds = {"rep": np.sin(np.arange(2000) / 2).astype(np.float32)}
    ceiling = 10 ** (-2.0 / 20) + 1e-6
    for channels, music in ((1, None), (2, np.tile(_speechlike(1.0, seed=4)[:, None], (1, 2)).astype(np.float32)
                                         / 32768)):
        settings = mixer.MixSettings(channels=channels, beep_level_db=6.0)
        out = np.concatenate(list(mixer.mix(_timeline(events, n), {"w": word}, sounds, settings, music)))
        assert np.abs(out).max() <= ceiling, channels


def test_the_limiter_holds_the_ceiling_and_leaves_quiet_parts_alone():
    x = (np.sin(np.arange(SR) / 10) * 0.2).astype(np.float32)
    x[SR // 2] = 0.95
    y = loudness.limit(x, 0.5)
    assert np.abs(y).max() <= 0.5
    assert np.array_equal(y[:SR // 4], x[:SR // 4]) and np.array_equal(y[-SR // 4:], x[-SR // 4:])
    gain = y[SR // 2 - 400:SR // 2 + 400] / np.where(x[SR // 2 - 400:SR // 2 + 400] == 0, 1, x[SR // 2 - 400:SR // 2 + 400])
    assert np.abs(np.diff(gain[np.abs(x[SR // 2 - 400:SR // 2 + 400]) > 0.05])).max() < 0.05  # no jumps


def test_music_is_looped_faded_and_ducked_by_at_least_12_db():
    n = 30 * SR
    rng = np.random.default_rng(1)
    music = rng.normal(0, 0.1, (7 * SR, 2)).astype(np.float32)  # shorter than the session: it must loop
    silence = np.zeros(2 * SR, dtype=np.int16)
    events = [Event("speech", 10 * SR, 12 * SR, 0, "quiet")]
    settings = mixer.MixSettings(channels=2)
    prepared = mixer.prepare(_timeline(events, n), {"quiet": silence}, {}, settings, music=music)
    out = np.concatenate(list(prepared.blocks()))
    assert out.shape == (n, 2)
    level = lambda a, b: 20 * np.log10(np.sqrt(np.mean(out[round(a * SR):round(b * SR)] ** 2)))  # noqa: E731
    assert level(10.5, 11.5) < level(5, 8) - 12        # ducked under the speech
    assert level(20, 24) > level(5, 8) - 1             # back up after the release, still there after a loop
    assert level(0, 0.2) < level(5, 8) - 15            # faded in
    assert level(29.9, 30) < level(5, 8) - 15          # faded out
    gain = bed.gain(bed.duck_spans(prepared.timeline), np.arange(9 * SR, 13 * SR), n, 15)  # no fade here
    ramp = np.abs(np.diff(20 * np.log10(gain)))
    assert ramp.max() < 0.01  # smooth attack and release: no step larger than 0.01 dB per sample


def test_loudness_with_music_matches_the_long_way():
    n = 20 * SR
    rng = np.random.default_rng(2)
    music = rng.normal(0, 0.1, (5 * SR, 1)).astype(np.float32)
    clip = _speechlike(2.0)
    events = [Event("speech", s, s + len(clip), 0, "c") for s in range(SR, n - 3 * SR, 4 * SR)]
    prepared = mixer.prepare(_timeline(events, n), {"c": clip}, {}, mixer.MixSettings(), music=music)
    out = np.concatenate(list(prepared.blocks()))
    assert abs(_integrated(out) - (-16.0)) < 0.3


def _mixing_peak_bytes(seconds):
    """Peak memory allocated while preparing and mixing a session of this length, and its block sizes."""
    n = seconds * SR
    timeline = _timeline([Event("rep", s, s + 50, 0) for s in range(0, n - 100, SR)], n)
    tracemalloc.start()
    try:
        sizes = {len(b) for b in mixer.mix(timeline, {}, {"rep": np.ones(50, dtype=np.float32)})}
        return tracemalloc.get_traced_memory()[1], sizes
    finally:
        tracemalloc.stop()


def test_memory_use_does_not_depend_on_length():
    block = round(BLOCK_S * SR)
    short, sizes = _mixing_peak_bytes(600)
    long, _ = _mixing_peak_bytes(3600)
    assert max(sizes) == block
    # six times the length costs less than one more block (4 bytes a sample): the session is never held whole
    assert long - short < block * 4, (short, long)
