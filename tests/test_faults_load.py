"""The server under load: 50 page clients polling, logging and previewing at once for a minute (AUDIOGUIDE_LOAD_S),
each every two seconds or so as an open page polls, while builds run one after another. Every request answered,
every answered log entry kept, no build lost, the server's memory flat."""

import http.client
import json
import os
import random
import signal
import statistics
import threading
import time

import pytest
from test_web_api import TOKEN, _serve
from test_web_editor import NEW

pytestmark = pytest.mark.slow
CLIENTS = 50
SECONDS = float(os.environ.get("AUDIOGUIDE_LOAD_S", "60"))


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        line = next(x for x in f if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


class Client:
    """One page: a keep-alive connection, as a browser holds one."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body=None) -> tuple[int, object]:
        headers = {"Authorization": f"Bearer {TOKEN}"}
        data = json.dumps(body).encode() if body is not None else None
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
        except (ConnectionError, http.client.HTTPException):   # the server closed a kept connection: once more
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
        text = response.read()
        kind = response.getheader("Content-Type", "")
        return response.status, json.loads(text) if kind.startswith("application/json") else text


def test_fifty_pages_at_once_while_builds_run(tmp_path):
    folder, cache, state = tmp_path / "site", tmp_path / "cache", tmp_path / "state"
    folder.mkdir()
    proc, port, _ = _serve(folder, cache, env={**os.environ, "XDG_STATE_HOME": str(state)})
    try:
        main = Client(port)
        assert main.call("PUT", "/api/program", {"program": "thoracic-four-weeks", "start": "2026-11-20"})[0] == 200
        status, job = main.call("POST", "/api/builds", {"routine": "desk-reset", "minutes": 3})
        assert status == 202
        while main.call("GET", f"/api/builds/{job['id']}")[1]["state"] not in ("done", "failed"):
            time.sleep(0.2)
        session = main.call("GET", f"/api/builds/{job['id']}")[1]["file"]

        stop = threading.Event()
        answered: list[tuple[str, int]] = []
        logged: list[int] = []
        failures: list[str] = []
        lock = threading.Lock()

        def page(k: int) -> None:
            client = Client(port)
            asks = [("GET", "/api/today", None), ("GET", "/api/sessions", None), ("GET", "/api/log", None),
                    ("POST", "/api/log", {"file": session, "played_s": 60 + k}), ("GET", "/api/sessions", None),
                    ("POST", "/api/preview", {"routine": "my-back", "minutes": 3 + k % 4, "tables": NEW}),
                    ("GET", "/api/voices/preview", None), ("GET", "/", None)]
            i, pause = k, random.Random(k)
            while not stop.wait(pause.uniform(1.0, 3.0)):  # a page polls, logs and previews as a person acts
                method, path, body = asks[i % len(asks)]
                i += 1
                try:
                    status, answer = client.call(method, path, body)
                except Exception as e:  # noqa: BLE001 - any failure to be answered is what this test counts
                    with lock:
                        failures.append(f"{method} {path}: {e!r}")
                    continue
                with lock:
                    answered.append((path, status))
                    if path == "/api/log" and method == "POST" and status == 201:
                        logged.append(answer["played_s"])

        threads = [threading.Thread(target=page, args=(k,), daemon=True) for k in range(CLIENTS)]
        for t in threads:
            t.start()
        rss, builds, lengths = [], [], iter(range(4, 1000))
        start = time.monotonic()
        current, idle = None, 0.0
        while time.monotonic() - start < SECONDS:
            rss.append(_rss_mb(proc.pid))
            if current is None and time.monotonic() >= idle:
                status, made = main.call("POST", "/api/builds", {"routine": "desk-reset", "minutes": next(lengths)})
                assert status == 202, made
                current = made["id"]
            elif current is not None:
                state_now = main.call("GET", f"/api/builds/{current}")[1]
                if state_now["state"] in ("done", "failed"):
                    builds.append(state_now)
                    current, idle = None, time.monotonic() + 3  # the next one a little later, as a person asks
            time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        if current is not None:
            while (found := main.call("GET", f"/api/builds/{current}")[1])["state"] not in ("done", "failed"):
                time.sleep(0.2)
            builds.append(found)

        assert failures == [], failures[:5]                                 # every request answered
        assert not any(t.is_alive() for t in threads)
        bad = [(p, s) for p, s in answered if s >= 400]
        assert bad == [], bad[:5]
        assert len(answered) > CLIENTS * SECONDS / 4, len(answered)  # half of what 50 pages ask
        assert builds and all(b["state"] == "done" for b in builds), builds   # no build lost
        assert all((folder / b["file"]).is_file() for b in builds)
        kept = main.call("GET", "/api/log")[1]["entries"]
        assert sorted(e["played_s"] for e in kept) == sorted(float(x) for x in logged)  # every answered entry kept
        third = max(1, len(rss) // 3)
        early, late = statistics.median(rss[third:2 * third] or rss), statistics.median(rss[-third:])
        assert late < early + 40, (early, late, rss)                      # memory flat once warmed up
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
