"""What every endpoint shares: an error as a JSON answer, the token that writes need, a request's JSON body.
The API's handler classes (api, daily, editor) each take these; none of them imports another."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any, NoReturn

from aiohttp import web

from ..errors import AudioguideError, DefinitionError, DefinitionErrors


def fail(status: type[web.HTTPException], message: str) -> NoReturn:
    raise status(text=json.dumps({"error": message}), content_type="application/json")


class Token:
    """The server's token: writes need it (Authorization: Bearer TOKEN); compared in constant time."""

    def __init__(self, value: str | None):
        self.value = value

    def allow(self, request: web.Request) -> str:
        """Pass, returning the token, or 403 (the same answer whatever the request names)."""
        given = request.headers.get("Authorization", "")
        if not self.value or not secrets.compare_digest(given.encode(), f"Bearer {self.value}".encode()):
            fail(web.HTTPForbidden, "making and deleting sessions need the token that 'audioguide serve' "
                                    "printed (Authorization: Bearer TOKEN)")
        return self.value

    def matches(self, given: str, derive: Callable[[str], str]) -> bool:
        """Whether `given` is what `derive` makes of the token (a key granting less than the token itself)."""
        return self.value is not None and secrets.compare_digest(given.encode(), derive(self.value).encode())


async def body(request: web.Request, example: str) -> dict[str, Any]:
    """The request's JSON object; 400 saying what was expected otherwise."""
    try:
        found = await request.json()
    except (ValueError, UnicodeDecodeError):
        fail(web.HTTPBadRequest, f"expected a JSON object such as {example}")
    if not isinstance(found, dict):
        fail(web.HTTPBadRequest, f"expected a JSON object, found {type(found).__name__}")
    return found


def errors(found: list[DefinitionError], status: int = 400) -> web.Response:
    """Every mistake by key path and file, in the words the command line uses (400: in what was sent)."""
    listed = [{"key": e.key or "", "message": e.message, "line": e.line, "file": e.path} for e in found]
    return web.json_response({"error": str(found[0]), "errors": listed}, status=status)


@web.middleware
async def answered(request: web.Request, handler) -> web.StreamResponse:
    """The last door: what a handler did not turn into an answer is one, never a 500. A mistake in a file
    already in the definitions folder (not in what was sent) is 409 naming that file; any other of
    audioguide's errors (a state folder that cannot be written, a damaged log) is 503 saying what."""
    try:
        return await handler(request)
    except DefinitionErrors as e:
        return errors(e.errors, 409)
    except DefinitionError as e:
        return errors([e], 409)
    except AudioguideError as e:
        return web.json_response({"error": str(e)}, status=503)
