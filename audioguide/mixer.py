"""Timeline + speech clips + sounds -> PCM blocks, placed sample-exactly into one buffer per block.

Nothing here copies the whole session: each block only sees the events that overlap it, so time and memory
stay flat however long the session is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from .model import SAMPLE_RATE, SOUND_KINDS, SPEECH, Timeline

BLOCK_S = 10.0
SPEECH_RMS = 10 ** (-20 / 20)   # every clip is brought to the same level
SPEECH_PEAK = 10 ** (-3 / 20)   # and never peaks above this
GATE = 10 ** (-40 / 20)         # samples quieter than this do not count towards a clip's level


@dataclass(frozen=True, slots=True)
class MixSettings:
    block_s: float = BLOCK_S
    gain_db: float = 0.0


def level_clip(clip: np.ndarray) -> np.ndarray:
    """A speech clip as float32 at a common level, with its peaks held under SPEECH_PEAK."""
    x = clip.astype(np.float32) / 32768
    loud = x[np.abs(x) > GATE]
    rms = float(np.sqrt(np.mean(loud ** 2))) if loud.size else 0.0
    if rms > 0:
        x *= SPEECH_RMS / rms
    peak = float(np.max(np.abs(x))) if x.size else 0.0
    if peak > SPEECH_PEAK:
        x *= SPEECH_PEAK / peak
    return x


def mix(timeline: Timeline, clips: Mapping[str, np.ndarray], sounds: Mapping[str, np.ndarray],
        settings: MixSettings = MixSettings()) -> Iterator[np.ndarray]:
    """Yield the session as float32 mono blocks whose lengths add up to timeline.n_samples."""
    leveled = {text: level_clip(clip) for text, clip in clips.items()}
    sources = []
    for event in timeline.events:
        if event.kind == SPEECH:
            audio = leveled[event.text]
        elif event.kind in SOUND_KINDS:
            audio = sounds[event.kind]
        else:
            continue
        sources.append((event.start, audio))
    sources.sort(key=lambda s: s[0])
    gain = np.float32(10 ** (settings.gain_db / 20))
    block = round(settings.block_s * SAMPLE_RATE)
    first = 0  # sources before this index ended before the current block
    for b0 in range(0, timeline.n_samples, block):
        b1 = min(b0 + block, timeline.n_samples)
        out = np.zeros(b1 - b0, dtype=np.float32)
        while first < len(sources) and sources[first][0] + len(sources[first][1]) <= b0:
            first += 1
        for start, audio in sources[first:]:
            if start >= b1:
                break
            lo, hi = max(start, b0), min(start + len(audio), b1)
            if hi > lo:
                out[lo - b0:hi - b0] += audio[lo - start:hi - start]
        if settings.gain_db:
            out *= gain
        yield out

