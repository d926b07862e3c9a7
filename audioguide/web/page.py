"""The page: sessions grouped by program and routine, newest first, each with a player, its chapters and a
timeline; subscribing (address, copy, QR code, app links); and, when served, making new sessions.

The markup is the template static/index.html; the script is ES modules in static/page/ (one per concern), which
draw the page from the sessions given as JSON in it, and from /api/sessions after a build. Constants both sides
need (the theme colour, cache names) are written once, in static/page/constants.js, and read from there.
"""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import string
from importlib import resources
from pathlib import Path

import segno

from .. import files
from ..pipeline import folder as sessions_folder

PAGE_FOLDER = "page"   # the modules and styles, beside index.html: page/app.js


@functools.cache
def constants() -> dict:
    """The constants of static/page/constants.js (export const NAME = JSON;), shared with the page."""
    text = _static(PAGE_FOLDER, "constants.js").read_text(encoding="utf-8")
    return {name: json.loads(value) for name, value in re.findall(r"^export const (\w+) = (.+);$", text, re.M)}


def page_files() -> list[str]:
    """The files of the page folder, as its service worker keeps them."""
    return list(constants()["PAGE_FILES"])


def render(listing: dict, feed_url: str, api: bool = False) -> str:
    """The page as HTML for a folder's listing (pipeline.folder.Folder.listing). api: served by
    'audioguide serve', so sessions can be made, deleted and kept offline."""
    data = {**listing, "feed": feed_url, "api": api}
    name = html.escape(listing["title"])
    qr = segno.make(feed_url, error="m").svg_inline(scale=1, border=2, omitsize=True,
                                                    title="QR code of the feed address")  # viewBox: CSS sizes it
    template = string.Template(_static("index.html").read_text(encoding="utf-8"))
    return template.substitute(
        title=name, theme_color=constants()["THEME_COLOR"], icon="icon-192.png" if api else "feed-cover.jpg",
        manifest='<link rel="manifest" href="manifest.webmanifest">' if api else "", feed_url=html.escape(feed_url),
        qr=qr, data=_json(data))


def write_site(folder: Path, base_url: str, title: str | None = None) -> tuple[Path, list[str]]:
    """Write the folder's feed.xml, its cover, index.html and the page's modules, so any web server can serve
    it; return the feed's path and the sessions left out because they could not be read (one line each)."""
    made = sessions_folder.write_site(folder, base_url, title, render)
    target = Path(folder) / PAGE_FOLDER
    target.mkdir(exist_ok=True)
    for name in page_files():
        with files.atomic_output(target / name) as tmp, _static(PAGE_FOLDER, name).open("rb") as source, \
                open(tmp, "wb") as out:
            shutil.copyfileobj(source, out)
    return made


def asset(name: str) -> bytes | None:
    """A file of the page folder by name, or None: nothing else is served from there."""
    return _static(PAGE_FOLDER, name).read_bytes() if name in page_files() else None


def _static(*parts: str):
    return resources.files("audioguide.web").joinpath("static", *parts)


def _json(value: dict) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/").replace("<!--", "<\\!--")
