import numpy as np

from audioguide import mixer
from audioguide.model import SAMPLE_RATE, Chapter, Event, Timeline


def _timeline(events, n):
    return Timeline("t", "t", n, tuple(events), (Chapter("all", 0, n),))


def test_clips_land_on_their_sample_across_block_edges():
    clip = (np.ones(1000) * 8000).astype(np.int16)
    beep = np.ones(50, dtype=np.float32) * 0.25
    n = 3 * SAMPLE_RATE
    events = [Event("speech", 44000, 45000, 0, "a"), Event("rep", 88190, 88240, 0), Event("hold", 0, 10, 0)]
    settings = mixer.MixSettings(block_s=1.0)
    blocks = list(mixer.mix(_timeline(events, n), {"a": clip}, {"rep": beep}, settings))
    out = np.concatenate(blocks)
    assert len(blocks) == 3 and len(out) == n
    assert np.flatnonzero(out).tolist() == [*range(44000, 45000), *range(88190, 88240)]
    assert np.allclose(out[88190:88240], 0.25)


def test_clips_are_brought_to_one_level_without_exceeding_the_peak():
    square = np.sign(np.sin(np.arange(4000) / 5) + 1e-9)  # one magnitude: the level gate plays no part
    quiet = (square * 1000).astype(np.int16)
    loud = (square * 30000).astype(np.int16)
    a, b = mixer.level_clip(quiet), mixer.level_clip(loud)
    assert np.isclose(np.sqrt(np.mean(a ** 2)), np.sqrt(np.mean(b ** 2)), rtol=0.01)
    spiky = quiet.copy()
    spiky[100] = 32000
    assert np.abs(mixer.level_clip(spiky)).max() <= mixer.SPEECH_PEAK + 1e-6


def test_memory_use_does_not_depend_on_length():
    n = 3600 * SAMPLE_RATE
    events = [Event("rep", s, s + 50, 0) for s in range(0, n - 100, SAMPLE_RATE)]
    blocks = mixer.mix(_timeline(events, n), {}, {"rep": np.ones(50, dtype=np.float32)})
    sizes = {len(b) for b in blocks}
    assert max(sizes) == round(mixer.BLOCK_S * SAMPLE_RATE)
