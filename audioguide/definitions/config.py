"""The user's config file: defaults for the command line's options, one `name = value` per option.

    # ~/.config/audioguide/config.toml
    engine = "piper"
    rate = 110
    output-dir = "~/Podcasts/audioguide"
    music = "~/Music/calm.mp3"
    music-level = -20
    artist = "Sam"

A key is an option's long name (`output-dir`; `output_dir` is read the same). The command line checks each
value against its option; this module only finds the file, reads it and says where each value stands.
Precedence (the command line applies it): a flag, then an AUDIOGUIDE_* environment variable, then this file,
then the built-in default.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .. import files
from ..errors import DefinitionError
from .where import find_line, join, kind

FILE_VARIABLE = "AUDIOGUIDE_CONFIG"   # another config file than the usual one ("" for none)
MAX_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Setting:
    key: str            # as the option is spelt: output-dir
    value: object
    line: int | None    # where it stands in the file


@dataclass(frozen=True, slots=True)
class Config:
    path: Path | None   # None: no file (none there, or AUDIOGUIDE_CONFIG="")
    settings: dict[str, Setting]

    def where(self, key: str) -> str:
        """'PATH:LINE' of a setting, for messages and for `audioguide config`."""
        setting = self.settings[key]
        return f"{self.path}:{setting.line}" if setting.line else str(self.path)

    def error(self, key: str, message: str) -> DefinitionError:
        setting = self.settings.get(key)
        return DefinitionError(message, self.path, join("", setting.key if setting else key),
                               setting.line if setting else None)


def default_path() -> Path:
    return files.config_dir() / "config.toml"


def path() -> Path | None:
    """The config file in force: $AUDIOGUIDE_CONFIG when set (empty: none), else the usual one when it exists."""
    chosen = os.environ.get(FILE_VARIABLE)
    if chosen is not None:
        return Path(chosen).expanduser() if chosen.strip() else None
    usual = default_path()
    return usual if usual.exists() else None


def load() -> Config:
    """The config file in force, read; an empty Config when there is none. DefinitionError when it is broken
    (and when $AUDIOGUIDE_CONFIG names a file that is not there)."""
    found = path()
    if found is None:
        return Config(None, {})
    if os.environ.get(FILE_VARIABLE, "").strip() and not found.exists():
        raise DefinitionError(f"no such file (named by ${FILE_VARIABLE})", found)
    if not found.is_file():
        raise DefinitionError("expected a TOML file, found a folder or a special file", found)
    try:
        raw = files.read_regular(found, MAX_BYTES)
    except files.UnfitFile:
        raise DefinitionError(f"expected a config file of at most {MAX_BYTES // 1024} KB", found) from None
    except OSError as e:
        raise DefinitionError(f"cannot read the config file: {e.strerror or e}", found) from e
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a byte order mark is allowed
    except UnicodeDecodeError:
        raise DefinitionError("expected UTF-8 text", found) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        at = re.search(r"\(at line (\d+)", str(e))
        line_number = int(at.group(1)) if at else None
        twice = _set_twice(text.splitlines(), line_number) if "overwrite" in str(e) else None
        if twice:
            raise DefinitionError(f"{twice[0]}: set twice, on lines {twice[1]} and {line_number}; keep one", found,
                                  None, line_number) from None
        raise DefinitionError(f"not valid TOML: {str(e).split(' (at ')[0]}", found, None, line_number) from None
    lines = text.splitlines()
    settings = {}
    for key, value in data.items():
        name = key.replace("_", "-")
        line = find_line(lines, key) if re.fullmatch(r"[A-Za-z0-9_-]+", key) else None  # a bare key
        if isinstance(value, dict):
            raise DefinitionError(f"expected a value (config files have no tables), found {kind(value)}",
                                  found, join("", key), line)
        settings[name] = Setting(key, value, line)
    return Config(found, settings)


def _set_twice(lines: list[str], line_number: int | None) -> tuple[str, int] | None:
    """(key, the line it was first set on) when line_number sets a bare key an earlier line already set."""
    bare = re.compile(r"\s*([A-Za-z0-9_-]+)\s*=")
    if not line_number or line_number > len(lines) or not (again := bare.match(lines[line_number - 1])):
        return None
    first = next((n for n, line in enumerate(lines[:line_number - 1], 1)
                  if (m := bare.match(line)) and m.group(1) == again.group(1)), None)
    return (again.group(1), first) if first else None
