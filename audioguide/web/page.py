"""The page: sessions grouped by program and routine, newest first, each with a player, its chapters and a
timeline; subscribing (address, copy, QR code, app links); and, when served, making new sessions.

One HTML file with its CSS and JavaScript inline (static/app.css, static/app.js) and the sessions as JSON; the
script draws the page from that JSON, and from /api/sessions after a build.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path

import segno

from .. import files
from ..errors import FileError
from ..publish import feed, safe, sidecars
from ..publish.episodes import Episode, episodes, heading


def sessions(found: list[Episode], title: str | None = None) -> dict:
    """The sessions as the page draws them: groups (a program's days, a routine's sessions), newest first."""
    groups: dict[str, dict] = {}
    for episode in found:  # found is newest first: so are the groups and their sessions
        key, name = _group(episode)
        group = groups.setdefault(key, {"key": key, "title": name, "sessions": []})
        group["sessions"].append(_session(episode, name))
    return {"title": heading(found, title)[0], "groups": list(groups.values())}


def _group(episode: Episode) -> tuple[str, str]:
    if episode.session is not None:
        return f"program:{episode.program}", episode.session["program_title"]
    if episode.routine:
        return f"routine:{episode.routine}", episode.routine_title or episode.routine
    return "other", "Other sessions"


def _session(episode: Episode, group_title: str) -> dict:
    ends = [start for start, _ in episode.chapters[1:]] + [episode.duration_s]
    cover = sidecars.beside(episode.path, ".jpg")
    return {"file": episode.path.name, "title": episode.title, "duration_s": round(episode.duration_s, 3),
            "date": f"{episode.published:%Y-%m-%d}", "group_title": group_title,
            "cover": cover.name if cover.exists() else None,
            "chapters": [{"start_s": start, "end_s": end, "title": name}
                         for (start, name), end in zip(episode.chapters, ends)]}


def render(found: list[Episode], feed_url: str, title: str | None = None, api: bool = False) -> str:
    """The page as HTML. api: served by 'audioguide serve', so sessions can be made, deleted and kept offline."""
    data = {**sessions(found, title), "feed": feed_url, "api": api}
    name = html.escape(safe.xml(data["title"]))
    qr = segno.make(feed_url, error="m").svg_inline(scale=4, border=2, title="QR code of the feed address")
    app = _asset("app.js")
    manifest = '<link rel="manifest" href="manifest.webmanifest">' if api else ""
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="#0b5cad">
<title>{name}</title>
<link rel="alternate" type="application/rss+xml" title="{name}" href="feed.xml">
<link rel="icon" href="{'icon-192.png' if api else 'feed-cover.jpg'}">
{manifest}
<style>{_asset("app.css")}</style>
</head>
<body>
<header><h1>{name}</h1></header>
<main>
<section id="make" class="card" aria-labelledby="make-title" hidden>
<h2 id="make-title">Make a session</h2>
<form id="make-form">
<label for="what">Routine, or a program's day</label>
<select id="what" name="what"></select>
<div id="length">
<label for="minutes">Length: <output id="minutes-shown" for="minutes">10</output> minutes</label>
<input type="range" id="minutes" name="minutes" min="1" max="60" step="0.5" value="10">
<div class="row presets" role="group" aria-label="Length presets">
<button type="button" data-minutes="5">5</button><button type="button" data-minutes="10">10</button>
<button type="button" data-minutes="15">15</button><button type="button" data-minutes="20">20</button>
</div>
</div>
<div id="program-day" hidden>
<label for="start">The program's first day</label><input type="date" id="start" name="start">
<label for="day">Day</label><input type="number" id="day" name="day" min="1" value="1">
</div>
<label for="voice">Voice</label><select id="voice" name="voice"></select>
<label for="music">Music</label><select id="music" name="music"></select>
<p id="no-token" class="note" hidden>To make sessions here, open the page from the link or QR code that
<code>audioguide serve</code> prints: it carries the key.</p>
<p><button type="submit" id="make-button" class="primary">Make</button></p>
<div id="build" hidden>
<progress id="build-progress" max="1" value="0" aria-label="Progress of the session being made"></progress>
<p id="build-stage" role="status" aria-live="polite"></p>
</div>
</form>
</section>
<div id="sessions"></div>
<section id="subscribe" class="card" aria-labelledby="subscribe-title">
<h2 id="subscribe-title">Subscribe</h2>
<label for="feed-url">Podcast feed address</label>
<div class="feed-address"><input type="text" id="feed-url" readonly value="{html.escape(feed_url)}">
<button type="button" id="copy">Copy</button></div>
<p id="copied" role="status" aria-live="polite"></p>
<div class="qr" role="img" aria-label="QR code of the feed address">{qr}</div>
<p>Open in a podcast app:</p>
<ul class="apps" id="apps"></ul>
<ul class="help">
<li><strong>iPhone:</strong> tap Apple Podcasts or Overcast above; in another app, add a show by URL and paste
the address.</li>
<li><strong>Android:</strong> tap AntennaPod, Pocket Casts or Podcast Addict above, or add a podcast by URL in
your app and paste the address.</li>
<li><strong>Computer:</strong> in gPodder, Subscriptions, Add podcast via URL; or scan the QR code with a phone.</li>
</ul>
</section>
</main>
<script id="data" type="application/json">{_json(data)}</script>
<script>{app}</script>
</body>
</html>
"""


def write_site(folder: Path, base_url: str, title: str | None = None) -> tuple[Path, list[str]]:
    """Write the folder's feed.xml, its cover and index.html, so any web server can serve it; return the feed's
    path and the sessions left out because they could not be read (one line each)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileError(f"{folder}: no such folder")
    skipped: list[str] = []
    found = episodes(folder, skipped)
    target = feed.write(folder, base_url, found, title)
    files.write_text(folder / "index.html", render(found, feed.url_for(base_url, "feed.xml"), title))
    return target, skipped


def _asset(name: str) -> str:
    return resources.files("audioguide.web").joinpath("static", name).read_text(encoding="utf-8")


def _json(value: dict) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")

