"""audioguide: exercise definitions in, voice-guided MP3 sessions of any length out."""

from .compiler import compile, plan
from .definitions import load_library
from .errors import AudioguideError, DefinitionError
from .model import Chapter, Event, Exercise, Routine, Timeline
from .pipeline import BuildOptions, build
from .times import parse_length

__all__ = ["AudioguideError", "BuildOptions", "Chapter", "DefinitionError", "Event", "Exercise", "Routine",
           "Timeline", "build", "compile", "load_library", "parse_length", "plan"]
