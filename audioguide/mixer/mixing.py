"""Timeline + speech clips + sounds (+ music) -> finished PCM blocks at podcast loudness.

Every clip is placed sample-exactly into one buffer per block; each block only sees the events that overlap
it, so time and memory stay flat however long the session is. Before any block is made, the gain that brings
the session to the target loudness is worked out from the clips themselves (see loudness.py), and every clip
is peak-limited to the ceiling that gain leaves: the limiter acts before the gain, so nothing clips.
"""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .. import defaults
from ..model import SAMPLE_RATE, SOUND_KINDS, SPEECH, Timeline
from . import loudness
from . import music as bed

BLOCK_S = 10.0
TARGET_LUFS = defaults.LOUDNESS_LUFS
MUSIC_LEVEL_DB = defaults.MUSIC_LEVEL_DB
MUSIC_DUCK_DB = defaults.MUSIC_DUCK_DB
SPEECH_RMS = 10 ** (-20 / 20)   # every speech clip is brought to this level before the master gain
BEEP_LEVEL_DB = defaults.BEEP_LEVEL_DB  # beeps' loudness against the voice's (docs/voices.md)
GATE = 10 ** (-40 / 20)         # samples quieter than this do not count towards a clip's level
GAIN_PASSES = 6
MAX_LIMITING_DB = 12.0
GAIN_TOLERANCE_DB = 0.1       # far inside the +-1 LU the target allows


@dataclass(frozen=True, slots=True)
class MixSettings:
    block_s: float = BLOCK_S
    loudness_lufs: float = TARGET_LUFS
    # true-peak ceiling after gain; the MP3 encoder adds up to ~0.5 dB on speech and beeps at 96 kbps, and the
    # file must stay under -1 dBTP
    peak_dbtp: float = -2.5
    channels: int = 1
    music_level_db: float = MUSIC_LEVEL_DB
    duck_db: float = MUSIC_DUCK_DB
    beep_level_db: float = BEEP_LEVEL_DB   # the sounds' K-weighted level against the speech's, in dB


@dataclass(frozen=True, slots=True)
class Mix:
    """A mix ready to render: levelled, limited sources and the master gain that reaches the target."""

    timeline: Timeline
    sources: tuple[tuple[int, np.ndarray], ...]
    gain: float
    settings: MixSettings
    music: bed.Music | None = None

    @property
    def gain_db(self) -> float:
        return loudness.db(self.gain)

    def blocks(self, first_sample: int = 0, end_sample: int | None = None) -> Iterator[np.ndarray]:
        """Yield float32 blocks (n, or n x channels) of the samples [first_sample, end_sample), the whole
        timeline unless told. Blocks are made on one grid whatever the range asked, so a stretch's samples are
        the whole's."""
        block = round(self.settings.block_s * SAMPLE_RATE)
        ceiling = 10 ** (self.settings.peak_dbtp / 20)
        n_total = self.timeline.n_samples
        end = n_total if end_sample is None else min(end_sample, n_total)
        ducks = bed.duck_spans(self.timeline) if self.music is not None else None
        first = 0
        for b0 in range(first_sample - first_sample % block, end, block):
            b1 = min(b0 + block, n_total)
            voice = np.zeros(b1 - b0, dtype=np.float32)
            while first < len(self.sources) and self.sources[first][0] + len(self.sources[first][1]) <= b0:
                first += 1
            for start, audio in self.sources[first:]:
                if start >= b1:
                    break
                lo, hi = max(start, b0), min(start + len(audio), b1)
                if hi > lo:
                    voice[lo - b0:hi - b0] += audio[lo - start:hi - start]
            out = voice if self.settings.channels == 1 else np.repeat(voice[:, None], self.settings.channels, 1)
            if self.music is not None:
                assert ducks is not None
                music = bed.block(self.music, ducks, b0, b1, n_total, self.settings.duck_db)
                out = out + (music[:, 0] if self.settings.channels == 1 else music)
            # Each source is limited alone; where they overlap (a beep on a word, the music under both) their
            # sum can pass the ceiling: limit the sum's samples too (a block's cut edges are no peaks; what the
            # sum adds between samples, the check of the encoded file catches). Where nothing overlaps this is
            # one peak check.
            out = loudness.limit(out, ceiling / self.gain, true_peak=False)
            out *= np.float32(self.gain)
            np.clip(out, -1.0, 1.0, out=out)
            yield out[max(first_sample, b0) - b0:min(end, b1) - b0]


def prepare(timeline: Timeline, clips: Mapping[str, np.ndarray], sounds: Mapping[str, np.ndarray],
            settings: MixSettings = MixSettings(), music: np.ndarray | None = None) -> Mix:
    """Level every source, find the gain to the target loudness, and limit before that gain.

    The clips are measured and limited on every core (numpy's filters and FFTs let go of the GIL); each result
    is the same whatever the number of threads.

    Speech clips are brought to one level; the beeps and the music are then set against the voice as it will
    be heard, after limiting (settings.beep_level_db, settings.music_level_db), so limiting the voice harder
    never leaves the beeps or the music louder than asked. Only one levelled clip a core exists at a time while
    the gain is sought (memory grows with the number of distinct clips, never with their copies); the limited
    clips that the blocks are made of are kept at the end.
    """
    scales = {text: clip_scale(clip) for text, clip in clips.items()}
    starts: dict[tuple[str, str], list[int]] = defaultdict(list)
    for e in sorted(timeline.events, key=lambda e: e.start):
        if e.kind == SPEECH or e.kind in SOUND_KINDS:
            starts[("speech", e.text or "") if e.kind == SPEECH else ("sound", e.kind)].append(e.start)
    voices = [name for kind, name in starts if kind == "speech"]
    beeps = {name: sounds[name].astype(np.float32) for kind, name in starts if kind == "sound"}
    own_lufs = {name: loudness.back_to_back([x]) for name, x in beeps.items()}
    loop = bed.prepare(music, settings.channels, SPEECH_RMS) if music is not None else None
    music_steps = bed.energy(loop, timeline, settings.duck_db) if loop is not None else None
    music_lufs = bed.lufs(loop) if loop is not None else -np.inf
    ceiling = 10 ** (settings.peak_dbtp / 20)

    def levelled(text: str) -> np.ndarray:
        return clips[text].astype(np.float32) / 32768 * np.float32(scales[text])

    peaks = _each(lambda text: loudness.block_peaks(levelled(text)), voices)   # read once for every gain tried

    def voice(text: str, gain: float) -> np.ndarray:
        return loudness.limit(levelled(text), ceiling / gain, peaks=peaks[text])

    def against(voice_lufs: float, level_db: float, own: float) -> float:
        """The factor that puts a source of loudness own at level_db against the voice."""
        return 10 ** ((voice_lufs + level_db - own) / 20) if np.isfinite(own) and np.isfinite(voice_lufs) else 1.0

    measured: dict[float, tuple[float, dict[str, float], float]] = {}

    def measure(gain: float) -> tuple[float, dict[str, float], float]:
        """The session's loudness before the gain (with limiting at this gain), the beeps' and the music's
        factors (each gain measured once)."""
        if gain not in measured:
            measured[gain] = _measure(gain)
        return measured[gain]

    unlimited: dict[str, np.ndarray] = {}

    def energy(key: str, x: np.ndarray, gain: float, factor: float = 1.0) -> np.ndarray:
        """k_energy of x (times factor) as limited at this gain: the filter is linear, so a source the limiter
        leaves alone has its energy at any factor from one measurement (every clip at the unlimited gain the
        search starts from; at the gains after it most speech clips are limited and measured again)."""
        scaled = x * np.float32(factor) if factor != 1.0 else x
        limited = loudness.limit(scaled, ceiling / gain, peaks=peaks.get(key) if factor == 1.0 else None)
        if limited is not scaled:
            return loudness.k_energy(limited)
        if key not in unlimited:
            unlimited[key] = loudness.k_energy(x)
        return unlimited[key] * factor ** 2

    def _measure(gain: float) -> tuple[float, dict[str, float], float]:
        energies = _each(lambda text: energy(text, levelled(text), gain), voices)
        voice_lufs = loudness.back_to_back_energies(list(energies.values()), [len(clips[t]) for t in energies])
        factors = {name: against(voice_lufs, settings.beep_level_db, own_lufs[name]) for name in beeps}
        energies.update({f"\0{name}": energy(f"\0{name}", x, gain, factors[name]) for name, x in beeps.items()})
        steps = np.zeros(-(-timeline.n_samples // loudness.STEP))
        for (kind, name), at in starts.items():  # the voice and the beeps are in every channel
            key = name if kind == "speech" else f"\0{name}"
            loudness.add_energy(steps, at, energies[key], weight=settings.channels)
        music_factor = against(voice_lufs, settings.music_level_db, music_lufs)
        if music_steps is not None:
            steps += music_steps * music_factor ** 2
        return loudness.integrated(steps), factors, music_factor

    def shortfall(gain_db: float) -> float:
        """How far the gain is from the one that would reach the target, with limiting at this gain."""
        return settings.loudness_lufs - measure(10 ** (gain_db / 20))[0] - gain_db

    # Limiting lowers the loudness a little, which calls for more gain, which limits more. The loudness
    # reached rises with the gain (never faster than it), so the gain that reaches the target lies between
    # the unlimited gain and MAX_LIMITING_DB above it: find it by regula falsi on that bracket (Illinois: two
    # to four measurements). Material that would need more is not speech: it gets the most, and the ceiling
    # still holds (below) at the cost of some loudness.
    f0 = shortfall(0.0)
    if not np.isfinite(f0):  # silence: nothing to measure, nothing to gain
        f0 = 0.0
    g1 = _solve(shortfall, f0, f0 + MAX_LIMITING_DB)
    gain = 10 ** (g1 / 20)
    _, factors, music_factor = measure(gain)
    limited = {("speech", text): x for text, x in _each(lambda text: voice(text, gain), voices).items()}
    limited.update({("sound", name): loudness.limit(x * np.float32(factors[name]), ceiling / gain)
                    for name, x in beeps.items()})
    peak = max((float(np.abs(a).max()) for a in limited.values() if a.size), default=0.0)
    if peak * gain > ceiling:  # not converged (very peaky material): keep the ceiling, lose a little loudness
        gain = ceiling / peak
    sources = tuple(sorted(((start, limited[key]) for key, at in starts.items() for start in at),
                           key=lambda s: s[0]))
    if loop is not None:
        loop = bed.Music(loop.loop * np.float32(music_factor))
    return Mix(timeline, sources, float(gain), settings, loop)


@functools.cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(len(os.sched_getaffinity(0)), thread_name_prefix="audioguide-mixer")


def _each(work: Callable[[str], np.ndarray], names: list[str]) -> dict[str, np.ndarray]:
    """work(name) for every name, on every core, by name (in the order given)."""
    return dict(zip(names, _pool().map(work, names)))


def _solve(shortfall: Callable[[float], float], low: float, high: float) -> float:
    """The gain (dB) in [low, high] where shortfall, which falls as the gain rises, is within GAIN_TOLERANCE_DB
    of 0: low when it is already there, high when even high falls short."""
    f_low = shortfall(low)
    if not np.isfinite(f_low) or f_low <= GAIN_TOLERANCE_DB:
        return low
    f_high = shortfall(high)
    if f_high >= 0:
        return high
    side = 0
    g = low
    for _ in range(GAIN_PASSES):
        g = high - f_high * (high - low) / (f_high - f_low)
        f = shortfall(g)
        if abs(f) < GAIN_TOLERANCE_DB:
            break
        if f > 0:   # still short: the answer is above g
            low, f_low = g, f
            f_high, side = (f_high / 2, 1) if side == 1 else (f_high, 1)
        else:
            high, f_high = g, f
            f_low, side = (f_low / 2, -1) if side == -1 else (f_low, -1)
    return g


def mix(timeline: Timeline, clips: Mapping[str, np.ndarray], sounds: Mapping[str, np.ndarray],
        settings: MixSettings = MixSettings(), music: np.ndarray | None = None) -> Iterator[np.ndarray]:
    """The finished session as blocks: prepare() then Mix.blocks()."""
    return prepare(timeline, clips, sounds, settings, music).blocks()


def clip_scale(clip: np.ndarray) -> float:
    """The factor that brings a speech clip (int16) to the common speech level (RMS over non-silent samples)."""
    x = clip.astype(np.float32) / 32768
    loud = x[np.abs(x) > GATE]
    rms = float(np.sqrt(np.mean(loud.astype(np.float64) ** 2))) if loud.size else 0.0
    return SPEECH_RMS / rms if rms > 0 else 1.0


def level_clip(clip: np.ndarray) -> np.ndarray:
    """A speech clip as float32 at the common speech level."""
    return clip.astype(np.float32) / 32768 * np.float32(clip_scale(clip))
