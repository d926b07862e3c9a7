"""The editor's endpoints (docs/api.md): the user's definition files, a routine's tables to edit, saving and
deleting them (the token's), a preview of unsaved tables, and other apps' files imported. Parsing and statuses
only: the loader judges the tables, pipeline.editor owns the files."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from .. import times
from ..errors import AudioguideError, DefinitionErrors, FileError, UnknownNameError, UsageError
from ..pipeline import editor, imports
from ..pipeline.options import BuildOptions
from .http import Token, body, errors as _errors, fail

MAX_BODY_BYTES = 256 * 1024  # the server's limit (web/server.py): larger bodies get 413


class Editor:
    def __init__(self, options: BuildOptions, token: Token):
        self.options, self.token = options, token

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/api/definitions", self.definitions), web.get("/api/exercises", self.exercises),
                web.get("/api/routines/{id}/source", self.source), web.put("/api/routines/{id}", self.save),
                web.delete("/api/routines/{id}", self.delete), web.post("/api/preview", self.preview),
                web.post("/api/import", self.imported), web.post("/api/qr", self.qr)]

    def _id(self, request: web.Request) -> str:
        try:
            return editor.check_id(request.match_info["id"])
        except UsageError as e:
            fail(web.HTTPBadRequest, str(e))

    async def definitions(self, request: web.Request) -> web.Response:
        return web.json_response({"files": await asyncio.to_thread(editor.user_files)})

    async def exercises(self, request: web.Request) -> web.Response:
        return web.json_response({"exercises": await asyncio.to_thread(editor.exercises, self.options)})

    async def source(self, request: web.Request) -> web.Response:
        routine_id = self._id(request)
        try:
            found = await asyncio.to_thread(editor.source, routine_id, self.options)
        except UnknownNameError as e:
            fail(web.HTTPNotFound, f"routine: {e}")
        return web.json_response(found, headers={"ETag": f'"{found["version"]}"'} if found["version"] else {})

    async def save(self, request: web.Request) -> web.Response:
        self.token.allow(request)
        routine_id = self._id(request)
        tables = await body(request, '{"exercises": {...}, "routines": {"ID": {...}}}')
        try:
            saved = await asyncio.to_thread(editor.save, tables, routine_id, request.headers.get("If-Match"),
                                            self.options)
        except DefinitionErrors as e:
            return _errors(e.errors)
        except editor.StaleError as e:
            return web.json_response({"error": str(e), "changed": e.changed}, status=409)
        except FileError as e:
            fail(web.HTTPConflict, str(e))
        return web.json_response({"routine": routine_id, "file": saved.path.name, "version": saved.version},
                                 status=201 if saved.created else 200, headers={"ETag": f'"{saved.version}"'})

    async def delete(self, request: web.Request) -> web.Response:
        self.token.allow(request)
        routine_id = self._id(request)
        try:
            path = await asyncio.to_thread(editor.delete, routine_id, request.headers.get("If-Match"))
        except editor.StaleError as e:
            return web.json_response({"error": str(e), "changed": e.changed}, status=409)
        except UsageError as e:
            fail(web.HTTPNotFound, str(e))
        return web.json_response({"deleted": routine_id, "file": path.name})

    async def preview(self, request: web.Request) -> web.Response:
        asked = await body(request, '{"routine": ID, "minutes": 5, "tables": {...}}')
        routine_id, tables, minutes = asked.get("routine"), asked.get("tables"), asked.get("minutes")
        try:
            routine_id = editor.check_id(routine_id)
        except UsageError as e:
            fail(web.HTTPBadRequest, str(e))
        if isinstance(minutes, bool) or not isinstance(minutes, (int, float, str)):
            fail(web.HTTPBadRequest, f"minutes: expected a number of minutes, found {minutes!r}")
        try:
            length_s = times.parse_length(str(minutes))
        except AudioguideError as e:
            fail(web.HTTPBadRequest, f"minutes: {e}")
        try:
            shown = await asyncio.to_thread(editor.preview, tables, routine_id, length_s, self.options)
        except DefinitionErrors as e:
            return _errors(e.errors)
        except AudioguideError as e:
            fail(web.HTTPBadRequest, f"minutes: {e}")
        return web.json_response(shown)

    async def qr(self, request: web.Request) -> web.Response:
        """A QR code of a text (a shared routine's link) as SVG: made here, so the link goes to no one else."""
        asked = await body(request, '{"text": "https://..."}')
        text = asked.get("text")
        if not isinstance(text, str) or not text or len(text) > 2900:
            fail(web.HTTPBadRequest, "text: expected a link of at most 2900 characters (a QR code holds no more)")
        import segno
        try:
            svg = segno.make(text, error="l").svg_inline(scale=1, border=2, omitsize=True)
        except segno.DataOverflowError:
            fail(web.HTTPBadRequest, "text: too long for a QR code; share the link itself")
        return web.Response(text=svg, content_type="image/svg+xml")

    async def imported(self, request: web.Request) -> web.Response:
        """Another app's file, as tables to open in the editor (nothing is saved until the editor saves)."""
        asked: dict[str, Any] = await body(request, '{"name": "workout.json", "text": "..."}')
        name, text = asked.get("name"), asked.get("text")
        if not isinstance(text, str):
            fail(web.HTTPBadRequest, f"text: expected the file's text, found {type(text).__name__}")
        try:
            found = await asyncio.to_thread(imports.read_text, text, name if isinstance(name, str) else "upload")
        except AudioguideError as e:
            fail(web.HTTPBadRequest, f"text: {e}")
        return web.json_response({"routine": found.routine_id, "tables": found.tables, "format": found.format,
                                  "notes": found.notes})
