"""The session sounds: synthesised deterministically, or read from the user's own files (--sounds DIR).

Each sound is distinct in pitch and shape so a listener tells them apart without looking:
  rep         a short mid click (1.2 kHz, 120 ms)
  hold_start  a rising two-note chirp (660 -> 990 Hz): "go"
  hold_end    a falling two-note chirp (990 -> 660 Hz): "release"
  tick        a very short high tick (2.4 kHz, 70 ms) for count-downs
  chime       three rising bell notes announcing the next exercise
  bell        a long low bell that ends the session
Every sound starts and ends at zero with raised-cosine ramps, so none of them clicks.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import audio
from ..errors import UnknownNameError
from ..model import SAMPLE_RATE, SOUND_KINDS, SOUND_LENGTH_S

PEAK = 10 ** (-6 / 20)  # sounds peak at -6 dBFS before the master gain
RAMP_S = 0.004
SOUND_EXTENSIONS = (".wav", ".flac", ".ogg", ".mp3")


def _t(seconds: float) -> np.ndarray:
    return np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE


def _ramp(x: np.ndarray, attack_s: float = RAMP_S, release_s: float = RAMP_S) -> np.ndarray:
    """Raised-cosine fade in and out, so the sound starts and ends at zero."""
    x = x.copy()
    for n, sl in ((round(attack_s * SAMPLE_RATE), slice(None)), (round(release_s * SAMPLE_RATE), slice(None, None, -1))):
        n = min(n, len(x) // 2)
        if n:
            x[sl][:n] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)
    x[0] = x[-1] = 0.0
    return x


def _tone(freq: float, seconds: float, decay_s: float, partials=((1, 1.0),)) -> np.ndarray:
    t = _t(seconds)
    wave = sum(amp * np.sin(2 * np.pi * freq * k * t) for k, amp in partials)
    return wave * np.exp(-t / decay_s)


def _fit(x: np.ndarray, kind: str) -> np.ndarray:
    n = round(SOUND_LENGTH_S[kind] * SAMPLE_RATE)
    out = np.zeros(n, dtype=np.float32)
    out[:min(n, len(x))] = x[:n]
    out = _ramp(out, release_s=0.01)
    peak = float(np.max(np.abs(out))) or 1.0
    return (out * (PEAK / peak)).astype(np.float32)


def _chirp(f1: float, f2: float, seconds: float) -> np.ndarray:
    half = seconds / 2
    return np.concatenate([_ramp(_tone(f1, half, 0.4)), _ramp(_tone(f2, half, 0.4))])


def synthesise(kind: str) -> np.ndarray:
    """The built-in sound of this kind, as float32 at SAMPLE_RATE, exactly its slot long."""
    length = SOUND_LENGTH_S[kind]
    bell = ((1, 1.0), (2.01, 0.35), (3.02, 0.15))
    if kind == "rep":
        x = _tone(1200, length, 0.04, ((1, 1.0), (2, 0.3)))
    elif kind == "hold_start":
        x = _chirp(660, 990, length)
    elif kind == "hold_end":
        x = _chirp(990, 660, length)
    elif kind == "tick":
        x = _tone(2400, length, 0.015)
    elif kind == "chime":
        notes = [_ramp(_tone(f, length, 0.3, bell), attack_s=0.003) for f in (784, 988, 1175)]
        x = np.zeros(round(length * SAMPLE_RATE))
        for i, note in enumerate(notes):
            start = round(i * 0.12 * SAMPLE_RATE)
            x[start:] += note[:len(x) - start] * (0.8 ** i)
    elif kind == "bell":
        x = _tone(392, length, 0.6, bell)
    else:
        raise UnknownNameError(f"unknown sound {kind!r} (known: {', '.join(SOUND_KINDS)})")
    return _fit(_ramp(x, attack_s=0.003), kind)


def load(folder: Path | None = None) -> dict[str, np.ndarray]:
    """All sounds: KIND.wav (or .mp3, .ogg, .flac) from folder where present, the synthesised ones otherwise."""
    sounds = {}
    for kind in SOUND_KINDS:
        found = [folder / f"{kind}{ext}" for ext in SOUND_EXTENSIONS] if folder else []
        path = next((p for p in found if p.exists()), None)
        sounds[kind] = _fit(audio.decode(path, max_s=SOUND_LENGTH_S[kind] + 1), kind) if path else synthesise(kind)
    return sounds
