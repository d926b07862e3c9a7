"""What every engine is: the Engine protocol, a Voice it offers, and the versions that go into its identity."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Protocol

from ..errors import UnknownNameError
from ..model import EngineSpec


@dataclass(frozen=True, slots=True)
class Voice:
    id: str
    name: str
    language: str = ""


class Engine(Protocol):
    spec: EngineSpec
    parallel: bool  # worth rendering in worker processes (a real voice), or cheap enough to render inline
    language: str   # BCP 47 of the voice chosen ("" for one that says no words): texts are normalised in it

    DEFAULT_VOICE: str
    DEFAULT_RATE: int

    def identity(self) -> dict:
        """Everything that changes the audio (engine, versions, voice, rate): part of the cache key."""

    def render(self, text: str, path: Path) -> None:
        """Write text as speech to a WAV file at path (whatever an engine raises becomes a SpeechError)."""

    def voices(self) -> list[Voice]:
        """The voices this engine offers."""

    def notes(self) -> list[str]:
        """Lines for 'audioguide voices' beyond the voice list: variants, other ways to name a voice."""

    def close(self) -> None:
        """Free what rendering held (a voice model); the engine loads it again if asked to render."""


@functools.cache  # a lookup in the installed metadata each time (a clip's cache key asks for it)
def package_version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


# The clearest voice each engine has for a language other than English (measured: docs/voices.md); English
# is each engine's own DEFAULT_VOICE. An engine without a voice for a language cannot speak it.
LANGUAGE_VOICES = {"kokoro": {"es": "ef_dora", "fr": "ff_siwis", "it": "if_sara", "pt": "pf_dora"},
                   "pyttsx3": {"es": "roa/es", "fr": "roa/fr", "de": "gmw/de", "it": "roa/it", "pt": "roa/pt-br"},
                   "piper": {}}
# Clearer still where it is installed apart: MBROLA's German diphones (Debian's mbrola and mbrola-de6, in its
# non-free section: free for non-commercial use only), through espeak-ng. 0.86 of the words kept against 0.59.
INSTALLED_APART = {"pyttsx3": {"de": "mb/mb-de6"}}


def voice_for(engine: str, spec: EngineSpec, default: str, installed: Callable[[str], bool] = lambda _: False) -> str:
    """The voice an engine speaks a spec with: the one named, else its clearest for the spec's language (one
    installed apart first, where installed says it is); UnknownNameError when it has none for that language."""
    from .. import language
    if spec.voice:
        return spec.voice
    wanted = language.key(spec.language)
    if wanted in ("", language.DEFAULT) or engine == "tone":
        return default
    apart = INSTALLED_APART.get(engine, {}).get(wanted)
    if apart and installed(apart):
        return apart
    found = LANGUAGE_VOICES.get(engine, {}).get(wanted)
    if found is None:
        raise UnknownNameError(f"{engine} has no {language.english_name(wanted)} voice; the voices that speak it: "
                               f"audioguide voices --language {wanted}")
    return found


def speaks(engine: str, tag: str) -> bool:
    """Whether the engine has a voice for the language (auto picks the clearest that does)."""
    from .. import language
    wanted = language.key(tag)
    return wanted == language.DEFAULT or engine == "tone" or wanted in LANGUAGE_VOICES.get(engine, {})


def onnx_options(threads: int):
    """onnxruntime's options for a voice on a fixed number of threads. Its threads sleep when idle instead of
    spinning: with another process busy on the machine, spinning threads took a core from it (12 Kokoro texts
    beside one busy core: 34.6 s wall and 45.7 s of CPU spinning, 29.1 s and 36.5 s not; alone the same wall
    time, 11% less CPU)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return options
