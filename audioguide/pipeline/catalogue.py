"""What can be made, as both doors show it: routines (with the lengths they can fill), programs, exercises and
where each comes from, the voices, and checking or starting definition files. The doors ask here; none of them
reads the definitions or the speech engines itself."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..definitions import loader, starters
from ..errors import DefinitionErrors, MissingToolError
from ..model import EngineSpec, Routine
from ..schedule import last_day
from . import state
from .options import DEFAULTS, BuildOptions, Progress

if TYPE_CHECKING:
    from ..speech.engines import EngineVoices

SECTIONS = ("routines", "exercises", "programs")


@dataclass(frozen=True, slots=True)
class Entry:
    """One routine, exercise or program of the library, with where it comes from."""

    section: str            # routines, exercises, programs
    id: str
    title: str
    source: str             # built-in, user, or a file's path
    description: str = ""
    weeks: int = 0          # a program's
    languages: tuple[str, ...] = ("en",)   # the languages it is written in


@dataclass(frozen=True, slots=True)
class RoutineChoice:
    id: str
    title: str
    description: str
    shortest_s: float
    longest_s: float
    estimated: bool         # no usable voice: the range is estimated, not measured
    keeps: tuple[tuple[float, tuple[str, ...]], ...] = ()  # (from seconds, the exercises kept): shorter sessions
    equipment: tuple[str, ...] = ()                        # what its exercises need
    languages: tuple[str, ...] = ("en",)                   # the languages it is written in (each makes one)


@dataclass(frozen=True, slots=True)
class ProgramChoice:
    id: str
    title: str
    description: str
    weeks: int
    days: int
    shortest_minutes: float
    longest_minutes: float
    weekdays: list[int]          # 0 is Monday: the days it has a session; the others rest
    start: str | None            # its first day when known (followed, or `start` in the config file)


@dataclass(frozen=True, slots=True)
class VoiceChoice:
    engine: str
    voice: str
    label: str
    language: str           # BCP 47 as the engine gives it ("en-US", "en-gb"), "" when it says none


def entries(definition_paths: tuple[Path, ...] = ()) -> tuple[list[Entry], list[str]]:
    """Every routine, exercise and program that can be used, by section and id, with the definitions' notices."""
    library = loader.load_library(list(definition_paths))
    spoken = [library, *library.translations.values()]
    found = []
    for section in SECTIONS:
        ids = sorted({key for lib in spoken for key in getattr(lib, section)})
        for key in ids:  # the English version when there is one, else the first language's
            lib = next(lib for lib in spoken if key in getattr(lib, section))
            item = getattr(lib, section)[key]
            found.append(Entry(section, key, item.title, lib.source(key, section),
                               getattr(item, "description", "") or "", getattr(item, "n_weeks", 0),
                               tuple(library.in_languages(section, key))))
    return found, library.notices


def names(sections: tuple[str, ...], definition_paths: tuple[Path, ...] = ()) -> list[str]:
    """The ids in these sections (for shell completion)."""
    library = loader.load_library(list(definition_paths))
    return sorted(n for s in sections for n in getattr(library, s))


class Catalogue:
    """What the page can make with the server's options; ranges measured once per routine as defined."""

    def __init__(self, options: BuildOptions = DEFAULTS):
        self.options = options
        self._ranges: dict[str, tuple[float, float, bool, tuple]] = {}
        self._voices: list[VoiceChoice] | None = None
        self._previews: dict[EngineSpec, bytes] = {}

    def routines(self, progress: Progress | None = None) -> list[RoutineChoice]:
        library = loader.load_library(list(self.options.definition_paths))
        out = []
        for routine in sorted(library.routines.values(), key=lambda r: r.title):
            low, high, estimated, keeps = self._range(routine, progress)
            out.append(RoutineChoice(routine.id, routine.title, routine.description, low, high, estimated, keeps,
                                     routine.equipment, tuple(library.in_languages("routines", routine.id))))
        return out

    def _range(self, routine: Routine, progress: Progress | None) -> tuple[float, float, bool, tuple]:
        key = repr(routine)
        if key not in self._ranges:
            from ..compiler.plan import estimated_range
            from .routines import keeping, length_range  # the voice and numpy: only when a range is asked for
            try:
                low, high = length_range(routine, self.options, progress)
                self._ranges[key] = (low, high, False, tuple(keeping(routine, self.options, progress)))
            except MissingToolError:
                self._ranges[key] = (*estimated_range(routine), True, ())
        return self._ranges[key]

    def programs(self) -> list[ProgramChoice]:
        library = loader.load_library(list(self.options.definition_paths))
        out = []
        for program in sorted(library.programs.values(), key=lambda p: p.title):
            minutes = [m for rules in program.weeks for m in (rules.first_minutes, rules.last_minutes)]
            out.append(ProgramChoice(program.id, program.title, program.description, program.n_weeks,
                                     last_day(program), min(minutes), max(minutes), list(program.weekdays),
                                     _iso(state.start_for(program.id))))
        return out

    def default_engine(self) -> str:
        from ..speech.engines import resolve
        return resolve(self.options.engine.name)

    def voices(self) -> list[VoiceChoice]:
        """Every usable voice: the server's own first, then the rest of its engine's, then the other engines'."""
        if self._voices is None:
            from ..speech.engines import catalogue
            chosen = self.default_engine()
            engines = sorted(catalogue(), key=lambda f: f.engine != chosen)
            first = {found.engine: found.default_voice for found in engines}
            first[chosen] = self.options.engine.voice or first.get(chosen, "")
            self._voices = [VoiceChoice(found.engine, voice.id, f"{found.engine}: {voice.name}", voice.language)
                            for found in engines
                            if not found.unavailable
                            for voice in sorted(found.voices, key=lambda v: v.id != first[found.engine])]
        return self._voices

    def engine_for(self, engine: str | None, voice: str | None) -> EngineSpec:
        """The voice a request asks for, checked against the list (never a path to a model file): an unknown
        engine or voice is a ValueError naming the field."""
        from ..speech.engines import ENGINES, resolve
        if engine is not None and engine not in ("auto", *ENGINES):
            raise ValueError(f"engine: expected auto or one of {', '.join(ENGINES)}, found {engine!r}")
        name = resolve(engine or self.options.engine.name)
        if voice is not None and all((v.engine, v.voice) != (name, voice) for v in self.voices()):
            raise ValueError(f"voice: expected a {name} voice from GET /api/voices, found {voice!r}")
        own = self.voices()[0] if self.voices() else None
        if voice is None and engine is None or own is not None and (own.engine, own.voice) == (name, voice):
            return replace(self.options.engine, name=name)  # the server's own voice: its sessions' plain names
        if voice is None:  # another engine's own voice, named, so that its sessions get names of their own
            voice = next((v.voice for v in self.voices() if v.engine == name), None)
        return EngineSpec(name, voice, self.options.engine.rate)


    def preview(self, engine: str | None, voice: str | None) -> bytes:
        """A short sample of a voice from the list (the server's voice when neither is named), as WAV bytes:
        rendered once, then kept (in memory here, and in the clip cache)."""
        spec = self.engine_for(engine, voice)
        if spec not in self._previews:
            from .speaking import preview
            self._previews[spec] = preview(spec, self.options.cache_dir)
        return self._previews[spec]


def engines(only: str | None = None, tag: str | None = None) -> tuple[str, list[EngineVoices]]:
    """What 'auto' picks, and every engine (or the one named) with its voices (those that speak the language)."""
    from .. import language
    from ..errors import UsageError
    from ..speech.engines import catalogue, resolve
    if tag is not None and (problem := language.check(tag)):
        raise UsageError(f"--language: {problem}")
    return resolve("auto", tag or "en"), catalogue(only, tag)


def validate(paths: list[Path], extra: tuple[Path, ...] = ()) -> tuple[list[str], list[str], list[str]]:
    """Check definition files together, with the extra files they may use (as -d gives them to a build): (the
    paths that are good, one line per mistake, notices)."""
    try:
        library = loader.load_files([*extra, *paths])
    except DefinitionErrors as e:
        bad = {err.path for err in e.errors}
        return [str(p) for p in paths if str(p) not in bad], [str(err) for err in e.errors], []
    return [str(p) for p in paths], [], library.notices


def write_starter(kind: str, name: str, folder: Path) -> Path:
    """A commented starter file NAME.toml for an exercise or a routine, that validates as written."""
    return starters.write(kind, name, folder)


def _iso(date) -> str | None:
    return date.isoformat() if date is not None else None
