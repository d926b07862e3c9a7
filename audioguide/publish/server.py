"""A small web server for the output folder: the feed, the page and the episodes, with byte ranges.

aiohttp's FileResponse does GET and HEAD, byte ranges (206, suffix and open-ended ranges, 416 when a range
cannot be satisfied), ETag and Last-Modified; this module decides what may be served at all. The feed and the
page are made per request, so their links follow whatever address the phone used to reach the server.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from ..errors import ServeError
from . import feed, page

SERVED_SUFFIXES = {".mp3": "audio/mpeg", ".json": "application/json", ".vtt": "text/vtt; charset=utf-8",
                   ".srt": "application/x-subrip; charset=utf-8", ".svg": "image/svg+xml", ".jpg": "image/jpeg",
                   ".xml": "application/rss+xml; charset=utf-8", ".html": "text/html; charset=utf-8"}


def make_app(folder: Path, title: str | None = None) -> web.Application:
    root = Path(folder).resolve()
    app = web.Application()

    def base_url(request: web.Request) -> str:
        return f"{request.scheme}://{request.host}/"

    async def feed_xml(request: web.Request) -> web.Response:
        text = await asyncio.to_thread(feed.rss, root, base_url(request), title)
        return web.Response(text=text, content_type="application/rss+xml", charset="utf-8")

    async def index(request: web.Request) -> web.Response:
        text = await asyncio.to_thread(page.render, root, title)
        return web.Response(text=text, content_type="text/html", charset="utf-8")

    async def file(request: web.Request) -> web.StreamResponse:
        path = _resolve(root, request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound()
        response = web.FileResponse(path)
        response.content_type = SERVED_SUFFIXES[path.suffix].split(";")[0]
        return response

    app.router.add_get("/", index)
    app.router.add_get("/index.html", index)
    app.router.add_get("/feed.xml", feed_xml)
    app.router.add_get("/{name}", file)
    return app


def _resolve(root: Path, name: str) -> Path | None:
    """The file called name directly inside root, if it is one we serve; None for anything else."""
    if "/" in name or "\\" in name or name.startswith(".") or Path(name).suffix not in SERVED_SUFFIXES:
        return None
    candidate = root / name
    if candidate.is_symlink() or not candidate.is_file():
        return None  # symlinks could lead out of the folder: not followed
    resolved = candidate.resolve()
    return resolved if resolved.parent == root else None


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses on its networks (what a phone on the same network would use)."""
    ip = shutil.which("ip")
    if ip:
        out = subprocess.run([ip, "-o", "-4", "addr", "show", "scope", "global"], capture_output=True, text=True).stdout
        found = [line.split()[3].split("/")[0] for line in out.splitlines() if len(line.split()) > 3]
        if found:
            return found
    try:
        return [a for a in socket.gethostbyname_ex(socket.gethostname())[2] if not a.startswith("127.")]
    except OSError:
        return []


@dataclass(frozen=True, slots=True)
class Listening:
    """Where the server answers, as a phone should be given it."""

    url: str                 # the base address, a LAN address when listening on every interface
    host: str                # the address listened on
    everywhere: bool         # listening on every network interface (anyone on the network can reach it)

    @property
    def reach(self) -> str:
        """Who can reach the server, in a sentence."""
        if self.everywhere:
            return "Listening on every network interface: anyone on your local network can reach these files."
        return f"Listening on {self.host} only: other devices cannot reach it (use --host 0.0.0.0 for a phone)."

    @property
    def feed_url(self) -> str:
        return f"{self.url}feed.xml"


def serve(folder: Path, host: str, port: int, title: str | None = None,
          ready: Callable[[Listening], None] | None = None) -> None:
    """Serve until interrupted: feed.xml, index.html and the cover are written for the address a phone would use,
    then ready(listening) is called. ServeError when the address cannot be listened on."""
    app = make_app(folder, title)

    async def main() -> None:
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as e:  # a port in use, an address this machine does not have, a name that does not resolve
            await runner.cleanup()
            raise ServeError(f"cannot listen on {host}:{port}: {e.strerror or e}") from e
        actual = runner.addresses[0][1] if runner.addresses else port
        everywhere = host in ("0.0.0.0", "::")
        shown = host
        if everywhere:
            lan = lan_addresses()
            shown = lan[0] if lan else host
        listening = Listening(f"http://{shown}:{actual}/", host, everywhere)
        await asyncio.to_thread(feed.write, folder, listening.url, title)
        if ready:
            ready(listening)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    asyncio.run(main())
