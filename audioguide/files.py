"""Files and folders: atomic writes, scratch files, and the user's own folders (XDG).

Every file audioguide writes is written beside its target under a hidden temporary name (`.NAME.XXXX.tmp.EXT`)
and renamed into place only once it is whole, so a reader never sees half a file. OSErrors become FileErrors
here, naming the file the user knows about rather than the temporary one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import FileError, os_error

APP = "audioguide"


def config_dir() -> Path:
    """The user's definition folder: $XDG_CONFIG_HOME/audioguide or ~/.config/audioguide."""
    return _xdg("XDG_CONFIG_HOME", ".config")


def cache_dir() -> Path:
    """The speech cache: $AUDIOGUIDE_CACHE, else $XDG_CACHE_HOME/audioguide or ~/.cache/audioguide."""
    return Path(os.environ["AUDIOGUIDE_CACHE"]) if os.environ.get("AUDIOGUIDE_CACHE") else _xdg("XDG_CACHE_HOME", ".cache")


def _xdg(variable: str, fallback: str) -> Path:
    base = os.environ.get(variable) or os.path.join(os.path.expanduser("~"), fallback)
    return Path(base) / APP


def ensure_folder(folder: Path, what: str = "folder") -> Path:
    """Create folder if needed and check that files can be written in it; FileError otherwise."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise os_error(f"create the {what}", folder, e) from e
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FileError(f"cannot write in the {what} {folder}: permission denied")
    return folder


def _temporary(target: Path) -> Path:
    """A new hidden temporary file beside target (its folder made if needed); FileError naming target."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=f".tmp{target.suffix}")
    except OSError as e:
        raise os_error("write", target, e) from e
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def atomic_output(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside target; rename it to target only if the block succeeds.

    OSErrors raised while making the temporary file, inside the block or while renaming become FileErrors
    naming target.
    """
    target = Path(target)
    tmp = _temporary(target)
    try:
        try:
            yield tmp
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the result is an ordinary file
            os.replace(tmp, target)
        except OSError as e:
            raise os_error("write", target, e) from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def scratch(beside: Path) -> Iterator[Path]:
    """Yield a temporary file path beside a target, removed when the block ends, whatever happens."""
    tmp = _temporary(Path(beside))
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> None:
    with atomic_output(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_bytes(target: Path, data: bytes) -> None:
    with atomic_output(target) as tmp:
        tmp.write_bytes(data)


def read_text(path: Path, what: str = "file") -> str:
    """The text of a UTF-8 file, or FileError naming it."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise FileError(f"cannot read {what} {path}: not UTF-8 text") from e
    except OSError as e:
        raise os_error(f"read {what}", path, e) from e
