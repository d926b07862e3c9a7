"""Benchmark audioguide against reference runs made in the same run, so the ratios compare across machines.

Usage: scripts/bench [--quick] [--lengths 10,30,60] [--naive 6,10] [--engines piper,pyttsx3] [--write FILE]

For each length it builds the built-in routine in a fresh process, first with an empty speech cache (cold)
and then with the cache that run filled (warm), recording wall time and the peak memory of the whole process
tree. The references, timed in the same run: ffmpeg encoding the session's length of audio to the same MP3
format (for the warm build), and the voice alone saying the final plan's distinct texts in one process with one
model load (for the cold build: cold / (voice alone + warm) is what the speech stage and planning add). It
also times the start-up of the quick commands against `python -c "import click"`, planning a 60-minute session,
speech per engine, a naive pydub overlay mix, and several lengths in one command.

--quick: one length (10 minutes), one repetition, no side tables; well under 3 minutes.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import measure
from measure import ROUTINE, build, time_encode


def many_lengths(lengths: list[float], work: Path) -> list[str]:
    """One command building every length against one build per length, each pair from the same cache state."""
    together = ",".join(f"{m:g}" for m in lengths)
    rows = [f"| cache | one command (`-m {together}`) | {len(lengths)} separate builds | one / separate |",
            "|---|---|---|---|"]
    one_cache, apart_cache = work / "many-one", work / "many-apart"
    for state in ("cold", "warm"):
        one = build(together, work / "many-out-one", one_cache).wall_s
        apart = sum(build(m, work / "many-out-apart", apart_cache).wall_s for m in lengths)
        rows.append(f"| {state} | {one:.1f} s | {apart:.1f} s | {one / apart:.2f}x |")
        print(rows[-1], flush=True)
    return rows


def time_plan(minutes: float, cache: Path) -> float:
    code = ("import time; from pathlib import Path; "
            "from audioguide.pipeline import options as pipeline_options, routines as pipeline_routines;"
            f"o = pipeline_options.BuildOptions(length_s={minutes * 60}, cache_dir=Path({str(cache)!r}));"
            f"t = time.perf_counter(); pipeline_routines.plan({ROUTINE!r}, o); print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def time_speech(engine: str, minutes: float, cache: Path) -> float:
    cmd = [sys.executable, "-m", "audioguide", "plan", ROUTINE, "-m", str(minutes), "--engine", engine,
           "--cache-dir", str(cache), "-q", "--json"]
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - start


NAIVE = """
import json, sys, time
from pathlib import Path
import numpy as np
from pydub import AudioSegment
from audioguide.pipeline import options as pipeline_options
from audioguide.pipeline import routines as pipeline_routines
from audioguide.mixer import sounds
from audioguide.speech import ClipCache, EngineSpec, Speaker
minutes, cache, out = float(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
timeline, _ = pipeline_routines.plan("thoracic-mobility", pipeline_options.BuildOptions(length_s=minutes * 60, cache_dir=cache))
clips = Speaker(EngineSpec("auto"), ClipCache(cache)).clips(timeline.texts())
beeps = {k: (v * 32767).astype(np.int16) for k, v in sounds.load().items()}
def seg(a): return AudioSegment(a.astype("<i2").tobytes(), frame_rate=44100, sample_width=2, channels=1)
start = time.perf_counter()
track = AudioSegment.silent(duration=timeline.duration_s * 1000, frame_rate=44100)
for e in timeline.events:
    if e.kind == "speech":
        track = track.overlay(seg(clips[e.text]), position=e.start_s * 1000)
    elif e.kind in beeps:
        track = track.overlay(seg(beeps[e.kind]), position=e.start_s * 1000)
track.export(out, format="mp3", bitrate="96k")
print(time.perf_counter() - start)
"""


def time_naive(minutes: float, cache: Path, out: Path) -> float:
    done = subprocess.run([sys.executable, "-c", NAIVE, str(minutes), str(cache), str(out)], capture_output=True,
                          text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one length, one repetition, no side tables")
    parser.add_argument("--lengths", default="10,30,60", help="session lengths in minutes")
    parser.add_argument("--naive", default="6,10", help="lengths for the naive pydub mix ('' to skip)")
    parser.add_argument("--engines", default="piper,pyttsx3", help="engines to time speech rendering for")
    parser.add_argument("--build-engines", default="auto,piper",
                        help="engines the builds table is made with (auto: the default voice, Kokoro when installed)")
    parser.add_argument("--runs", type=int, default=3, help="warm builds and reference encodes per length (median)")
    parser.add_argument("--many", default="6,10,20", help="lengths built in one command vs separately ('' to skip)")
    parser.add_argument("--write", type=Path, default=None, help="write the report to this markdown file")
    args = parser.parse_args()
    if args.quick:
        args.lengths, args.runs, args.naive, args.engines, args.many = "10", 1, "", "", ""
        args.build_engines = "auto"
    lengths = [float(x) for x in args.lengths.split(",") if x]
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}, {_ffmpeg_version()}{' (--quick)' if args.quick else ''}.", ""]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        lines += ["## Start-up (median of 15, bytecode compiled as an install has it)", "",
                  "| command | time | ratio to `python -c \"import click\"` |", "|---|---|---|"]
        for label, seconds, ratio in measure.startup():
            lines.append(f"| {label} | {seconds * 1000:.0f} ms | {ratio:.2f}x |")
            print(lines[-1], flush=True)
        lines += ["", "## Views and early errors (median of 5, each on an empty speech cache)", "",
                  "| command | time | ratio to `audioguide list` | clips rendered |", "|---|---|---|---|"]
        for label, seconds, ratio, rendered in measure.views_and_errors(work):
            lines.append(f"| {label} | {seconds * 1000:.0f} ms | {ratio:.2f}x | {rendered} |")
            print(lines[-1], flush=True)
        for engine in [e for e in args.build_engines.split(",") if e]:
            lines += ["", *_builds(lengths, args.runs, work, engine), ""]
        if 60 in lengths:
            plan = time_plan(60, work / "cache-auto-60.0")
            lines += [f"Planning a 60-minute session with a warm speech cache: {plan:.2f} s.", ""]
            print(lines[-2], flush=True)
        engines = [e for e in args.engines.split(",") if e]
        if engines:
            lines += ["## Speech rendering (planning a 30-minute session renders every cue it needs)", "",
                      "| engine | 30 min speech, cold | warm |", "|---|---|---|"]
            for engine in engines:
                cache = work / f"speech-{engine}"
                lines.append(f"| {engine} | {time_speech(engine, 30, cache):.1f} s | "
                             f"{time_speech(engine, 30, cache):.1f} s |")
                print(lines[-1], flush=True)
            lines.append("")
        naive = [float(x) for x in args.naive.split(",") if x]
        if naive:
            lines += ["## A naive pydub overlay mix of the same timeline, for comparison", "",
                      *_naive(naive, work), ""]
        many = [float(x) for x in args.many.split(",") if x]
        if many:
            lines += ["## Several lengths in one command (built-in routine, default engine)", "",
                      *many_lengths(many, work), ""]
    lines.append(f"The whole benchmark took {time.perf_counter() - started:.0f} s.")
    report = "\n".join(lines)
    if args.write:
        args.write.write_text(_document(report))
        print(f"wrote {args.write}")
    else:
        print(report)


def _builds(lengths: list[float], runs: int, work: Path, engine: str) -> list[str]:
    name = measure.engine_of(engine)
    rows = [f"## Builds with {name} (built-in routine, {engine} engine, 96 kbps mono)", "",
            f"| length | cold build | voice alone (texts) | cold / (voice + warm) | clips rendered | "
            f"warm build (median of {runs}) | ffmpeg encode (median of {runs}) | warm / encode | "
            "peak memory cold | peak memory warm |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for minutes in lengths:
        cache = work / f"cache-{engine}-{minutes}"
        cold = build(minutes, work / "cold", cache, engine)
        rendered = sum(1 for _ in (cache / "clips").rglob("*.wav"))
        warm_runs = [build(minutes, work / "warm", cache, engine) for _ in range(runs)]
        warm = statistics.median(r.wall_s for r in warm_runs)
        encode = time_encode(Path(warm_runs[0].stdout.split()[0]), work, runs)
        texts = measure.final_texts(minutes, cache, engine)
        voice = measure.voice_alone(texts, work, engine)
        rows.append(f"| {minutes:g} min | {cold.wall_s:.1f} s | {voice.wall_s:.1f} s ({len(texts)}) | "
                    f"{cold.wall_s / (voice.wall_s + warm):.2f}x | {rendered} | {warm:.1f} s | {encode:.1f} s | "
                    f"{warm / encode:.2f}x | {cold.tree_peak_mb:.0f} MB | "
                    f"{max(r.tree_peak_mb for r in warm_runs):.0f} MB |")
        print(rows[-1], flush=True)
    return rows


def _naive(lengths: list[float], work: Path) -> list[str]:
    rows = ["| length | naive pydub overlay mix + export | ffmpeg encode | ratio | audioguide warm |",
            "|---|---|---|---|---|"]
    cache = work / "naive-cache"
    for minutes in lengths:
        build(minutes, work / "naive-ours", cache)
        ours = build(minutes, work / "naive-ours", cache)
        encode = time_encode(Path(ours.stdout.split()[0]), work, 1)
        naive_s = time_naive(minutes, cache, str(work / "naive.mp3"))
        rows.append(f"| {minutes:g} min | {naive_s:.1f} s | {encode:.1f} s | {naive_s / encode:.1f}x | "
                    f"{ours.wall_s / encode:.2f}x |")
        print(rows[-1], flush=True)
    return rows


def _ffmpeg_version() -> str:
    out = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split("\n")[0]
    return " ".join(out.split()[:3])


def _document(report: str) -> str:
    return ("# Performance\n\n"
            "Written by `scripts/bench --write docs/performance.md` (`scripts/bench --quick` while working); run it\n"
            "again after changing the speech stage, the mixer or the encoder. Times are wall-clock seconds on this\n"
            "project's 2-core machines; the ratios to reference runs made in the same run are what compare across\n"
            "machines. Run-to-run noise on these machines is about 5%.\n\n"
            "How to read it. A cold build renders its speech, plans, mixes and encodes: its reference is the voice\n"
            "alone saying the final plan's distinct texts in one fresh process with one model load, plus the warm\n"
            "rebuild (target: cold within 1.25x of that sum). 'clips rendered' counts what the cold build put in\n"
            "the cache: equal to the number of texts means nothing was rendered for a plan that was not used. A warm\n"
            "build is planning (speech lengths from the cache), mixing and encoding in one pass; its reference is\n"
            "ffmpeg encoding the same length. Peak memory is the whole process tree's, sampled every 20 ms (RSS\n"
            "summed over the command and its children): targets 500 MB for a cold 10-minute build and the warm\n"
            "60-minute build within 50 MB of the warm 10-minute one. Start-up target: the quick commands and\n"
            "shell completion within 2x of `python -c \"import click\"`.\n\n"
            + report + "\n")


if __name__ == "__main__":
    main()
