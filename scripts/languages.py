"""Measure how well each language's sessions are heard: Whisper base, told the language, listens to every cue of a
6-minute thoracic session (and day 1 of the program) cut out of the decoded MP3, in quiet and under pink noise at
0 dB SNR. Numbers are scored as words, accents and elisions set aside (tests/clarity.py). The default voice of each
language (speech/voice.py LANGUAGE_VOICES) comes from this table.

Usage: scripts/languages [--write docs/voices.md] [--misses] [LANG:ENGINE:VOICE ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from clarity import cues_heard, pink_noise  # noqa: E402
from conftest import decode  # noqa: E402

from audioguide.model import EngineSpec  # noqa: E402
from audioguide.pipeline import programs, routines  # noqa: E402
from audioguide.pipeline.options import BuildOptions  # noqa: E402

CANDIDATES = ["es:kokoro:ef_dora", "es:kokoro:em_alex", "fr:kokoro:ff_siwis", "it:kokoro:if_sara",
              "it:kokoro:im_nicola", "pt:kokoro:pf_dora", "pt:kokoro:pm_alex", "de:pyttsx3:mb/mb-de6",
              "de:pyttsx3:mb/mb-de5", "de:pyttsx3:gmw/de"]
MARK = "<!-- languages -->"


def measure(candidate: str, work: Path, cache: Path, misses: bool = False) -> str:
    tag, engine, voice = candidate.split(":", 2)
    options = BuildOptions(length_s=360, output_dir=work / candidate.replace("/", "_").replace(":", "-"),
                           engine=EngineSpec(engine, voice), cache_dir=cache, language=tag)
    noise = pink_noise(30.0)
    rows = []
    built = routines.build("thoracic-mobility", options)
    _, outcomes = programs.build_program("thoracic-four-weeks", dt.date(2026, 12, 1), options, days=[1])
    for result in (built, outcomes[0].result):
        audio = decode(result.path).astype("float32")
        heard = cues_heard(audio, result.timeline.events, language=tag, judge="base")
        quiet = [r for _, r in heard]
        if misses:  # the texts to work on: what the recogniser keeps least of, in quiet
            for text, r in sorted(heard, key=lambda tr: tr[1])[:8]:
                if r < 0.9:
                    print(f"  {candidate} {r:.2f}  {text}", file=sys.stderr, flush=True)
        noisy = [r for _, r in cues_heard(audio, result.timeline.events, language=tag, judge="base",
                                          noise=noise, snr_db=0.0)]
        rows.append((statistics.mean(quiet), statistics.mean(noisy), sum(r < 0.7 for r in quiet), len(quiet)))
    (s_quiet, s_noisy, s_low, n), (d_quiet, d_noisy, _, m) = rows
    return (f"| {tag} | {engine} {voice} | {s_quiet:.3f} | {s_noisy:.3f} | {s_low} of {n} | {d_quiet:.3f} | "
            f"{d_noisy:.3f} ({m} cues) |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("candidates", nargs="*", default=CANDIDATES)
    parser.add_argument("--write", type=Path, default=None, help="put the table into this markdown file")
    parser.add_argument("--misses", action="store_true", help="also print each voice's worst-heard cues (stderr)")
    args = parser.parse_args()
    lines = ["| language | voice | 6-minute session, quiet | pink 0 dB | cues under 0.7 (quiet) | day 1, quiet | "
             "day 1, pink 0 dB |", "|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory(prefix="audioguide-languages-") as folder:
        work = Path(folder)
        for candidate in args.candidates:
            lines.append(measure(candidate, work, work / "cache", args.misses))
            print(lines[-1], flush=True)
    table = "\n".join(lines)
    if args.write:
        text = args.write.read_text(encoding="utf-8")
        if MARK in text:
            head, _, rest = text.partition(MARK)
            _, _, tail = rest.partition(MARK)
            text = f"{head}{MARK}\n{table}\n{MARK}{tail}"
        else:
            text += f"\n## Languages\n\n{MARK}\n{table}\n{MARK}\n"
        args.write.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
