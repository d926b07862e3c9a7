"""Measure how well an independent recogniser understands each engine and voice on the built-in cues.

Usage: scripts/voices [--write docs/voices.md] [ENGINE:VOICE@RATE ...]
       scripts/voices --piper-noise     (piper's randomness: recall and length repeatability per setting)

Each candidate renders every cue text of the built-in routine (instructions, cues, tips, reminders); pocketsphinx
(its bundled US English model, nothing to do with either engine) transcribes each clip, and the word recall
(share of the cue's words it heard) is averaged over the cues. The defaults in speech/engines.py come from this table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from clarity import cue_texts, recall, transcribe  # noqa: E402

from audioguide import definitions, speech  # noqa: E402

# The espeak-ng candidates are the best of a wider sweep (5 English voices x rates 115-180, variants m3, f3 and
# klatt1-6 on 30 cues): plain voices scored 0.06-0.22, the klatt variants 0.34-0.43.
CANDIDATES = ["piper:joe", "pyttsx3:gmw/en-us+klatt4@175", "pyttsx3:gmw/en-us+klatt4@160",
              "pyttsx3:gmw/en-us+klatt2@160", "pyttsx3:gmw/en-us@165", "pyttsx3:gmw/en-us@130", "pyttsx3:gmw/en@150"]


def parse(candidate: str) -> speech.EngineSpec:
    engine, _, rest = candidate.partition(":")
    voice, _, rate = rest.partition("@")
    return speech.EngineSpec(engine, voice or None, int(rate) if rate else None)


def measure(spec: speech.EngineSpec, texts: list[str], cache: Path) -> tuple[float, float, float]:
    clips = speech.Speaker(spec, speech.ClipCache(cache)).clips(texts)
    scores = [recall(t, transcribe(clips[t])) for t in texts]
    return float(np.mean(scores)), float(np.min(scores)), float(np.max(scores))


NOISE_SETTINGS = [("the model's own (0.667, 0.8)", None, None), ("noise_w 0", None, 0.0), ("noise 0, noise_w 0", 0.0, 0.0)]


def piper_noise(texts: list[str], renders: int = 3) -> list[str]:
    """Recall over renders of every cue, and the lengths of one cue rendered four times, per noise setting."""
    from audioguide.speech import engines
    rows = ["| noise, noise_w | mean recall per render | mean | one cue's length over 4 renders (samples) |",
            "|---|---|---|---|"]
    for name, noise, noise_w in NOISE_SETTINGS:
        engines.PiperEngine.NOISE_SCALE, engines.PiperEngine.NOISE_W_SCALE = noise, noise_w
        means = []
        for _ in range(renders + 1):
            with tempfile.TemporaryDirectory() as cache:  # fresh renders; one speaker, in this process
                speaker = speech.Speaker(speech.EngineSpec("piper"), speech.ClipCache(Path(cache)), jobs=1)
                if len(means) < renders:
                    clips = speaker.clips(texts)
                    means.append(float(np.mean([recall(t, transcribe(clips[t])) for t in texts])))
                else:
                    lengths = []
                    for _ in range(4):
                        speaker.cache.clear()
                        lengths.append(len(speaker.clips([texts[0]])[texts[0]]))
        rows.append(f"| {name} | {', '.join(f'{m:.3f}' for m in means)} | {np.mean(means):.3f} | "
                    f"{', '.join(map(str, lengths))} |")
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("candidates", nargs="*", default=CANDIDATES)
    parser.add_argument("--write", type=Path, default=None)
    parser.add_argument("--piper-noise", action="store_true", help="sweep piper's noise settings instead")
    args = parser.parse_args()
    texts = cue_texts(definitions.load_library(include_user=False).routine("thoracic-mobility"))
    if args.piper_noise:
        piper_noise(texts)
        return
    rows = ["| engine | voice | rate (wpm) | mean recall | worst cue | best cue |", "|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as cache:
        for candidate in args.candidates:
            spec = parse(candidate)
            if spec.name == "piper" and not speech.piper_available():
                continue
            engine = speech.make_engine(spec)
            mean, worst, best = measure(spec, texts, Path(cache))
            voice = getattr(engine, "voice", None) or spec.voice or "joe"
            rows.append(f"| {spec.name} | {voice} | {engine.rate} | {mean:.2f} | {worst:.2f} | {best:.2f} |")
            print(rows[-1], flush=True)
    report = "\n".join(rows)
    if args.write:
        args.write.write_text(
            "# Voices\n\n"
            "How well an independent recogniser (pocketsphinx 5 with its bundled US English model) understands\n"
            f"each engine and voice, as word recall over the {len(texts)} cue texts of the built-in routine\n"
            f"(measured {time.strftime('%Y-%m-%d')} by `scripts/voices --write docs/voices.md`). Recall is the share\n"
            "of a cue's words that the recogniser heard; it is a relative measure (people understand espeak-ng\n"
            "better than pocketsphinx does), good for comparing voices and catching a broken one.\n\n"
            + report + "\n\n"
            "The defaults follow this table: `auto` uses piper with the joe voice when the neural extra is\n"
            "installed (`scripts/demo` installs it); without it, pyttsx3 uses espeak-ng's US English voice with\n"
            "its klatt2 variant at 160 words per minute, the best-understood espeak-ng setting measured here.\n"
            "`tests/test_clarity.py` checks that the neural voice keeps a mean recall of at least 0.6.\n")
        print(f"wrote {args.write}")


if __name__ == "__main__":
    main()
