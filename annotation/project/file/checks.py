"""Checks of a project file that read it and never write it.

Each check either passes or raises ProjectError with the real cause and the way out:
not an SQLite file, another program's file, Sorot's mark without a project's tables, a
project made by a newer Sorot, a file SQLite finds damaged.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from annotation.project.file.errors import ProjectError

SQLITE_MAGIC = b"SQLite format 3\x00"
MIGRATIONS_TABLE = "_sqlite_migrations"
# PRAGMA quick_check reads every page: about 0.07 s for a 63 MB project of 5,000 articles
# from the page cache. Beyond this many seconds it is given up and the write goes ahead
# unchecked, so that opening a huge project never stalls.
QUICK_CHECK_BUDGET_S = 3.0


# Closing any descriptor of a file drops every POSIX lock this process holds on it, SQLite's
# included: a window that opened the header again while it had the project open would lose
# its locks, and another process closing the project would then delete the -wal under it.
# So the header is read through one descriptor per file, kept open for the process's life.
_kept: dict[tuple[int, int], int] = {}


def read_start(path: Path, size: int) -> bytes:
    """The file's first `size` bytes, read without ever closing a descriptor of a file that
    SQLite may have open in this process. Raises OSError like open()."""
    info = os.stat(path)
    key = (info.st_dev, info.st_ino)
    fd = _kept.get(key)
    if fd is None:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            data = os.pread(fd, size, 0) if hasattr(os, "pread") else os.read(fd, size)
        except OSError:
            os.close(fd)  # not a readable file (a folder): SQLite holds no lock on it
            raise
        _kept[key] = fd
        return data
    if hasattr(os, "pread"):
        return os.pread(fd, size, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, size)


def read_header(path: Path) -> bytes:
    """The file's first 100 bytes; ProjectError when it cannot be read at all."""
    try:
        return read_start(path, 100)
    except FileNotFoundError:
        raise ProjectError(f"{path}: no such project file") from None
    except IsADirectoryError:
        raise ProjectError(f"{path}: is a folder, not a project file") from None
    except PermissionError:
        raise ProjectError(f"{path}: you have no permission to read it") from None
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read ({exc.strerror})") from exc


def check_header(path: Path, header: bytes, application_id: int) -> None:
    """Refuse a file that is not an SQLite database, or is another program's."""
    if not header.startswith(SQLITE_MAGIC):
        raise ProjectError(f"{path}: not a Sorot project (not an SQLite database)")
    if int.from_bytes(header[68:72], "big") != application_id:
        raise ProjectError(f"{path}: not a Sorot project (an SQLite file of another program)")


def check_tables(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file with Sorot's mark that lacks a project's tables or its label schema."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    complete = {MIGRATIONS_TABLE, "meta"} <= tables and conn.execute(
        "SELECT 1 FROM meta WHERE key = 'schema'"
    ).fetchone() is not None
    if not complete:
        raise ProjectError(
            f"{path}: not a complete Sorot project: it has Sorot's mark but not a project's "
            f"tables (an interrupted creation, or another program's file). It was left as it "
            f"is; make a new project with `sorot import NEW.sorot FILES`"
        )


def newer_than_this(
    conn: sqlite3.Connection, known: Iterable[str], schema_version: int
) -> str | None:
    """What says a newer Sorot made the file ("migration m006_x" or "project format 6"),
    or None when this Sorot knows every change recorded in it."""
    known = set(known)
    names = [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = 'sorot' ORDER BY rowid"
        )
    ]
    unknown = [name for name in names if name not in known]
    if unknown:
        return f"migration {unknown[0]}"
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > schema_version:
        return f"project format {version}; this Sorot knows up to {schema_version}"
    return None


def newer_message(path: Path, what: str) -> str:
    return f"{path}: made by a newer Sorot ({what}); update Sorot to change it"


def damaged_message(path: Path, detail: str) -> str:
    """The message for a file SQLite finds damaged, with the way out."""
    return (
        f"{path}: the project file is damaged (SQLite: {detail}); nothing was written to "
        f"it. `sorot recover {path} NEW.sorot` copies every article and annotation that "
        f"can still be read into a new project and says what was lost"
    )


def quick_check(
    conn: sqlite3.Connection, budget_s: float = QUICK_CHECK_BUDGET_S
) -> list[str] | None:
    """SQLite's quick_check: [] when the file is whole, else its first problems; None when
    it did not finish within `budget_s` seconds."""
    deadline = time.monotonic() + budget_s
    conn.set_progress_handler(lambda: time.monotonic() > deadline, 20_000)
    try:
        rows = conn.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_INTERRUPT":
            return None
        raise
    finally:
        conn.set_progress_handler(None, 0)
    problems = [row[0] for row in rows]
    return [] if problems == ["ok"] else problems
