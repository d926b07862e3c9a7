"""The JSON API the page uses, also usable from curl or a phone shortcut (docs/api.md).

Reading is open; making and deleting need the server's token (Authorization: Bearer TOKEN). Requests name
built-in or user-folder definitions by id and files of the served folder by name, never a path. This module
parses HTTP and maps errors to statuses; what can be made, what a request is called and how it is built are
the pipeline's (catalogue, requests, folder).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from dataclasses import replace
from typing import Any

from aiohttp import web

from .. import language, times
from ..errors import AudioguideError, UnknownNameError
from ..pipeline.catalogue import Catalogue
from ..pipeline.folder import Folder
from ..pipeline.options import BuildOptions
from ..pipeline.requests import BuildRequest, build, targets
from .daily import Daily
from .editor import Editor
from .http import Token, body, fail
from .jobs import AlreadyAsked, Builds, QueueFull, Stopped

ROUTINE_KEYS = {"routine", "minutes", "engine", "voice", "music", "seed", "language"}
PROGRAM_KEYS = {"program", "day", "start", "engine", "voice", "music", "seed", "language"}


class Api:
    """The handlers, sharing the served folder, the build options, the token and the build queue."""

    def __init__(self, served: Folder, options: BuildOptions, token: str | None):
        self.folder = served
        self.options = replace(options, output_dir=served.root)
        self.catalogue = Catalogue(self.options)
        self.token = Token(token)
        self.builds = Builds()

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/api/health", self.health),
                web.get("/api/sessions", self.sessions), web.get("/api/routines", self.routines),
                web.get("/api/programs", self.programs), web.get("/api/voices", self.voices),
                web.get("/api/voices/preview", self.preview),
                web.get("/api/music", self.music), web.post("/api/builds", self.submit),
                web.get("/api/builds/{id}", self.job), web.delete("/api/sessions/{file}", self.delete),
                *Daily(self.folder, self.options, self.token).routes(), *Editor(self.options, self.token).routes()]

    # -- reading ---------------------------------------------------------------------------------------

    async def health(self, request: web.Request) -> web.Response:
        """The server answers: the page's offline banner asks this (never answered from its cache)."""
        return web.json_response({"ok": True}, headers={"Cache-Control": "no-store"})

    async def sessions(self, request: web.Request) -> web.Response:
        return web.json_response(await asyncio.to_thread(self.folder.listing))

    async def routines(self, request: web.Request) -> web.Response:
        try:  # measuring the ranges renders speech: a stopping server ends it at the next clip
            found = await asyncio.to_thread(self.catalogue.routines, self._unless_stopping)
        except Stopped:
            fail(web.HTTPServiceUnavailable, "the server is stopping")
        return web.json_response({"routines": [
            {"id": r.id, "title": r.title, "description": r.description,
             "shortest_minutes": round(r.shortest_s / 60, 2), "longest_minutes": round(r.longest_s / 60, 2),
             "keeps": [{"from_minutes": round(seconds / 60, 2), "exercises": list(kept)} for seconds, kept in r.keeps],
             "languages": [{"tag": tag, "name": language.name(tag)} for tag in r.languages],
             "equipment": list(r.equipment)}
            for r in found]})

    def _unless_stopping(self, *_: object) -> None:
        if self.builds.stopping.is_set():
            raise Stopped()

    async def programs(self, request: web.Request) -> web.Response:
        found = await asyncio.to_thread(self.catalogue.programs)
        return web.json_response({"programs": [dataclasses.asdict(p) for p in found]})

    async def voices(self, request: web.Request) -> web.Response:
        found = await asyncio.to_thread(self.catalogue.voices)
        return web.json_response({"voices": [dataclasses.asdict(v) for v in found],
                                  "default": self.catalogue.default_engine()})

    async def preview(self, request: web.Request) -> web.Response:
        engine, voice = request.query.get("engine"), request.query.get("voice")
        try:
            wav = await asyncio.to_thread(self.catalogue.preview, engine, voice)
        except AudioguideError as e:  # the voice was offered but cannot speak now (its files damaged since)
            fail(web.HTTPServiceUnavailable, f"voice: {e}")
        except ValueError as e:  # not a voice /api/voices offers: the field named
            fail(web.HTTPBadRequest, str(e))
        return web.Response(body=wav, content_type="audio/wav", headers={"Cache-Control": "max-age=86400"})

    async def music(self, request: web.Request) -> web.Response:
        return web.json_response({"music": self.folder.music()})

    async def job(self, request: web.Request) -> web.Response:
        found = self.builds.jobs.get(request.match_info["id"])
        if found is None:
            fail(web.HTTPNotFound, f"no build {request.match_info['id']!r}")
        return web.json_response(found.view())

    # -- making and deleting ---------------------------------------------------------------------------

    async def submit(self, request: web.Request) -> web.Response:
        self.token.allow(request)
        asked_for = await body(request, '{"routine": ID, "minutes": 10}')
        asked = self._program(asked_for) if "program" in asked_for else self._routine(asked_for)
        options = self._options(asked_for)
        try:
            target = (await asyncio.to_thread(targets, asked, options))[0]
        except UnknownNameError as e:
            fail(web.HTTPNotFound, f"{e}; GET /api/{'programs' if asked.is_program else 'routines'} lists them")
        except AudioguideError as e:
            fail(web.HTTPBadRequest, str(e))

        def run(report) -> str:
            outcome = build(asked, options, report)[0]
            if outcome.error is not None:
                raise outcome.error
            assert outcome.path is not None
            return outcome.path.name
        try:
            job = self.builds.submit(target, run)
        except AlreadyAsked:
            fail(web.HTTPConflict, f"{target} is being made already")
        except QueueFull:
            fail(web.HTTPTooManyRequests, f"{self.builds.size} builds are waiting already; try again later")
        return web.json_response({"id": job.id, "state": job.state}, status=202)

    def _routine(self, body: dict[str, Any]) -> BuildRequest:
        self._keys(body, ROUTINE_KEYS, "routine")
        routine_id = body.get("routine")
        if not isinstance(routine_id, str) or not _is_id(routine_id):
            fail(web.HTTPNotFound, f"no routine {routine_id!r}; GET /api/routines lists them")
        minutes = body.get("minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float, str)):
            fail(web.HTTPBadRequest, f"minutes: expected a number of minutes, found {minutes!r}")
        try:
            return BuildRequest(routine_id, (times.parse_length(str(minutes)),), library_only=True)
        except AudioguideError as e:
            fail(web.HTTPBadRequest, str(e))

    def _program(self, body: dict[str, Any]) -> BuildRequest:
        self._keys(body, PROGRAM_KEYS, "program")
        program_id = body.get("program")
        if not isinstance(program_id, str) or not _is_id(program_id):
            fail(web.HTTPNotFound, f"no program {program_id!r}; GET /api/programs lists them")
        try:
            start = dt.date.fromisoformat(str(body.get("start")))
        except ValueError:
            fail(web.HTTPBadRequest, f"start: expected a date as YYYY-MM-DD, found {body.get('start')!r}")
        day = body.get("day")
        if isinstance(day, bool) or not isinstance(day, int):
            fail(web.HTTPBadRequest, f"day: expected a day of the program as a whole number, found {day!r}")
        return BuildRequest(program_id, start=start, days=frozenset({day}), library_only=True)

    def _keys(self, body: dict, allowed: set[str], kind: str) -> None:
        unknown = sorted(set(body) - allowed)
        if unknown:
            fail(web.HTTPBadRequest, f"unknown key {unknown[0]!r} for a {kind} build; "
                                     f"expected {', '.join(sorted(allowed))}")

    def _options(self, body: dict[str, Any]) -> BuildOptions:
        engine, voice, music, seed, spoken = (body.get(k) for k in ("engine", "voice", "music", "seed", "language"))
        if spoken is not None and (isinstance(spoken, bool) or not isinstance(spoken, str) or language.check(spoken)):
            fail(web.HTTPBadRequest, f"language: {language.check(spoken) or 'expected a tag such as es'}")
        if engine is not None and not isinstance(engine, str):
            fail(web.HTTPBadRequest, f"engine: expected the name of an engine, found {engine!r}")
        try:
            spec = self.catalogue.engine_for(engine, voice)
        except ValueError as e:
            fail(web.HTTPBadRequest, str(e))
        if music is not None and music not in self.folder.music():
            fail(web.HTTPBadRequest, f"music: expected a file from GET /api/music, found {music!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            fail(web.HTTPBadRequest, f"seed: expected a whole number from 0, found {seed!r}")
        if spoken is not None and language.key(spoken) != "en":  # the server's own voice may be English's
            spec = replace(spec, voice=spec.voice if voice is not None else None, language=spoken)
        return replace(self.options, engine=spec, music=self.folder.root / music if music else None, seed=seed,
                       language=spoken)

    async def delete(self, request: web.Request) -> web.Response:
        self.token.allow(request)
        name = request.match_info["file"]
        if any(j.target == name for j in self.builds.waiting()):
            fail(web.HTTPConflict, f"{name} is being made; delete it once it is done")
        try:
            await asyncio.to_thread(self.folder.remove, name)
        except UnknownNameError as e:
            fail(web.HTTPNotFound, str(e))
        return web.json_response({"deleted": name})


def _is_id(text: str) -> bool:
    """A definition's id, never a path: requests name what the catalogue lists."""
    return bool(text) and "/" not in text and "\\" not in text and not text.startswith(".")
