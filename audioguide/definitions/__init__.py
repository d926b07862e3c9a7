"""Definitions: TOML files -> Exercise and Routine, every mistake located by file, line and key path.

Built-in definitions live in library/; the user's own in their config folder; more can be named by path.
"""

from .loader import Library, builtin_files, find_routine, load_files, load_library, user_files
from .reader import ID_PATTERN

__all__ = ["ID_PATTERN", "Library", "builtin_files", "find_routine", "load_files", "load_library", "user_files"]
