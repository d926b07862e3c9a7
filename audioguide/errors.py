"""One exception hierarchy: every failure the user can cause or meet is an AudioguideError.

Each stage converts the low-level errors it meets (OSError, wave.Error, ffmpeg, TTS and mutagen failures) into
one of these where they enter the library, so the command line has a single place that prints them.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from pathlib import Path


class AudioguideError(Exception):
    """Base class of every error audioguide raises on purpose."""


class DefinitionError(AudioguideError, ValueError):
    """A mistake in an exercise or routine definition, located by file, key path and line."""

    def __init__(self, message: str, path: str | Path | None = None, key: str | None = None,
                 line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.key = key
        self.line = line

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(f"{self.path}:{self.line}" if self.line else self.path)
        if self.key:
            where.append(self.key)
        return ": ".join([*where, self.message])


class DefinitionErrors(DefinitionError):
    """Several definition mistakes found in one pass; str() gives one line per mistake."""

    def __init__(self, errors: list[DefinitionError]):
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__(first.message, first.path, first.key, first.line)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class UnknownNameError(AudioguideError, LookupError):
    """A routine, exercise, engine or voice name that does not exist."""


class LengthError(AudioguideError, ValueError):
    """A session length that is malformed or outside what a routine can fill."""


class UsageError(AudioguideError, ValueError):
    """An option's value that cannot be used, found only once its meaning is known (a --name template):
    a usage mistake, exit 2 like click's own."""


class PlanError(AudioguideError, ValueError):
    """A routine that cannot be laid out: a cue that does not fit the slot it must be spoken in."""


class MissingToolError(AudioguideError, RuntimeError):
    """An external program or library (ffmpeg, espeak-ng) is not installed."""


class SpeechError(AudioguideError, RuntimeError):
    """Text-to-speech failed to render a clip, or was given nothing to say."""


class AudioError(AudioguideError, ValueError):
    """An audio file (a sound, a music bed, a clip) that cannot be read; str(): 'PATH: REASON'."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class EncodeError(AudioguideError, RuntimeError):
    """ffmpeg failed to encode or resample audio."""


class TagError(AudioguideError, RuntimeError):
    """Writing or reading ID3 tags failed."""


class FileError(AudioguideError, OSError):
    """A file or folder that cannot be read or written (permissions, a full disk, a path under a file)."""


class FeedError(AudioguideError, ValueError):
    """A built session, or a file beside it, that the feed or page cannot read."""


class ServeError(AudioguideError, OSError):
    """The server cannot listen where it was asked to (a port in use, an unknown host)."""


def did_you_mean(name: str, known: Iterable[str], n: int = 3, quote: Callable[[str], str] = str) -> str:
    """'; did you mean a, b?' for the known names close to name (each shown by quote), or '' when none is."""
    close = difflib.get_close_matches(name, list(known), n=n)
    return f"; did you mean {', '.join(quote(c) for c in close)}?" if close else ""


def os_error(action: str, path: str | Path, error: OSError) -> FileError:
    """A FileError for an OSError met while doing action on path: 'cannot write out/x.mp3: disk full'."""
    reason = error.strerror or str(error) or type(error).__name__
    return FileError(f"cannot {action} {path}: {reason}")
