"""The daily practice's endpoints (docs/api.md): the program followed, today's card, the practice log. Parsing
and statuses only: what they mean is the pipeline's (state, practice)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt

from aiohttp import web

from ..errors import AudioguideError, UnknownNameError, UsageError
from ..pipeline import practice, state
from ..pipeline.folder import Folder
from ..pipeline.options import BuildOptions
from .http import Token, body, fail


class Daily:
    def __init__(self, served: Folder, options: BuildOptions, token: Token):
        self.folder, self.options, self.token = served, options, token

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/api/today", self.today), web.put("/api/program", self.follow),
                web.get("/api/log", self.log), web.post("/api/log", self.add),
                web.get("/api/calendar", self.calendar_address), web.get("/calendar.ics", self.calendar)]

    async def today(self, request: web.Request) -> web.Response:
        card = await asyncio.to_thread(practice.today_card, self.options.definition_paths)
        if card.get("session"):
            card["session"]["built"] = self.folder.served(card["session"]["file"]) is not None
        return web.json_response(card)

    async def follow(self, request: web.Request) -> web.Response:
        self.token.allow(request)
        asked = await body(request, '{"program": ID, "start": "YYYY-MM-DD"}')
        program, start = asked.get("program"), asked.get("start")
        if not isinstance(program, str):
            fail(web.HTTPBadRequest, f"program: expected a program's id from GET /api/programs, found {program!r}")
        try:
            first = dt.date.fromisoformat(start) if isinstance(start, str) else None
        except ValueError:
            first = None
        if first is None:
            fail(web.HTTPBadRequest, f"start: expected a date as YYYY-MM-DD, found {start!r}")
        try:
            following = await asyncio.to_thread(state.follow, program, first, self.options.definition_paths)
        except UnknownNameError as e:
            fail(web.HTTPNotFound, f"program: {e}")
        return web.json_response({"program": following.program, "start": following.start.isoformat()})

    async def log(self, request: web.Request) -> web.Response:
        try:
            found = await asyncio.to_thread(practice.history, self.options.definition_paths)
        except AudioguideError as e:  # a damaged log: said, and the server keeps serving sessions
            fail(web.HTTPServiceUnavailable, f"log: {e}")
        return web.json_response({"entries": [{**dataclasses.asdict(e), "done_on": e.done_on.isoformat()}
                                              for e in found.entries],
                                  "streak_days": found.streak_days, "longest_days": found.longest_days,
                                  "minutes_by_week": found.minutes_by_week})

    async def add(self, request: web.Request) -> web.Response:
        self.token.allow(request)
        asked = await body(request, '{"file": NAME, "played_s": SECONDS}')
        name, played = asked.get("file"), asked.get("played_s")
        if isinstance(played, bool) or not isinstance(played, (int, float)) or not 0 < played <= practice.MAX_PLAYED_S:
            fail(web.HTTPBadRequest, f"played_s: expected seconds from 0 to {practice.MAX_PLAYED_S}, found {played!r}")
        try:
            path = self.folder.session(name if isinstance(name, str) else "")
        except UnknownNameError:
            fail(web.HTTPBadRequest, f"file: expected a session from GET /api/sessions, found {name!r}")
        try:
            entry = await asyncio.to_thread(practice.record_file, path, float(played))
        except AudioguideError as e:
            fail(web.HTTPServiceUnavailable, f"log: {e}")
        return web.json_response({**dataclasses.asdict(entry), "done_on": entry.done_on.isoformat()}, status=201)

    async def calendar_address(self, request: web.Request) -> web.Response:
        """The reminders calendar's key, for a page that holds the server's key (which it never puts in an
        address a calendar app would keep)."""
        return web.json_response({"key": state.calendar_key(self.token.allow(request))})

    async def calendar(self, request: web.Request) -> web.Response:
        """The followed program's sessions as calendar events (calendar apps send no headers: the calendar's own
        key is in the address; it opens this calendar and nothing else)."""
        given = request.query.get("key", "")
        if not self.token.matches(given, state.calendar_key):
            fail(web.HTTPForbidden, "key: the calendar's address needs its key (the page's reminders link has it)")
        at = practice.time_of_day(request.query.get("time", "07:30"))
        if at is None:
            fail(web.HTTPBadRequest, f"time: expected a time of day such as 07:30, found {request.query.get('time')!r}")
        try:
            _, data = await asyncio.to_thread(practice.reminders, None, None, at, str(request.url.origin()) + "/",
                                              self.options.definition_paths)
        except UsageError:
            fail(web.HTTPNotFound, "program: none is followed; PUT /api/program or 'audioguide program follow'")
        return web.Response(body=data, content_type="text/calendar", charset="utf-8")
