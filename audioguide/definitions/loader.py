"""Definition files -> a Library: built-ins, then the user's folder, then paths; later files override ids."""

from __future__ import annotations

import re
import time
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import files
from .. import language
from ..errors import DefinitionError, DefinitionErrors, UnknownNameError, UsageError, did_you_mean
from ..model import Exercise, Item, Program, Range, Routine
from . import config
from .programs import read_program
from .reader import ID_PATTERN, Reader
from .where import join, kind, toml_cause


@dataclass
class Library:
    """Every exercise and routine found, with where each came from."""

    exercises: dict[str, Exercise] = field(default_factory=dict)
    routines: dict[str, Routine] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    language: str = language.DEFAULT
    languages: dict[str, list[str]] = field(default_factory=dict)    # "routines.ID": the languages it is in
    translations: dict[str, Library] = field(default_factory=dict)   # every language's own library, by key

    def speaking(self, tag: str | None) -> Library:
        """The library of definitions written in the language (each language is a namespace of its own:
        a Spanish routine uses Spanish exercises); UsageError for a language none is written in."""
        wanted = language.key(tag)
        if wanted == self.language:
            return self
        if wanted not in self.translations:
            have = ", ".join(sorted({self.language, *self.translations}))
            problem = language.check(tag) or f"no definitions are written in {tag!r} (they are in: {have})"
            raise UsageError(f"--language: {problem}")
        return self.translations[wanted]

    def in_languages(self, section: str, name: str) -> list[str]:
        """The languages the definition called name is written in ('routines', 'thoracic-mobility')."""
        return self.languages.get(f"{section}.{name}", [])

    def routine(self, name: str) -> Routine:
        """Return the routine called name, or raise UnknownNameError listing the known ones."""
        if name in self.routines:
            return self.routines[name]
        known = ", ".join(sorted(self.routines)) or "none"
        raise UnknownNameError(f"unknown routine {name!r}{did_you_mean(name, self.routines)} (known routines: {known})")

    def program(self, name: str) -> Program:
        """Return the program called name, or raise UnknownNameError listing the known ones."""
        if name in self.programs:
            return self.programs[name]
        known = ", ".join(sorted(self.programs)) or "none"
        raise UnknownNameError(f"unknown program {name!r}{did_you_mean(name, self.programs)} (known programs: {known})")

    def source(self, name: str, section: str = "") -> str:
        """Where the program, routine or exercise called name comes from: built-in, user, or a file's path."""
        sections = [section] if section else ["routines", "exercises", "programs"]
        return next(self.sources[f"{s}.{name}"] for s in sections if f"{s}.{name}" in self.sources)


def builtin_files() -> list[Path]:
    """The definition files shipped inside the package."""
    return sorted((Path(__file__).parent / "library").glob("*.toml"))  # installed unzipped, as pip does


def user_files() -> list[Path]:
    """The definition files of the user folder: every .toml in it but the config file (which lives there too)."""
    folder = files.config_dir()
    if not folder.is_dir():
        return []
    settings = {config.default_path().resolve()} | ({found.resolve()} if (found := config.path()) else set())
    return sorted(p for p in folder.glob("*.toml") if p.resolve() not in settings)


def load_library(paths: list[str | Path] | tuple = (), include_user: bool = True) -> Library:
    """Load the built-ins, then the user folder, then paths; later files override earlier ids."""
    found = [(p, "built-in") for p in builtin_files()]
    if include_user:
        found += [(p, "user") for p in user_files()]
    found += [(Path(p), "path") for p in paths]
    global _last
    signature = _signature(found)
    if _last is not None and signature is not None and _last[0] == signature:
        return _fresh(_last[1])
    library = _Loader().load(found)
    if signature is not None:
        _last = (signature, _fresh(library))
    return library


# The last library loaded and the files it was loaded from: a server answers its pages without reading every file
# again while none has changed. As git does with its index, a file changed in the last seconds is not trusted to
# show a later change in its size or time, so a library holding one is not kept.
_last: tuple[tuple, Library] | None = None
_RACY_NS = 2_000_000_000


def _signature(found: list[tuple[Path, str]]) -> tuple | None:
    try:
        stats = [(str(path), origin, path.stat()) for path, origin in found]
    except OSError:
        return None                                 # the loader says what is wrong with it
    now = time.time_ns()
    if any(now - s.st_mtime_ns < _RACY_NS for _, _, s in stats):
        return None
    return tuple((name, origin, s.st_dev, s.st_ino, s.st_size, s.st_mtime_ns, s.st_ctime_ns)
                 for name, origin, s in stats)


def _fresh(library: Library) -> Library:
    """A copy whose tables and lists a caller may change without changing the kept one."""
    notices, languages = list(library.notices), {k: list(v) for k, v in library.languages.items()}

    def copied(one: Library) -> Library:
        return replace(one, exercises=dict(one.exercises), routines=dict(one.routines), programs=dict(one.programs),
                       sources=dict(one.sources), notices=notices, languages=languages, translations={})

    main = copied(library)
    main.translations = {tag: copied(one) for tag, one in library.translations.items()}
    return main


def load_files(paths: list[str | Path]) -> Library:
    """Load the given files on top of the built-ins only (for validate): no user folder."""
    return load_library(paths, include_user=False)


def is_file_name(name: str) -> bool:
    """Whether a routine's name on the command line is a definition file's path."""
    return name.endswith(".toml") or Path(name).is_file()


def find_in_file(path: Path, paths: tuple[Path, ...] = ()) -> tuple[Routine | Exercise, Library]:
    """What a file given in place of a name holds: its one routine, or, with no routine, its one exercise."""
    library = load_library([*paths, path])
    spoken = [library, *library.translations.values()]  # in whichever language it is written
    own = [r for lib in spoken for r in lib.routines.values() if r.source == str(path)]
    if len(own) == 1:
        return own[0], library
    exercises = [e for lib in spoken for e in lib.exercises.values() if e.source == str(path)]
    if not own and len(exercises) == 1:
        return exercises[0], library
    found = ", ".join(r.id for r in own) or "none"
    also = f" (and {len(exercises)} exercises)" if not own and exercises else ""
    raise UnknownNameError(f"{path}: expected one routine, or one exercise and no routine, in the file; found "
                           f"routines: {found}{also}; name one instead and pass the file with --definitions")


ALONE_ROUNDS = 10


def alone(exercise: Exercise) -> Routine:
    """A routine of one exercise, for a file that holds an exercise and no routine: a session of just that,
    in up to ALONE_ROUNDS rounds so that longer sessions fit too."""
    return Routine(id=exercise.id, title=exercise.title, items=(Item(exercise),), description=exercise.summary,
                   rounds=Range(1, 1, ALONE_ROUNDS), source=exercise.source)


def find_routine(name: str, paths: tuple[Path, ...] = (), by_file: bool = True,
                 tag: str | None = None) -> tuple[Routine, list[str]]:
    """The routine called name (its version in the language tag names), or (by_file) the one routine (or one
    exercise, as a routine of its own) in the file name points to; with load notices. Without by_file, name is
    an id and never read as a path."""
    if by_file and is_file_name(name):
        found, library = find_in_file(Path(name), paths)
        return (found if isinstance(found, Routine) else alone(found)), library.notices
    library = load_library(list(paths))
    if tag is not None and language.check(tag) is None and name in library.routines and \
            language.key(tag) not in library.in_languages("routines", name):
        have = ", ".join(library.in_languages("routines", name))
        raise UnknownNameError(f"routine {name!r} is not written in {language.english_name(tag)}; it is in: {have}")
    return library.speaking(tag).routine(name), library.notices


SECTIONS = ("exercises", "routines", "programs")
FILE_KEYS = (*SECTIONS, "language")   # a file's language: the default of every table in it
MAX_FILE_BYTES = 1_000_000


class _Loader:
    """Reads every file once; each language's tables make a library of their own (a routine uses the exercises
    written in its language), and every language's mistakes are reported together."""

    def __init__(self):
        self.errors: list[DefinitionError] = []
        self.raw: dict[str, dict[str, dict[str, tuple[dict, Reader, str]]]] = {}   # language -> section -> id
        self.sources: dict[str, dict[str, str]] = {}
        self.notices: list[str] = []

    def load(self, found: list[tuple[Path, str]]) -> Library:
        for path, origin in found:
            self._read_file(path, origin)
        libraries = {tag: self._library(tag) for tag in sorted(self.raw, key=lambda t: t != language.DEFAULT)}
        readers = [r for sections in self.raw.values() for tables in sections.values() for _, r, _ in tables.values()]
        more = []
        for reader in {id(r): r for r in readers}.values():
            self.errors.extend(reader.errors)
            if reader.unreported:
                more.append(DefinitionError(f"and {reader.unreported} more mistakes", reader.path))
        if self.errors:
            raise DefinitionErrors(sorted(self.errors, key=lambda e: (e.path or "", e.line or 0)) + more)
        main = libraries.pop(language.DEFAULT, None) or Library()
        main.notices = self.notices
        main.translations = libraries
        for tag, library in [(language.DEFAULT, main), *libraries.items()]:
            library.language, library.notices = tag, self.notices
            for section in SECTIONS:
                for item_id in getattr(library, section):
                    main.languages.setdefault(f"{section}.{item_id}", []).append(tag)
        for library in libraries.values():
            library.languages = main.languages
        return main

    def _library(self, tag: str) -> Library:
        library = Library(sources=self.sources.get(tag, {}))
        raw = self.raw[tag]
        exercises, routines, programs = (raw.get(s, {}) for s in SECTIONS)
        known: dict[str, Exercise] = {}
        for ex_id, (table, reader, _) in exercises.items():
            reader.language = _tag(table, reader)
            exercise = reader.exercise(table, f"exercises.{ex_id}", ex_id)
            if exercise is not None:
                known[ex_id] = exercise
                library.exercises[ex_id] = exercise
        for rt_id, (table, reader, origin) in routines.items():
            reader.language = _tag(table, reader)
            routine = reader.routine(table, f"routines.{rt_id}", rt_id, known, exercises)
            if routine is not None:
                library.routines[rt_id] = replace(routine, source=origin)
        broken = set(routines) - set(library.routines)
        for pr_id, (table, reader, origin) in programs.items():
            reader.language = _tag(table, reader)
            program = read_program(reader, table, f"programs.{pr_id}", pr_id, library.routines, broken)
            if program is not None:
                library.programs[pr_id] = replace(program, source=origin)
        return library

    def _text(self, path: Path) -> str | None:
        """The file's text, or None with the reason noted: only regular files of at most MAX_FILE_BYTES are read
        (a FIFO would block, /dev/zero never end)."""
        try:
            return files.read_regular(path, MAX_FILE_BYTES).decode("utf-8-sig")  # a byte order mark is allowed
        except FileNotFoundError:
            self.errors.append(DefinitionError("file not found", path))
        except files.UnfitFile as e:
            self.errors.append(DefinitionError(
                f"expected at most {MAX_FILE_BYTES // 1000} kB of definitions, found {e.size_bytes / 1e6:.1f} MB"
                if e.size_bytes is not None else f"expected a definition file, found {e.found}", path))
        except UnicodeDecodeError as e:
            self.errors.append(DefinitionError(f"expected UTF-8 text, found a byte {e.object[e.start]:#04x} that is "
                                               f"not (at byte {e.start})", path))
        except OSError as e:
            self.errors.append(DefinitionError(f"cannot read file: {e.strerror or e}", path))
        return None

    def _read_file(self, path: Path, origin: str) -> None:
        text = self._text(path)
        if text is None:
            return
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            line = re.search(r"line (\d+)", str(e))
            message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(e)) or "invalid TOML"
            number = int(line.group(1)) if line else None
            lines = text.splitlines()
            cause = toml_cause(message, lines[number - 1]) if number and number <= len(lines) else ""
            self.errors.append(DefinitionError(f"invalid TOML: {message}" + (f"; likely {cause}" if cause else ""),
                                               path, line=number))
            return
        except RecursionError:
            self.errors.append(DefinitionError("invalid TOML: arrays or tables nested too deeply", path))
            return
        reader = Reader(path, text)
        reader.check_keys(doc, FILE_KEYS, "")
        reader.file_language = self._language(doc, reader, "language") or language.DEFAULT
        source = origin if origin != "path" else str(path)
        for section in SECTIONS:
            table = doc.get(section, {})
            if not isinstance(table, dict):
                reader.fail(section, f"expected a table of {section}, found {kind(table)}")
                continue
            for item_id, raw in table.items():
                key = join(section, item_id)
                if not ID_PATTERN.match(item_id):
                    reader.fail(key, f"ids are lower-case letters, digits and dashes, found {item_id!r}")
                    continue
                if not isinstance(raw, dict):
                    reader.fail(key, f"expected a table, found {kind(raw)}")
                    continue
                tag = self._language(raw, reader, join(key, "language")) or reader.file_language
                space = language.key(tag)
                target = self.raw.setdefault(space, {}).setdefault(section, {})
                sources = self.sources.setdefault(space, {})
                if item_id in target:
                    self.notices.append(f"{path}: {section[:-1]} {item_id!r} overrides the one from "
                                        f"{sources[f'{section}.{item_id}']}")
                target[item_id] = (raw, reader, source)
                sources[f"{section}.{item_id}"] = source
        if not reader.errors and not any(doc.get(section) for section in SECTIONS):
            reader.fail("", "no [exercises.ID], [routines.ID] or [programs.ID] tables found")
        self.errors.extend(reader.errors)
        reader.errors = []

    @staticmethod
    def _language(table: dict, reader: Reader, key: str) -> str | None:
        """The language tag a table (or the file) names, checked; None when it names none (or a wrong one)."""
        tag = table.get("language")
        if tag is None:
            return None
        problem = language.check(tag)
        if problem:
            reader.fail(key, problem)
            return None
        return str(tag)


def _tag(table: dict, reader: Reader) -> str:
    tag = table.get("language")
    return tag if isinstance(tag, str) and language.check(tag) is None else reader.file_language
