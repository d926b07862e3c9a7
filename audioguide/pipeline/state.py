"""What lasts between runs, in the user's state folder (files.state_dir()): the program a person follows and
from when (following.json), and the key the server's page makes sessions with (token, mode 0600), so that a
phone paired yesterday still works after `serve` restarts. The one owner of those files."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from .. import files
from ..definitions import loader
from ..errors import AudioguideError, FileError, UsageError

FOLLOWING = "following.json"
TOKEN = "token"
TOKEN_BYTES = 18


@dataclass(frozen=True, slots=True)
class Following:
    program: str
    start: dt.date


def follow(program_id: str, start: dt.date, definition_paths: tuple[Path, ...] = ()) -> Following:
    """Follow the program from start (an unknown id is an UnknownNameError, as everywhere); kept for next time."""
    program = loader.load_library(list(definition_paths)).program(program_id)
    following = Following(program.id, start)
    files.write_private(files.state_dir() / FOLLOWING,
                        json.dumps({"program": following.program, "start": following.start.isoformat()}) + "\n")
    return following


def followed() -> Following | None:
    """The program followed and its start, or None when none is; a damaged file is a FileError naming it."""
    path = files.state_dir() / FOLLOWING
    text = files.read_small(path, "the followed program's file")
    if text is None:
        return None
    try:
        found = json.loads(text)
        return Following(str(found["program"]), dt.date.fromisoformat(found["start"]))
    except (ValueError, KeyError, TypeError) as e:
        raise FileError(f"cannot read the followed program's file {path}: expected "
                        '{"program": ID, "start": "YYYY-MM-DD"}; follow it again: audioguide program follow ID') from e


def program_and_start(name: str | None, start: dt.date | None) -> tuple[str, dt.date]:
    """The program a command is about and its first day: as given, else the followed one's (its start only for
    that program), else today; a usage error when no program is named or followed."""
    following = followed()
    if name is None and following is None:
        raise UsageError("name a program, or follow one first: audioguide program follow ID --start YYYY-MM-DD")
    chosen = name or following.program  # type: ignore[union-attr]
    if start is None:
        start = following.start if following and following.program == chosen else dt.date.today()
    return chosen, start


def start_for(program_id: str) -> dt.date | None:
    """Where a program starts when nobody says: the followed one's start, else `start` in the config file (as
    the command line reads it), else None (today, to whoever asks)."""
    try:
        following = followed()
    except FileError:
        following = None
    if following is not None and following.program == program_id:
        return following.start
    from . import settings
    try:
        setting = settings.load().settings.get("start")
        return dt.date.fromisoformat(str(setting.value)) if setting is not None else None
    except (ValueError, AudioguideError, OSError):  # a damaged config: the commands that read it say so
        return None


def _private_or_refused(path: Path) -> None:
    """A key file that others can read (or that another user owns) is not a key: FileError saying how to mend it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    except OSError as e:
        raise files.os_error("read the server's key", path, e) from e
    if info.st_mode & 0o077 or info.st_uid != os.getuid():
        raise FileError(f"the server's key {path} is not private to you (mode {info.st_mode & 0o777:o}): it is not "
                        f"used; make it yours alone (chmod 600 {path}) or start with --new-token")


def calendar_key(token: str) -> str:
    """The key of the reminders calendar's address: made from the server's key, and good for that calendar only
    (a calendar app keeps its address, syncs it, shows it: it must not make or delete anything)."""
    return hmac.new(token.encode(), b"audioguide reminders calendar", hashlib.sha256).hexdigest()[:32]


def token(new: bool = False) -> str:
    """The server's key: the one kept in the state folder, or a new one (kept from now on)."""
    path = files.state_dir() / TOKEN
    if not new:
        _private_or_refused(path)
    kept = None if new else (files.read_small(path, "the server's key") or "").strip()
    if kept and re.fullmatch(r"[A-Za-z0-9_-]{16,128}", kept):  # anything else (edited by hand): a new key
        return kept
    fresh = secrets.token_urlsafe(TOKEN_BYTES)
    files.write_private(path, fresh + "\n")
    return fresh
