"""The feed read by real podcast clients' parsers (gPodder's podcastparser, feedparser), and the page."""

import email.utils
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET

import feedparser
import podcastparser
import pytest
from conftest import DATA

from audioguide.pipeline import options as pipeline_options
from audioguide.pipeline import routines as pipeline_routines
from audioguide.publish import feed
from audioguide.speech import EngineSpec
from audioguide.web import page

pytestmark = pytest.mark.slow
BASE = "http://192.0.2.10:8000/"


@pytest.fixture(scope="module")
def folder(tmp_path_factory, clip_cache):
    out = tmp_path_factory.mktemp("feed")
    for minutes in (1.5, 2):
        options = pipeline_options.BuildOptions(length_s=minutes * 60, output_dir=out, engine=EngineSpec("pyttsx3"),
                                        cache_dir=clip_cache, definition_paths=(DATA / "short.toml",))
        pipeline_routines.build("short", options)
    # a title that needs escaping and a file name that needs quoting
    odd = out / "odd name & more.mp3"
    for suffix in (".mp3", ".chapters.json", ".vtt", ".plan.json"):
        shutil.copy(out / f"short-2m{suffix}", out / f"odd name & more{suffix}")
    from mutagen.id3 import ID3, TIT2
    tags = ID3(odd)
    tags.add(TIT2(encoding=3, text=['Back & "neck" <fast>\x07\x1b']))  # control characters: dropped in the feed
    tags.save(v2_version=3)
    (out / "music-bed.mp3").write_bytes((out / "short-2m.mp3").read_bytes())  # an MP3 without a plan: no episode
    page.write_site(out, BASE, title="My <sessions> & more")
    return out


def test_gpodder_podcastparser_reads_every_field(folder):
    with open(folder / "feed.xml", "rb") as f:
        parsed = podcastparser.parse(BASE + "feed.xml", f)
    assert parsed["title"] == "My <sessions> & more"
    assert parsed["cover_url"] == BASE + "feed-cover.jpg"
    episodes = parsed["episodes"]
    assert len(episodes) == 3
    for episode in episodes:
        enclosure = episode["enclosures"][0]
        name = enclosure["url"].removeprefix(BASE)
        assert enclosure["mime_type"] == "audio/mpeg"
        assert name.isascii() and " " not in name
        assert enclosure["file_size"] > 10_000
        assert episode["total_time"] in (90, 120)
        assert episode["guid"] and episode["published"] > 0
    titles = {e["title"] for e in episodes}
    assert 'Back & "neck" <fast>' in titles and "Short test routine (2m)" in titles
    sizes = {e["title"]: e["enclosures"][0]["file_size"] for e in episodes}
    assert sizes["Short test routine (1m30s)"] == (folder / "short-1m30s.mp3").stat().st_size


def test_feedparser_reads_every_field(folder):
    parsed = feedparser.parse(str(folder / "feed.xml"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    channel = parsed.feed
    assert channel.title == "My <sessions> & more" and channel.language == "en"
    assert channel.author == "audioguide"
    assert not channel.itunes_explicit  # feedparser reads Apple's current "false" as None: not explicit
    assert ET.parse(folder / "feed.xml").getroot().findtext(f"channel/{{{feed.NS['itunes']}}}explicit") == "false"
    assert channel.image.href == BASE + "feed-cover.jpg"
    assert channel.tags[0].term == "Health & Fitness"
    entries = parsed.entries
    published = [email.utils.parsedate_to_datetime(e.published) for e in entries]
    assert published == sorted(published, reverse=True)  # newest first
    for entry in entries:
        enclosure = entry.enclosures[0]
        assert enclosure.type == "audio/mpeg" and int(enclosure.length) > 10_000
        assert entry.itunes_duration in ("00:01:30", "00:02:00")
        assert "Exercises:" in entry.summary and "Arm raise" in entry.summary
        assert entry.guidislink is False


@pytest.mark.parametrize("namespace", feed.BOTH_PODCAST)
def test_podcasting_2_0_chapters_and_transcripts_under_both_addresses_of_the_namespace(folder, namespace):
    root = ET.parse(folder / "feed.xml").getroot()
    ns = {"podcast": namespace}
    item = next(i for i in root.iter("item") if i.findtext("title") == "Short test routine (2m)")
    chapters = item.find("podcast:chapters", ns)
    assert chapters.get("type") == "application/json+chapters"
    assert chapters.get("url") == BASE + "short-2m.chapters.json"
    transcripts = {t.get("type"): (t.get("url"), t.get("language")) for t in item.findall("podcast:transcript", ns)}
    assert transcripts == {"text/vtt": (BASE + "short-2m.vtt", "en"),
                           "application/x-subrip": (BASE + "short-2m.srt", "en")}
    assert root.find("channel/podcast:locked", ns).text == "yes"
    doc = json.loads((folder / "short-2m.chapters.json").read_text())
    assert doc["version"] and doc["chapters"][0]["title"] == "Intro"


def test_podcastparser_finds_inline_chapters_the_chapters_file_the_transcript_and_the_cover(folder):
    with open(folder / "feed.xml", "rb") as f:
        parsed = podcastparser.parse(BASE + "feed.xml", f)
    assert parsed["import_prohibited"] is True
    for episode in parsed["episodes"]:
        stem = episode["enclosures"][0]["url"].removeprefix(BASE).split("?")[0].removesuffix(".mp3")
        stem = stem.replace("%20", " ").replace("%26", "&")
        doc = json.loads((folder / f"{stem}.chapters.json").read_text())
        assert [(c["start"], c["title"]) for c in episode["chapters"]] == [
            (int(c["startTime"]), c["title"]) for c in doc["chapters"]]  # psc:chapters, whole seconds
        assert episode["chapters_json_url"].endswith(".chapters.json")
        assert episode["transcript_url"].endswith(".vtt")
        if (folder / f"{stem}.jpg").exists():  # the odd copy has no cover of its own: the feed's stands in
            assert episode["episode_art_url"] == BASE + f"{stem}.jpg"
        else:
            assert "episode_art_url" not in episode


def test_feedparser_finds_the_chapters_file_and_the_transcript(folder):
    parsed = feedparser.parse(str(folder / "feed.xml"))
    assert parsed.feed.podcast_locked == "yes"
    for entry in parsed.entries:
        assert entry.podcast_chapters["url"].endswith(".chapters.json")
        assert entry.podcast_transcript["url"].endswith(".vtt")


def test_a_private_feed_is_marked_as_one(folder):
    channel = ET.parse(folder / "feed.xml").getroot().find("channel")
    assert channel.findtext(f"{{{feed.NS['itunes']}}}block") == "Yes"
    assert channel.findtext(f"{{{feed.NS['podcast']}}}block") == "yes"
    # podcast:guid: UUIDv5 of the address without scheme, as the namespace's own example computes it
    assert feed.podcast_guid("https://mp3s.nashownotes.com/pc20rss.xml") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    assert channel.findtext(f"{{{feed.NS['podcast']}}}guid") == feed.podcast_guid(BASE + "feed.xml")


def test_guids_never_change_when_the_feed_is_rebuilt(folder):
    first = {e["title"]: e["guid"] for e in podcastparser.parse("x", io.BytesIO((folder / "feed.xml").read_bytes()))["episodes"]}
    page.write_site(folder, "http://other.example:9000/", title="My <sessions> & more")
    again = {e["title"]: e["guid"] for e in podcastparser.parse("x", io.BytesIO((folder / "feed.xml").read_bytes()))["episodes"]}
    assert first == again
    page.write_site(folder, BASE, title="My <sessions> & more")


def test_the_page_lists_episodes_with_chapters_and_covers(folder):
    text = (folder / "index.html").read_text()
    data = json.loads(re.search(r'<script id="data" type="application/json">(.*?)</script>', text, re.S).group(1))
    sessions = [s for g in data["groups"] for s in g["sessions"]]
    assert sorted(s["file"] for s in sessions) == ["odd name & more.mp3", "short-1m30s.mp3", "short-2m.mp3"]
    assert data["title"] == "My <sessions> & more" and data["feed"] == BASE + "feed.xml"
    assert {g["title"] for g in data["groups"]} == {"Short test routine"}
    first = next(s for s in sessions if s["file"] == "short-2m.mp3")
    assert [c["title"] for c in first["chapters"]] == ["Intro", "Arm raise", "Stand tall", "Outro"]
    assert first["chapters"][0]["start_s"] == 0 and first["cover"] == "short-2m.jpg" and (folder / "short-2m.jpg").exists()
    assert 'Back & "neck" <fast>\x07\x1b' in {s["title"] for s in sessions}  # JSON escapes them itself
    embedded = re.search(r'<script id="data" type="application/json">(.*?)</script>', text, re.S).group(1)
    assert "</" not in embedded  # no title can close the script element early
    assert "<title>My &lt;sessions&gt; &amp; more</title>" in text
