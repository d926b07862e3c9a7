"""What a session is on disk, in one place: its MP3 and the files beside it, the order they appear and go in,
how one is recognised in a folder, and which of its files may be served (with their media types).

A session is an MP3 audioguide built, with its plan beside it: the plan is committed last and removed first,
so a folder never shows a session with files missing. Any other MP3 (a music bed, a file dropped in) is not
a session.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .. import files

MP3 = ".mp3"
PLAN = ".plan.json"
MAX_SIDECAR_BYTES = 16 << 20  # what is read of a plan or chapters file (a 4-hour session's plan is under 1 MB)
COVER = ".jpg"
PLAYLIST = ".m3u8"  # with a folder of the same name: the parts of a split session
# what is written beside the MP3, as sidecars.write makes it; the plan comes last in commit_names
SIDECARS = (".vtt", ".srt", ".chapters.json", ".svg", COVER, PLAN)
MEDIA_TYPES = {MP3: "audio/mpeg", ".vtt": "text/vtt", ".srt": "application/x-subrip",
               ".chapters.json": "application/json+chapters", PLAN: "application/json",
               ".svg": "image/svg+xml", COVER: "image/jpeg"}


def beside(mp3: Path, suffix: str) -> Path:
    """The path of a file beside the MP3 with the same base name: session.mp3 -> session.vtt."""
    return mp3.with_name(mp3.stem + suffix)


def is_session(path: Path) -> bool:
    """True for an MP3 that audioguide built in its folder: a plain file with its plan beside it (hidden files
    are builds in progress; links could lead out of the folder)."""
    return (path.suffix == MP3 and not path.name.startswith(".") and not path.is_symlink() and path.is_file()
            and beside(path, PLAN).is_file())


def is_whole(mp3: Path) -> bool:
    """True when the MP3 and every file beside it exist."""
    return mp3.exists() and all(beside(mp3, s).exists() for s in SIDECARS)


def commit_names(mp3: Path, parts: list[str]) -> list[str]:
    """The names to move into place, in order: split parts, the sidecars, the MP3, and last the plan (with it,
    the session is there)."""
    return [*parts, *(beside(mp3, s).name for s in SIDECARS if s != PLAN), mp3.name, beside(mp3, PLAN).name]


def remove(mp3: Path) -> None:
    """Remove a session: its plan first (without it, it is no longer a session), the other sidecars, the MP3,
    then any parts it was split into."""
    for suffix in (PLAN, *(s for s in SIDECARS if s != PLAN)):
        beside(mp3, suffix).unlink(missing_ok=True)
    mp3.unlink(missing_ok=True)
    remove_parts(mp3)


def remove_parts(mp3: Path) -> None:
    """Remove the parts and playlist a session was split into (--split), if any; a folder of the same name
    holding anything but parts is left alone."""
    folder, playlist = mp3.with_suffix(""), mp3.with_suffix(PLAYLIST)
    playlist.unlink(missing_ok=True)
    if folder.is_dir() and not folder.is_symlink():
        parts = list(folder.iterdir())
        if all(_PART.fullmatch(p.name) and p.is_file() for p in parts):
            for part in parts:
                part.unlink()
            folder.rmdir()


def named(folder: Path, name: str) -> Path | None:
    """The session called name (an MP3's file name) directly inside folder, or None."""
    if "/" in name or "\\" in name:
        return None
    path = Path(folder) / name
    return path if is_session(path) else None


def served(folder: Path, name: str) -> tuple[Path, str] | None:
    """A session's MP3, or a file beside it, directly inside folder, with its media type; None for anything else."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    for suffix, kind in MEDIA_TYPES.items():
        if name.endswith(suffix):
            candidate = Path(folder) / name
            if named(folder, f"{name[:-len(suffix)]}{MP3}") and candidate.is_file() and not candidate.is_symlink():
                return candidate, kind
    return None


_PART = re.compile(r"\d{2,}-[a-z0-9-]+\.mp3")  # NN-chapter.mp3, as split.write names them


def read_json(path: Path) -> object:
    """A plan's or chapters file's JSON, read only if it is a regular file of at most MAX_SIDECAR_BYTES (a FIFO
    or a link to a device put in its place is refused at once). OSError (FileNotFoundError, files.UnfitFile)
    or ValueError (not UTF-8, not JSON) when it cannot be read."""
    return json.loads(files.read_regular(path, MAX_SIDECAR_BYTES).decode("utf-8"))
