"""Definitions: TOML files -> Exercise and Routine, every mistake located by file, line and key path.

Built-in definitions live in library/; the user's own in their config folder; more can be named by path.
Names are imported when first used, so a command that reads no definitions pays nothing for them.
"""

from importlib import import_module

_LATER = {"Library": "loader", "builtin_files": "loader", "find_routine": "loader", "load_files": "loader",
          "load_library": "loader", "user_files": "loader", "ID_PATTERN": "reader", "find_in_file": "loader",
          "is_file_name": "loader", "alone": "loader"}

__all__ = ["ID_PATTERN", "Library", "alone", "builtin_files", "find_in_file", "find_routine", "is_file_name",
           "load_files", "load_library", "user_files"]


def __getattr__(name: str):
    if name in _LATER:
        return getattr(import_module(f".{_LATER[name]}", __name__), name)
    raise AttributeError(f"module 'audioguide.definitions' has no attribute {name!r}")
