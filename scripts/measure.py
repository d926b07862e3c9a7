"""Measuring helpers for scripts/bench.py: a command's wall time and the peak memory of its whole process tree,
the reference runs (ffmpeg encoding the same length, the voice alone saying the same texts) and start-up times."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUTINE = "thoracic-mobility"
SAMPLE_EVERY_S = 0.02


@dataclass(frozen=True)
class Run:
    wall_s: float
    tree_peak_mb: float      # the most the command and all its children held at once (sampled, RSS summed)
    process_peak_mb: float   # the largest single process (the kernel's own count)
    stdout: str


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            kids.setdefault(parent, []).append(int(entry.name))
    return kids


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_rss_mb(root: int) -> float:
    kids, total, stack = _children(), 0.0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_mb(pid)
        stack += kids.get(pid, [])
    return total


def run(cmd: list[str], env: dict | None = None) -> Run:
    """Run cmd to the end, sampling its process tree's memory; exit on failure with its stderr."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0.0
    while True:
        waited, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if waited:
            break
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(SAMPLE_EVERY_S)
    wall = time.perf_counter() - start
    stdout, stderr = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"{' '.join(cmd[:4])}... failed: {stderr}")
    return Run(wall, max(peak, usage.ru_maxrss / 1024), usage.ru_maxrss / 1024, stdout)


def build(minutes: float | str, out: Path, cache: Path, engine: str = "auto") -> Run:
    return run([sys.executable, "-m", "audioguide", "build", ROUTINE, "-m", str(minutes), "-o", str(out),
                "--cache-dir", str(cache), "--engine", engine, "-q"])


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


FINAL_TEXTS = """
import json, sys
from pathlib import Path
from audioguide.pipeline import options as pipeline_options
from audioguide.pipeline import routines as pipeline_routines
from audioguide.model import EngineSpec
options = pipeline_options.BuildOptions(length_s=float(sys.argv[1]) * 60, cache_dir=Path(sys.argv[2]),
                                        engine=EngineSpec(sys.argv[4]))
timeline, _ = pipeline_routines.plan(sys.argv[3], options)
print(json.dumps(sorted(set(timeline.texts()))))
"""

VOICE_ALONE = """
import json, sys, tempfile
from pathlib import Path
from audioguide.model import EngineSpec
from audioguide.speech.engines import make_engine
from audioguide.speech.text import normalise
texts = json.loads(Path(sys.argv[1]).read_text())
engine = make_engine(EngineSpec(sys.argv[2]))
with tempfile.TemporaryDirectory() as folder:
    for i, text in enumerate(texts):
        engine.render(normalise(text), Path(folder) / f"{i}.wav")
print(engine.spec.name)
"""


def final_texts(minutes: float, warm_cache: Path, engine: str = "auto") -> list[str]:
    """The distinct texts of the session a build of this length says (planned from a warm cache)."""
    done = subprocess.run([sys.executable, "-c", FINAL_TEXTS, str(minutes), str(warm_cache), ROUTINE, engine],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def voice_alone(texts: list[str], work: Path, engine: str = "auto") -> Run:
    """The voice saying these texts in one fresh process with one model load: what the speech itself costs."""
    listed = work / "texts.json"
    listed.write_text(json.dumps(texts))
    return run([sys.executable, "-c", VOICE_ALONE, str(listed), engine])


def engine_of(spec: str) -> str:
    """The engine a spec speaks with here ('auto' is Kokoro when its files verify, else piper)."""
    code = "import sys; from audioguide.speech.engines import resolve; print(resolve(sys.argv[1]))"
    return subprocess.run([sys.executable, "-c", code, spec], capture_output=True, text=True, check=True).stdout.strip()


def startup(runs: int = 15) -> list[tuple[str, float, float]]:
    """(command, median seconds, ratio to 'python -c "import click"') for the commands that must start fast.

    Bytecode is compiled first, as an installed package has it (pip compiles on install)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "audioguide")], check=True)
    command = str(Path(sys.executable).parent / "audioguide")

    def median(cmd: list[str], env: dict | None = None) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, env=env, check=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    def completing(words: str) -> dict:
        cword = len(words.split()) - (0 if words.endswith(" ") else 1)
        return {**os.environ, "_AUDIOGUIDE_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}

    reference = median([sys.executable, "-c", "import click"])
    rows = [("python -c \"import click\"", reference, 1.0)]
    for label, cmd, env in [("audioguide --version", [command, "--version"], None),
                            ("audioguide --help", [command, "--help"], None),
                            ("audioguide list", [command, "list"], None),
                            ("completion of a command (`audioguide bu<Tab>`)", [command], completing("audioguide bu")),
                            ("completion of a routine (`audioguide build tho<Tab>`)", [command],
                             completing("audioguide build tho"))]:
        seconds = median(cmd, env)
        rows.append((label, seconds, seconds / reference))
    return rows


def views_and_errors(work: Path, runs: int = 5) -> list[tuple[str, float, float, int]]:
    """(command, median seconds, ratio to 'audioguide list', clips rendered) for what must answer without
    rendering speech: the views of a program and a routine on an empty speech cache, and the errors that the
    arguments and definitions alone tell."""
    command = str(Path(sys.executable).parent / "audioguide")
    out = work / "views-out"

    def median(args: list[str], fresh_cache: bool) -> tuple[float, int]:
        times, rendered = [], 0
        for i in range(runs):
            cache = work / f"views-cache-{len(times)}-{i}-{time.monotonic_ns()}"
            start = time.perf_counter()
            subprocess.run([command, *args, *(["--cache-dir", str(cache)] if fresh_cache else [])],
                           capture_output=True)
            times.append(time.perf_counter() - start)
            rendered = max(rendered, len(list(cache.rglob("*.wav"))) if cache.exists() else 0)
        return statistics.median(times), rendered

    reference, _ = median(["list"], False)
    rows = [("audioguide list", reference, 1.0, 0)]
    for label, args in [("program show thoracic-four-weeks (empty cache)",
                         ["program", "show", "thoracic-four-weeks", "--start", "2026-12-01"]),
                        ("show thoracic-mobility (empty cache)", ["show", ROUTINE]),
                        ("build thoracic-mobility -m 0.1 (too short)", ["build", ROUTINE, "-m", "0.1", "-o", str(out)]),
                        ("build thoracic-mobility -m abc (not a length)", ["build", ROUTINE, "-m", "abc", "-o", str(out)]),
                        ("build no-such-routine", ["build", "no-such-routine", "-o", str(out)])]:
        seconds, rendered = median(args, True)
        rows.append((label, seconds, seconds / reference, rendered))
    return rows
