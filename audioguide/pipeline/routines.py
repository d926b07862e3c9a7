"""Routines: build at one length or several, plan, describe."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from .. import compiler, language, times
from ..definitions import describe as describing
from ..definitions import loader
from ..errors import MissingToolError, UnknownNameError, did_you_mean
from ..model import Routine, Timeline
from ..publish import sidecars
from ..schedule import seed_of
from ..speech import ClipCache
from . import naming
from .options import DEFAULTS, BuildOptions, BuildResult, Outcome, Progress
from .voicing import Known, check_tools, in_language, measure_with, speaking

DEFAULT_NAME = "{routine}-{length}"


def build(name: str, options: BuildOptions = DEFAULTS, progress: Progress | None = None) -> BuildResult:
    """Build the session MP3 for the routine called name (or in the file name) and its sidecars beside it."""
    outcome = build_many(name, [options.length_s], options, progress)[0]
    if outcome.error is not None:
        raise outcome.error
    assert outcome.result is not None
    return outcome.result


def build_many(name: str, lengths_s: Sequence[float], options: BuildOptions = DEFAULTS,
               progress: Progress | None = None, by_file: bool = True) -> list[Outcome]:
    """Build the routine at several lengths in one go: every distinct text is measured and rendered once, in
    worker processes; a length that fails does not stop the others. Without by_file, name is the library's id,
    never a file's path."""
    naming.check(options.name or DEFAULT_NAME, naming.ROUTINE_FIELDS)
    if progress:
        progress("definitions", 0, 0)
    routine, notices = loader.find_routine(name, options.definition_paths, by_file, options.language)
    options = in_language(options, routine.language)
    today = dt.date.today()
    stems = _stems(routine.id, lengths_s, options, today)
    check_tools(options.engine)
    speaker = speaking(options.engine, routine.language, ClipCache(options.cache_dir))
    seed = options.seed if options.seed is not None else seed_of(routine.id)
    if progress:
        progress("planning", 0, 0)
    with speaker:  # the voice is let go once all speech is rendered: mixing needs the memory
        known = Known(speaker)
        early = [compiler.early_length_error(routine, length_s, known) for length_s in lengths_s]
        if all(early):  # every length fails on what the cache and the definitions tell: nothing to render
            return [Outcome(times.label(length_s), error=error) for length_s, error in zip(lengths_s, early)]
        from ..publish import cover, tags  # with the studio's numpy, mixer and encoder: only rendering waits
        from .studio import Studio
        studio = Studio(options, progress, tuple(notices), speaker)
        wanted = [length_s for length_s, error in zip(lengths_s, early) if error is None]
        planned = iter(compiler.plan_many(routine, wanted, studio.measure, seed) if wanted else [])
        fitted = [error or next(planned) for error in early]
        clips = studio.clips(f.timeline for f in fitted if isinstance(f, compiler.Fitted))
    outcomes = []
    for length_s, plan, stem in zip(lengths_s, fitted, stems):
        label = times.label(length_s)
        if isinstance(plan, Exception):
            outcomes.append(Outcome(label, error=plan))
            continue
        info = tags.TrackInfo(title=f"{routine.title} ({label})", artist=options.artist or tags.ARTIST,
                              album=options.album or routine.title, track=max(1, round(length_s / 60)),
                              year=today.year,
                              cover_jpeg=cover.render(routine.id, routine.title,
                                                      language.length(length_s, routine.language)))
        outcomes.append(studio.render(label, studio.folder / f"{stem}.mp3", plan.timeline, clips, info))
    return outcomes


def stems(routine_id: str, lengths_s: Sequence[float], options: BuildOptions = DEFAULTS) -> list[str]:
    """The file names (without .mp3) of the routine's sessions at these lengths, made today."""
    return _stems(routine_id, lengths_s, options, dt.date.today())


def _stems(routine_id: str, lengths_s: Sequence[float], options: BuildOptions, today: dt.date) -> list[str]:
    differs = naming.variant(options.engine.voice, options.music, options.language)
    template = options.name or DEFAULT_NAME + differs.replace("{", "{{")
    made = [naming.stem(template, {"routine": routine_id, "length": times.label(length_s), "date": today.isoformat()})
            for length_s in lengths_s]
    return naming.distinct(made, f"several lengths need {{length}} in the name, or each would replace the last: "
                                 f"found {template!r}")


def plan(name: str, options: BuildOptions = DEFAULTS, progress: Progress | None = None) -> tuple[Timeline, list[str]]:
    """The timeline a build of the routine called name would have, with the definitions' notices."""
    check_tools(options.engine)
    routine, notices = loader.find_routine(name, options.definition_paths, tag=options.language)
    seed = options.seed if options.seed is not None else seed_of(routine.id)
    with speaking(options.engine, routine.language, ClipCache(options.cache_dir)) as speaker:
        if early := compiler.early_length_error(routine, options.length_s, Known(speaker)):
            raise early
        return compiler.plan(routine, options.length_s, measure_with(speaker, progress), seed), notices


def plan_text(timeline: Timeline, as_json: bool = False) -> str:
    """The timeline as 'plan' prints it: one line per event, or the plan's JSON."""
    return sidecars.plan_json(timeline) if as_json else sidecars.plan_text(timeline)


def draw(timeline: Timeline, path: Path) -> None:
    """The session as an SVG picture in the file path."""
    from ..publish import picture  # Pillow: only a drawing needs it

    picture.write(path, timeline)


def describe(name: str, options: BuildOptions = DEFAULTS, progress: Progress | None = None) -> tuple[list[str], list[str]]:
    """The exercise or routine called name (or in the file name points to) as readable lines, with the
    definitions' notices.

    A routine's shortest and longest lengths come from the chosen voice's cached speech, estimated where it
    has none yet (nothing is rendered: a build measures them), and say so. An exercise given as a file is also shown
    as the session of its own a build of that file makes.
    """
    found, source, library, span = _find(name, options, progress)
    if isinstance(found, Routine):
        (length_s, estimated) = span or (None, False)
        return describing.routine(found, source, length_s, estimated, keeping(found, options, render=False),
                                  library.in_languages("routines", found.id)), library.notices
    lines = describing.exercise(found, source)
    if span:
        (low, high), estimated = span
        lines.append(f"  On its own (build {name}): {times.minutes(low, 'up')} to {times.minutes(high, 'down')} "
                     f"minutes" + (" (estimated)" if estimated else ""))
    return lines, library.notices


def facts(name: str, options: BuildOptions = DEFAULTS, progress: Progress | None = None) -> dict:
    """The exercise or routine called name (or in the file) as plain data, for --json: the definition as
    loaded (every field of the model), its kind and source, and a routine's length range."""
    found, source, _, span = _find(name, options, progress)
    out = {**dataclasses.asdict(found), "kind": "routine" if isinstance(found, Routine) else "exercise",
           "source": source}
    if span:
        (low, high), estimated = span
        out["length_s"] = {"min": round(low, 2), "max": round(high, 2), "estimated": estimated}
    return out


def _find(name: str, options: BuildOptions, progress: Progress | None):
    """(routine or exercise, its source, the library, (length range, estimated) or ())."""
    if loader.is_file_name(name):
        found, library = loader.find_in_file(Path(name), options.definition_paths)
        routine = found if isinstance(found, Routine) else loader.alone(found)
        return found, str(name), library, _span(routine, options, progress)
    library = loader.load_library(list(options.definition_paths)).speaking(options.language)
    if name in library.routines:
        routine = library.routines[name]
        return routine, library.source(name, "routines"), library, _span(routine, options, progress)
    if name in library.exercises:
        return library.exercises[name], library.source(name, "exercises"), library, ()
    known = [*library.routines, *library.exercises]
    raise UnknownNameError(f"no exercise or routine called {name!r}"
                           + (did_you_mean(name, known) or " (see 'audioguide list')"))


def _span(routine: Routine, options: BuildOptions, progress: Progress | None) -> tuple[tuple[float, float], bool]:
    """The routine's length range as show prints it, from the cache's lengths and estimates (nothing rendered);
    True when any length in it was estimated."""
    estimated: set[str] = set()
    try:
        check_tools(options.engine)
    except MissingToolError:
        return compiler.estimated_range(routine), True
    with speaking(options.engine, routine.language, ClipCache(options.cache_dir)) as speaker:
        span = compiler.length_range(routine, compiler.estimating(speaker.cached_length, estimated))
    return span, bool(estimated)


def keeping(routine: Routine, options: BuildOptions = DEFAULTS,
            progress: Progress | None = None, render: bool = True) -> list[tuple[float, tuple[str, ...]]]:
    """What each shorter session keeps, measured with the chosen voice (compiler.keeping); [] without one.
    Without render, from the cache's lengths and estimates."""
    try:
        check_tools(options.engine)
    except MissingToolError:
        return []
    with speaking(options.engine, routine.language, ClipCache(options.cache_dir)) as speaker:
        measure = measure_with(speaker, progress) if render else compiler.estimating(speaker.cached_length, set())
        return compiler.keeping(routine, measure)


def length_range(routine: Routine, options: BuildOptions = DEFAULTS,
                 progress: Progress | None = None) -> tuple[float, float]:
    """The shortest and longest session the routine can fill with the chosen voice, in seconds."""
    check_tools(options.engine)
    with speaking(options.engine, routine.language, ClipCache(options.cache_dir)) as speaker:
        return compiler.length_range(routine, measure_with(speaker, progress))


