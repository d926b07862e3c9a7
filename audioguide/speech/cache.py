"""Rendered clips on disk, keyed by engine identity and text, and the clip lengths each engine has seen.

Every clip is mono 16-bit PCM at SAMPLE_RATE with its silent edges trimmed, so its length is exactly what
the compiler plans with. A clip file is a WAV file with one more chunk after its samples, a CRC-32 of them: a
clip that is missing, truncated, not a WAV file or whose samples do not match their checksum reads as absent and
is rendered again. The lengths index is a hint only, and values out of range in it are ignored.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from .. import files
from ..model import SAMPLE_RATE
from .text import normalise

if TYPE_CHECKING:
    import numpy as np

CACHE_VERSION = 3  # 2: clips resampled by a polyphase filter; 3: a checksum chunk after the samples
CHECK_CHUNK = b"agck"
MAX_CLIP_BYTES = 64 * 1024 * 1024   # 12 minutes of one clip: far beyond any text audioguide lets a voice say
HEADER = struct.Struct("<4sI4s4sIHHIIHH4sI")   # RIFF, size, WAVE, fmt , 16, PCM, channels, rate, ..., data, size


class ClipCache:
    """Rendered clips on disk, keyed by engine identity and text."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else files.cache_dir()

    def ensure(self) -> None:
        """Create the cache folder (sweeping what a killed process left there), or FileError when it cannot
        hold clips."""
        files.ensure_folder(self.root, "speech cache folder")
        files.sweep(self.root)

    def path(self, identity: dict, text: str, language: str = "en") -> Path:
        """Where the clip of text in this voice is kept: texts the voice says alike share it (normalised in its
        language)."""
        key = json.dumps({"v": CACHE_VERSION, **identity, "text": normalise(text, language or "en")}, sort_keys=True)
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.root / "clips" / digest[:2] / f"{digest}.wav"

    def load(self, path: Path) -> np.ndarray | None:
        """The clip at path, or None when it is missing, damaged or not one of ours."""
        import numpy as np
        data = self._read(path)
        return np.frombuffer(data, dtype="<i2").copy() if data is not None else None

    def length(self, path: Path) -> int | None:
        """The clip's length in samples, or None when it is missing, damaged or not one of ours."""
        data = self._read(path)
        return len(data) // 2 if data is not None else None

    @staticmethod
    def _read(path: Path) -> bytes | None:
        try:
            raw = files.read_regular(path, MAX_CLIP_BYTES)
        except OSError:  # missing, unreadable, or not a clip file at all (a folder, a FIFO, /dev/zero, huge)
            return None
        if len(raw) < HEADER.size + 12:
            return None
        riff, _, wave, fmt, fmt_size, pcm, channels, rate, _, _, bits, data_id, size = HEADER.unpack_from(raw)
        if ((riff, wave, fmt, data_id, fmt_size, pcm, channels, rate, bits) !=
                (b"RIFF", b"WAVE", b"fmt ", b"data", 16, 1, 1, SAMPLE_RATE, 16)) or size == 0 or size % 2:
            return None
        data = raw[HEADER.size:HEADER.size + size]
        chunk = raw[HEADER.size + size:HEADER.size + size + 12]
        if len(data) != size or len(chunk) != 12 or chunk[:8] != CHECK_CHUNK + struct.pack("<I", 4):
            return None
        return data if struct.unpack("<I", chunk[8:])[0] == zlib.crc32(data) else None

    def store(self, path: Path, samples: np.ndarray) -> None:
        """Write a clip with its checksum (FileError when it cannot be written)."""
        data = samples.astype("<i2").tobytes()
        check = CHECK_CHUNK + struct.pack("<II", 4, zlib.crc32(data))
        header = HEADER.pack(b"RIFF", HEADER.size - 8 + len(data) + len(check), b"WAVE", b"fmt ", 16, 1, 1,
                             SAMPLE_RATE, 2 * SAMPLE_RATE, 2, 16, b"data", len(data))
        files.write_bytes(path, header + data + check)

    def info(self) -> tuple[int, int]:
        """How many clips the cache holds and their size in bytes."""
        found = list((self.root / "clips").glob("*/*.wav"))
        return len(found), sum(f.stat().st_size for f in found if f.is_file())

    def clear(self) -> int:
        """Remove every clip; return how many there were."""
        count, _ = self.info()
        shutil.rmtree(self.root / "clips", ignore_errors=True)
        return count
