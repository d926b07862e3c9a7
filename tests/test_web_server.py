"""The LAN server, for real, on loopback: byte ranges, HEAD, content types, what it refuses."""

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import DATA

from audioguide.pipeline import options as pipeline_options
from audioguide.pipeline import routines as pipeline_routines
from audioguide.speech import EngineSpec
from audioguide.web import server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory, clip_cache):
    root = tmp_path_factory.mktemp("site")
    out = root / "out"
    options = pipeline_options.BuildOptions(length_s=90, output_dir=out, engine=EngineSpec("pyttsx3"), cache_dir=clip_cache,
                                    definition_paths=(DATA / "short.toml",))
    pipeline_routines.build("short", options)
    (root / "secret.mp3").write_bytes(b"outside the folder")
    os.symlink(root / "secret.mp3", out / "link.mp3")
    (out / ".hidden.mp3").write_bytes(b"hidden")
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(out), "--port", "0",
                             "--engine", "piper", "--cache-dir", str(clip_cache)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [proc.stdout.readline() for _ in range(3)]
    port = int(re.search(r"http://127\.0\.0\.1:(\d+)/feed\.xml", lines[1]).group(1))
    yield out, port, lines
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)


def request(port, method, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_prints_where_it_listens_and_who_can_reach_it(site):
    _, port, lines = site
    assert lines[0].startswith("Listening on 127.0.0.1 only")
    assert lines[1] == f"Feed: http://127.0.0.1:{port}/feed.xml\n"


def test_feed_links_follow_the_address_used(site):
    _, port, _ = site
    response, body = request(port, "GET", "/feed.xml", {"Host": f"phone.example:{port}"})
    assert response.status == 200 and response.getheader("Content-Type").startswith("application/rss+xml")
    assert f"http://phone.example:{port}/short-1m30s.mp3".encode() in body


def test_get_and_head_with_validators(site):
    out, port, _ = site
    size = (out / "short-1m30s.mp3").stat().st_size
    head, body = request(port, "HEAD", "/short-1m30s.mp3")
    assert head.status == 200 and body == b"" and int(head.getheader("Content-Length")) == size
    assert head.getheader("Content-Type") == "audio/mpeg" and head.getheader("Accept-Ranges") == "bytes"
    assert head.getheader("ETag") and head.getheader("Last-Modified")
    full, body = request(port, "GET", "/short-1m30s.mp3")
    assert full.status == 200 and body == (out / "short-1m30s.mp3").read_bytes()
    again, _ = request(port, "GET", "/short-1m30s.mp3", {"If-None-Match": head.getheader("ETag")})
    assert again.status == 304


@pytest.mark.parametrize("header, first, last", [("bytes=0-99", 0, 99), ("bytes=-100", None, None),
                                                 ("bytes=1000-", 1000, None)])
def test_byte_ranges(site, header, first, last):
    out, port, _ = site
    data = (out / "short-1m30s.mp3").read_bytes()
    response, body = request(port, "GET", "/short-1m30s.mp3", {"Range": header})
    assert response.status == 206
    if first is None:
        first, last = len(data) - 100, len(data) - 1
    last = len(data) - 1 if last is None else last
    assert body == data[first:last + 1]
    assert response.getheader("Content-Range") == f"bytes {first}-{last}/{len(data)}"


def test_unsatisfiable_range_is_416(site):
    out, port, _ = site
    response, _ = request(port, "GET", "/short-1m30s.mp3", {"Range": "bytes=999999999-"})
    assert response.status == 416


@pytest.mark.parametrize("path", ["/../secret.mp3", "/%2e%2e/secret.mp3", "/link.mp3", "/.hidden.mp3",
                                  "/%2Fetc%2Fpasswd", "/short-1m30s.toml", "/nope.mp3", "/sub/"])
def test_refuses_anything_outside_or_not_served(site, path):
    _, port, _ = site
    response, body = request(port, "GET", path)
    assert response.status == 404 and b"outside the folder" not in body


def test_content_types(site):
    _, port, _ = site
    for path, kind in [("/short-1m30s.vtt", "text/vtt"), ("/short-1m30s.chapters.json", "application/json"),
                       ("/short-1m30s.svg", "image/svg+xml"), ("/", "text/html"), ("/feed-cover.jpg", "image/jpeg")]:
        response, _ = request(port, "GET", path)
        assert response.status == 200 and response.getheader("Content-Type").startswith(kind), path


def test_serves_several_clients_at_once(site):
    out, port, _ = site
    data = (out / "short-1m30s.mp3").read_bytes()
    chunk = len(data) // 8

    def fetch(i):
        last = len(data) - 1 if i == 7 else (i + 1) * chunk - 1
        response, body = request(port, "GET", "/short-1m30s.mp3", {"Range": f"bytes={i * chunk}-{last}"})
        return response.status, body

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(fetch, range(8)))
    assert all(status == 206 for status, _ in results)
    assert b"".join(body for _, body in results) == data


def test_binding_to_the_lan_is_announced(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(tmp_path), "--host", "0.0.0.0",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first, second = proc.stdout.readline(), proc.stdout.readline()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
    assert first.startswith("Listening on every network interface: anyone on your local network can reach")
    assert second.startswith("Feed: http://")
    if server.lan_addresses():  # the phone needs an address it can use, not 0.0.0.0
        assert "0.0.0.0" not in second


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")),
                    reason="headless Chromium is not installed")
def test_the_page_loads_in_headless_chromium(site, tmp_path):
    _, port, _ = site
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--no-first-run", f"--user-data-dir={tmp_path}", "--dump-dom",
                           f"http://127.0.0.1:{port}/"], capture_output=True, text=True, timeout=60)
    assert "<audio" in done.stdout and "Arm raise" in done.stdout


def test_a_qr_code_for_the_feed_on_a_terminal(tmp_path):
    import pty
    import select
    main, secondary = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(tmp_path), "--port", "0"],
                            stdout=secondary, stderr=subprocess.PIPE)
    os.close(secondary)
    screen = b""
    try:
        while screen.count(b"\n") < 20 and select.select([main], [], [], 20)[0]:
            screen += os.read(main, 65536)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
        os.close(main)
    text = screen.decode()
    assert "Feed: http://127.0.0.1:" in text
    assert sum(line.count("█") + line.count("▀") + line.count("▄") for line in text.splitlines()) > 100


def test_if_range_with_an_etag_or_a_date_per_rfc_9110(site):
    out, port, _ = site
    data = (out / "short-1m30s.mp3").read_bytes()
    head, _ = request(port, "HEAD", "/short-1m30s.mp3")
    etag, modified = head.getheader("ETag"), head.getheader("Last-Modified")
    ranged = {"Range": "bytes=0-99"}
    same, body = request(port, "GET", "/short-1m30s.mp3", {**ranged, "If-Range": etag})
    assert same.status == 206 and body == data[:100]
    for stale in ('"0-0"', "W/" + etag, "Sat, 01 Jan 2000 00:00:00 GMT"):  # another file, a weak tag, an old date
        changed, body = request(port, "GET", "/short-1m30s.mp3", {**ranged, "If-Range": stale})
        assert changed.status == 200 and body == data, stale  # the whole new file, never a splice
    dated, body = request(port, "GET", "/short-1m30s.mp3", {**ranged, "If-Range": modified})
    assert dated.status == 206 and body == data[:100]


def test_a_range_of_nothing_is_416(site):
    _, port, _ = site
    response, _ = request(port, "GET", "/short-1m30s.mp3", {"Range": "bytes=-0"})
    assert response.status == 416 and response.getheader("Content-Range").startswith("bytes */")


def test_stopping_while_the_lengths_are_measured_ends_promptly(tmp_path):
    """The page's first call measures every routine's lengths with the voice (speech rendered in a thread);
    Ctrl-C then ends the server at the next clip, not after the whole measurement."""
    import threading
    import time
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(tmp_path), "--port", "0",
                             "--engine", "piper", "--cache-dir", str(tmp_path / "cold")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [proc.stdout.readline() for _ in range(3)]
    port = int(re.search(r":(\d+)/feed\.xml", lines[1]).group(1))
    asked = threading.Thread(target=lambda: _quietly(port, "/api/routines"), daemon=True)
    asked.start()
    time.sleep(2.0)  # the measurement is under way (a cold cache: well over a minute of rendering)
    assert proc.poll() is None
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert time.monotonic() - started < 10 and proc.returncode in (0, 130)
    assert not list((tmp_path / "cold").rglob(".audioguide-*"))  # nothing half-written left in the cache


def _quietly(port, path):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path)
        conn.getresponse().read()
    except OSError:
        pass
