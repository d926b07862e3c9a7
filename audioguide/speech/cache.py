"""Rendered clips on disk, keyed by engine identity and text, and the clip lengths each engine has seen.

Every clip is mono 16-bit PCM at SAMPLE_RATE with its silent edges trimmed, so its length is exactly what
the compiler plans with. Writes are atomic; a clip that is missing, truncated or not a WAV file reads as
absent and is rendered again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np

from .. import audio, files
from ..errors import AudioError
from ..model import SAMPLE_RATE
from .text import normalise

CACHE_VERSION = 2  # 2: clips resampled by a polyphase filter (deterministic), not ffmpeg


class ClipCache:
    """Rendered clips on disk, keyed by engine identity and text."""

    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root else files.cache_dir()

    def ensure(self) -> None:
        """Create the cache folder, or FileError when it cannot hold clips."""
        files.ensure_folder(self.root, "speech cache folder")

    def path(self, identity: dict, text: str) -> Path:
        key = json.dumps({"v": CACHE_VERSION, **identity, "text": normalise(text)}, sort_keys=True)
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.root / "clips" / digest[:2] / f"{digest}.wav"

    def load(self, path: Path) -> np.ndarray | None:
        """The clip at path, or None when it is missing, truncated or corrupt."""
        if self.length(path) is None:
            return None
        try:
            samples, _ = audio.read_wav(path)
        except AudioError:
            return None
        return samples

    def length(self, path: Path) -> int | None:
        """The clip's length in samples from its header alone, or None when missing, truncated or corrupt."""
        info = audio.wav_info(path)
        usable = (info is not None and info.complete and info.frames > 0
                  and (info.rate, info.channels, info.width) == (SAMPLE_RATE, 1, 2))
        return info.frames if usable else None

    def store(self, path: Path, samples: np.ndarray) -> None:
        with files.atomic_output(path) as tmp:
            audio.write_wav(tmp, samples)

    def info(self) -> tuple[int, int]:
        """How many clips the cache holds and their size in bytes."""
        found = list((self.root / "clips").glob("*/*.wav"))
        return len(found), sum(f.stat().st_size for f in found)

    def clear(self) -> int:
        """Remove every clip; return how many there were."""
        count, _ = self.info()
        shutil.rmtree(self.root / "clips", ignore_errors=True)
        return count

    # -- lengths: a hint for planning, checked against the clips before it is trusted ----------------

    def remembered(self, identity: dict) -> dict[str, int]:
        """Clip lengths this cache has recorded for an engine."""
        try:
            known = json.loads(self._index(identity).read_text(encoding="utf-8"))
            return {str(k): int(v) for k, v in known.items()}
        except (OSError, ValueError, TypeError, AttributeError):
            return {}

    def remember(self, identity: dict, lengths: dict[str, int]) -> None:
        known = self.remembered(identity)
        if all(known.get(text) == n for text, n in lengths.items()):
            return
        known.update(lengths)
        files.write_text(self._index(identity), json.dumps(known))

    def _index(self, identity: dict) -> Path:
        key = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:16]
        return self.root / f"lengths-{key}.json"
