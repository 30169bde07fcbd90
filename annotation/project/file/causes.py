"""Naming the real cause of an error on a project file: a lock, a full disk, a permission, a
file moved away, a failing disk, or a truly damaged file; never "damaged" for the others."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from annotation.project.file.checks import (
    SQLITE_MAGIC,
    damaged_message,
    read_start,
)
from annotation.project.file.errors import ProjectError

# Below this many free bytes SQLite cannot make its -shm (32 KB) or grow the -wal, and an
# I/O error on the disk is most likely the disk being full.
LOW_SPACE = 1 << 20


def free_bytes(path: Path) -> int | None:
    """Free bytes on the disk holding `path` (a file or folder), None when unknown."""
    folder = path if path.is_dir() else path.parent
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return None


def disk_full_message(path: Path) -> str:
    free = free_bytes(path)
    space = f"{free:,} bytes free" if free is not None else "no space left"
    return (
        f"the disk holding {path} is full ({space}); make room and try again (commands "
        f"that only read, like stats and export to another disk, still work)"
    )


def busy_message(path: Path) -> str:
    return f"another process is writing {path}; try again when it finishes"


def permission_message(path: Path, detail: str) -> str:
    return (
        f"{path}: cannot be written: the file, its folder or its disk is read-only for you "
        f"({detail}). Make it writable, or `sorot backup {path} COPY.sorot` to a place "
        f"you can write and work there"
    )


def explain(path: Path | None, exc: BaseException, writing: Path | None = None) -> str:
    """The message for an error met while using the project file at `path` (and writing the
    file `writing`, as an export does: a full disk without a file named is that one's)."""
    if isinstance(exc, ProjectError):
        return str(exc)
    path = Path(path) if path is not None else Path("the project file")
    if isinstance(exc, OSError):
        return _explain_os(Path(writing) if writing is not None else path, exc)
    name = getattr(exc, "sqlite_errorname", "") or ""
    primary = "_".join(name.split("_")[:2])
    detail = str(exc)
    if primary in ("SQLITE_BUSY", "SQLITE_LOCKED") or "database is locked" in detail:
        return busy_message(path)
    if primary == "SQLITE_FULL":
        return disk_full_message(path)
    if name == "SQLITE_READONLY_DBMOVED":
        return (
            f"{path}: the project file was moved, replaced or deleted while Sorot had it "
            f"open; nothing more was written. Open it again from where it is now"
        )
    if primary in ("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_AUTH"):
        return permission_message(path, detail)
    if primary in ("SQLITE_IOERR", "SQLITE_CANTOPEN"):
        free = free_bytes(path)
        if free is not None and free < LOW_SPACE:
            return disk_full_message(path)
        if primary == "SQLITE_CANTOPEN":
            return (
                f"{path}: SQLite cannot open the file or make its -wal/-shm beside it "
                f"({detail}); check that the folder exists and you may write it"
            )
        return (
            f"{path}: reading or writing the disk failed ({detail}): the disk, USB stick "
            f"or network share may be failing or gone. Copy the project to a local disk "
            f"(`sorot backup`) and work there"
        )
    if primary == "SQLITE_NOTADB":
        if not _header(path).startswith(SQLITE_MAGIC):
            return f"{path}: not a Sorot project (not an SQLite database)"
        return damaged_message(path, detail)
    if primary == "SQLITE_CORRUPT" or "malformed" in detail:
        return damaged_message(path, detail)
    if isinstance(exc, sqlite3.OperationalError) and detail.startswith(
        ("no such table", "no such column")
    ):
        return f"{path}: not a complete Sorot project, or one this Sorot cannot read ({detail})"
    return f"{path}: {detail}"


def _explain_os(path: Path, exc: OSError) -> str:
    where = Path(exc.filename) if exc.filename else path
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return disk_full_message(where)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return permission_message(where, exc.strerror or str(exc))
    if not exc.filename:  # a pipe closed, a device gone: no file of ours to blame
        return str(exc.strerror or exc)
    return f"{where}: {exc.strerror or exc}"


def _header(path: Path) -> bytes:
    try:
        return read_start(path, 16)  # never closes a descriptor SQLite's locks depend on
    except OSError:
        return b""
