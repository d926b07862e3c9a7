"""The practice log: one SQLite database (the standard library's sqlite3, WAL mode) in the state folder.

Every entry is written in one transaction with a full sync, so an answered write survives the process being
killed; writers wait for each other (busy timeout) instead of failing with "database is locked". The schema
carries its version (PRAGMA user_version) and is migrated forward from every earlier one, in order. Reading
writes nothing, so a full or read-only disk still shows the whole log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .. import files
from ..errors import FileError

NAME = "practice.sqlite3"
BUSY_TIMEOUT_MS = 15_000
MAX_PLAYED_S = 6 * 3600  # longer than any session: what a page or a person reports above it is refused
# Each migration takes the schema from version i to i + 1.
MIGRATIONS = (
    """CREATE TABLE entries (
           id INTEGER PRIMARY KEY,
           done_on TEXT NOT NULL,        -- the day it was done, YYYY-MM-DD
           file TEXT NOT NULL,           -- the session's MP3, by name
           routine TEXT NOT NULL DEFAULT '',
           program TEXT NOT NULL DEFAULT '',
           day INTEGER,                  -- a program's day
           played_s REAL NOT NULL,
           logged_at TEXT NOT NULL       -- when it was written, UTC
       )""",
    "CREATE INDEX entries_by_day ON entries (done_on)",
)


@dataclass(frozen=True, slots=True)
class Entry:
    done_on: dt.date
    file: str
    played_s: float
    routine: str = ""
    program: str = ""
    day: int | None = None


@contextlib.contextmanager
def opened(folder: Path) -> Iterator[sqlite3.Connection]:
    """The log in folder to write, its schema brought up to date; sqlite3's errors become one FileError naming it."""
    path = _checked(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except (OSError, sqlite3.Error) as e:
        raise FileError(f"cannot open the practice log {path}: {e}") from e
    try:
        os.chmod(path, 0o600)  # what a person did is theirs alone
    except OSError as e:  # a read-only disk: the connection is closed, not left holding the file
        connection.close()
        raise FileError(f"cannot open the practice log {path}: {e}") from e
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        _migrate(connection)
        yield connection
    except sqlite3.Error as e:
        raise FileError(f"cannot use the practice log {path}: {e}") from e
    finally:
        connection.close()


def _checked(folder: Path) -> Path:
    path = Path(folder) / NAME
    try:
        found = files.odd_kind(path.stat()) if path.exists() else None
    except OSError as e:
        raise FileError(f"cannot open the practice log {path}: {e}") from e
    if found:  # SQLite would open a FIFO or a device and wait on it, or write into it
        raise FileError(f"cannot open the practice log {path}: expected a SQLite database, found {found}")
    return path


def _read(folder: Path, query: str) -> list[tuple]:
    """The rows of query, read without writing: a disk that is full or read-only still shows the log.

    A read-only connection still needs SQLite's shared-memory file beside a WAL database; where that cannot be
    made (no space, a read-only folder) and no write-ahead log is waiting (none, or empty), the database file
    alone is the whole log and is read as immutable. A current schema is read as it is; an older one is
    migrated first (a write)."""
    path = _checked(folder)
    wal = path.with_name(NAME + "-wal")
    try:
        return _query(f"file:{quote(str(path))}?mode=ro", query)
    except _Older:
        with opened(folder) as db:
            return db.execute(query).fetchall()
    except sqlite3.OperationalError as e:
        if _waiting(wal):
            raise FileError(f"cannot use the practice log {path}: {e}") from e
        try:
            rows = _query(f"file:{quote(str(path))}?mode=ro&immutable=1", query)
        except (sqlite3.Error, _Older) as again:
            raise FileError(f"cannot use the practice log {path}: {e}") from again
        if _waiting(wal):  # a writer came meanwhile: what was read may be torn
            raise FileError(f"cannot use the practice log {path}: {e}") from e
        return rows
    except sqlite3.Error as e:
        raise FileError(f"cannot use the practice log {path}: {e}") from e


class _Older(Exception):
    """The schema is older than this audioguide's: reading it needs a migration first."""


def _query(uri: str, query: str) -> list[tuple]:
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise sqlite3.DatabaseError(_newer(version))
        if version < len(MIGRATIONS):
            raise _Older
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def _waiting(wal: Path) -> bool:
    try:
        return wal.stat().st_size > 0
    except FileNotFoundError:
        return False
    except OSError:
        return True


def _newer(version: int) -> str:
    return f"its schema is version {version}, newer than this audioguide ({len(MIGRATIONS)}): update audioguide"


def _migrate(connection: sqlite3.Connection) -> None:
    connection.execute("BEGIN IMMEDIATE")  # one migrator at a time; the others see the result
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise sqlite3.DatabaseError(_newer(version))
        for step in range(version, len(MIGRATIONS)):
            connection.execute(MIGRATIONS[step])
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def add(folder: Path, entry: Entry) -> None:
    """Write one entry, whole or not at all."""
    if not 0 < entry.played_s <= MAX_PLAYED_S:
        raise ValueError(f"played_s: expected seconds from 0 to {MAX_PLAYED_S}, found {entry.played_s!r}")
    with opened(folder) as db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO entries (done_on, file, routine, program, day, played_s, logged_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (entry.done_on.isoformat(), entry.file, entry.routine, entry.program, entry.day, entry.played_s,
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds")))
        db.execute("COMMIT")


def entries(folder: Path) -> list[Entry]:
    """Every entry, oldest first (an absent log is an empty one)."""
    if not (Path(folder) / NAME).exists():
        return []
    rows = _read(folder, "SELECT done_on, file, played_s, routine, program, day FROM entries ORDER BY done_on, id")
    return [Entry(dt.date.fromisoformat(d), f, float(p), r, g, y) for d, f, p, r, g, y in rows]
