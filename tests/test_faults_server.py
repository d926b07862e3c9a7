"""The server under hostile requests on loopback (a hypothesis fuzz, bounded): never a 500, never a file it should
not serve, never a change without the token."""

import http.client
import re
import signal
import subprocess
import sys
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow
TOKEN = "fuzz-token"
PUBLIC = re.compile(r"^/(|index\.html|feed\.xml|feed-cover\.jpg|manifest\.webmanifest|sw\.js|icon-(192|512)\.png|"
                    r"api/(sessions|routines|programs|voices|music)|desk-reset-3m\.(mp3|vtt|srt|chapters\.json|"
                    r"plan\.json|svg|jpg))$")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzzed")
    cache = tmp_path_factory.mktemp("cache")
    subprocess.run([sys.executable, "-m", "audioguide", "build", "desk-reset", "-m", "3", "-o", str(folder),
                    "--engine", "tone", "--cache-dir", str(cache), "-q"], check=True, capture_output=True)
    (folder / "notes.json").write_text('{"private": true}')
    (folder / "music.mp3").write_bytes(b"not a session")
    (folder.parent / "outside.mp3").write_bytes(b"outside")
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(folder), "--port", "0",
                             "--engine", "tone", "--cache-dir", str(cache), "--token", TOKEN],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    port = int(re.search(r":(\d+)/feed\.xml", [proc.stdout.readline() for _ in range(3)][1]).group(1))
    yield folder, port
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)


segments = st.one_of(st.sampled_from(["", ".", "..", "%2e%2e", "%2f", "api", "sessions", "builds", "b1",
                                      "desk-reset-3m.mp3", "desk-reset-3m.plan.json", "notes.json", "music.mp3",
                                      ".audioguide-lock", "outside.mp3", "feed.xml", "index.html", "sw.js",
                                      "icon-192.png", "icon-9999.png"]),
                     st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF, exclude_characters="/?#"),
                             max_size=20).map(lambda t: "".join(c if c.isprintable() else "x" for c in t)))
paths = st.lists(segments, min_size=1, max_size=4).map(
    lambda parts: quote("/" + "/".join(parts), safe="/%:@!$&'()*+,;=-._~"))  # what a client may send
headers = st.fixed_dictionaries({}, optional={
    "Range": st.one_of(st.sampled_from(["bytes=0-10", "bytes=-0", "bytes=-5", "bytes=5-", "bytes=9-1", "bytes=",
                                        "bytes=0-0,5-6", "items=0-1", "bytes=99999999999-"]),
                       st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=30)),
    "If-Range": st.sampled_from(['"x"', 'W/"x"', "Sat, 01 Jan 2000 00:00:00 GMT", "nonsense"]),
    "Authorization": st.sampled_from(["Bearer wrong", "Bearer ", "Basic abc", f"Bearer {TOKEN}x"]),
    "Content-Type": st.sampled_from(["application/json", "text/plain"]),
})


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(["GET", "HEAD", "POST", "DELETE", "PUT", "OPTIONS"]), path=paths, extra=headers,
       body=st.one_of(st.none(), st.binary(max_size=200), st.sampled_from([b'{"routine": "desk-reset", "minutes": 3}',
                                                                          b"[]", b"{}", b"null"])))
def test_no_request_breaks_the_server_or_reaches_what_it_should_not(server, method, path, extra, body):
    folder, port = server
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=extra)
        response = conn.getresponse()
        content = response.read()
    finally:
        conn.close()
    assert response.status < 500, (method, path, response.status, content[:200])
    assert b"outside" not in content and b'"private": true' not in content
    if method in ("GET", "HEAD") and response.status in (200, 206):
        assert PUBLIC.match(path) or re.fullmatch(r"/api/builds/[^/]+", path), path
    if method in ("POST", "DELETE"):
        assert response.status != 202 and not (method == "DELETE" and response.status == 200)  # no token, no change
    assert (folder / "desk-reset-3m.mp3").exists() and (folder / "notes.json").exists()
