"""The editor as the doors use it: a routine's tables to edit (with the exercises it uses from elsewhere, to
show and to copy), checked, previewed at a length (the plan and the first minutes' words, nothing written),
saved and deleted in the user's folder, exported as one file of its own, and other apps' files imported."""

from __future__ import annotations

from pathlib import Path

from .. import compiler
from ..definitions import editing, loader
from ..definitions.editing import Saved, StaleError, check_id
from ..errors import DefinitionError
from ..model import Timeline
from ..schedule import seed_of
from ..speech import ClipCache
from .options import DEFAULTS, BuildOptions
from .voicing import check_tools, measure_with, speaking

__all__ = ["Saved", "StaleError", "check_id", "source", "mistakes", "save", "delete", "export", "preview",
           "user_files", "exercises"]
PREVIEW_WORDS_S = 180.0  # the transcript a preview shows: its first three minutes


def source(routine_id: str, options: BuildOptions = DEFAULTS) -> dict:
    """The routine's file tables, whether a save edits them in place (user) or makes a copy, the file's version,
    and the tables of the exercises it uses that its file does not define (built-in, or another file's)."""
    found = editing.source(check_id(routine_id), options.definition_paths)
    used = _used(found.tables["routines"][routine_id], found.tables["exercises"], options)
    return {"routine": routine_id, "tables": found.tables, "origin": found.origin, "editable": found.editable,
            "version": found.version, "file": found.path.name if found.path and found.editable else None,
            "used": used}


def exercises(options: BuildOptions = DEFAULTS) -> list[dict]:
    """Every exercise that can be picked into a routine: id, title, summary, where it comes from, its table."""
    library = loader.load_library(list(options.definition_paths))
    raw = editing.raw_tables(options.definition_paths)["exercises"]
    return [{"id": e.id, "title": e.title, "summary": e.summary, "source": library.source(e.id, "exercises"),
             "table": raw.get(e.id, {})} for e in sorted(library.exercises.values(), key=lambda e: e.title.lower())]


def user_files() -> list[dict]:
    """The user's definition files and what each defines."""
    out: list[dict] = []
    for path in loader.user_files():
        try:
            defines = editing.defines(path)
        except DefinitionError as e:
            out.append({"file": path.name, "error": str(e)})
            continue
        out.append({"file": path.name, **defines})
    return out


def mistakes(tables: object, routine_id: str, options: BuildOptions = DEFAULTS) -> list[DefinitionError]:
    return editing.check(tables, check_id(routine_id), options.definition_paths)


def save(tables: dict, routine_id: str, if_match: str | None, options: BuildOptions = DEFAULTS) -> Saved:
    return editing.save(tables, check_id(routine_id), if_match, options.definition_paths)


def delete(routine_id: str, if_match: str | None = None) -> Path:
    return editing.delete(check_id(routine_id), if_match)


def export(routine_id: str, definition_paths: tuple[Path, ...] = ()) -> str:
    """The routine and every exercise it uses as one file of its own (UnknownNameError for an unknown id)."""
    return editing.export(routine_id, definition_paths)


def preview(tables: object, routine_id: str, length_s: float, options: BuildOptions = DEFAULTS) -> dict:
    """The session the unsaved tables would make at length_s (DefinitionErrors or a LengthError when they
    cannot): its chapters and what is said in the first minutes, measured with the server's voice (so a Make
    after it renders nothing twice). Nothing is written where a person looks."""
    routine = editing.loaded(tables, check_id(routine_id), options.definition_paths)
    check_tools(options.engine)
    with speaking(options.engine, routine.language, ClipCache(options.cache_dir)) as speaker:
        timeline = compiler.plan(routine, length_s, measure_with(speaker, None), seed_of(routine.id))
    return _shown(timeline)


def _shown(timeline: Timeline) -> dict:
    plan = timeline.to_dict()
    said = [{"at_s": round(e["start_s"], 1), "chapter": e["chapter"], "text": e["text"]}
            for e in plan["events"] if e["kind"] == "speech" and e["start_s"] < PREVIEW_WORDS_S]
    return {"title": plan["title"], "duration_s": plan["duration_s"],
            "chapters": [{**c, "start_s": round(c["start_s"], 1), "end_s": round(c["end_s"], 1)}
                         for c in plan["chapters"]], "said": said}


def _used(routine: dict, own: dict, options: BuildOptions) -> dict:
    raw = editing.raw_tables(options.definition_paths)["exercises"]
    ids = [item.get("exercise") for item in routine.get("items", []) if isinstance(item, dict)]
    return {i: raw[i] for i in ids if isinstance(i, str) and i not in own and i in raw}
