"""Files and folders: atomic writes, scratch files, staged sessions, locks, and the user's own folders (XDG).

Every file audioguide writes is written beside its target under a hidden temporary name and renamed into place
only once it is whole, so a reader never sees half a file. Temporary names have one pattern,
`.audioguide-PID-...`: they are removed on every way out Python sees (exceptions, Ctrl-C, SIGTERM), and what a
SIGKILL leaves behind is swept by the next run in that folder (its process is gone). OSErrors become FileErrors
here, naming the file the user knows about rather than the temporary one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from typing import Any
from pathlib import Path

from .errors import FileError, os_error

# shutil and tempfile are imported where used: 'audioguide list' and shell completion start without them.

APP = "audioguide"
TEMP_PREFIX = ".audioguide-"


def odd_kind(info: os.stat_result) -> str | None:
    """What a path is when it is not a regular file ('a folder', ...), or None for a regular file: a FIFO would
    block a reader forever and /dev/zero never end, so only regular files are read as input."""
    if stat.S_ISREG(info.st_mode):
        return None
    return "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe, a device or a socket"


def config_dir() -> Path:
    """The user's definition folder: $XDG_CONFIG_HOME/audioguide or ~/.config/audioguide."""
    return _xdg("XDG_CONFIG_HOME", ".config")


def state_dir() -> Path:
    """What must last between runs (the followed program, the server's token): $XDG_STATE_HOME/audioguide or
    ~/.local/state/audioguide."""
    return _xdg("XDG_STATE_HOME", os.path.join(".local", "state"))


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
    import tempfile

    try:  # write a file there now: the reason (read-only, no permission, full) is known before any work
        fd, probe = tempfile.mkstemp(dir=folder, prefix=f"{temp_prefix()}probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise os_error(f"write in the {what}", folder, e) from e
    return folder


def temp_prefix() -> str:
    """How this process's temporary files and folders start: sweep() removes them once it no longer runs."""
    return f"{TEMP_PREFIX}{os.getpid()}-"


def _temporary(target: Path) -> Path:
    """A new hidden temporary file beside target (its folder made if needed); FileError naming target."""
    import tempfile

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{temp_prefix()}{target.stem[:40]}.",
                                   suffix=f".tmp{target.suffix}")
    except OSError as e:
        raise os_error("write", target, e) from e
    os.close(fd)
    return Path(tmp)


def is_temporary(name: str) -> bool:
    """True for the name of one of audioguide's temporary files or folders."""
    return name.startswith(TEMP_PREFIX)


def sweep(folder: Path) -> list[Path]:
    """Remove what an audioguide process that no longer runs left in folder (a SIGKILL, a power cut)."""
    import shutil

    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for entry in entries:
        if not is_temporary(entry.name):
            continue
        pid = entry.name[len(TEMP_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
                removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def staging(folder: Path, what: str = "output folder") -> Iterator[Path]:
    """A hidden folder inside folder to make a set of files in; removed with whatever is left in it."""
    import shutil
    import tempfile

    try:
        stage = Path(tempfile.mkdtemp(dir=folder, prefix=f"{temp_prefix()}stage-"))
    except OSError as e:
        raise os_error(f"write in the {what}", folder, e) from e
    try:
        yield stage
    finally:
        try:
            with signals_held():  # a signal now (the session has just appeared) waits until the stage is gone
                shutil.rmtree(stage, ignore_errors=True)
        finally:  # a signal that landed before the hold began: the stage goes all the same
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back for a few steps that must not be cut in half; they arrive after.

    The handlers are swapped rather than the signals blocked: a blocked signal is delivered to another thread
    (there are some: the speech pool's), whose Python handler still interrupts the main thread. Outside the
    main thread (a build the server runs) signals are the main thread's business, and nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    kept: dict[signal.Signals, Any] = {}   # what signal.signal gave back: a handler, SIG_DFL or SIG_IGN
    try:  # the handlers swapped so far are put back even when a signal lands while they are being swapped
        for sig in (signal.SIGINT, signal.SIGTERM, *([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])):
            kept[sig] = signal.signal(sig, lambda number, frame: caught.append(number))
        yield
    finally:
        for sig, handler in kept.items():
            signal.signal(sig, handler)
        if caught:
            os.kill(os.getpid(), caught[0])  # now it is handled as it would have been


def commit(stage: Path, folder: Path, names: Iterable[str]) -> None:
    """Move the named files (or folders) from stage into folder, in order, with Ctrl-C and SIGTERM held back until all are
    moved: a set of files appears whole (a session's MP3 and the files beside it), never half of it."""
    with signals_held():
        for name in names:
            try:
                if (Path(folder) / name).is_dir() and (stage / name).is_dir():  # a folder (a split session)
                    os.replace(Path(folder) / name, stage / f"{TEMP_PREFIX}old-{name}")  # replaced whole
                os.replace(stage / name, Path(folder) / name)
            except OSError as e:
                raise os_error("write", Path(folder) / name, e) from e


@contextlib.contextmanager
def lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on a folder (on the folder itself: no lock file is left behind), waiting for
    another process that holds it."""
    try:
        handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as e:
        raise os_error("lock", folder, e) from e
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # closing releases the lock


@contextlib.contextmanager
def atomic_output(target: Path, private: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside target; rename it to target only if the block succeeds (private: readable
    by its owner alone, mode 0600).

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
            os.chmod(tmp, 0o600 if private else 0o666 & ~umask)  # mkstemp makes it private
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


def write_private(target: Path, text: str) -> None:
    """Write text atomically into a file only its owner can read (0600), making its folder if need be."""
    ensure_folder(Path(target).parent, "state folder")
    with atomic_output(target, private=True) as tmp:
        tmp.write_text(text, encoding="utf-8")


class UnfitFile(OSError):
    """A path that is not a regular file of bounded size, so it is not read (a FIFO would block a reader
    forever, /dev/zero never end, a huge file swallow memory). found says what it is instead; size_bytes is
    its size when that is what is wrong with it."""

    def __init__(self, limit: int, found: str, size_bytes: int | None = None):
        super().__init__(f"expected a regular file of at most {limit} bytes, found {found}")
        self.found, self.size_bytes = found, size_bytes


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most limit bytes, whatever a link at path points to. Never blocks or reads
    without end: anything else is UnfitFile (an OSError) saying what was found; other OSErrors as open raises them."""
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO opens without waiting for a writer
    try:
        info = os.fstat(handle)   # what was opened, not what the name pointed to a moment before
        kind = odd_kind(info)
        if kind:
            raise UnfitFile(limit, kind)
        if info.st_size > limit:
            raise UnfitFile(limit, f"{info.st_size} bytes", info.st_size)
        chunks, size = [], 0
        while size <= limit and (chunk := os.read(handle, min(1 << 20, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:   # it grew while being read
            raise UnfitFile(limit, "more", size)
        return b"".join(chunks)
    finally:
        os.close(handle)


def read_small(path: Path, what: str = "file", limit: int = 64 * 1024) -> str | None:
    """The UTF-8 text of a small regular file; None when there is none. Never blocks or reads without end: a FIFO,
    a device, a folder or a file over limit bytes is a FileError naming it, as is text that is not UTF-8."""
    try:
        data = read_regular(path, limit)
    except FileNotFoundError:
        return None
    except UnfitFile as e:
        raise FileError(f"cannot read {what} {path}: expected a small file, found {e.found}") from e
    except OSError as e:
        raise os_error(f"read {what}", Path(path), e) from e
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FileError(f"cannot read {what} {path}: not UTF-8 text") from e


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
