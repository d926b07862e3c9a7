"""Episodes -> a podcast feed (RSS 2.0 + itunes + content + Podcasting 2.0) and its cover.

An episode is an MP3 that audioguide built, with its sidecars beside it: the ID3 tag gives the title and
length, .chapters.json the exercise list, .vtt the transcript and .svg the timeline picture.
"""

from __future__ import annotations

import email.utils
import html
import uuid
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urljoin

from .. import files, language, times
from . import cover, safe, session
from .episodes import Episode, heading, one_program

# The Podcasting 2.0 namespace has two addresses, both valid by its specification, and clients read one each:
# feedparser (and most apps) the podcastindex.org one, gPodder's podcastparser only the GitHub one. What both
# should find (chapters, transcripts, locked) is written under each; gPodder itself shows Podlove Simple
# Chapters (psc), written inline.
NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "content": "http://purl.org/rss/1.0/modules/content/",
      "podcast": "https://podcastindex.org/namespace/1.0",
      "podcastgh": "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
      "psc": "http://podlove.org/simple-chapters", "atom": "http://www.w3.org/2005/Atom"}
BOTH_PODCAST = (NS["podcast"], NS["podcastgh"])
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")   # the namespace's own, for podcast:guid
FEED_COVER = "feed-cover.jpg"
# clients that keep one transcript keep the last: the WebVTT one, which players show
TRANSCRIPTS = ((".srt", "application/x-subrip"), (".vtt", "text/vtt"))

for prefix, uri in NS.items():
    ET.register_namespace(prefix, uri)


def url_for(base_url: str, name: str) -> str:
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", quote(name))


def podcast_guid(feed_address: str) -> str:
    """podcast:guid as the namespace defines it: UUIDv5 of the feed's address without its scheme and trailing
    slashes."""
    bare = feed_address.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def rss(items: list[Episode], base_url: str, title: str | None = None, author: str = "audioguide",
        language: str | None = None) -> str:
    """The feed as XML text. A folder holding one program's sessions is that program's podcast: its title and
    description, its episodes in session order (serial), numbered, with the weeks as seasons."""
    program = one_program(items)
    title, description = heading(items, title)
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    _text(channel, "title", title)
    _text(channel, "link", url_for(base_url, "index.html"))
    _text(channel, "description", description)
    _text(channel, "language", language or spoken(items))
    _text(channel, "generator", "audioguide")
    ET.SubElement(channel, f"{{{NS['atom']}}}link", {"href": url_for(base_url, "feed.xml"), "rel": "self",
                                                     "type": "application/rss+xml"})
    if items:  # moves whenever an episode is added or rebuilt
        _text(channel, "lastBuildDate", email.utils.format_datetime(max(e.modified for e in items)))
    _text(channel, f"{{{NS['itunes']}}}author", author)
    _text(channel, f"{{{NS['itunes']}}}summary", description)
    _text(channel, f"{{{NS['itunes']}}}explicit", "false")
    _text(channel, f"{{{NS['itunes']}}}type", "serial" if program else "episodic")
    owner = ET.SubElement(channel, f"{{{NS['itunes']}}}owner")
    _text(owner, f"{{{NS['itunes']}}}name", author)
    ET.SubElement(channel, f"{{{NS['itunes']}}}image", {"href": url_for(base_url, FEED_COVER)})
    image = ET.SubElement(channel, "image")
    _text(image, "url", url_for(base_url, FEED_COVER))
    _text(image, "title", title)
    _text(image, "link", url_for(base_url, "index.html"))
    ET.SubElement(channel, f"{{{NS['itunes']}}}category", {"text": "Health & Fitness"})
    # a private feed, served from the listener's own machine: kept out of directories, never to be imported
    _text(channel, f"{{{NS['itunes']}}}block", "Yes")
    _text(channel, f"{{{NS['podcast']}}}block", "yes")
    for namespace in BOTH_PODCAST:
        _text(channel, f"{{{namespace}}}locked", "yes")
    _text(channel, f"{{{NS['podcast']}}}guid", podcast_guid(url_for(base_url, "feed.xml")))
    for episode in items:
        _item(channel, episode, base_url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _item(channel: ET.Element, episode: Episode, base_url: str) -> None:
    item = ET.SubElement(channel, "item")
    _text(item, "title", episode.title)
    _text(item, "description", episode.description())
    _text(item, f"{{{NS['content']}}}encoded",
          "<p>" + "<br/>".join(html.escape(line) for line in episode.description().splitlines()) + "</p>")
    # the audio's version in the address: a rebuilt session is a new file to every client, an identical one is not
    ET.SubElement(item, "enclosure", {"url": f"{url_for(base_url, episode.path.name)}?v={episode.version}",
                                      "length": str(episode.path.stat().st_size), "type": "audio/mpeg"})
    _text(item, "guid", episode.guid, isPermaLink="false")
    _text(item, "pubDate", email.utils.format_datetime(episode.published))
    _text(item, f"{{{NS['itunes']}}}duration", times.clock(episode.duration_s, hours=True))
    _text(item, f"{{{NS['itunes']}}}explicit", "false")
    _text(item, f"{{{NS['itunes']}}}episodeType", "full")
    cover_jpeg = episode.sidecar(session.COVER)
    if cover_jpeg.exists():
        ET.SubElement(item, f"{{{NS['itunes']}}}image", {"href": url_for(base_url, cover_jpeg.name)})
    if episode.session is not None:
        week, number = str(episode.session["week"]), str(episode.session["episode"])
        _text(item, f"{{{NS['itunes']}}}season", week)
        _text(item, f"{{{NS['itunes']}}}episode", number)
        _text(item, f"{{{NS['podcast']}}}season", week, name=f"Week {week}")
        _text(item, f"{{{NS['podcast']}}}episode", number)
    if episode.chapters:
        chapters = ET.SubElement(item, f"{{{NS['psc']}}}chapters", {"version": "1.2"})
        for start_s, title in episode.chapters:
            ET.SubElement(chapters, f"{{{NS['psc']}}}chapter",
                          {"start": times.clock(start_s, 3, hours=True), "title": safe.xml(title)})
    links = []
    if episode.sidecar(".chapters.json").exists():
        links.append(("chapters", {"url": url_for(base_url, episode.sidecar(".chapters.json").name),
                                   "type": "application/json+chapters"}))
    for suffix, kind in TRANSCRIPTS:
        if episode.sidecar(suffix).exists():
            links.append(("transcript", {"url": url_for(base_url, episode.sidecar(suffix).name), "type": kind,
                                         "language": episode.language}))
    for namespace in BOTH_PODCAST:
        for tag, attrs in links:
            ET.SubElement(item, f"{{{namespace}}}{tag}", attrs)


def spoken(items: list[Episode]) -> str:
    """The feed's language: the one its sessions are said in (the most of them when they differ), else English."""
    counts = Counter(item.language for item in items)
    return counts.most_common(1)[0][0] if counts else "en"


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: safe.xml(v) for k, v in attrs.items()})
    element.text = safe.xml(text)
    return element


def write(folder: Path, base_url: str, found: list[Episode], title: str | None = None) -> Path:
    """Write feed.xml and the feed's cover into folder; return the feed's path."""
    folder = Path(folder)
    files.write_bytes(folder / FEED_COVER, cover_art(found, title))
    target = folder / "feed.xml"
    files.write_text(target, rss(found, base_url, title))
    return target


def cover_art(found: list[Episode], title: str | None = None) -> bytes:
    """The feed's cover: a program's own, or one for the folder's title."""
    program = one_program(found)
    title, _ = heading(found, title)
    if program:
        said = language.phrase("cover_weeks", spoken(found), count=program["weeks"], weeks=program["weeks"])
        return cover.for_program(program["program"], title, said)
    return cover.render("feed:" + title, title, "sessions")
