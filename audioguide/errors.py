"""One exception hierarchy: every failure the user can cause or meet is an AudioguideError."""

from __future__ import annotations

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


class PlanError(AudioguideError, ValueError):
    """A routine that cannot be laid out: a cue that does not fit the slot it must be spoken in."""


class MissingToolError(AudioguideError, RuntimeError):
    """An external program or library (ffmpeg, espeak-ng) is not installed."""


class SpeechError(AudioguideError, RuntimeError):
    """Text-to-speech failed to render a clip."""


class EncodeError(AudioguideError, RuntimeError):
    """ffmpeg failed to encode, decode or measure audio."""


class TagError(AudioguideError, RuntimeError):
    """Writing or reading ID3 tags failed."""
