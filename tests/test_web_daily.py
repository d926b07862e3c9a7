"""The practice log through the server, under the faults a phone and a person bring: the server killed (SIGKILL)
while pages write to it, several pages and the command line writing at the same moment."""

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from test_web_api import _serve, call

pytestmark = pytest.mark.slow


@pytest.fixture
def served(tmp_path):
    """A folder with one session in it, and the state folder the server will keep its log in."""
    folder, cache, state = tmp_path / "site", tmp_path / "cache", tmp_path / "state"
    folder.mkdir()
    env = {**os.environ, "XDG_STATE_HOME": str(state)}
    subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "-o", str(folder),
                    "--engine", "tone", "--cache-dir", str(cache), "-q"], check=True, env=env, capture_output=True)
    return folder, cache, state, env


def _logged(state):
    """played_s of every entry in the log, read as the next run reads it (and the database checked whole)."""
    with contextlib.closing(sqlite3.connect(state / "audioguide" / "practice.sqlite3")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return sorted(row[0] for row in db.execute("SELECT played_s FROM entries"))


def _pages_logging(port, first, answered, stop):
    """One page reporting sessions played, each with seconds of its own, until stopped or refused."""
    seconds = first
    while not stop.is_set():
        try:
            status, _ = call(port, "POST", "/api/log", {"file": "desk-reset-3m.mp3", "played_s": seconds})
        except OSError:  # the server is gone: what it answered before is what counts
            return
        if status == 201:
            answered.append(seconds)
        seconds += 2


def test_every_entry_answered_survives_the_server_killed_mid_write(served):
    folder, cache, state, env = served
    proc, port, _ = _serve(folder, cache, env=env)
    answered, stop = [], threading.Event()
    pages = [threading.Thread(target=_pages_logging, args=(port, first, answered, stop)) for first in (1, 2)]
    for page in pages:
        page.start()
    while len(answered) < 40:  # writing, from two pages at once
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=20)
    stop.set()
    for page in pages:
        page.join(timeout=30)
    logged = _logged(state)
    assert set(answered) <= set(logged), sorted(set(answered) - set(logged))  # nothing answered is lost
    assert len(logged) == len(set(logged))  # and nothing written twice or half
    proc, port, _ = _serve(folder, cache, env=env)  # the next server reads the log as it was left
    try:
        status, log = call(port, "GET", "/api/log", token=None)
        assert status == 200 and len(log["entries"]) == len(logged) and log["streak_days"] == 1
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)


def test_two_pages_and_the_command_line_logging_at_once_all_land(served):
    folder, cache, state, env = served
    proc, port, _ = _serve(folder, cache, env=env)
    try:
        answered, stop = [], threading.Event()
        pages = [threading.Thread(target=_pages_logging, args=(port, first, answered, stop)) for first in (1, 2)]
        for page in pages:
            page.start()
        by_hand = [subprocess.run([sys.executable, "-m", "audioguide", "log", "add", str(folder / "desk-reset-3m.mp3"),
                                   "--minutes", "0.5"], env=env, capture_output=True, text=True) for _ in range(3)]
        stop.set()
        for page in pages:
            page.join(timeout=30)
        assert all(r.returncode == 0 for r in by_hand), [r.stderr for r in by_hand]
        assert "locked" not in "".join(r.stderr for r in by_hand)
        logged = _logged(state)
        assert sorted(answered + [30.0] * 3) == logged  # every page's entry and the three by hand, each once
        assert {s % 2 for s in answered} == {0, 1}      # both pages landed
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)


def _others(state):
    """Every file of the state folder but the log's own, with its bytes."""
    return {p: p.read_bytes() for p in state.rglob("*") if p.is_file() and not p.name.startswith("practice.sqlite3")}


def test_a_full_or_read_only_log_is_one_line_and_the_server_keeps_serving(served, tiny_disk):
    """The state folder on a small disk of its own: filled up, then mounted read-only. Each refused entry is
    one line naming the log, every entry answered is kept, sessions and the Today card are still served,
    and nothing else in the state folder is touched."""
    folder, cache, _, env = served
    state = tiny_disk("state", "512k")
    proc, port, _ = _serve(folder, cache, env={**env, "XDG_STATE_HOME": str(state)})
    mp3 = (folder / "desk-reset-3m.mp3").read_bytes()
    try:
        assert call(port, "PUT", "/api/program", {"program": "thoracic-four-weeks", "start": "2026-11-20"})[0] == 200
        answered = [s for s in range(1, 6)
                    if call(port, "POST", "/api/log", {"file": "desk-reset-3m.mp3", "played_s": s})[0] == 201]
        assert answered == [1, 2, 3, 4, 5]
        before = _others(state)
        filler = state / "filler"
        with open(filler, "wb", buffering=0) as f, pytest.raises(OSError):  # the disk full, as another program leaves it
            while True:
                f.write(b"\0" * 4096)
        refused = []
        for seconds in range(6, 400):  # the WAL's free pages first, then the disk
            status, answer = call(port, "POST", "/api/log", {"file": "desk-reset-3m.mp3", "played_s": seconds})
            assert status in (201, 503), (status, answer)
            if status == 503:
                refused.append(answer["error"])
                if len(refused) == 3:
                    break
            else:
                answered.append(seconds)
        assert len(refused) == 3, "the full disk refused nothing"
        assert all(e.startswith("log: cannot use the practice log ") and "full" in e and "\n" not in e
                   for e in refused), refused
        for path in ("/api/sessions", "/api/log", "/api/today"):
            assert call(port, "GET", path, token=None)[0] == 200, path
        assert call(port, "GET", "/desk-reset-3m.mp3", token=None) == (200, mp3)
        filler.unlink()
        assert call(port, "POST", "/api/log", {"file": "desk-reset-3m.mp3", "played_s": 500})[0] == 201
        answered.append(500)

        subprocess.run(["mount", "-o", "remount,ro", str(state)], check=True)
        status, answer = call(port, "POST", "/api/log", {"file": "desk-reset-3m.mp3", "played_s": 501})
        assert status == 503 and answer["error"].startswith("log: cannot ") and "\n" not in answer["error"], answer
        assert "Read-only" in answer["error"] or "readonly" in answer["error"], answer
        for path in ("/api/sessions", "/api/log", "/api/today"):
            assert call(port, "GET", path, token=None)[0] == 200, path
        assert call(port, "GET", "/desk-reset-3m.mp3", token=None) == (200, mp3)
        subprocess.run(["mount", "-o", "remount,rw", str(state)], check=True)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    assert _others(state) == before  # the token, the followed program: as they were
    logged = _logged(state)
    assert set(answered) <= set(logged) and 501 not in logged

