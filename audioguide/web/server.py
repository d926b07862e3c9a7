"""A small web server for a folder of sessions: the page (an installable app), the feed, the sessions with byte
ranges, and the API to make and delete sessions (api.py).

aiohttp's FileResponse does GET and HEAD, byte ranges (206, suffix and open-ended ranges, 416 when a range
cannot be satisfied), ETag and Last-Modified; this module decides what may be served at all: the sessions
audioguide built in the folder and the files beside them, and what the page needs. The feed and the page are
made per request, so their links follow whatever address the phone used to reach the server.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
import shutil
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from aiohttp import web

from ..errors import ServeError
from ..pipeline.folder import Folder, feed_url, icon_png
from ..pipeline.options import DEFAULTS, BuildOptions
from . import http, page
from .api import Api
from .editor import MAX_BODY_BYTES

ICON_SIZES = (192, 512)


def make_app(folder: Path, title: str | None = None, options: BuildOptions = DEFAULTS, token: str | None = None,
             warn: Callable[[str], None] | None = None) -> web.Application:
    """The server for folder; without a token, the page and feed are there but nothing can be made or deleted.
    warn(line) says what the server skipped (a session it cannot read), once each."""
    served = Folder(Path(folder).resolve(), title, warn)
    api = Api(served, options, token)
    app = web.Application(client_max_size=MAX_BODY_BYTES,  # the editor's routines are the largest bodies
                          middlewares=[http.answered])

    def base_url(request: web.Request) -> str:
        return f"{request.scheme}://{request.host}/"

    async def feed_xml(request: web.Request) -> web.Response:
        text = await asyncio.to_thread(served.rss, base_url(request))
        return web.Response(text=text, content_type="application/rss+xml", charset="utf-8")

    async def index(request: web.Request) -> web.Response:
        listing = await asyncio.to_thread(served.listing)
        text = await asyncio.to_thread(page.render, listing, feed_url(base_url(request)), True)
        return web.Response(text=text, content_type="text/html", charset="utf-8")

    async def feed_cover(request: web.Request) -> web.Response:
        return web.Response(body=await asyncio.to_thread(served.cover_art), content_type="image/jpeg")

    async def manifest(request: web.Request) -> web.Response:
        name = (await asyncio.to_thread(served.heading))[0]
        return web.json_response({
            "name": name, "short_name": "audioguide", "start_url": "./", "scope": "./", "display": "standalone",
            "background_color": "#ffffff", "theme_color": page.constants()["THEME_COLOR"],
            "description": "Voice-guided exercise sessions",
            "icons": [{"src": f"icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
                      for size in ICON_SIZES]}, content_type="application/manifest+json")

    async def icon(request: web.Request) -> web.Response:
        size = int(request.match_info["size"])
        if size not in ICON_SIZES:
            raise web.HTTPNotFound()
        return web.Response(body=await asyncio.to_thread(icon_png, size), content_type="image/png")

    async def service_worker(request: web.Request) -> web.Response:
        text = resources.files("audioguide.web").joinpath("static", "sw.js").read_text(encoding="utf-8")
        return web.Response(text=text, content_type="text/javascript", charset="utf-8",
                            headers={"Cache-Control": "no-cache"})

    async def page_file(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        body = page.asset(name)
        if body is None:
            raise web.HTTPNotFound()
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        return web.Response(body=body, content_type=kind, charset="utf-8", headers={"Cache-Control": "no-cache"})

    async def file(request: web.Request) -> web.StreamResponse:
        found = served.served(request.match_info["name"])
        if found is None:
            raise web.HTTPNotFound()
        path, kind = found
        try:
            info = path.stat()
        except OSError:
            raise web.HTTPNotFound()  # gone since it was looked at (deleted, rebuilt)
        response = _FileResponse(path, _ranges_per_rfc9110(request, info))
        response.content_type = kind
        return response

    async def start(app: web.Application) -> None:
        api.builds.start()

    async def stop(app: web.Application) -> None:
        await api.builds.stop()

    app.on_startup.append(start)
    app.on_cleanup.append(stop)
    app.add_routes([*api.routes(), web.get("/", index), web.get("/index.html", index), web.get("/feed.xml", feed_xml),
                    web.get("/feed-cover.jpg", feed_cover), web.get("/manifest.webmanifest", manifest),
                    web.get("/sw.js", service_worker), web.get(r"/icon-{size:\d+}.png", icon),
                    web.get(f"/{page.PAGE_FOLDER}/{{name}}", page_file), web.get("/{name}", file)])
    return app


def _ranges_per_rfc9110(request: web.Request, info) -> web.Request:
    """The request as aiohttp should see it: a Range that If-Range says is stale is dropped (aiohttp compares
    If-Range as a date only, so a resumed download after a rebuild would splice two files), and 'bytes=-0', which
    asks for nothing, is refused with 416."""
    wanted = request.headers.get("Range")
    if wanted is None:
        return request
    if re.fullmatch(r"\s*bytes\s*=\s*-0+\s*", wanted):
        raise web.HTTPRequestRangeNotSatisfiable(headers={"Content-Range": f"bytes */{info.st_size}"})
    condition = request.headers.get("If-Range")
    if condition is None:
        return request
    etag = f'"{info.st_mtime_ns:x}-{info.st_size:x}"'
    if condition.startswith(("\"", "W/")):
        fresh = condition.strip() == etag  # strong comparison: a weak tag never matches
    else:
        when = parsedate_to_datetime_or_none(condition)
        # the Last-Modified sent for this file (aiohttp rounds the time up to the second): exactly that date
        fresh = when is not None and 0 <= when.timestamp() - info.st_mtime < 1
    headers = request.headers.copy()
    for name in ("If-Range",) if fresh else ("Range", "If-Range"):  # decided here: aiohttp must not decide again
        headers.popall(name, None)
    return request.clone(headers=headers)


class _FileResponse(web.FileResponse):
    """A FileResponse that answers the request as _ranges_per_rfc9110 rewrote it."""

    def __init__(self, path: Path, answering: web.Request):
        super().__init__(path)
        self._answering = answering

    async def prepare(self, request: web.BaseRequest):
        return await super().prepare(self._answering)


def parsedate_to_datetime_or_none(text: str):
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None


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
    token: str | None = None

    @property
    def feed_url(self) -> str:
        return f"{self.url}feed.xml"

    @property
    def page_url(self) -> str:
        """The page, with the token that lets it make and delete sessions."""
        return f"{self.url}?token={self.token}" if self.token else self.url

    @property
    def reach(self) -> str:
        """Who can reach the server, in a sentence."""
        if self.everywhere:
            return "Listening on every network interface: anyone on your local network can reach these files."
        return f"Listening on {self.host} only: other devices cannot reach it (use --host 0.0.0.0 for a phone)."


def serve(folder: Path, host: str, port: int, title: str | None = None,
          ready: Callable[[Listening], None] | None = None, options: BuildOptions = DEFAULTS,
          token: str | None = None, warn: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted: the folder's feed, page and cover are written for the address a phone would use,
    then ready(listening) is called. ServeError when the address cannot be listened on."""
    app = make_app(folder, title, options, token, warn)

    async def main() -> None:
        # a stopping server waits at most 2 s for open connections (a browser keeps idle ones open for minutes)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
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
        listening = Listening(f"http://{shown}:{actual}/", host, everywhere, token)
        await asyncio.to_thread(page.write_site, folder, listening.url, title)
        if ready:
            ready(listening)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()

    asyncio.run(main())

