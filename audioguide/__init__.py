"""audioguide: exercise definitions in, voice-guided MP3 sessions of any length out.

The names below are imported when first used, so 'audioguide --version' does not pay for numpy and scipy.
"""

from importlib import import_module

__version__ = "0.1.0"  # the one place the version is written: pyproject.toml reads it from here

# name -> the module that defines it (the package imports it when the name is first used)
_PUBLIC = {"AudioguideError": "errors", "DefinitionError": "errors", "Chapter": "model", "Event": "model",
           "Exercise": "model", "Routine": "model", "Program": "model", "Timeline": "model",
           "BuildOptions": "pipeline.options", "build": "pipeline.routines", "build_many": "pipeline.routines",
           "build_program": "pipeline.programs", "compile_timeline": "compiler.fitting", "plan": "compiler.plan",
           "load_library": "definitions.loader", "parse_length": "times"}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'audioguide' has no attribute {name!r}")
