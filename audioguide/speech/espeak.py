"""The system's espeak-ng: whether it is installed, its version, data folder and voice variants.

pyttsx3 speaks through it, and Kokoro phonemizes with it (one espeak-ng library per process, see kokoro.py);
`espeak-ng --version` is asked once per process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import re
import shutil
import subprocess
from pathlib import Path

from ..errors import MissingToolError

LIBS = ("libespeak-ng.so.1", "libespeak-ng.so", "libespeak.so.1")


def require() -> None:
    """Raise MissingToolError unless espeak-ng (its library and its program) is installed."""
    for name in LIBS:
        try:
            ctypes.CDLL(name)
            break
        except OSError:
            continue
    else:
        raise MissingToolError("espeak-ng is not installed (pyttsx3 speaks through it); "
                               "install it with: apt-get install espeak-ng")
    if shutil.which("espeak-ng") is None:  # its voices and variants are found through the program
        raise MissingToolError("the espeak-ng program is not installed (pyttsx3 needs it beside its library); "
                               "install it with: apt-get install espeak-ng")


@functools.cache
def _about() -> str:
    """What `espeak-ng --version` prints (version and data folder), or "" without the program."""
    exe = shutil.which("espeak-ng")
    return subprocess.run([exe, "--version"], capture_output=True, text=True).stdout if exe else ""


def data_folder() -> str | None:
    match = re.search(r"Data at:\s*(\S+)", _about())
    return match.group(1) if match else None


def version() -> str:
    match = re.search(r"(\d+\.\d+(?:\.\d+)?)", _about())
    return match.group(1) if match else "unknown"


def variants() -> set[str]:
    """Voice variants espeak-ng offers (used as VOICE+VARIANT, e.g. gmw/en-us+m3)."""
    data = data_folder()
    folder = Path(data) / "voices" / "!v" if data else None
    return {p.name for p in folder.iterdir()} if folder and folder.is_dir() else set()


MBROLA_FOLDER = Path("/usr/share/mbrola")


@functools.cache
def mbrola_voices() -> dict[str, tuple[str, str]]:
    """espeak-ng's MBROLA voices whose diphone database is installed (Debian's mbrola-XX packages): id (as
    pyttsx3 takes it, mb/mb-de6) -> (name, language). espeak-ng does not list them among its voices, and one
    whose database is missing speaks nothing, so only those with both the voice file and the database count."""
    data = data_folder()
    folder = Path(data) / "voices" / "mb" if data else None
    if folder is None or not folder.is_dir() or shutil.which("mbrola") is None:
        return {}
    found = {}
    for path in sorted(folder.iterdir()):
        try:
            fields = dict(line.split(None, 1) for line in path.read_text(errors="replace").splitlines()
                          if len(line.split(None, 1)) == 2)
        except OSError:
            continue
        database = fields.get("mbrola", "").split()
        language = fields.get("language", "").split()
        if database and language and _has_database(database[0]):
            found[f"mb/{path.name}"] = (fields.get("name", path.name).strip(), language[0])
    return found


def _has_database(name: str) -> bool:
    return (MBROLA_FOLDER / name / name).is_file() or (MBROLA_FOLDER / name).is_file()


@functools.cache
def library() -> tuple[str | None, str | None, str]:
    """(library, data folder, version) of the system's espeak-ng for a phonemizer to load, or
    (None, None, "bundled") when it is not installed whole (a phonemizer then uses its own copy)."""
    lib, data = ctypes.util.find_library("espeak-ng"), data_folder()
    return (lib, data, version()) if lib and data else (None, None, "bundled")
