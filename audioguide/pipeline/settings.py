"""The config file as the doors read it: its values with their lines, where it is looked for, and how a value
found there is described in an error. Reading and locating it is the definitions' (definitions/config.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..definitions import config, where


def load() -> config.Config:
    """The config file's settings (none when there is no file); DefinitionError when it cannot be read."""
    return config.load()


def default_path() -> Path:
    return config.default_path()


def kind(value: Any) -> str:
    """A value as an error says what was found: 'a string 'fast'', 'a table'."""
    return where.kind(value)
