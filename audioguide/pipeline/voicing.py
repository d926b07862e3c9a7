"""The voice a session speaks with, before anything is mixed: its tools checked, the speaker in the language its
texts are written in, and the lengths it measures (rendering) or already knows (its cache).

Planning and the views that only print plans need nothing more: this floor imports no numpy, mixer or encoder,
so that they answer at once (studio.py, which renders, brings those).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from .. import audio, compiler, language
from ..errors import UsageError
from ..model import EngineSpec
from ..speech import ClipCache, Speaker, require_espeak, resolve
from .options import BuildOptions, Progress


def check_tools(engine: EngineSpec) -> None:
    """MissingToolError now, before any work, when ffmpeg or the voice's own program is not installed."""
    audio.ffmpeg_path()
    if resolve(engine.name) == "pyttsx3":
        require_espeak()


def in_language(options: BuildOptions, tag: str) -> BuildOptions:
    """The options with the voice speaking the language the texts are written in."""
    return replace(options, engine=replace(options.engine, language=tag))


def speaking(spec, tag: str, cache: ClipCache) -> Speaker:
    """The speaker of a session in the language tag: UsageError when the voice named cannot speak it."""
    speaker = Speaker(replace(spec, language=tag), cache)
    said = speaker.engine.language
    if said and language.key(said) != language.key(tag):
        speaker.close()
        raise UsageError(f"--voice: {speaker.spec.voice or speaker.spec.name} speaks {language.english_name(said)}; "
                         f"the session is in {language.english_name(tag)}: choose one of its voices "
                         f"(audioguide voices --language {language.key(tag)})")
    return speaker


def measure_with(speaker: Speaker, progress: Progress | None) -> compiler.Measure:
    report = (lambda done, total: progress("speech", done, total)) if progress else None
    return lambda texts: speaker.durations(texts, report)


class Known(Mapping):
    """The clip lengths a speaker's cache already holds, looked up as asked (nothing is rendered)."""

    def __init__(self, speaker: Speaker):
        self.speaker = speaker
        self.seen: dict[str, int | None] = {}  # a layout asks 'in' then '[]': each clip's header is read once

    def __getitem__(self, text: str) -> int:
        if text not in self.seen:
            self.seen[text] = self.speaker.cached_length(text)
        found = self.seen[text]
        if found is None:
            raise KeyError(text)
        return found

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0
