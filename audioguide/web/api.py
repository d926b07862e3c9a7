"""The JSON API the page uses, also usable from curl or a phone shortcut (docs/api.md).

Reading is open; making and deleting need the server's token (Authorization: Bearer TOKEN). Requests name
built-in or user-folder definitions by id and files of the served folder by name, never a path.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import secrets
from dataclasses import replace
from pathlib import Path

from aiohttp import web

from .. import definitions, pipeline, schedule, speech, times
from ..errors import AudioguideError, MissingToolError
from ..publish import episodes, sidecars, split
from ..speech import EngineSpec
from . import page
from .jobs import AlreadyAsked, Builds, QueueFull

MUSIC_SUFFIXES = (".mp3", ".ogg", ".oga", ".opus", ".flac", ".wav", ".m4a", ".aac")
ROUTINE_KEYS = {"routine", "minutes", "engine", "voice", "music", "seed"}
PROGRAM_KEYS = {"program", "day", "start", "engine", "voice", "music", "seed"}


def _error(status: type[web.HTTPException], message: str) -> web.HTTPException:
    return status(text=json.dumps({"error": message}), content_type="application/json")


class Api:
    """The handlers, sharing the served folder, the build options, the token and the build queue."""

    def __init__(self, root: Path, options: pipeline.BuildOptions, token: str | None, title: str | None):
        self.root = root
        self.options = replace(options, output_dir=root)
        self.token = token
        self.title = title
        self.builds = Builds()
        self.ranges: dict[str, tuple[float, float]] = {}
        self._listed: set[tuple[str, str]] | None = None

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/api/sessions", self.sessions), web.get("/api/routines", self.routines),
                web.get("/api/programs", self.programs), web.get("/api/voices", self.voices),
                web.get("/api/music", self.music), web.post("/api/builds", self.submit),
                web.get("/api/builds/{id}", self.job), web.delete("/api/sessions/{file}", self.delete)]

    # -- reading ---------------------------------------------------------------------------------------

    async def sessions(self, request: web.Request) -> web.Response:
        found = await asyncio.to_thread(episodes.episodes, self.root)
        return web.json_response(page.sessions(found, self.title))

    async def routines(self, request: web.Request) -> web.Response:
        library = await asyncio.to_thread(definitions.load_library)
        out = []
        for routine in sorted(library.routines.values(), key=lambda r: r.title):
            shortest, longest = await asyncio.to_thread(self._range, routine)
            out.append({"id": routine.id, "title": routine.title, "description": routine.description,
                        "shortest_minutes": round(shortest / 60, 2), "longest_minutes": round(longest / 60, 2)})
        return web.json_response({"routines": out})

    def _range(self, routine) -> tuple[float, float]:
        key = repr(routine)
        if key not in self.ranges:
            try:
                self.ranges[key] = pipeline.length_range(routine, self.options)
            except MissingToolError:
                from ..compiler import estimated_range
                self.ranges[key] = estimated_range(routine)
        return self.ranges[key]

    async def programs(self, request: web.Request) -> web.Response:
        library = await asyncio.to_thread(definitions.load_library)
        out = []
        for program in sorted(library.programs.values(), key=lambda p: p.title):
            minutes = [m for rules in program.weeks for m in (rules.first_minutes, rules.last_minutes)]
            out.append({"id": program.id, "title": program.title, "description": program.description,
                        "weeks": program.n_weeks, "days": schedule.last_day(program),
                        "shortest_minutes": min(minutes), "longest_minutes": max(minutes)})
        return web.json_response({"programs": out})

    async def voices(self, request: web.Request) -> web.Response:
        listed = await asyncio.to_thread(speech.catalogue)
        chosen = speech.resolve(self.options.engine.name)
        out = [{"engine": found.engine, "voice": voice.id, "label": f"{found.engine}: {voice.name}"}
               for found in sorted(listed, key=lambda f: f.engine != chosen) if not found.unavailable
               for voice in found.voices]
        return web.json_response({"voices": out, "default": chosen})

    async def music(self, request: web.Request) -> web.Response:
        return web.json_response({"music": self._music()})

    def _music(self) -> list[str]:
        """Audio files in the folder that are not sessions: what a build may use as its music bed."""
        return sorted(p.name for p in self.root.iterdir() if p.suffix.lower() in MUSIC_SUFFIXES
                      and not p.name.startswith(".") and p.is_file() and not p.is_symlink()
                      and not episodes.is_session(p))

    async def job(self, request: web.Request) -> web.Response:
        found = self.builds.jobs.get(request.match_info["id"])
        if found is None:
            raise _error(web.HTTPNotFound, f"no build {request.match_info['id']!r}")
        return web.json_response(found.view())

    # -- making and deleting ---------------------------------------------------------------------------

    def _allow(self, request: web.Request) -> None:
        given = request.headers.get("Authorization", "")
        if not self.token or not secrets.compare_digest(given.encode(), f"Bearer {self.token}".encode()):
            raise _error(web.HTTPForbidden, "making and deleting sessions need the token that 'audioguide serve' "
                                            "printed (Authorization: Bearer TOKEN)")

    async def submit(self, request: web.Request) -> web.Response:
        self._allow(request)
        try:
            body = await request.json()
        except (ValueError, UnicodeDecodeError):
            raise _error(web.HTTPBadRequest, "expected a JSON object such as {\"routine\": ID, \"minutes\": 10}")
        if not isinstance(body, dict):
            raise _error(web.HTTPBadRequest, f"expected a JSON object, found {type(body).__name__}")
        library = await asyncio.to_thread(definitions.load_library)
        target, run = self._program(body, library) if "program" in body else self._routine(body, library)
        try:
            job = self.builds.submit(target, run)
        except AlreadyAsked:
            raise _error(web.HTTPConflict, f"{target} is being made already")
        except QueueFull:
            raise _error(web.HTTPTooManyRequests, f"{self.builds.size} builds are waiting already; try again later")
        return web.json_response({"id": job.id, "state": job.state}, status=202)

    def _routine(self, body: dict, library) -> tuple[str, object]:
        self._keys(body, ROUTINE_KEYS, "routine")
        routine_id = body.get("routine")
        if not isinstance(routine_id, str) or routine_id not in library.routines:
            raise _error(web.HTTPNotFound, f"no routine {routine_id!r}; GET /api/routines lists them")
        minutes = body.get("minutes")
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float, str)):
            raise _error(web.HTTPBadRequest, f"minutes: expected a number of minutes, found {minutes!r}")
        try:
            length_s = times.parse_length(str(minutes))
        except AudioguideError as e:
            raise _error(web.HTTPBadRequest, str(e))
        options = replace(self._options(body), length_s=length_s)
        return (f"{routine_id}-{times.label(length_s)}.mp3",
                lambda report: pipeline.build(routine_id, options, report).path.name)

    def _program(self, body: dict, library) -> tuple[str, object]:
        self._keys(body, PROGRAM_KEYS, "program")
        program_id = body.get("program")
        if not isinstance(program_id, str) or program_id not in library.programs:
            raise _error(web.HTTPNotFound, f"no program {program_id!r}; GET /api/programs lists them")
        program = library.programs[program_id]
        try:
            start = dt.date.fromisoformat(str(body.get("start")))
        except ValueError:
            raise _error(web.HTTPBadRequest, f"start: expected a date as YYYY-MM-DD, found {body.get('start')!r}")
        day = body.get("day")
        session = next((s for s in schedule.sessions(program, start) if s.day == day), None)
        if isinstance(day, bool) or not isinstance(day, int) or not 1 <= day <= schedule.last_day(program):
            raise _error(web.HTTPBadRequest, f"day: expected a day from 1 to {schedule.last_day(program)}, "
                                             f"found {day!r}")
        if session is None:
            raise _error(web.HTTPBadRequest, f"day {day} of {program_id} is a rest day")
        options = self._options(body)

        def run(report) -> str:
            _, outcomes = pipeline.build_program(program_id, start, options, days=[day], progress=report)
            if outcomes[0].error is not None:
                raise outcomes[0].error
            return outcomes[0].path.name

        return f"{session.file_stem()}.mp3", run

    def _keys(self, body: dict, allowed: set[str], kind: str) -> None:
        unknown = sorted(set(body) - allowed)
        if unknown:
            raise _error(web.HTTPBadRequest, f"unknown key {unknown[0]!r} for a {kind} build; "
                                             f"expected {', '.join(sorted(allowed))}")

    def _options(self, body: dict) -> pipeline.BuildOptions:
        engine, voice, music, seed = (body.get(k) for k in ("engine", "voice", "music", "seed"))
        if engine is not None and (not isinstance(engine, str) or engine not in ("auto", *speech.ENGINES)):
            raise _error(web.HTTPBadRequest, f"engine: expected auto or one of {', '.join(speech.ENGINES)}, "
                                             f"found {engine!r}")
        name = speech.resolve(engine or self.options.engine.name)
        if voice is not None and (name, voice) not in self._voices():  # never a path to a model file
            raise _error(web.HTTPBadRequest, f"voice: expected a {name} voice from GET /api/voices, found {voice!r}")
        if music is not None and music not in self._music():
            raise _error(web.HTTPBadRequest, f"music: expected a file from GET /api/music, found {music!r}")
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
            raise _error(web.HTTPBadRequest, f"seed: expected a whole number from 0, found {seed!r}")
        chosen = voice if voice is not None else (self.options.engine.voice if engine is None else None)
        spec = EngineSpec(name, chosen, self.options.engine.rate)
        return replace(self.options, engine=spec, music=self.root / music if music else None, seed=seed)

    def _voices(self) -> set[tuple[str, str]]:
        if self._listed is None:
            self._listed = {(found.engine, v.id) for found in speech.catalogue() for v in found.voices}
        return self._listed

    async def delete(self, request: web.Request) -> web.Response:
        self._allow(request)
        name = request.match_info["file"]
        path = self.root / name
        if "/" in name or "\\" in name or not episodes.is_session(path):
            raise _error(web.HTTPNotFound, f"no session {name!r} in the served folder")
        if any(j.target == name for j in self.builds.waiting()):
            raise _error(web.HTTPConflict, f"{name} is being made; delete it once it is done")
        for suffix in (".plan.json", *[s for s in sidecars.SUFFIXES if s != ".plan.json"], ".jpg"):
            sidecars.beside(path, suffix).unlink(missing_ok=True)  # the plan first: without it, no episode
        path.unlink(missing_ok=True)
        split.remove(path)
        return web.json_response({"deleted": name})
