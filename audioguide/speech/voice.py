"""What every engine is: the Engine protocol, a Voice it offers, and the versions that go into its identity."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Protocol

from ..model import EngineSpec


@dataclass(frozen=True, slots=True)
class Voice:
    id: str
    name: str
    language: str = ""


class Engine(Protocol):
    spec: EngineSpec
    parallel: bool  # worth rendering in worker processes (a real voice), or cheap enough to render inline

    DEFAULT_VOICE: str
    DEFAULT_RATE: int

    def identity(self) -> dict:
        """Everything that changes the audio (engine, versions, voice, rate): part of the cache key."""

    def render(self, text: str, path: Path) -> None:
        """Write text as speech to a WAV file at path (whatever an engine raises becomes a SpeechError)."""

    def voices(self) -> list[Voice]:
        """The voices this engine offers."""

    def notes(self) -> list[str]:
        """Lines for 'audioguide voices' beyond the voice list: variants, other ways to name a voice."""

    def close(self) -> None:
        """Free what rendering held (a voice model); the engine loads it again if asked to render."""


def package_version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"
