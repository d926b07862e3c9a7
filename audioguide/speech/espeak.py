"""The system's espeak-ng: whether it is installed, its version, data folder and voice variants.

pyttsx3 speaks through it, and Kokoro phonemizes with it (one espeak-ng library per process, see kokoro.py);
`espeak-ng --version` is asked once per process.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from .. import files
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
def mbrola_files() -> dict[str, tuple[str, str, str]]:
    """espeak-ng's MBROLA voice files, installed or not: id (as pyttsx3 takes it, mb/mb-de6) -> (name,
    language, the diphone database it speaks with: de6). espeak-ng does not list them among its voices."""
    data = data_folder()
    folder = Path(data) / "voices" / "mb" if data else None
    if folder is None or not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.iterdir()):
        try:
            text = files.read_regular(path, 64 * 1024).decode("utf-8", errors="replace")
        except OSError:  # not a voice file (a folder, a FIFO, something huge): not a voice
            continue
        fields: dict[str, str] = {}
        for line in text.splitlines():
            key, _, value = line.strip().partition(" ")
            fields.setdefault(key, value.strip())
        database, language = fields.get("mbrola", "").split()[:1], fields.get("language", "").split()[:1]
        if database and language:
            found[f"mb/{path.name}"] = (fields.get("name", path.name).strip(), language[0], database[0])
    return found


@contextlib.contextmanager
def stderr_silenced() -> Iterator[None]:
    """Standard error (the file descriptor, which espeak-ng's own threads write to) sent nowhere meanwhile:
    espeak-ng passes on every warning MBROLA prints ("Warning: R-R unknown, replaced with _-_")."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as nowhere:
            os.dup2(nowhere.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def mbrola_voices() -> dict[str, tuple[str, str]]:
    """The MBROLA voices that can speak here (their database and the mbrola program installed, as Debian's
    mbrola and mbrola-XX packages put them): id -> (name, language). One whose database is missing says nothing."""
    if shutil.which("mbrola") is None:
        return {}
    return {id_: (name, language) for id_, (name, language, database) in mbrola_files().items()
            if (MBROLA_FOLDER / database / database).is_file() or (MBROLA_FOLDER / database).is_file()}


@functools.cache
def library() -> tuple[str | None, str | None, str]:
    """(library, data folder, version) of the system's espeak-ng for a phonemizer to load, or
    (None, None, "bundled") when it is not installed whole (a phonemizer then uses its own copy)."""
    lib, data = ctypes.util.find_library("espeak-ng"), data_folder()
    return (lib, data, version()) if lib and data else (None, None, "bundled")
