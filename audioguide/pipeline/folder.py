"""A folder of built sessions as the doors show it: listed (grouped for the page), fed as a podcast, served file
by file, and removed. What a session is on disk is publish.session's to say; this is where the doors ask."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path

from .. import files
from ..errors import FileError, UnknownNameError
from ..publish import cover, feed, safe, session
from ..publish.episodes import Episode, episodes, heading, one_program

MUSIC_SUFFIXES = (".mp3", ".ogg", ".oga", ".opus", ".flac", ".wav", ".m4a", ".aac")


class Folder:
    """The sessions in one folder; a session that cannot be read is left out, said once through warn."""

    def __init__(self, root: Path, title: str | None = None, warn: Callable[[str], None] | None = None):
        self.root = Path(root)
        self.title = title
        self.warn = warn
        self._warned: set[str] = set()
        self._cover: tuple[tuple, bytes] | None = None
        files.sweep(self.root)  # what a killed build left (a SIGKILL): gone before the folder is served or fed

    def episodes(self) -> list[Episode]:
        skipped: list[str] = []
        found = episodes(self.root, skipped)
        for line in skipped:
            if line not in self._warned and self.warn:  # one line per unreadable session, not one per request
                self._warned.add(line)
                self.warn(f"skipped {line}")
        return found

    def heading(self) -> tuple[str, str]:
        """The folder's title and description (a program's own, when it holds one program's sessions)."""
        return heading(self.episodes(), self.title)

    def listing(self, found: list[Episode] | None = None) -> dict:
        """The sessions as the page draws them: groups (a program's days, a routine's sessions), newest first."""
        found = self.episodes() if found is None else found
        groups: dict[str, dict] = {}
        for episode in found:  # found is newest first: so are the groups and their sessions
            key, name = _group(episode)
            group = groups.setdefault(key, {"key": key, "title": name, "sessions": []})
            group["sessions"].append(_session(episode, name))
        return {"title": safe.xml(heading(found, self.title)[0]), "groups": list(groups.values())}

    def rss(self, base_url: str) -> str:
        return feed.rss(self.episodes(), base_url, self.title)

    def write_feed(self, base_url: str, found: list[Episode]) -> Path:
        return feed.write(self.root, base_url, found, self.title)

    def cover_art(self) -> bytes:
        """The feed's cover, made again only when the folder's heading changes."""
        found = self.episodes()
        key = ((one_program(found) or {}).get("program"), heading(found, self.title)[0])
        if self._cover is None or self._cover[0] != key:
            self._cover = (key, feed.cover_art(found, self.title))
        return self._cover[1]

    def served(self, name: str) -> tuple[Path, str] | None:
        """A session's file (the MP3 or one beside it) and its media type, or None: nothing else is served."""
        return session.served(self.root, name)

    def session(self, name: str) -> Path:
        """The MP3 of the session called name (its file name); UnknownNameError for anything else."""
        path = session.named(self.root, name)
        if path is None:
            raise UnknownNameError(f"no session {name!r} in the served folder")
        return path

    def remove(self, name: str) -> None:
        """Remove the session called name (its MP3's file name) and every file beside it."""
        session.remove(self.session(name))

    def music(self) -> list[str]:
        """Audio files in the folder that are not sessions: what a build may use as its music bed."""
        return sorted(p.name for p in self.root.iterdir() if p.suffix.lower() in MUSIC_SUFFIXES
                      and not p.name.startswith(".") and p.is_file() and not p.is_symlink()
                      and not session.is_session(p))


def feed_url(base_url: str) -> str:
    return feed.url_for(base_url, "feed.xml")


def write_site(folder: Path, base_url: str, title: str | None, page: Callable[[dict, str], str]) -> tuple[Path, list[str]]:
    """Write the folder's feed.xml, its cover and index.html (page(listing, feed address) makes its HTML), so any
    web server can serve it; return the feed's path and the sessions left out (one line each)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileError(f"{folder}: no such folder")
    skipped: list[str] = []
    served = Folder(folder, title, skipped.append)
    found = served.episodes()
    target = served.write_feed(base_url, found)
    files.write_text(folder / "index.html", page(served.listing(found), feed_url(base_url)))
    return target, [line.removeprefix("skipped ") for line in skipped]


@functools.cache
def icon_png(size: int) -> bytes:
    """The app's icon: audioguide's own cover look, square, as PNG."""
    from PIL import Image
    image = Image.open(io.BytesIO(cover.render("audioguide", "audioguide", ""))).resize((size, size))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _group(episode: Episode) -> tuple[str, str]:
    if episode.session is not None:
        return f"program:{episode.program}", episode.session["program_title"]
    if episode.routine:
        return f"routine:{episode.routine}", episode.routine_title or episode.routine
    return "other", "Other sessions"


def _session(episode: Episode, group_title: str) -> dict:
    ends = [start for start, _ in episode.chapters[1:]] + [episode.duration_s]
    art = session.beside(episode.path, session.COVER)
    made = episode.made_with or {}
    return {"file": episode.path.name, "title": episode.title, "duration_s": round(episode.duration_s, 3),
            "date": f"{episode.published:%Y-%m-%d}", "group_title": group_title,
            "cover": art.name if art.exists() else None, "size_bytes": _size(episode.path),
            "voice": " ".join(filter(None, (made.get("engine"), made.get("voice")))) or None,
            "music": made.get("music"),
            "chapters": [{"start_s": start, "end_s": end, "title": name}
                         for (start, name), end in zip(episode.chapters, ends)]}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
