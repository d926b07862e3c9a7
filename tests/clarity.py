"""Word recall of an independent recogniser (pocketsphinx, its bundled US English model) on rendered speech."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np

from audioguide.model import SAMPLE_RATE

SENTENCES = Path(__file__).parent / "data" / "clarity-sentences.txt"
AROUND_S = 0.3   # silence either side of a clip when it is heard alone: a session has at least that around a cue
_CONTRACTIONS = {"you're": "you are", "we're": "we are", "they're": "they are", "it's": "it is", "that's": "that is",
                 "let's": "let us", "don't": "do not", "doesn't": "does not", "i'm": "i am", "you'll": "you will",
                 "we'll": "we will", "can't": "can not", "cannot": "can not", "won't": "will not", "isn't": "is not",
                 "there's": "there is", "here's": "here is", "what's": "what is", "you've": "you have"}
_decoder = None
_counters: dict = {}
NUMBERS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def sentences() -> list[str]:
    """The cue-like sentences kept apart from the library, for measuring a voice on texts it was not tuned on."""
    lines = SENTENCES.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def heard(clip: np.ndarray) -> str:
    """What the recogniser hears in a clip with a session's silence around it."""
    around = np.zeros(round(AROUND_S * SAMPLE_RATE), dtype=np.int16)
    return transcribe(np.concatenate([around, clip.astype(np.int16), around]))


def transcribe(clip: np.ndarray) -> str:
    """What pocketsphinx hears in an int16 clip at SAMPLE_RATE."""
    global _decoder
    if _decoder is None:
        from pocketsphinx import Decoder
        _decoder = Decoder(samprate=16000, loglevel="FATAL")
    pcm = _pcm16k(clip)
    _decoder.start_utt()
    _decoder.process_raw(pcm, full_utt=True)
    _decoder.end_utt()
    hyp = _decoder.hyp()
    return hyp.hypstr if hyp else ""


def numbers_heard(clip: np.ndarray, up_to: int = 10) -> list[str]:
    """The numbers the recogniser hears in an int16 clip when it listens for the numbers one to up_to only (a
    JSGF grammar), as a listener expecting a count does: its full language model hears lone words badly."""
    if up_to not in _counters:
        from pocketsphinx import Decoder
        counter = Decoder(samprate=16000, loglevel="FATAL")
        counter.add_jsgf_string("count", "#JSGF V1.0;\ngrammar count;\npublic <count> = (%s)+;\n"
                                % " | ".join(NUMBERS[:up_to]))
        counter.activate_search("count")
        _counters[up_to] = counter
    counter = _counters[up_to]
    around = np.zeros(round(AROUND_S * SAMPLE_RATE), dtype=np.int16)
    counter.start_utt()
    counter.process_raw(_pcm16k(np.concatenate([around, clip.astype(np.int16), around])), full_utt=True)
    counter.end_utt()
    hyp = counter.hyp()
    return hyp.hypstr.split() if hyp else []


def _pcm16k(clip: np.ndarray) -> bytes:
    return subprocess.run(["ffmpeg", "-v", "error", "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
                           "-ar", "16000", "-f", "s16le", "pipe:1"], input=clip.astype("<i2").tobytes(),
                          capture_output=True, check=True).stdout


def words(text: str) -> list[str]:
    """Lower-case words, contractions written out ("you're" and "you are" are the same words heard)."""
    return [part for word in re.findall(r"[a-z']+", text.lower()) for part in _CONTRACTIONS.get(word, word).split()]


def recall(reference: str, heard: str) -> float:
    """The share of the reference's words that the recogniser heard (each heard word counts once)."""
    ref, got = words(reference), Counter(words(heard))
    hits = 0
    for word in ref:
        if got[word] > 0:
            got[word] -= 1
            hits += 1
    return hits / len(ref) if ref else 1.0


def cue_texts(routine) -> list[str]:
    """The distinct texts of the routine's cues, instructions and tips (numbers and placeholders left out)."""
    texts = [*routine.intro, *routine.outro]
    for item in routine.items:
        ex = item.exercise
        texts += [*ex.setup, *ex.tips, *(c for p in ex.phases for c in p.cue),
                  *(t for p in ex.phases for r in p.reminders for t in r.text)]
    return [t for t in dict.fromkeys(texts) if "{" not in t and len(words(t)) >= 2]


def music_bed(path, seconds: float = 24.0, seed: int = 1):
    """A stand-in for a user's music bed, written as WAV: chords of harmonic-rich tones across the speech band
    (four bars a chord), a kick on every beat and hats between, at 100 beats a minute. Music masks speech
    where their spectra meet; this has energy from 50 Hz to 10 kHz like a pop track."""
    import wave
    rng = np.random.default_rng(seed)
    rate, n = SAMPLE_RATE, round(seconds * SAMPLE_RATE)
    t = np.arange(n) / rate
    out = np.zeros(n)
    beat = 60 / 100
    chords = [(220.0, 277.2, 329.6), (196.0, 246.9, 293.7), (174.6, 220.0, 261.6), (196.0, 246.9, 311.1)]
    for i in range(int(seconds / (4 * beat)) + 1):
        a, b = round(i * 4 * beat * rate), min(n, round((i + 1) * 4 * beat * rate))
        for f in (chords[i % 4][0] / 2, *chords[i % 4]):
            for h in range(1, 12):  # saw-like: harmonics falling 6 dB an octave
                out[a:b] += np.sin(2 * np.pi * f * h * t[a:b]) / h * 0.1
    for k in range(int(seconds / beat)):
        s = round(k * beat * rate)
        m = min(n - s, round(0.25 * rate))
        env = np.exp(-np.arange(m) / (0.05 * rate))
        out[s:s + m] += np.sin(2 * np.pi * 60 * np.arange(m) / rate) * env * 0.8      # kick
        h0 = min(n - 1, s + round(beat * rate / 2))
        hm = min(n - h0, round(0.05 * rate))
        out[h0:h0 + hm] += np.diff(rng.standard_normal(hm + 1)) * np.exp(-np.arange(hm) / (0.01 * rate)) * 0.2
    out = out / np.abs(out).max() * 0.7
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((out * 32767).astype("<i2").tobytes())
    return path


def cues_heard(audio: np.ndarray, events, min_words: int = 3) -> list[tuple[str, float]]:
    """Each spoken cue of at least min_words words cut out of a decoded session (float samples) at its planned
    place, with the recall of what the recogniser hears there."""
    out = []
    for event in events:
        if event.kind == "speech" and len(words(event.text)) >= min_words:
            clip = (np.clip(audio[event.start:event.end], -1, 1) * 32767).astype(np.int16)
            out.append((event.text, recall(event.text, heard(clip))))
    return out
