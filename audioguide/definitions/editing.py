"""A routine as the editor sees it and saves it: the tables of the file that defines it (the routine, and the
exercises that file defines for it) as plain data; checked by the loader, the one judge, before anything is
written; saved as TOML in the user's folder (one file per routine, written atomically, never outside it); a
file changed since it was read is not overwritten (its version is the sha256 of its bytes)."""

from __future__ import annotations

import hashlib
import os
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .. import files, language
from ..errors import DefinitionError, DefinitionErrors, FileError, UnknownNameError, UsageError, did_you_mean
from . import loader, tomlfile
from ..model import Routine
from .reader import ID_PATTERN

MAX_FILE_BYTES = loader.MAX_FILE_BYTES


class StaleError(UsageError):
    """The file changed since the editor read it: saving would lose what someone else wrote."""

    def __init__(self, message: str, changed: list[str]):
        super().__init__(message)
        self.changed = changed


@dataclass(frozen=True, slots=True)
class Source:
    """A routine's tables as its file holds them: {"exercises": {...}, "routines": {ID: {...}}}."""

    routine: str
    tables: dict
    origin: str          # built-in, user, or the path of a file given on the command line
    path: Path | None    # the file; built-in and given files are copied into the user's folder when saved
    version: str         # of the user's file ("" for the others: a save makes a new file)

    @property
    def editable(self) -> bool:
        return self.origin == "user"


@dataclass(frozen=True, slots=True)
class Saved:
    path: Path
    version: str
    created: bool


def version_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def check_id(routine_id: object, what: str = "routine") -> str:
    """A definition's id, checked like a file name (it names the user's file): else UsageError naming it."""
    if not isinstance(routine_id, str) or not ID_PATTERN.match(routine_id):
        raise UsageError(f"{what}: ids are lower-case letters, digits and dashes (at most 64), found {routine_id!r}")
    return routine_id


def source(routine_id: str, definition_paths: tuple[Path, ...] = (), tag: str = "en") -> Source:
    """The routine's tables (its version in the language) and where they come from; UnknownNameError for an
    unknown id."""
    library = loader.load_library(list(definition_paths)).speaking(tag)
    if routine_id not in library.routines:
        raise UnknownNameError(f"no routine {routine_id!r}{did_you_mean(routine_id, library.routines)}")
    origin = library.source(routine_id, "routines")
    for path, doc, data in _files(definition_paths, origin):
        routine = (doc.get("routines") or {}).get(routine_id)
        if isinstance(routine, dict) and _written_in(doc, routine) == language.key(tag):
            used = {item.get("exercise") for item in routine.get("items", []) if isinstance(item, dict)}
            own = {k: v for k, v in (doc.get("exercises") or {}).items() if k in used}
            if isinstance(doc.get("language"), str):  # the file's language, said by each table the editor gets
                routine = {**routine, "language": routine.get("language", doc["language"])}
                own = {k: {**v, "language": v.get("language", doc["language"])} for k, v in own.items()}
            return Source(routine_id, {"exercises": own, "routines": {routine_id: routine}}, origin, path,
                          version_of(data) if origin == "user" else "")
    raise UnknownNameError(f"no file defines routine {routine_id!r} any more")


def check(tables: object, routine_id: str, definition_paths: tuple[Path, ...] = ()) -> list[DefinitionError]:
    """Every mistake the loader finds in tables as the routine's file (key paths as in the file; lines
    counted in the file the editor would write); [] when it would load."""
    try:
        loaded(tables, routine_id, definition_paths)
    except DefinitionErrors as e:
        return e.errors
    return []


def loaded(tables: object, routine_id: str, definition_paths: tuple[Path, ...] = ()) -> Routine:
    """The routine the tables make, read by the loader as the routine's file would be (in its language);
    DefinitionErrors with every mistake (key paths as in the file) otherwise."""
    shape = _shape(tables, routine_id) or _changed_builtins(tables)
    if shape:
        raise DefinitionErrors(shape)
    assert isinstance(tables, dict)
    with tempfile.TemporaryDirectory(prefix="audioguide-check-") as folder:
        path = Path(folder) / f"{routine_id}.toml"
        path.write_text(tomlfile.dumps(_own(tables)), encoding="utf-8")
        try:
            return loader.load_library([*definition_paths, path]).speaking(_tag(tables)).routine(routine_id)
        except DefinitionErrors as e:
            raise DefinitionErrors([_located(error, path, routine_id) for error in e.errors]) from None
        except DefinitionError as e:
            raise DefinitionErrors([_located(e, path, routine_id)]) from None


def save(tables: dict, routine_id: str, if_match: str | None, definition_paths: tuple[Path, ...] = ()) -> Saved:
    """Write the routine (checked first: DefinitionErrors) into the user's file that defines it, or a new
    <id>.toml in the user's folder; StaleError when that file is not at the version if_match names."""
    own = _user_file(routine_id)
    folder = files.ensure_folder(files.config_dir(), "definitions folder")
    target = own or folder / f"{routine_id}.toml"
    _confined(target, folder)  # before anything else reads the folder
    mistakes = check(tables, routine_id, definition_paths)
    if mistakes:
        raise DefinitionErrors(mistakes)
    tables = _own(tables)
    data = _read(target) if own else None
    if data is not None:
        if if_match is None:
            raise StaleError(f"{target.name} exists: send the version you edited (If-Match) so that nothing "
                             "written there since is lost", [])
        if if_match.strip('"') != version_of(data):
            raise StaleError(f"{target.name} changed since you opened it", _changed(data, tables))
        text = tomlfile.update(data.decode("utf-8"), tables)
    elif target.exists() or target.is_symlink():
        raise FileError(f"{target} is there already and is not a definition file audioguide can read")
    else:
        text = tomlfile.dumps(tables)
    files.write_text(target, text)
    return Saved(target, version_of(text.encode("utf-8")), own is None)


def delete(routine_id: str, if_match: str | None = None) -> Path:
    """Take the routine out of the user's folder: its file goes when it held nothing else; built-in routines
    and files given on the command line are never touched (UsageError)."""
    own = _user_file(routine_id)
    if own is None:
        raise UsageError(f"routine: {routine_id!r} is not one of your files (built-in routines are never deleted)")
    folder = files.config_dir()
    _confined(own, folder)
    data = _read(own) or b""
    if if_match is not None and if_match.strip('"') != version_of(data):
        raise StaleError(f"{own.name} changed since you opened it", [])
    doc = tomllib.loads(data.decode("utf-8"))
    routine = doc["routines"][routine_id]
    used = {item.get("exercise") for item in routine.get("items", []) if isinstance(item, dict)}
    others = [(s, k) for s in ("routines", "programs") for k in (doc.get(s) or {}) if (s, k) != ("routines", routine_id)]
    if not others:
        own.unlink()
        return own
    still = {item.get("exercise") for s, k in others if s == "routines"
             for item in doc["routines"][k].get("items", []) if isinstance(item, dict)}
    removed = {"routines": [routine_id],
               "exercises": [str(e) for e in used if e not in still and e in doc.get("exercises", {})]}
    files.write_text(own, tomlfile.update(data.decode("utf-8"), {}, removed))
    return own


def export(routine_id: str, definition_paths: tuple[Path, ...] = ()) -> str:
    """The routine and every exercise it uses, from wherever each is defined, as one file of its own."""
    library = loader.load_library(list(definition_paths))
    routine = library.routine(routine_id)
    raw = raw_tables(definition_paths)
    exercises = {item.exercise.id: raw["exercises"][item.exercise.id] for item in routine.items}
    header = (f"The routine {routine_id} with every exercise it uses, exported by audioguide: a file of its own.",
              f"Build it with: audioguide build {routine_id}.toml (docs/definitions.md describes the format).")
    return tomlfile.dumps({"exercises": exercises, "routines": {routine_id: raw["routines"][routine_id]}}, header)


# -- where the files are -------------------------------------------------------------------------------

def _files(definition_paths: tuple[Path, ...], origin: str):
    """(path, parsed document, bytes) of the files of one origin (built-in, user, or a given path)."""
    if origin == "built-in":
        chosen = loader.builtin_files()
    elif origin == "user":
        chosen = loader.user_files()
    else:
        chosen = [p for p in map(Path, definition_paths) if str(p) == origin]
    for path in chosen:
        data = _read(path)
        if data is not None:
            try:
                yield path, tomllib.loads(data.decode("utf-8-sig")), data
            except (tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue


def raw_tables(definition_paths: tuple[Path, ...], tag: str = "en") -> dict[str, dict]:
    """Every table written in the language in every definition file, later files overriding earlier ids, as
    the loader reads them."""
    out: dict[str, dict] = {"exercises": {}, "routines": {}}
    for origin in ("built-in", "user", *map(str, definition_paths)):
        for _, doc, _ in _files(definition_paths, origin):
            for section in out:
                out[section].update({k: v for k, v in (doc.get(section) or {}).items() if isinstance(v, dict)
                                     and _written_in(doc, v) == language.key(tag)})
    return out


def _written_in(doc: dict, table: dict) -> str:
    """The language (its table's key) a table of a file is written in: its own tag, else its file's, else
    English, as the loader reads them."""
    own, written = table.get("language"), doc.get("language")
    return language.key(own if isinstance(own, str) else written if isinstance(written, str) else None)


def defines(path: Path) -> dict[str, list[str]]:
    """What a definition file defines, by section (a file that cannot be read is a DefinitionError)."""
    data = _read(path)
    try:
        doc = tomllib.loads((data or b"").decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise DefinitionError(f"not a definition file audioguide can read: {e}", path) from None
    return {s: sorted(doc.get(s) or {}) for s in ("routines", "exercises", "programs")}


def _user_file(routine_id: str) -> Path | None:
    """The file of the user's folder that defines the routine (the last, as the loader takes the last)."""
    found = None
    for path, doc, _ in _files((), "user"):
        if routine_id in (doc.get("routines") or {}):
            found = path
    return found


def _read(path: Path) -> bytes | None:
    """A definition file's bytes (None when there is none); a FIFO, device, link out of the folder or a huge file
    is a FileError, never a hang."""
    text = files.read_small(path, "definition file", MAX_FILE_BYTES)
    return None if text is None else text.encode("utf-8")


def _confined(target: Path, folder: Path) -> None:
    """The editor writes only plain files directly inside the user's folder: never through a link."""
    if target.is_symlink() or Path(os.path.realpath(target.parent)) != Path(os.path.realpath(folder)):
        raise FileError(f"{target}: expected a file of its own in {folder}, found a link; audioguide does not "
                        "write through links")


def _shape(tables: object, routine_id: str) -> list[DefinitionError]:
    """What the loader cannot be asked about: the body's outline (one routine, the one named, and exercises)."""
    def wrong(key: str, message: str) -> list[DefinitionError]:
        return [DefinitionError(message, None, key)]
    if not isinstance(tables, dict):
        return wrong("", f"expected {{\"exercises\": {{...}}, \"routines\": {{\"{routine_id}\": {{...}}}}}}")
    unknown = sorted(set(tables) - {"exercises", "routines"})
    if unknown:
        return wrong(unknown[0], "unknown key; expected exercises and routines")
    routines = tables.get("routines")
    if not isinstance(routines, dict) or list(routines) != [routine_id]:
        return wrong("routines", f"expected the one routine {routine_id!r}, found "
                                 f"{sorted(routines) if isinstance(routines, dict) else routines!r}")
    if not isinstance(tables.get("exercises", {}), dict):
        return wrong("exercises", "expected a table of exercises")
    for exercise_id in tables.get("exercises", {}):
        if not isinstance(exercise_id, str) or not ID_PATTERN.match(exercise_id):
            return wrong(f"exercises.{exercise_id}", "ids are lower-case letters, digits and dashes")
    return []


def _builtin_exercises(tag: str = "en") -> dict[str, dict]:
    """The built-in exercises written in the language (each language's files define the same ids)."""
    found: dict[str, dict] = {}
    for _, doc, _ in _files((), "built-in"):
        found.update({k: v for k, v in (doc.get("exercises") or {}).items()
                      if isinstance(v, dict) and _written_in(doc, v) == language.key(tag)})
    return found


def _changed_builtins(tables: object) -> list[DefinitionError]:
    """A built-in exercise is used as it is: a changed copy needs an id of its own (else it would change the
    built-in routines too)."""
    builtin = _builtin_exercises(_tag(tables))
    exercises = tables.get("exercises", {}) if isinstance(tables, dict) else {}
    return [DefinitionError(f"a built-in exercise, changed: give your copy an id of its own, such as "
                            f"{exercise_id}-mine", None, f"exercises.{exercise_id}")
            for exercise_id, raw in exercises.items() if exercise_id in builtin and raw != builtin[exercise_id]]


def _tag(tables: object) -> str:
    """The language the routine's tables are written in (its own 'language' key; English without one)."""
    routines = tables.get("routines") if isinstance(tables, dict) else None
    routine: object = next(iter(routines.values()), {}) if isinstance(routines, dict) and routines else {}
    tag = routine.get("language") if isinstance(routine, dict) else None
    return tag if isinstance(tag, str) else "en"


def _own(tables: dict) -> dict:
    """The tables without the built-in exercises the routine uses as they are (they stay the library's)."""
    builtin = _builtin_exercises(_tag(tables))
    exercises = {k: v for k, v in (tables.get("exercises") or {}).items() if builtin.get(k) != v}
    return {**tables, "exercises": exercises}


def _located(error: DefinitionError, scratch: Path, routine_id: str) -> DefinitionError:
    path = f"{routine_id}.toml" if error.path == str(scratch) else error.path
    return DefinitionError(error.message, path, error.key, error.line)


def _changed(data: bytes, tables: dict) -> list[str]:
    """The key paths where the file as it is now and the copy being saved differ."""
    try:
        now = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return [""]
    out: list[str] = []

    def walk(a: object, b: object, key: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b), key=str):
                walk(a.get(k), b.get(k), f"{key}.{k}" if key else str(k))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{key}[{i}]")
        elif a != b:
            out.append(key)
    for section in ("exercises", "routines"):
        mine = tables.get(section) or {}
        walk({k: v for k, v in (now.get(section) or {}).items() if k in mine}, mine, section)
    return out
