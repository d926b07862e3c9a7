"""The API, driven over HTTP with the tone voice: each endpoint against the app in this process (quick: the same
aiohttp application on a loopback port, its event loop in a thread), and again against a real server process
(slow), with the tests that need a process of their own (queues, signals, the server's options)."""

import asyncio
import datetime as dt
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import wave

import pytest

TOKEN = "test-token-123"


def _serve(folder, cache, *more, env=None):
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(folder), "--port", "0",
                             "--engine", "tone", "--cache-dir", str(cache), "--token", TOKEN, *more],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines = [proc.stdout.readline() for _ in range(3)]
    match = re.search(r"http://127\.0\.0\.1:(\d+)/feed\.xml", lines[1])
    assert match, lines + [proc.stderr.read() if proc.poll() is not None else ""]
    return proc, int(match.group(1)), lines


class InProcess:
    """The server's application in this process, on a loopback port, its event loop in a thread."""

    def __init__(self, folder, cache):
        from aiohttp import web

        from audioguide.model import EngineSpec
        from audioguide.pipeline.options import BuildOptions
        from audioguide.web.server import make_app
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        app = make_app(folder, None, BuildOptions(engine=EngineSpec("tone"), cache_dir=cache), TOKEN)
        self.runner = web.AppRunner(app)
        self.call(self.runner.setup())
        self.call(web.TCPSite(self.runner, "127.0.0.1", 0).start())
        self.port = self.runner.addresses[0][1]

    def call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=60)

    def close(self):
        self.call(self.runner.cleanup())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@pytest.fixture(scope="module", params=["in-process", pytest.param("process", marks=pytest.mark.slow)])
def server(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    (folder / "calm.ogg").write_bytes(b"OggS not really music")  # music files are offered by name
    if request.param == "in-process":
        app = InProcess(folder, tmp_path_factory.mktemp("cache"))
        yield folder, app.port, None
        app.close()
        return
    proc, port, lines = _serve(folder, tmp_path_factory.mktemp("cache"),  # with a state folder of its own
                               env={**os.environ, "XDG_STATE_HOME": str(tmp_path_factory.mktemp("state"))})
    yield folder, port, lines
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=20)


def call(port, method, path, body=None, token=TOKEN, raw=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    if data is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    text = response.read()
    conn.close()
    return response.status, (json.loads(text) if text and response.getheader("Content-Type", "").startswith(
        "application/json") else text)


def wait(port, job, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, state = call(port, "GET", f"/api/builds/{job}")
        assert status == 200
        if state["state"] in ("done", "failed"):
            return state
        time.sleep(0.1)
    raise AssertionError(f"build {job} did not finish")


def test_the_page_address_carries_the_token(server):
    _, port, lines = server
    if lines is None:
        pytest.skip("what 'serve' prints is a process's")
    assert lines[2] == f"Page: http://127.0.0.1:{port}/?token={TOKEN}\n"


def test_what_can_be_made(server):
    _, port, _ = server
    assert call(port, "GET", "/api/health", token=None) == (200, {"ok": True})  # what the offline banner asks
    status, routines = call(port, "GET", "/api/routines", token=None)
    assert status == 200
    found = {r["id"]: r for r in routines["routines"]}
    assert {"thoracic-mobility", "desk-reset"} <= set(found)
    assert 1 < found["thoracic-mobility"]["shortest_minutes"] < 5 and found["thoracic-mobility"]["longest_minutes"] == 240
    status, programs = call(port, "GET", "/api/programs", token=None)
    assert status == 200 and programs["programs"][0]["id"] == "thoracic-four-weeks"
    assert programs["programs"][0]["days"] == 28
    assert call(port, "GET", "/api/music", token=None) == (200, {"music": ["calm.ogg"]})
    status, voices = call(port, "GET", "/api/voices", token=None)
    assert status == 200 and voices["default"] == "tone" and voices["voices"][0]["engine"] == "tone"


def test_make_poll_play_and_delete_a_session(server):
    folder, port, _ = server
    status, job = call(port, "POST", "/api/builds", {"routine": "desk-reset", "minutes": 3})
    assert status == 202 and job["state"] == "queued"
    done = wait(port, job["id"])
    assert done == {"id": job["id"], "state": "done", "stage": "mix+encode", "progress": 1.0,
                    "file": "desk-reset-3m.mp3"}
    assert (folder / "desk-reset-3m.mp3").exists()
    status, sessions = call(port, "GET", "/api/sessions", token=None)
    listed = sessions["groups"][0]["sessions"][0]
    assert listed["file"] == "desk-reset-3m.mp3"
    assert listed["voice"].startswith("tone ") and listed["music"] is None  # what the card says it was made with
    assert listed["size_bytes"] == (folder / "desk-reset-3m.mp3").stat().st_size
    bed = folder / "bed.wav"
    with wave.open(str(bed), "wb") as out:  # a second of quiet music, to make the same session with it
        out.setnchannels(1), out.setsampwidth(2), out.setframerate(44100)
        out.writeframes(b"\x10\x00" * 44100)
    status, job = call(port, "POST", "/api/builds", {"routine": "desk-reset", "minutes": 3, "music": "bed.wav"})
    done = wait(port, job["id"])
    bed.unlink()
    assert done.get("file") == "desk-reset-3m-bed.mp3", done  # a session of its own, beside the plain one
    assert (folder / "desk-reset-3m.mp3").exists()
    status, sessions = call(port, "GET", "/api/sessions", token=None)
    assert {s["file"]: s["music"] for g in sessions["groups"] for s in g["sessions"]}["desk-reset-3m-bed.mp3"] == "bed.wav"
    assert call(port, "DELETE", "/api/sessions/desk-reset-3m-bed.mp3")[0] == 200
    status, body = call(port, "GET", "/desk-reset-3m.mp3", token=None)
    assert status == 200 and len(body) > 10_000
    assert call(port, "DELETE", "/api/sessions/desk-reset-3m.mp3", token=None)[0] == 403
    assert call(port, "DELETE", "/api/sessions/desk-reset-3m.mp3")[0] == 200
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith("desk-reset")) == []
    assert call(port, "GET", "/desk-reset-3m.mp3", token=None)[0] == 404
    assert call(port, "DELETE", "/api/sessions/desk-reset-3m.mp3")[0] == 404


def test_deleting_a_split_session_takes_its_parts_and_playlist(server):
    folder, port, _ = server
    from click.testing import CliRunner
    from conftest import DATA

    from audioguide.cli import cli
    made = CliRunner().invoke(cli, ["build", "short", "-d", str(DATA / "short.toml"), "-m", "2", "--engine", "tone",
                                    "--split", "-o", str(folder)])
    assert made.exit_code == 0 and (folder / "short-2m").is_dir() and (folder / "short-2m.m3u8").is_file()
    assert call(port, "DELETE", "/api/sessions/short-2m.mp3")[0] == 200
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith("short-2m")) == []


def test_a_program_day(server):
    folder, port, _ = server
    status, job = call(port, "POST", "/api/builds", {"program": "thoracic-four-weeks", "day": 2, "start": "2026-12-01"})
    assert status == 202
    assert wait(port, job["id"])["file"] == "thoracic-four-weeks-day02.mp3"
    status, body = call(port, "POST", "/api/builds", {"program": "thoracic-four-weeks", "day": 6, "start": "2026-12-01"})
    assert status == 400 and body["error"] == ("day: day 6 (Sunday 2026-12-06) is a rest day of Four weeks to a freer "
                                               "upper back; the next session is day 7")


def test_a_failed_build_carries_its_one_line_error(server):
    _, port, _ = server
    status, job = call(port, "POST", "/api/builds", {"routine": "thoracic-mobility", "minutes": 1})
    assert status == 202
    failed = wait(port, job["id"])
    assert failed["state"] == "failed" and failed["error"].startswith("thoracic-mobility needs at least ")
    assert "\n" not in failed["error"]


@pytest.mark.parametrize("body, status, message", [
    (None, 400, "expected a JSON object"),
    ([1, 2], 400, "expected a JSON object, found list"),
    ({"routine": "nope", "minutes": 5}, 404, "no routine 'nope'"),
    ({"routine": "../../etc/passwd", "minutes": 5}, 404, "no routine"),
    ({"routine": "pyproject.toml", "minutes": 5}, 404, "no routine"),  # a file of the server's folder: never read
    ({"program": "nope", "day": 1, "start": "2026-12-01"}, 404, "no program 'nope'"),
    ({"routine": "desk-reset", "minutes": "ten"}, 400, "length: expected minutes"),
    ({"routine": "desk-reset", "minutes": -5}, 400, "length: must be more than 0"),
    ({"routine": "desk-reset", "minutes": 10000}, 400, "at most 4 hours"),
    ({"routine": "desk-reset", "minutes": True}, 400, "minutes: expected a number"),
    ({"routine": "desk-reset", "minutes": 5, "music": "../secret.mp3"}, 400, "music: expected a file"),
    ({"routine": "desk-reset", "minutes": 5, "voice": "/tmp/voice.onnx", "engine": "piper"}, 400, "voice: expected"),
    ({"routine": "desk-reset", "minutes": 5, "engine": "festival"}, 400, "engine: expected"),
    ({"routine": "desk-reset", "minutes": 5, "path": "/etc"}, 400, "unknown key 'path'"),
    ({"routine": "desk-reset", "minutes": 5, "seed": -1}, 400, "seed: expected"),
    ({"program": "thoracic-four-weeks", "day": 1, "start": "yesterday"}, 400, "start: expected a date"),
    ({"program": "thoracic-four-weeks", "day": 99, "start": "2026-12-01"}, 400, "day: expected a day from 1 to 28"),
])
def test_bad_requests(server, body, status, message):
    _, port, _ = server
    got, answer = call(port, "POST", "/api/builds", body, raw=b"{not json" if body is None else None)
    assert got == status and message in answer["error"], answer


def test_making_and_deleting_need_the_token(server):
    _, port, _ = server
    for token in (None, "wrong"):
        status, answer = call(port, "POST", "/api/builds", {"routine": "desk-reset", "minutes": 3}, token=token)
        assert status == 403 and "token" in answer["error"]


@pytest.mark.parametrize("path", ["/api/sessions/..%2Fcalm.ogg", "/api/sessions/calm.ogg", "/api/sessions/%2Fetc%2Fpasswd",
                                  "/api/sessions/.hidden.mp3"])
def test_deleting_only_ever_removes_sessions(server, path):
    folder, port, _ = server
    assert call(port, "DELETE", path)[0] == 404
    assert (folder / "calm.ogg").exists()


def test_unknown_build_is_404(server):
    _, port, _ = server
    assert call(port, "GET", "/api/builds/nope", token=None)[0] == 404


@pytest.mark.slow
def test_one_build_at_a_time_a_bounded_queue_and_no_duplicates(tmp_path):
    (tmp_path / "out").mkdir()
    proc, port, _ = _serve(tmp_path / "out", tmp_path / "cache")
    try:
        first = call(port, "POST", "/api/builds", {"routine": "thoracic-mobility", "minutes": 20})
        assert first[0] == 202
        assert call(port, "POST", "/api/builds", {"routine": "thoracic-mobility", "minutes": 20})[0] == 409
        answers = [call(port, "POST", "/api/builds", {"routine": "thoracic-mobility", "minutes": 5 + m})
                   for m in range(9)]
        assert [a[0] for a in answers] == [202] * 8 + [429]
        assert "try again later" in answers[-1][1]["error"]
        states = [call(port, "GET", f"/api/builds/{a[1]['id']}", token=None)[1]["state"] for a in answers[:8]]
        assert states.count("running") == 0 and set(states) == {"queued"}  # only the first runs
        assert call(port, "GET", f"/api/builds/{first[1]['id']}", token=None)[1]["state"] == "running"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


@pytest.mark.slow
def test_sessions_made_from_the_page_take_the_servers_mix_and_tags(tmp_path):
    from conftest import ebur128, ffprobe
    from mutagen.id3 import ID3
    env = {**os.environ, "AUDIOGUIDE_ARTIST": "Sam Lee"}  # from the environment (or the config file) as well
    proc, port, _ = _serve(tmp_path, tmp_path / "cache", "--loudness", "-20", "--bitrate", "128", "--stereo", env=env)
    try:
        status, job = call(port, "POST", "/api/builds", {"routine": "desk-reset", "minutes": 3})
        assert status == 202 and wait(port, job["id"])["state"] == "done"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    made = tmp_path / "desk-reset-3m.mp3"
    assert str(ID3(made)["TPE1"]) == "Sam Lee"
    stream = ffprobe(made, "-show_entries", "stream=channels,bit_rate")["streams"][0]
    assert stream["channels"] == 2 and int(stream["bit_rate"]) == 128_000
    assert abs(ebur128(made)[0] - -20) <= 1.0


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_stopping_the_server_mid_build_abandons_the_build_cleanly(tmp_path, sig, code):
    """A build runs in a thread, which nothing can interrupt: the server asks it to stop at its next progress
    report, so it ends now (not when the session is done) and leaves nothing half-made."""
    proc, port, _ = _serve(tmp_path, tmp_path / "cache")
    status, job = call(port, "POST", "/api/builds", {"routine": "thoracic-mobility", "minutes": 60})
    assert status == 202
    deadline = time.monotonic() + 60
    while call(port, "GET", f"/api/builds/{job['id']}", token=None)[1]["progress"] == 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code and "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(("thoracic", ".audioguide"))) == []


def test_a_voice_preview_is_rendered_once_and_named_fields_are_refused(server, monkeypatch):
    _, port, lines = server
    status, voices = call(port, "GET", "/api/voices", token=None)
    assert status == 200 and all({"engine", "voice", "label", "language"} <= set(v) for v in voices["voices"])
    rendered = []
    if lines is None:  # in this process: count what the tone voice renders
        from audioguide.speech.engines import ToneEngine
        render = ToneEngine.render
        monkeypatch.setattr(ToneEngine, "render", lambda self, text, path: (rendered.append(text),
                                                                           render(self, text, path)))
    first = call(port, "GET", "/api/voices/preview?engine=tone", token=None)
    again = call(port, "GET", "/api/voices/preview?engine=tone", token=None)
    assert first[0] == 200 and first[1][:4] == b"RIFF" and first[1][8:12] == b"WAVE" and len(first[1]) > 44_100
    assert again == first
    if lines is None:
        assert len(rendered) == 1
    status, answer = call(port, "GET", "/api/voices/preview?engine=tone&voice=nobody", token=None)
    assert status == 400 and answer["error"].startswith("voice: ")
    status, answer = call(port, "GET", "/api/voices/preview?engine=../../x", token=None)
    assert status == 400 and answer["error"].startswith("engine: ")


def test_follow_a_program_and_todays_card(server):
    folder, port, _ = server
    start = dt.date.today() - dt.timedelta(days=1)
    assert call(port, "PUT", "/api/program", {"program": "thoracic-four-weeks", "start": start.isoformat()},
                token=None)[0] == 403
    status, answer = call(port, "PUT", "/api/program", {"program": "thoracic-four-weeks", "start": start.isoformat()})
    assert status == 200 and answer == {"program": "thoracic-four-weeks", "start": start.isoformat()}
    status, card = call(port, "GET", "/api/today", token=None)
    assert status == 200 and card["program"] == "thoracic-four-weeks" and card["days"] == 28
    assert card["advance"] == "practice"  # the built-in program: the next session not done, whatever the date
    if card["session"] is None:  # a rest day (the program rests on Sundays) says when the next session is
        assert dt.date.today().weekday() == 6 and card["next_date"] > dt.date.today().isoformat()
    else:
        day = card["day"]
        assert card["session"]["file"] == f"thoracic-four-weeks-day{day:02d}.mp3" and not card["session"]["done"]
        assert card["session"]["built"] == (folder / f"thoracic-four-weeks-day{day:02d}.mp3").exists()
        assert card["session"]["title"].startswith(f"Day {day} - ")
    for body, field in (({"program": "thoracic-four-weeks", "start": "yesterday"}, "start"),
                        ({"program": 7, "start": "2026-12-01"}, "program")):
        status, answer = call(port, "PUT", "/api/program", body)
        assert status == 400 and answer["error"].startswith(f"{field}: ")
    status, answer = call(port, "PUT", "/api/program", {"program": "no-such-program", "start": "2026-12-01"})
    assert status == 404 and answer["error"].startswith("program: ")


def test_a_session_played_is_logged_and_the_streak_counts_it(server):
    folder, port, _ = server
    status, job = call(port, "POST", "/api/builds", {"routine": "desk-reset", "minutes": 3})
    assert status == 202 and wait(port, job["id"])["state"] == "done"
    before = call(port, "GET", "/api/log", token=None)[1]
    status, entry = call(port, "POST", "/api/log", {"file": "desk-reset-3m.mp3", "played_s": 170.5})
    assert status == 201 and entry["file"] == "desk-reset-3m.mp3" and entry["routine"] == "desk-reset"
    status, found = call(port, "GET", "/api/log", token=None)
    assert status == 200 and len(found["entries"]) == len(before["entries"]) + 1
    assert found["streak_days"] >= 1 and found["entries"][-1]["played_s"] == 170.5
    for body, field in (({"file": "desk-reset-3m.mp3", "played_s": -1}, "played_s"),
                        ({"file": "desk-reset-3m.mp3", "played_s": 10 ** 9}, "played_s"),
                        ({"file": "desk-reset-3m.mp3", "played_s": True}, "played_s"),
                        ({"file": "../secret.mp3", "played_s": 10}, "file"),
                        ({"file": "calm.ogg", "played_s": 10}, "file")):
        status, answer = call(port, "POST", "/api/log", body)
        assert status == 400 and answer["error"].startswith(f"{field}: "), (body, answer)
    assert call(port, "POST", "/api/log", {"file": "desk-reset-3m.mp3", "played_s": 5}, token=None)[0] == 403


def test_the_reminders_calendar_is_subscribable_with_its_own_key_in_its_address(server):
    import icalendar

    from audioguide.pipeline import state
    _, port, lines = server
    key = state.calendar_key(TOKEN)
    assert call(port, "GET", "/api/calendar", token=None)[0] == 403      # the calendar's key needs the server's
    status, answer = call(port, "GET", "/api/calendar")
    assert (status, answer) == (200, {"key": key})
    assert call(port, "GET", "/calendar.ics?time=07:30", token=None)[0] == 403
    assert call(port, "GET", f"/calendar.ics?token={TOKEN}", token=None)[0] == 403   # never the server's own key
    assert call(port, "GET", f"/calendar.ics?key={key[:-1]}x", token=None)[0] == 403
    if lines is None:  # in this process each test has its own state folder: nothing is followed yet
        status, answer = call(port, "GET", f"/calendar.ics?key={key}", token=None)
        assert status == 404 and answer["error"].startswith("program: none is followed")
    status, answer = call(port, "GET", f"/calendar.ics?key={key}&time=7.30", token=None)
    assert status == 400 and answer["error"].startswith("time: ")
    # the calendar's key makes and deletes nothing
    assert call(port, "PUT", "/api/program", {"program": "thoracic-four-weeks", "start": "2026-12-07"}, token=key)[0] == 403
    assert call(port, "PUT", "/api/program", {"program": "thoracic-four-weeks", "start": "2026-12-07"})[0] == 200
    status, body = call(port, "GET", f"/calendar.ics?key={key}&time=18:15", token=None)
    assert status == 200
    events = [c for c in icalendar.Calendar.from_ical(body).walk() if c.name == "VEVENT"]
    assert events and all(e.decoded("dtstart").time() == dt.time(18, 15) for e in events)
    assert events[0].decoded("dtstart").date() == dt.date(2026, 12, 7)
