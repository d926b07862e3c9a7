"""Word recall of an independent recogniser (pocketsphinx, its bundled US English model) on rendered speech."""

from __future__ import annotations

import re
import subprocess
from collections import Counter

import numpy as np

from audioguide.model import SAMPLE_RATE

_decoder = None


def transcribe(clip: np.ndarray) -> str:
    """What pocketsphinx hears in an int16 clip at SAMPLE_RATE."""
    global _decoder
    if _decoder is None:
        from pocketsphinx import Decoder
        _decoder = Decoder(samprate=16000, loglevel="FATAL")
    pcm = subprocess.run(["ffmpeg", "-v", "error", "-f", "s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-i", "pipe:0",
                          "-ar", "16000", "-f", "s16le", "pipe:1"], input=clip.astype("<i2").tobytes(),
                         capture_output=True, check=True).stdout
    _decoder.start_utt()
    _decoder.process_raw(pcm, full_utt=True)
    _decoder.end_utt()
    hyp = _decoder.hyp()
    return hyp.hypstr if hyp else ""


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())


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
