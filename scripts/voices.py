"""Measure how well the voices are heard: by an independent recogniser, alone and under a music bed.

Usage: scripts/voices [--write docs/voices.md] [--only engines,worst,rates,music,levels,noise] [ENGINE:VOICE@RATE ...]

The judge is Whisper (tests/clarity.py: tiny.en, or base with --judge base), which has nothing to do with any
engine. Each clip is heard with 0.3 s of silence either side (a session has at least that around a cue), or
with noise over all of it, and scored by word recall: the share of its words the recogniser heard (numbers
and contractions written out).

- gym: every English Kokoro voice and piper on the outside sentences in quiet, pink noise at 0 dB and
  six-talker babble at 6 dB SNR (the default voice comes from this table); Two sets of texts: the cues of
the built-in routine, and 56 cue-like sentences kept apart from the library (tests/data/clarity-sentences.txt),
so that nothing is tuned on the texts it is judged by.

- engines: each engine, voice and rate on both sets (the defaults in speech/engines.py come from this table);
- worst: every built-in text by the default voice in babble at 6 dB, those under 0.7 listed;
- rates: the default piper voice at several speaking rates, each 1-3, 4-6 and 7+ word texts apart;
- music: the built-in routine (6 minutes, default voice) built dry and under a music bed at several levels and
  ducking depths; each cue is cut out of the decoded MP3 and heard, and the recall kept under music is the
  ratio to the dry build's (the defaults --music-level and --music-duck come from this table);
- levels: each kind of beep against the voice in a built MP3, measured by ffmpeg's BS.1770 meter;
- noise: piper's randomness (noise, noise_w): recall over renders and one cue's length over renders.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from clarity import babble, built_in_texts, cue_texts, cues_heard, heard, music_bed, pink_noise, recall, sentences, words  # noqa: E402
from conftest import decode, loudness_of  # noqa: E402

from audioguide import defaults, speech  # noqa: E402
from audioguide.definitions import loader as definitions_loader  # noqa: E402
from audioguide.model import SPEECH  # noqa: E402
from audioguide.pipeline import options as pipeline_options  # noqa: E402
from audioguide.pipeline import routines as pipeline_routines  # noqa: E402
from audioguide.speech.engines import PiperEngine  # noqa: E402
from audioguide.speech.kokoro import KokoroEngine  # noqa: E402

PIPER_NATIVE_RATE = PiperEngine.NATIVE_RATE
SENTENCE_PAUSE_S = KokoroEngine.SENTENCE_PAUSE_S

# The espeak-ng candidates are the best of a wider sweep (5 English voices x rates 115-180, variants m3, f3 and
# klatt1-6 on 30 cues): plain voices scored 0.06-0.22, the klatt variants 0.34-0.43.
CANDIDATES = ["piper:joe", "pyttsx3:gmw/en-us+klatt2@160", "pyttsx3:gmw/en-us+klatt2@135",
              "pyttsx3:gmw/en-us+klatt4@160", "pyttsx3:gmw/en-us@160"]
RATES = [160, 140, 125, 110, 100, 90]
MUSIC_LEVELS = [-12.0, -18.0, -24.0]
MUSIC_DUCKS = [0.0, 8.0, 15.0, 22.0]
SECTIONS = ("gym", "engines", "worst", "rates", "music", "levels", "noise")
# In noise: every Kokoro voice of the default language (US and British English) and piper's joe.
GYM_VOICES = [f"kokoro:{v}" for v in ("af_heart af_alloy af_aoede af_bella af_jessica af_kore af_nicole af_nova "
                                       "af_river af_sarah af_sky am_adam am_echo am_eric am_fenrir am_liam am_michael "
                                       "am_onyx am_puck am_santa bf_alice bf_emma bf_isabella bf_lily bm_daniel "
                                       "bm_fable bm_george bm_lewis").split()] + ["piper:joe"]
CONDITIONS = (("quiet", None, 0.0), ("pink 0 dB", "pink", 0.0), ("babble 6 dB", "babble", 6.0))


def parse(candidate: str) -> speech.EngineSpec:
    """ENGINE:VOICE@RATE%PAUSE (Kokoro's pause between sentences in seconds: set here, in this process, where
    Kokoro renders; its clip cache identity holds the pause)."""
    candidate, _, pause = candidate.partition("%")
    engine, _, rest = candidate.partition(":")
    voice, _, rate = rest.partition("@")
    KokoroEngine.SENTENCE_PAUSE_S = float(pause) if pause else SENTENCE_PAUSE_S
    return speech.EngineSpec(engine, voice or None, int(rate) if rate else None)


def scores(spec: speech.EngineSpec, texts: list[str], cache: Path) -> dict[str, float]:
    """Each text's recall, rendered by spec (through a cache, so a text is rendered once per voice)."""
    with speech.Speaker(spec, speech.ClipCache(cache)) as speaker:
        clips = speaker.clips(texts)
    return {t: recall(t, heard(clips[t])) for t in texts}


def gym(voices: list[str], outside: list[str], cache: Path, judge: str,
        conditions: tuple = CONDITIONS) -> list[str]:
    """Each voice on the outside sentences in quiet, in pink noise at 0 dB and in six-talker babble at 6 dB SNR
    (or the conditions asked), a voice written ENGINE:VOICE@RATE."""
    beds = {"pink": pink_noise(), "babble": babble(cache)}
    rows = ["| voice | gender | " + " | ".join(name for name, _, _ in conditions) + " | worst in babble |",
            "|---|---|" + "---|" * len(conditions) + "---|"]
    for candidate in voices:
        spec = parse(candidate)
        with speech.Speaker(spec, speech.ClipCache(cache)) as speaker:
            clips = speaker.clips(outside)
        means, worst_babble = [], (1.0, "")
        for _, bed, snr in conditions:
            got = {t: recall(t, heard(clips[t], beds[bed] if bed else None, snr, judge)) for t in outside}
            means.append(np.mean(list(got.values())))
            if bed == "babble":
                worst_babble = min((v, t) for t, v in got.items())
        gender = {"f": "female", "m": "male"}.get(spec.voice[1], "male") if spec.name == "kokoro" else "male"
        rows.append(f"| {candidate} | {gender} | " + " | ".join(f"{m:.3f}" for m in means)
                    + f" | {worst_babble[0]:.2f} {worst_babble[1]} |")
        print(rows[-1], flush=True)
    return rows


def engines(candidates: list[str], library: list[str], outside: list[str], cache: Path) -> list[str]:
    rows = ["| engine | voice | rate (wpm) | library cues | outside sentences | worst library cue |",
            "|---|---|---|---|---|---|"]
    for candidate in candidates:
        spec = parse(candidate)
        if spec.name == "piper" and not speech.piper_available():
            continue
        engine = speech.make_engine(spec)
        got = scores(spec, library + outside, cache)
        inside = [got[t] for t in library]
        rows.append(f"| {spec.name} | {getattr(engine, 'voice', None) or spec.voice or 'joe'} | {engine.rate} | "
                    f"{np.mean(inside):.2f} | {np.mean([got[t] for t in outside]):.2f} | {min(inside):.2f} |")
        print(rows[-1], flush=True)
    return rows


def worst(cache: Path, judge: str) -> list[str]:
    """Every built-in text said by the default voice in babble at 6 dB, those under 0.7 listed with what the
    recogniser heard."""
    spec = speech.EngineSpec("auto")
    texts = built_in_texts()
    with speech.Speaker(spec, speech.ClipCache(cache)) as speaker:
        clips = speaker.clips(texts)
        name = speaker.spec.name
    bed = babble(cache)
    got = sorted((recall(t, said := heard(clips[t], bed, 6.0, judge)), t, said) for t in texts)
    rows = [f"{len(texts)} built-in texts by the default voice ({name}) in babble at 6 dB: mean "
            f"{np.mean([g[0] for g in got]):.3f}; those under 0.7:", "",
            "| recall | text | heard |", "|---|---|---|"]
    rows += [f"| {score:.2f} | {text} | {said} |" for score, text, said in got if score < 0.7]
    print("\n".join(rows), flush=True)
    return rows


def rates(library: list[str], outside: list[str], cache: Path) -> list[str]:
    rows = ["| rate (wpm) | length_scale | library cues | outside sentences | 1-3 words | 4-6 words | 7+ words |",
            "|---|---|---|---|---|---|---|"]
    texts = library + outside
    for rate in RATES:
        got = scores(speech.EngineSpec("piper", None, rate), texts, cache)
        by_length = [np.mean([got[t] for t in texts if lo <= len(words(t)) <= hi]) for lo, hi in
                     ((1, 3), (4, 6), (7, 999))]
        rows.append(f"| {rate} | {PIPER_NATIVE_RATE / rate:.2f} | {np.mean([got[t] for t in library]):.3f} | "
                    f"{np.mean([got[t] for t in outside]):.3f} | " + " | ".join(f"{m:.3f}" for m in by_length) + " |")
        print(rows[-1], flush=True)
    return rows


def _cue_recall(result) -> float:
    return float(np.mean([score for _, score in cues_heard(decode(result.path), result.timeline.events)]))


def music(work: Path, cache: Path) -> list[str]:
    bed = music_bed(work / "bed.wav")
    base = {"length_s": 360, "output_dir": work / "music-out", "cache_dir": cache}
    dry = _cue_recall(pipeline_routines.build("thoracic-mobility", pipeline_options.BuildOptions(**base)))
    rows = [f"Dry (no music): mean recall {dry:.3f} over the cues of three words or more.", "",
            "| music level (dB against the voice) | " + " | ".join(f"duck {d:g} dB" for d in MUSIC_DUCKS) + " |",
            "|---|" + "---|" * len(MUSIC_DUCKS)]
    for level in MUSIC_LEVELS:
        cells = []
        for duck in MUSIC_DUCKS:
            options = pipeline_options.BuildOptions(**base, music=bed, music_level_db=level, music_duck_db=duck)
            wet = _cue_recall(pipeline_routines.build("thoracic-mobility", options))
            cells.append(f"{wet / dry:.2f}")
        rows.append(f"| {level:g} | " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)
    return rows


def levels(work: Path, cache: Path) -> list[str]:
    options = pipeline_options.BuildOptions(length_s=120, output_dir=work / "levels-out", cache_dir=cache,
                                    definition_paths=(ROOT / "tests" / "data" / "short.toml",))
    result = pipeline_routines.build("short", options)
    audio, events = decode(result.path), result.timeline.events
    voice = loudness_of(audio, [(e.start, e.end) for e in events if e.kind == SPEECH], work)
    rows = ["| sound | loudness against the voice (LU) |", "|---|---|"]
    for kind in ("rep", "tick", "hold_start", "hold_end", "chime", "bell"):
        spans = [(e.start, e.end) for e in events if e.kind == kind]
        if spans:
            rows.append(f"| {kind} | {loudness_of(audio, spans, work) - voice:+.1f} |")
    print("\n".join(rows), flush=True)
    return rows


NOISE_SETTINGS = [("the model's own (0.667, 0.8)", None, None), ("noise_w 0", None, 0.0), ("noise 0, noise_w 0", 0.0, 0.0)]


def noise(texts: list[str], renders: int = 3) -> list[str]:
    """Recall over renders of every cue, and the lengths of one cue rendered four times, per noise setting."""
    from audioguide.speech import engines as voices
    rows = ["| noise, noise_w | mean recall per render | mean | one cue's length over 4 renders (samples) |",
            "|---|---|---|---|"]
    kept = voices.PiperEngine.NOISE_SCALE, voices.PiperEngine.NOISE_W_SCALE
    for name, noise_scale, noise_w in NOISE_SETTINGS:
        voices.PiperEngine.NOISE_SCALE, voices.PiperEngine.NOISE_W_SCALE = noise_scale, noise_w
        means, lengths = [], []
        for _ in range(renders):
            with tempfile.TemporaryDirectory() as cache:  # fresh renders each time
                got = scores(speech.EngineSpec("piper"), texts, Path(cache))
            means.append(float(np.mean(list(got.values()))))
        with tempfile.TemporaryDirectory() as cache, \
                speech.Speaker(speech.EngineSpec("piper"), speech.ClipCache(Path(cache))) as speaker:
            for _ in range(4):
                speaker.cache.clear()
                lengths.append(len(speaker.clips([texts[0]])[texts[0]]))
        rows.append(f"| {name} | {', '.join(f'{m:.3f}' for m in means)} | {np.mean(means):.3f} | "
                    f"{', '.join(map(str, lengths))} |")
        print(rows[-1], flush=True)
    voices.PiperEngine.NOISE_SCALE, voices.PiperEngine.NOISE_W_SCALE = kept
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("candidates", nargs="*", default=CANDIDATES)
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"sections to measure: {', '.join(SECTIONS)}")
    parser.add_argument("--write", type=Path, default=None, help="write the report to this markdown file")
    parser.add_argument("--judge", default="base", help="the Whisper model that listens: base or tiny.en")
    parser.add_argument("--voices", default=",".join(GYM_VOICES), help="the voices the gym section measures")
    parser.add_argument("--conditions", default=",".join(c[0] for c in CONDITIONS),
                        help="the gym section's conditions: " + ", ".join(c[0] for c in CONDITIONS))
    parser.add_argument("--every", type=int, default=1, help="the gym section hears every Nth outside sentence")
    args = parser.parse_args()
    only = [s for s in args.only.split(",") if s]
    library = cue_texts(definitions_loader.load_library(include_user=False).routine("thoracic-mobility"))
    outside = sentences()
    started = time.perf_counter()
    parts = [f"Measured {time.strftime('%Y-%m-%d')} by `scripts/voices`: {len(library)} library cues, "
             f"{len(outside)} outside sentences.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cache = Path(os.environ.get("AUDIOGUIDE_VOICES_CACHE") or work / "cache")
        if "gym" in only:
            parts += [f"## In noise (word recall, Whisper {args.judge})", "",
                      *gym(args.voices.split(","), outside[::args.every], cache, args.judge,
                           tuple(c for c in CONDITIONS if c[0] in args.conditions.split(","))), ""]
        if "engines" in only:
            parts += ["## Engines and voices (word recall)", "", *engines(args.candidates, library, outside, cache), ""]
        if "worst" in only:
            parts += ["## The built-in texts in babble", "", *worst(cache, args.judge), ""]
        if "rates" in only and speech.piper_available():
            parts += ["## The piper voice at several rates (word recall)", "", *rates(library, outside, cache), ""]
        if "music" in only:
            parts += ["## Under a music bed: recall kept, against the dry build", "", *music(work, cache), ""]
        if "levels" in only:
            parts += [f"## Beeps against the voice (asked: {defaults.BEEP_LEVEL_DB:+g} dB)", "",
                      *levels(work, cache), ""]
        if "noise" in only and speech.piper_available():
            parts += ["## Piper's randomness", "", *noise(library), ""]
    parts.append(f"The measurement took {time.perf_counter() - started:.0f} s.")
    report = "\n".join(parts)
    if args.write:
        args.write.write_text(_document(report))
        print(f"wrote {args.write}")
    else:
        print(report)


def _document(report: str) -> str:
    return ("# Voices\n\n"
            "How well the voices are heard, measured by `scripts/voices --write docs/voices.md` (its docstring says\n"
            "how). The judge is Whisper (tests/clarity.py); recall is the share of a text's words it hears, in quiet,\n"
            "in pink noise and in six-talker babble at a stated SNR. What the numbers chose, and why, is in the\n"
            "closing section.\n\n" + report + "\n\n" + CHOICES)


CHOICES = """## What was chosen

- Voice: `auto` is piper's joe voice when the neural extra is installed, else espeak-ng's US English voice
  with its klatt2 variant (the best-heard espeak-ng setting in the engines table).
- Rate: piper's rate is nominal (160 is the model's own pace, about 230 words a minute by the clock). Slowing
  it helped long sentences most and short phrases not at all; recall on the outside sentences rose from 0.73
  at 160 to 0.82 at 100 and fell again at 90 (0.77) and 80 (0.74, measured once outside this script):
  drawn-out words are heard worse. Commas said as full stops (a pause and a falling tone) lowered the 7
  sentences with commas from 0.86 to 0.81, so clauses stay as written. The default
  is 100 (length_scale 1.6, about 165 words a minute by the clock, the pace of a calm instructor); `--rate`
  changes it. The goal of 0.85 on the outside sentences is not reached with this voice and judge.
- Built-in cues the recogniser lost (under 0.5: "Thread it through." heard as "reddit theory", "And come back
  up.", "Curl up, like a cat.", "Chin level, crown of the head up.", "Only a couple of inches. Quality over
  height.", "Go only as far as is comfortable.") were rephrased into fuller sentences; none is under 0.5 now
  (the worst-cues table; tests/test_clarity.py holds every cue, tip and intro of the built-ins to it).
- Sentences of one cue are 0.25 s apart (piper ran them together); exercise words espeak-ng's rules say
  wrong are said from a lexicon (speech/lexicon.py).
- Music: `--music-level` is the bed's loudness against the voice as heard (after limiting), `--music-duck`
  how far it dips under speech and beeps. Defaults -18 dB and 15 dB: the cues keep 0.93 of their dry recall
  under the test bed (the issue asks 0.9); without ducking 0.78, and a bed 6 dB louder needs the same 15 dB
  ducking to keep 0.90. Deeper ducking (22 dB) keeps 1.00 but makes the music pump (the music table).
- Beeps: `--beep-level` sets every beep and chime against the voice's loudness (BS.1770, each sound measured
  as a run of itself, after the voice's limiting); -3 dB by default: clearly heard, never louder than the
  voice, and short ticks sound quieter still than their level says.
- Lead-in: the first word comes after 0.75 s of silence, so Bluetooth earbuds that wake on sound do not
  swallow it (0.5 s is the least the issue asked; some earbuds take 0.6-0.7 s).
- Spoken count-down (`countdown = "spoken"`): "Three. Two. One." on the last three seconds of a hold. The
  recogniser's full language model hears lone number words badly at any rate ("Two." alone is "ten"), so the
  test listens with a grammar of numbers and checks the order heard.
- Piper's noise and noise_w are both 0: every render of a text is the same, so a plan is the same after the
  cache is cleared, and recall is a little higher (the noise table).
- Levers that did not help (measured once each on the 56 outside sentences, outside this script, against
  0.824 for the default): the clip's level 6 dB lower 0.814, 6 dB higher 0.783; a presence shelf (+4 dB above
  2 kHz) 0.813; a 150 Hz high-pass 0.803; dynamics compression (2:1 to 3:1) 0.77-0.78; a final '!' or no
  final stop instead of '.' 0.74-0.76 (short commands fell from 0.67 to 0.39); commas dropped 0.817; a wider
  gap between words (a second word-boundary token) 0.77 and 0.70. With the voice model patched to take a
  length per phoneme (an extra Mul before its duration Ceil, onnx): vowels 1.15x longer and consonants 0.85x
  0.784, the reverse 0.808, stressed vowels 1.2x 0.785, word gaps 1.5x 0.770; consonants 3 dB louder (by the
  model's own alignment) 0.808. Finer rates: 115 0.771, 108 0.786, 104 0.814, 100 0.824, 96 0.802, 93 0.754.
  Generator noise 0.1 to 0.5 with noise_w 0 (three renders each): 0.80 to 0.78; a pause before the first word
  0.75-0.78; pitch moved a semitone up or down, or the tempo by 10 %, after rendering (rubberband): 0.65-0.79.
  The default is a narrow peak: every change moves recall back towards 0.78-0.80.
- What stands in the way of 0.85: two short commands the recogniser never hears at any rate ("Breathe in."
  heard as "murray then", "Eyes closed." as "nice clothes": 0.036 of the mean between them), and three words
  its language model lacks, so no voice could make it hear them (glutes, interlace, rhomboids; counting
  only the words it can know, the default scores 0.831). joe is the only Piper voice this machine can
  install (the package registries hold no other voice model), so the goal stays open.
"""


if __name__ == "__main__":
    main()
