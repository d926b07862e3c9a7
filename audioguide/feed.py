"""Episodes in a folder -> a podcast feed (RSS 2.0 + itunes + content + Podcasting 2.0) and a web page.

An episode is an MP3 that audioguide built, with its sidecars beside it: the ID3 tag gives the title and
length, .chapters.json the exercise list, .vtt the transcript and .svg the timeline picture.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import json
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urljoin

from mutagen import MutagenError
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from . import cover, encoder, sidecars
from .errors import AudioguideError

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "content": "http://purl.org/rss/1.0/modules/content/",
      "podcast": "https://podcastindex.org/namespace/1.0", "atom": "http://www.w3.org/2005/Atom"}
GUID_NAMESPACE = uuid.UUID("1b7e6a4e-7d0c-4d6b-9f59-2a6d5b1c0a11")  # audioguide's own: guids are uuid5(name)
FEED_COVER = "feed-cover.jpg"
DEFAULT_TITLE = "audioguide sessions"

for prefix, uri in NS.items():
    ET.register_namespace(prefix, uri)


@dataclass(frozen=True, slots=True)
class Episode:
    path: Path
    title: str
    duration_s: float
    published: dt.datetime
    chapters: tuple[tuple[float, str], ...]

    @property
    def guid(self) -> str:
        """Stable across feed rebuilds: derived from the file name, which is stable across builds."""
        return str(uuid.uuid5(GUID_NAMESPACE, self.path.name))

    def sidecar(self, suffix: str) -> Path:
        return sidecars.beside(self.path, suffix)

    def description(self) -> str:
        lines = [f"{_clock(start)} {title}" for start, title in self.chapters]
        return "Exercises:\n" + "\n".join(lines) if lines else self.title


def episodes(folder: Path) -> list[Episode]:
    """Every MP3 in folder with what the feed needs, newest first."""
    found = []
    for path in folder.glob("*.mp3"):
        if path.name.startswith(".") or path.is_symlink():
            continue  # a build in progress, or a link the server would not follow
        try:
            audio = MP3(str(path))
            tags = ID3(str(path))
        except (MutagenError, OSError) as e:
            raise AudioguideError(f"{path}: not a readable MP3: {e}") from e
        title = str(tags["TIT2"]) if "TIT2" in tags else path.stem
        chapters_file = sidecars.beside(path, ".chapters.json")
        chapters = ()
        if chapters_file.exists():
            doc = json.loads(chapters_file.read_text(encoding="utf-8"))
            chapters = tuple((float(c["startTime"]), str(c["title"])) for c in doc.get("chapters", []))
        published = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc)
        found.append(Episode(path, title, audio.info.length, published, chapters))
    return sorted(found, key=lambda e: (e.published, e.path.name), reverse=True)


def url_for(base_url: str, name: str) -> str:
    return urljoin(base_url if base_url.endswith("/") else base_url + "/", quote(name))


def rss(folder: Path, base_url: str, title: str = DEFAULT_TITLE, author: str = "audioguide",
        description: str = "Voice-guided exercise sessions, built with audioguide.", language: str = "en") -> str:
    """The feed as XML text."""
    items = episodes(folder)
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    _text(channel, "title", title)
    _text(channel, "link", url_for(base_url, "index.html"))
    _text(channel, "description", description)
    _text(channel, "language", language)
    _text(channel, "generator", "audioguide")
    ET.SubElement(channel, f"{{{NS['atom']}}}link", {"href": url_for(base_url, "feed.xml"), "rel": "self",
                                                     "type": "application/rss+xml"})
    if items:
        _text(channel, "lastBuildDate", email.utils.format_datetime(items[0].published))
    _text(channel, f"{{{NS['itunes']}}}author", author)
    _text(channel, f"{{{NS['itunes']}}}summary", description)
    _text(channel, f"{{{NS['itunes']}}}explicit", "false")
    _text(channel, f"{{{NS['itunes']}}}type", "episodic")
    owner = ET.SubElement(channel, f"{{{NS['itunes']}}}owner")
    _text(owner, f"{{{NS['itunes']}}}name", author)
    ET.SubElement(channel, f"{{{NS['itunes']}}}image", {"href": url_for(base_url, FEED_COVER)})
    image = ET.SubElement(channel, "image")
    _text(image, "url", url_for(base_url, FEED_COVER))
    _text(image, "title", title)
    _text(image, "link", url_for(base_url, "index.html"))
    ET.SubElement(channel, f"{{{NS['itunes']}}}category", {"text": "Health & Fitness"})
    _text(channel, f"{{{NS['podcast']}}}locked", "no")
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
    ET.SubElement(item, "enclosure", {"url": url_for(base_url, episode.path.name),
                                      "length": str(episode.path.stat().st_size), "type": "audio/mpeg"})
    _text(item, "guid", episode.guid, isPermaLink="false")
    _text(item, "pubDate", email.utils.format_datetime(episode.published))
    _text(item, f"{{{NS['itunes']}}}duration", _clock(episode.duration_s, hours=True))
    _text(item, f"{{{NS['itunes']}}}explicit", "false")
    _text(item, f"{{{NS['itunes']}}}episodeType", "full")
    if episode.sidecar(".chapters.json").exists():
        ET.SubElement(item, f"{{{NS['podcast']}}}chapters", {
            "url": url_for(base_url, episode.sidecar(".chapters.json").name), "type": "application/json+chapters"})
    if episode.sidecar(".vtt").exists():
        ET.SubElement(item, f"{{{NS['podcast']}}}transcript", {
            "url": url_for(base_url, episode.sidecar(".vtt").name), "type": "text/vtt", "language": "en"})


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _clock(seconds: float, hours: bool = False) -> str:
    total = round(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}" if hours or h else f"{m:02d}:{s:02d}"


def page(folder: Path, title: str = DEFAULT_TITLE) -> str:
    """A phone-friendly page: each episode with a player, its chapters (tap to seek) and its timeline picture."""
    parts = []
    for n, episode in enumerate(episodes(folder)):
        chapters = "".join(
            f'<li><a href="#" data-player="p{n}" data-seek="{start:.3f}">{_clock(start)} {html.escape(name)}</a></li>'
            for start, name in episode.chapters)
        picture = (f'<img class="plan" src="{quote(episode.sidecar(".svg").name)}" alt="Timeline of {html.escape(episode.title)}">'
                   if episode.sidecar(".svg").exists() else "")
        parts.append(f"""<section>
<h2>{html.escape(episode.title)}</h2>
<p class="meta">{_clock(episode.duration_s)} &middot; {episode.published:%Y-%m-%d}</p>
<audio id="p{n}" controls preload="metadata" src="{quote(episode.path.name)}"></audio>
<ol class="chapters">{chapters}</ol>
{picture}
</section>""")
    body = "\n".join(parts) or "<p>No sessions yet: build one with <code>audioguide build</code>.</p>"
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="alternate" type="application/rss+xml" title="{html.escape(title)}" href="feed.xml">
<style>
body {{ font-family: system-ui, sans-serif; margin: 0 auto; max-width: 44rem; padding: 1rem; line-height: 1.4; }}
audio {{ width: 100%; }}
.chapters a {{ display: block; padding: .45rem 0; text-decoration: none; }}
.plan {{ width: 100%; height: auto; border: 1px solid #ddd; }}
.meta {{ color: #666; margin-top: 0; }}
section {{ border-bottom: 1px solid #eee; padding-bottom: 1rem; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p><a href="feed.xml">Podcast feed</a>: add this page's feed.xml address to your podcast app.</p>
{body}
<script>
document.querySelectorAll("a[data-seek]").forEach(function (link) {{
  link.addEventListener("click", function (event) {{
    event.preventDefault();
    var player = document.getElementById(link.dataset.player);
    player.currentTime = parseFloat(link.dataset.seek);
    player.play();
  }});
}});
</script>
</body>
</html>
"""


def write(folder: Path, base_url: str, title: str = DEFAULT_TITLE) -> Path:
    """Write feed.xml, index.html and the feed's cover into folder; return the feed's path."""
    folder = Path(folder)
    if not folder.is_dir():
        raise AudioguideError(f"{folder}: no such folder")
    cover_path = folder / FEED_COVER
    with encoder.atomic_output(cover_path) as tmp:
        tmp.write_bytes(cover.render("feed:" + title, title, "sessions"))
    encoder.write_text(folder / "index.html", page(folder, title))
    target = folder / "feed.xml"
    encoder.write_text(target, rss(folder, base_url, title))
    return target
