"""The feed in a real podcast client: gPodder 3.11 (Debian's gpodder, headless through its gpo command),
subscribed to a folder that 'audioguide serve' serves on loopback. What it shows is read from its database."""

import datetime as dt
import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA
from mutagen.mp3 import MP3

from audioguide.cli import cli
from audioguide.pipeline import options as pipeline_options
from audioguide.pipeline import routines as pipeline_routines
from audioguide.speech import EngineSpec

pytestmark = pytest.mark.slow


class Gpodder:
    """One gPodder user: its own data folder and downloads folder."""

    def __init__(self, home: Path):
        self.home, self.downloads = home / "gpodder", home / "downloads"
        self.home.mkdir(parents=True)
        self.downloads.mkdir()
        self.env = {**os.environ, "GPODDER_HOME": str(self.home), "GPODDER_DOWNLOAD_DIR": str(self.downloads)}

    def run(self, *args: str) -> str:
        done = subprocess.run(["gpo", *args], env=self.env, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr, done.stderr
        return done.stdout

    def episodes(self) -> list[dict]:
        with sqlite3.connect(self.home / "Database") as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT e.*, p.download_folder FROM episode e JOIN podcast p ON p.id = e.podcast_id")
            return [dict(row) for row in rows]

    def downloaded(self, episode: dict) -> Path:
        return self.downloads / episode["download_folder"] / episode["download_filename"]

    def download_all(self, feed_url: str) -> None:
        """Every episode of the feed (on subscribing, gPodder marks only the newest as new)."""
        for episode in self.episodes():
            if episode["state"] != 1:
                self.run("download", feed_url, episode["guid"])


def serve(folder: Path, cache: Path):
    proc = subprocess.Popen([sys.executable, "-m", "audioguide", "serve", "-o", str(folder), "--port", "0",
                             "--engine", "pyttsx3", "--cache-dir", str(cache)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = [proc.stdout.readline() for _ in range(2)]
    port = int(re.search(r"http://127\.0\.0\.1:(\d+)/feed\.xml", lines[1]).group(1))
    return proc, f"http://127.0.0.1:{port}/feed.xml"


def stop(proc) -> None:
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def chapter_titles(mp3: Path) -> list[str]:
    doc = json.loads(mp3.with_name(mp3.stem + ".chapters.json").read_text())
    return [c["title"] for c in doc["chapters"]]


def shows_every_session(client: Gpodder, folder: Path) -> dict[str, dict]:
    """Each session of folder as gPodder shows it: chapters, title, duration, and a copy identical to it."""
    shown = {}
    for episode in client.episodes():
        name = episode["url"].rsplit("/", 1)[1].split("?")[0]
        served = folder / name
        assert episode["state"] == 1, episode            # downloaded
        assert sha256(client.downloaded(episode)) == sha256(served)
        assert [c["title"] for c in json.loads(episode["chapters"])] == chapter_titles(served)
        assert episode["title"] == str(MP3(served).tags["TIT2"])
        assert abs(episode["total_time"] - MP3(served).info.length) <= 1
        assert episode["episode_art_url"].endswith(served.stem + ".jpg")
        assert episode["published"] <= time.time()      # nothing dated in the future
        shown[name] = episode
    return shown


def test_gpodder_shows_a_routine_folders_chapters_and_fetches_a_rebuilt_session_once(tmp_path, clip_cache):
    out = tmp_path / "out"
    options = pipeline_options.BuildOptions(length_s=90, output_dir=out, engine=EngineSpec("pyttsx3"),
                                            cache_dir=clip_cache, definition_paths=(DATA / "short.toml",))
    for length_s in (90, 120):
        pipeline_routines.build("short", replace(options, length_s=length_s))
    proc, feed_url = serve(out, clip_cache)
    try:
        client = Gpodder(tmp_path)
        client.run("subscribe", feed_url)
        client.download_all(feed_url)
        before = shows_every_session(client, out)
        assert sorted(before) == ["short-1m30s.mp3", "short-2m.mp3"]
        kept = client.downloaded(before["short-1m30s.mp3"]).stat().st_mtime_ns

        # the 2-minute session made again with its beeps 6 dB louder: the same name, other audio
        pipeline_routines.build("short", replace(options, length_s=120, beep_level_db=options.beep_level_db + 6))
        client.run("update", feed_url)
        client.run("download", feed_url)
        after = {e["guid"]: e for e in client.episodes()}
        new = [e for e in after.values() if e["url"].split("?")[0].endswith("/short-2m.mp3")
               and e["guid"] != before["short-2m.mp3"]["guid"]]
        assert len(new) == 1 and new[0]["state"] == 1
        assert sha256(client.downloaded(new[0])) == sha256(out / "short-2m.mp3")
        # the unchanged session: the same episode, not fetched again
        same = after[before["short-1m30s.mp3"]["guid"]]
        assert same["url"] == before["short-1m30s.mp3"]["url"]
        assert client.downloaded(same).stat().st_mtime_ns == kept
        assert len(list(client.downloads.rglob("short-1m30s*.mp3"))) == 1

        client.run("update", feed_url)   # nothing changed: nothing new
        assert client.run("pending", feed_url).count("\n  ") == 0
    finally:
        stop(proc)


def test_gpodder_shows_a_program_folder_in_day_order_and_nothing_dated_ahead(tmp_path, clip_cache):
    out = tmp_path / "out"
    today = dt.date.today()
    built = CliRunner().invoke(cli, ["program", "build", "thoracic-four-weeks", "--start", today.isoformat(),
                                     "--days", "1-2", "-o", str(out), "--engine", "pyttsx3",
                                     "--cache-dir", str(clip_cache)])
    assert built.exit_code == 0, built.output
    proc, feed_url = serve(out, clip_cache)
    try:
        client = Gpodder(tmp_path)
        client.run("subscribe", feed_url)
        client.download_all(feed_url)
        shown = shows_every_session(client, out)   # day 2 is tomorrow's session: dated no later than now
        assert sorted(shown) == ["thoracic-four-weeks-day01.mp3", "thoracic-four-weeks-day02.mp3"]
        assert shown["thoracic-four-weeks-day01.mp3"]["published"] < shown["thoracic-four-weeks-day02.mp3"]["published"]
    finally:
        stop(proc)
