"""Other apps' workouts imported, as the doors ask: a file (or a page's upload) read in whichever format it is,
its ids made its own (never replacing a routine or exercise the library has), and the definitions written as a
file of the user's folder (or where asked), checked by the loader before they are kept."""

from __future__ import annotations

from pathlib import Path

from .. import files
from ..definitions import editing, loader, tomlfile
from ..definitions.imports import Imported, ImportFault, read
from ..errors import DefinitionError, DefinitionErrors, FileError

MAX_BYTES = 1_000_000

__all__ = ["Imported", "ImportFault", "read_file", "read_text", "write"]


def read_text(text: str, name: str = "upload") -> Imported:
    """The workout in text; its ids turned so that none replaces one of the library's."""
    hint = Path(name).stem.replace("_", " ").replace("-", " ").strip().capitalize() if name != "upload" else ""
    try:
        found = read(text, hint)
    except ImportFault as e:
        raise ImportFault(f"{name}: {e.message}") from None
    return _own_ids(found)


def read_file(path: Path) -> Imported:
    text = files.read_small(Path(path), "workout file", MAX_BYTES)
    if text is None:
        raise FileError(f"{path}: file not found")
    return read_text(text, str(path))


def write(found: Imported, out: Path | None = None) -> Path:
    """The definitions as a file: out, or <routine>.toml in the user's folder (never over a file already
    there); checked by the loader first (DefinitionErrors naming what would be wrong)."""
    text = tomlfile.dumps(found.tables)
    mistakes = editing.check(found.tables, found.routine_id) if len(found.tables["routines"]) == 1 else []
    if mistakes:
        raise DefinitionErrors(mistakes)
    if out is None:
        folder = files.ensure_folder(files.config_dir(), "definitions folder")
        out = folder / f"{found.routine_id}.toml"
    if out.exists() or out.is_symlink():
        raise FileError(f"{out} is there already: pass -o with another file name")
    files.write_text(out, text)
    try:
        loader.load_files([out])
    except DefinitionError:
        out.unlink()
        raise
    return out


def _own_ids(found: Imported) -> Imported:
    """Ids the library does not have yet: 'squats' stays 'squats' unless there is one (then 'squats-2')."""
    library = loader.load_library()
    taken_exercises, taken_routines = set(library.exercises), set(library.routines)
    renamed = {}
    for exercise_id in found.tables["exercises"]:
        renamed[exercise_id] = _free(exercise_id, taken_exercises)
        taken_exercises.add(renamed[exercise_id])
    exercises = {renamed[k]: v for k, v in found.tables["exercises"].items()}
    routines = {}
    first = found.routine_id
    for routine_id, routine in found.tables["routines"].items():
        new_id = _free(routine_id, taken_routines)
        taken_routines.add(new_id)
        first = new_id if routine_id == found.routine_id else first
        items = [{**item, "exercise": renamed.get(item["exercise"], item["exercise"])} for item in routine["items"]]
        routines[new_id] = {**routine, "items": items}
    return Imported(found.format, first, {"exercises": exercises, "routines": routines}, found.notes)


def _free(wanted: str, taken: set[str]) -> str:
    if wanted not in taken:
        return wanted
    n = 2
    while f"{wanted[:60]}-{n}" in taken:
        n += 1
    return f"{wanted[:60]}-{n}"
