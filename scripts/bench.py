"""Benchmark audioguide against ffmpeg encoding the same length of audio, in the same run.

Usage: scripts/bench [--lengths 10,30,60] [--naive 5,10] [--engines piper,pyttsx3] [--write docs/performance.md]

For each length it builds the built-in routine twice in a fresh process, first with an empty speech cache
(cold) and then with the cache that run filled (warm), and records wall time and peak RSS of the build
process. In the same run it decodes the session to WAV and times ffmpeg encoding that WAV to the same MP3
format: the ratio build / encode is the figure to watch. It also times planning a 60-minute session with a warm
cache, rendering the speech of a 30-minute session per engine, and (--naive) a naive pydub overlay mix of the
same timeline, to show how that grows.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUTINE = "thoracic-mobility"


def run_build(minutes: float | str, out: Path, cache: Path, engine: str = "auto") -> tuple[float, float, Path]:
    """Build in a child process; return (wall seconds, peak RSS in MB, the first mp3's path)."""
    cmd = [sys.executable, "-m", "audioguide", "build", ROUTINE, "-m", str(minutes), "-o", str(out),
           "--cache-dir", str(cache), "--engine", engine, "-q"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"build failed: {stderr}")
    return wall, usage.ru_maxrss / 1024, Path(stdout.split()[0])


def many_lengths(lengths: list[float], work: Path) -> list[str]:
    """One command building every length against one build per length, each pair from the same cache state."""
    together = ",".join(f"{m:g}" for m in lengths)
    rows = [f"| cache | one command (`-m {together}`) | {len(lengths)} separate builds | one / separate |",
            "|---|---|---|---|"]
    one_cache, apart_cache = work / "many-one", work / "many-apart"
    for state in ("cold", "warm"):
        one, _, _ = run_build(together, work / "many-out-one", one_cache)
        apart = sum(run_build(m, work / "many-out-apart", apart_cache)[0] for m in lengths)
        rows.append(f"| {state} | {one:.1f} s | {apart:.1f} s | {one / apart:.2f}x |")
        print(rows[-1], flush=True)
    return rows


def time_encode(mp3: Path, work: Path, runs: int) -> float:
    """Decode the session to WAV (untimed), then time ffmpeg encoding it to the same format (median of runs)."""
    wav = work / "reference.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(mp3), "-ac", "1", "-ar", "44100", str(wav)], check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-c:a", "libmp3lame", "-b:a", "96k",
                        "-ar", "44100", "-ac", "1", str(work / "reference.mp3")], check=True)
        times.append(time.perf_counter() - start)
    wav.unlink()
    return statistics.median(times)


def time_plan(minutes: float, cache: Path) -> float:
    code = ("import time; from pathlib import Path; from audioguide import pipeline;"
            f"o = pipeline.BuildOptions(length_s={minutes * 60}, cache_dir=Path({str(cache)!r}));"
            f"t = time.perf_counter(); pipeline.plan({ROUTINE!r}, o); print(time.perf_counter() - t)")
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
from audioguide import pipeline
from audioguide.mixer import sounds
from audioguide.speech import ClipCache, EngineSpec, Speaker
minutes, cache, out = float(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
timeline, _ = pipeline.plan("thoracic-mobility", pipeline.BuildOptions(length_s=minutes * 60, cache_dir=cache))
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
    parser.add_argument("--lengths", default="10,30,60", help="session lengths in minutes")
    parser.add_argument("--naive", default="5,10", help="lengths for the naive pydub mix ('' to skip)")
    parser.add_argument("--engines", default="piper,pyttsx3", help="engines to time speech rendering for")
    parser.add_argument("--runs", type=int, default=3, help="warm builds and reference encodes per length (median)")
    parser.add_argument("--many", default="5,10,20", help="lengths built in one command vs separately ('' to skip)")
    parser.add_argument("--write", type=Path, default=None, help="write the report to this markdown file")
    args = parser.parse_args()
    lengths = [float(x) for x in args.lengths.split(",") if x]
    lines = [f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
             f"Python {platform.python_version()}, {_ffmpeg_version()}.", ""]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows = [f"| length | cold build | warm build (median of {args.runs}) | ffmpeg encode of the same length "
                f"(median of {args.runs}) | warm / encode | cold / encode | peak RSS warm | peak RSS cold |",
                "|---|---|---|---|---|---|---|---|"]
        for minutes in lengths:
            cache = work / f"cache-{minutes}"
            cold, cold_rss, _ = run_build(minutes, work / "cold", cache)
            warm_runs = [run_build(minutes, work / "warm", cache) for _ in range(args.runs)]
            warm = statistics.median(w for w, _, _ in warm_runs)
            warm_rss = max(r for _, r, _ in warm_runs)
            encode = time_encode(warm_runs[0][2], work, args.runs)
            rows.append(f"| {minutes:g} min | {cold:.1f} s | {warm:.1f} s | {encode:.1f} s | {warm / encode:.2f}x | "
                        f"{cold / encode:.2f}x | {warm_rss:.0f} MB | {cold_rss:.0f} MB |")
            print(rows[-1], flush=True)
            shutil.rmtree(work / "cold")
        lines += ["## Builds (built-in routine, default engine, 96 kbps mono)", "", *rows, ""]
        if 60 in lengths:
            plan = time_plan(60, work / "cache-60.0")
            lines += [f"Planning a 60-minute session with a warm speech cache: {plan:.2f} s.", ""]
            print(lines[-2], flush=True)
        speech_rows = ["| engine | 30 min speech, cold | warm |", "|---|---|---|"]
        for engine in [e for e in args.engines.split(",") if e]:
            cache = work / f"speech-{engine}"
            cold = time_speech(engine, 30, cache)
            warm = time_speech(engine, 30, cache)
            speech_rows.append(f"| {engine} | {cold:.1f} s | {warm:.1f} s |")
            print(speech_rows[-1], flush=True)
        lines += ["## Speech rendering (planning a 30-minute session renders every cue it needs)", "",
                  *speech_rows, ""]
        naive = [float(x) for x in args.naive.split(",") if x]
        if naive:
            naive_rows = ["| length | naive pydub overlay mix + export | ffmpeg encode | ratio | audioguide warm |",
                          "|---|---|---|---|---|"]
            cache = work / "naive-cache"
            for minutes in naive:
                warm_ours, _, mp3 = run_build(minutes, work / "naive-ours", cache)
                warm_ours, _, mp3 = run_build(minutes, work / "naive-ours", cache)
                encode = time_encode(mp3, work, 1)
                naive_s = time_naive(minutes, cache, str(work / "naive.mp3"))
                naive_rows.append(f"| {minutes:g} min | {naive_s:.1f} s | {encode:.1f} s | {naive_s / encode:.1f}x | "
                                  f"{warm_ours / encode:.2f}x |")
                print(naive_rows[-1], flush=True)
            lines += ["## A naive pydub overlay mix of the same timeline, for comparison", "", *naive_rows, ""]
        many = [float(x) for x in args.many.split(",") if x]
        if many:
            lines += ["## Several lengths in one command (built-in routine, default engine)", "",
                      *many_lengths(many, work), ""]
    report = "\n".join(lines)
    if args.write:
        args.write.write_text(_document(report))
        print(f"wrote {args.write}")
    else:
        print(report)


def _ffmpeg_version() -> str:
    out = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout.split("\n")[0]
    return " ".join(out.split()[:3])


def _document(report: str) -> str:
    return ("# Performance\n\n"
            "Written by `scripts/bench --write docs/performance.md`; run it again after changing the mixer, the\n"
            "encoder or the speech stage. Times are wall-clock seconds on this project's 2-core machines; the ratio\n"
            "to ffmpeg encoding the same length in the same run is what compares across machines.\n\n"
            "How to read it: a warm build is planning (speech lengths from the cache), mixing and encoding in one\n"
            "pass; its ratio to the encode falls with length because the fixed cost (start-up ~1 s, gain search\n"
            "~0.8 s, planning ~0.3 s) is spread thinner. Targets: warm 60 minutes within 1.3x the encode; peak\n"
            "memory for 60 minutes within 50 MB of 10 minutes (memory grows with the number of distinct cues, not\n"
            "with the length). A cold build also renders every cue: its peak RSS is that of the largest process,\n"
            "a speech worker holding the neural voice. Run-to-run noise on these machines is about 5%.\n\n"
            + report)


if __name__ == "__main__":
    main()
