"""Faults, for real: signals at random moments, a full disk, two builds of one session at once, missing tools.

Every case runs the command as a user would (a process), then looks at what a user would see: the exit code, one
line on stderr, and the folder: a session is there whole (its MP3 and every file beside it) or not at all, no
temporary file is visible or left behind, and no speech worker outlives its parent.
"""

import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA

from audioguide.publish import session

pytestmark = pytest.mark.slow

SESSION_FILES = [".mp3", *session.SIDECARS]


def audioguide(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "audioguide", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def assert_whole_or_absent(folder: Path, stem: str):
    present = [s for s in SESSION_FILES if (folder / f"{stem}{s}").exists()]
    assert present in ([], SESSION_FILES), present


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".audioguide-"))


def still_running(mark: str) -> list[int]:
    """Processes of one run (the command, its speech workers, their resource tracker) that still run: they all
    carry the run's mark in their environment."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                environ = (entry / "environ").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if f"AUDIOGUIDE_FAULT_RUN={mark}".encode() in environ and state != "Z":
                alive.append(int(entry.name))
    return alive


def all_gone(mark: str, within_s: float = 1.5) -> bool:
    """True once no process of the run is left; what dies with its parent dies within a moment of it."""
    deadline = time.monotonic() + within_s
    while still_running(mark) and time.monotonic() < deadline:
        time.sleep(0.05)
    return still_running(mark) == []


CASES = [("pyttsx3", sig, delay) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL)
         for delay in random.Random(11).sample([0.05, 0.3, 0.8, 1.5, 2.5, 3.5, 5.0], 4)]
# piper and Kokoro (the default voice) render in the command's own process: these land while the model loads or
# speaks, cold
CASES += [("piper", signal.SIGINT, 1.5), ("piper", signal.SIGTERM, 2.2), ("piper", signal.SIGINT, 3.0)]
CASES += [("kokoro", signal.SIGINT, 1.0), ("kokoro", signal.SIGTERM, 2.5), ("kokoro", signal.SIGKILL, 2.0)]
# a closed terminal: SIGHUP to the whole process group, speech workers included
CASES += [("pyttsx3", signal.SIGHUP, 0.8), ("pyttsx3", signal.SIGHUP, 3.5), ("piper", signal.SIGHUP, 2.0)]


@pytest.mark.parametrize("engine, sig, delay", CASES, ids=[f"{e}-{s.name}-{d}s" for e, s, d in CASES])
def test_a_signal_at_any_moment_of_a_build(tmp_path, clip_cache, engine, sig, delay):
    out = tmp_path / "out"
    # early ones meet the speech workers (pyttsx3) or the voice speaking (piper, Kokoro): a cold cache
    cache = tmp_path / "cold-cache" if delay < 2 or engine in ("piper", "kokoro") else clip_cache
    mark = f"{os.getpid()}-{engine}-{sig.name}-{delay}"
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "build", "thoracic-mobility", "-m", "12", "-o",
                             str(out), "--engine", engine, "--cache-dir", str(cache)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "AUDIOGUIDE_FAULT_RUN": mark})
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        (os.killpg if sig == signal.SIGHUP else os.kill)(proc.pid, sig)
    stdout, stderr = proc.communicate(timeout=120)
    assert all_gone(mark)
    if finished or proc.returncode == 0:
        assert_whole_or_absent(out, "thoracic-mobility-12m")
        return
    expected = {signal.SIGINT: (130, "Interrupted.\n"), signal.SIGTERM: (143, "Terminated.\n"),
                signal.SIGHUP: (129, "Hung up.\n")}
    if sig in expected:
        assert (proc.returncode, stderr) == expected[sig] and "Traceback" not in stderr
        assert not out.exists() or leftovers(out) == []
    else:
        assert proc.returncode == -signal.SIGKILL
    if out.exists():
        assert_whole_or_absent(out, "thoracic-mobility-12m")
        again = subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "-o", str(out),
                                "--engine", "tone", "--cache-dir", str(tmp_path / "tone")], capture_output=True)
        assert again.returncode == 0 and leftovers(out) == []  # the next run sweeps what a kill left


def test_ctrl_c_during_start_up(tmp_path):
    """Ctrl-C at several moments of start-up: 'Interrupted.' and status 130, never a traceback. A signal that
    lands before the first line of ours (Python's own start-up: site, an editable install's finder, runpy) is
    Python's to handle; that landing is tried again a few milliseconds later, until it lands in our code."""
    landed_in_ours = 0
    for delay in (0.02, 0.05, 0.1, 0.3):
        for attempt in range(40):
            proc = audioguide("build", "desk-reset", "-m", "3", "-o", str(tmp_path), "--engine", "tone",
                              "--cache-dir", str(tmp_path / "c"))
            time.sleep(delay + 0.003 * attempt)
            proc.send_signal(signal.SIGINT)
            _, stderr = proc.communicate(timeout=60)
            ours = re.search(r'File "[^"]*/audioguide/[^"]+\.py"', stderr)  # a frame of our code, not a path
            before_ours = proc.returncode not in (0, 130) and not ours and "Interrupted." not in stderr  # runpy's
            if not before_ours:
                break
        # a shell shows 130 for both: our exit code, or the interpreter ending itself by SIGINT after our line
        assert proc.returncode in (0, 130, -signal.SIGINT) and "Traceback" not in stderr, (delay, stderr)
        if proc.returncode != 0:
            assert stderr.endswith("Interrupted.\n")
            landed_in_ours += 1
    assert landed_in_ours >= 2  # the moments are start-up, not after the build


def _limited(size: int):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return limit


def _contents(folder):
    """Every file under folder (the page's modules in page/ too) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_full_disk_is_one_line_and_leaves_earlier_sessions_alone(tmp_path):
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "-o", str(out),
                           "--engine", "tone", "--cache-dir", str(tmp_path / "c"), "--feed"], capture_output=True)
    assert done.returncode == 0
    before = _contents(out)
    full = subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "4", "-o", str(out),
                           "--engine", "tone", "--cache-dir", str(tmp_path / "c")], capture_output=True, text=True,
                          preexec_fn=_limited(300_000))  # the speech is cached: the MP3 is what does not fit
    assert full.returncode == 1 and full.stderr.count("\n") == 1, full.stderr
    assert full.stderr.startswith("Error: ") and "desk-reset-4m.mp3" in full.stderr
    assert ".audioguide-" not in full.stderr and "Traceback" not in full.stderr
    assert _contents(out) == before  # nothing partial, nothing else touched
    feed = subprocess.run([sys.executable, "-m", "audioguide", "feed", "-o", str(out)], capture_output=True, text=True,
                          preexec_fn=_limited(2_000))
    assert feed.returncode == 1 and feed.stderr.startswith("Error: cannot write ") and "Traceback" not in feed.stderr
    assert _contents(out) == before


def test_a_full_disk_under_the_cache_is_a_note(tmp_path, tiny_disk):
    cache = tiny_disk("cache", "150k")  # a clip or two, then full
    done = subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "-o",
                           str(tmp_path / "out"), "--engine", "tone", "--cache-dir", str(cache)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("Note: the speech cache is not used (cannot write ")
    assert "No space left on device" in done.stderr and "Traceback" not in done.stderr
    assert_whole_or_absent(tmp_path / "out", "desk-reset-3m")


def test_a_read_only_output_folder_is_one_line_before_any_work(tmp_path, tiny_disk):
    out = tiny_disk("ro", "1m")
    subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "audioguide", "build", "thoracic-mobility", "-m", "10", "-o", str(out),
                           "--engine", "tone", "--cache-dir", str(tmp_path / "c")], capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (1, f"Error: cannot write in the output folder {out}: "
                                                 f"Read-only file system\n")
    assert not (tmp_path / "c").exists() or not any((tmp_path / "c").rglob("*.wav"))  # refused before speech
    assert time.monotonic() - start < 10


def test_a_full_output_disk_keeps_the_sessions_it_has(tmp_path, tiny_disk):
    out = tiny_disk("out", "3m")
    first = subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "-o", str(out),
                            "--engine", "tone", "--cache-dir", str(tmp_path / "c")], capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    before = _contents(out)
    full = subprocess.run([sys.executable, "-m", "audioguide", "build", "thoracic-mobility", "-m", "10", "-o", str(out),
                           "--engine", "tone", "--cache-dir", str(tmp_path / "c")], capture_output=True, text=True)
    assert full.returncode == 1 and full.stderr.count("\n") == 1 and full.stderr.startswith("Error: "), full.stderr
    assert "thoracic-mobility-10m.mp3" in full.stderr and ".audioguide-" not in full.stderr
    assert _contents(out) == before


def test_two_builds_of_one_session_at_once(tmp_path):
    out = tmp_path / "out"
    runs = [audioguide("build", "thoracic-mobility", "-m", "6", "-o", str(out), "--engine", "tone",
                       "--cache-dir", str(tmp_path / f"c{i}")) for i in range(2)]
    results = [p.communicate(timeout=120) for p in runs]
    assert [p.returncode for p in runs] == [0, 0], results
    assert_whole_or_absent(out, "thoracic-mobility-6m")
    assert leftovers(out) == []
    fed = subprocess.run([sys.executable, "-m", "audioguide", "feed", "-o", str(out)], capture_output=True, text=True)
    assert fed.returncode == 0 and (out / "feed.xml").read_text().count("<enclosure ") == 1
    probe = subprocess.run(["ffprobe", "-v", "error", str(out / "thoracic-mobility-6m.mp3")], capture_output=True)
    assert probe.returncode == 0


def _path_without(tmp_path: Path, *missing: str) -> str:
    """A PATH with python, ffmpeg, ffprobe and espeak-ng, less the ones named."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("ffmpeg", "ffprobe", "espeak-ng"):
        if tool not in missing and shutil.which(tool):
            (bin_dir / tool).symlink_to(shutil.which(tool))
    return f"{bin_dir}{os.pathsep}{os.path.dirname(sys.executable)}"


@pytest.mark.parametrize("missing, args, message", [
    (("ffmpeg",), ["--engine", "tone", "--music", "MUSIC"], "Error: ffmpeg is not installed; install it with: "
                                                            "apt-get install ffmpeg\n"),
    (("espeak-ng",), ["--engine", "pyttsx3"], "Error: the espeak-ng program is not installed (pyttsx3 needs it "
                                              "beside its library); install it with: apt-get install espeak-ng\n"),
    (("ffmpeg",), ["--engine", "tone"], "Error: ffmpeg is not installed; install it with: apt-get install ffmpeg\n"),
])
def test_missing_tools_name_their_package(tmp_path, missing, args, message):
    music = tmp_path / "bed.ogg"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=2", str(music)], check=True)
    env = {**os.environ, "PATH": _path_without(tmp_path, *missing)}
    done = subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "-o",
                           str(tmp_path / "out"), "--cache-dir", str(tmp_path / "c"),
                           *[str(music) if a == "MUSIC" else a for a in args]], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stderr) == (1, message)


def test_a_cache_variable_naming_a_file(tmp_path):
    (tmp_path / "not-a-folder").write_text("x")
    env = {**os.environ, "AUDIOGUIDE_CACHE": str(tmp_path / "not-a-folder")}
    done = subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "-o",
                           str(tmp_path / "out"), "--engine", "tone"], env=env, capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr.startswith("Note: the speech cache is not used (")


def test_a_signal_while_the_feed_is_written_leaves_the_old_feed_or_the_new_one(tmp_path):
    import xml.etree.ElementTree as ET
    out = tmp_path / "out"
    for minutes in ("3", "3.5", "4"):
        subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", minutes, "-o", str(out),
                        "--engine", "tone", "--cache-dir", str(tmp_path / "c"), "--feed"], check=True,
                       capture_output=True)
    rng = random.Random(3)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL) * 3:
        proc = audioguide("feed", "-o", str(out), "--base-url", f"http://192.0.2.{rng.randint(1, 250)}:8000/")
        time.sleep(rng.uniform(0.2, 1.5))
        proc.send_signal(sig)
        proc.communicate(timeout=60)
        assert proc.returncode in (0, 130, 143, -signal.SIGKILL)
        assert ET.parse(out / "feed.xml").getroot().tag == "rss"
        assert (out / "index.html").read_text().rstrip().endswith("</html>")
        if sig != signal.SIGKILL:
            assert leftovers(out) == []


@pytest.mark.parametrize("damage", ["tagless", "not audio"])
def test_a_damaged_session_is_left_out_of_the_feed_with_one_warning(tmp_path, damage):
    out = tmp_path / "out"
    for minutes in ("3", "4"):
        subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", minutes, "-o", str(out),
                        "--engine", "tone", "--cache-dir", str(tmp_path / "c")], check=True, capture_output=True)
    mp3 = out / "desk-reset-3m.mp3"
    if damage == "tagless":
        from mutagen.id3 import ID3
        ID3(mp3).delete()
    else:
        mp3.write_bytes(b"this is not audio at all" * 100)
    done = subprocess.run([sys.executable, "-m", "audioguide", "feed", "-o", str(out), "--base-url", "http://h:8000/"],
                          capture_output=True, text=True)
    assert done.returncode == 0
    xml = (out / "feed.xml").read_text()
    if damage == "tagless":  # still a session: its file name stands in for its title
        assert done.stderr == "" and "<title>desk-reset-3m</title>" in xml
    else:
        assert done.stderr.startswith("Warning: skipped ") and done.stderr.count("\n") == 1
        assert "desk-reset-3m.mp3" not in xml and "desk-reset-4m.mp3" in xml


def test_closing_the_terminal_mid_build_ends_it_cleanly(tmp_path):
    """The build's own terminal closes (the window is shut) while its progress bar draws: SIGHUP, a dead
    terminal to write to, and speech workers in the same process group. Exit 129, nothing left behind."""
    import pty
    out = tmp_path / "out"
    mark = f"{os.getpid()}-hangup"
    pid, terminal = pty.fork()
    if pid == 0:  # the child: a session of its own with this terminal as its controlling one
        os.environ["AUDIOGUIDE_FAULT_RUN"] = mark
        os.execv(sys.executable, [sys.executable, "-m", "audioguide", "build", "thoracic-mobility", "-m", "12",
                                  "-o", str(out), "--engine", "pyttsx3", "--cache-dir", str(tmp_path / "cold")])
    screen = b""
    while b"speech (clips)" not in screen:  # the bar is drawing while the workers speak
        screen += os.read(terminal, 4096)
    os.close(terminal)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 129
    assert all_gone(mark)
    assert not out.exists() or leftovers(out) == [] and list(out.iterdir()) == []


def _build_until_the_mp3_appears(out: Path, cache: Path, sig: int) -> subprocess.Popen:
    """A build, sent sig the moment its MP3 is in the folder (its sidecars and plan follow, the stage is cleared)."""
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "build", "short", "-d", str(DATA / "short.toml"),
                             "-m", "1.5", "-o", str(out), "--engine", "tone", "--cache-dir", str(cache)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mp3 = out / "short-1m30s.mp3"
    deadline = time.monotonic() + 60
    while not mp3.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.0005)
    if proc.poll() is None:
        proc.send_signal(sig)
    proc.communicate(timeout=60)
    return proc


@pytest.mark.parametrize("attempt", range(3))
def test_sigterm_the_moment_the_mp3_appears_leaves_no_stage_behind(tmp_path, attempt):
    out = tmp_path / "out"
    proc = _build_until_the_mp3_appears(out, tmp_path / "cache", signal.SIGTERM)
    assert proc.returncode in (0, 143)
    assert leftovers(out) == []
    assert_whole_or_absent(out, "short-1m30s")


def test_what_a_sigkill_left_is_swept_by_feed_and_serve_too(tmp_path):
    out = tmp_path / "out"
    stage = out / ".audioguide-999999999-stage-abc"   # a stage of a process that no longer runs
    stage.mkdir(parents=True)
    (stage / "short-1m30s.mp3").write_bytes(b"half a session")
    fed = subprocess.run([sys.executable, "-m", "audioguide", "feed", "-o", str(out), "--base-url", "http://h:1/"],
                         capture_output=True, text=True)
    assert fed.returncode == 0 and leftovers(out) == []
    stage.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(out), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        proc.stdout.readline()
        assert leftovers(out) == []
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
