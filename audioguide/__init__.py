"""audioguide: exercise definitions in, voice-guided MP3 sessions of any length out.

The names below are imported when first used, so 'audioguide --version' does not pay for numpy and scipy.
"""

from importlib import import_module

__version__ = "0.1.0"  # the one place the version is written: pyproject.toml reads it from here

_PUBLIC = {"AudioguideError": "errors", "DefinitionError": "errors", "Chapter": "model", "Event": "model",
           "Exercise": "model", "Routine": "model", "Program": "model", "Timeline": "model", "BuildOptions": "pipeline",
           "build": "pipeline", "build_many": "pipeline", "build_program": "pipeline", "compile": "compiler",
           "plan": "compiler", "load_library": "definitions", "parse_length": "times"}

__all__ = ["AudioguideError", "BuildOptions", "Chapter", "DefinitionError", "Event", "Exercise", "Program", "Routine",
           "Timeline", "build", "build_many", "build_program", "compile", "load_library", "parse_length", "plan"]


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'audioguide' has no attribute {name!r}")
