"""Connecting to a project file: how (read-write, read-only, immutable, through a copy), and
what this process has open.

A connection checkpoints the -wal into the file as it closes, so that the file alone is whole
for whoever copies it next, even while the window (another connection) keeps it open.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from annotation.project.file import causes, checks, wal
from annotation.project.file.errors import ProjectError

_log = logging.getLogger("annotation.project.db")
_lock = threading.Lock()
_open: dict[tuple[int, int], int] = {}  # files this process has connections to, and how many
_checked: set[tuple[int, int]] = set()  # files SQLite's quick_check passed in this process
_listeners: list[Callable[[str], None]] = []


def on_notice(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call `listener(message)` for what opening a project did on its own (a -wal set aside,
    a newer project read only); return a function that stops it. Without listeners the
    notices are logged."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def notify(message: str) -> None:
    if not _listeners:
        _log.warning(message)
    for listener in list(_listeners):
        listener(message)


class Connection(sqlite3.Connection):
    """A connection that checkpoints as it closes and knows which file it holds open."""

    writable = False
    key: tuple[int, int] | None = None
    cleanup: Callable[[], None] | None = None

    def close(self) -> None:
        if self.writable:
            # The last connection to close checkpoints anyway; with the window (or another
            # command) still open, this one makes the file whole for whoever copies it now.
            with contextlib.suppress(sqlite3.Error):
                self.execute("PRAGMA wal_checkpoint(PASSIVE)")
        super().close()
        key, self.key = self.key, None
        if key is not None:
            with _lock:
                _open[key] -= 1
                if not _open[key]:
                    del _open[key]
        cleanup, self.cleanup = self.cleanup, None
        if cleanup is not None:
            cleanup()


def connect(path: Path, readonly: bool, timeout: float, ignore_wal: bool = False) -> Connection:
    """A connection to the project file; read-only ones never leave files beside it."""
    uri = path.resolve().as_uri()
    cleanup = None
    if not readonly:
        options = "mode=rw"
    else:
        options = "immutable=1" if ignore_wal else read_options(path)
        if options == "copy":
            folder = Path(tempfile.mkdtemp(prefix="sorot-read-"))
            cleanup = functools.partial(shutil.rmtree, folder, ignore_errors=True)
            try:
                shutil.copyfile(path, folder / path.name)
                shutil.copyfile(wal.wal_path(path), wal.wal_path(folder / path.name))
            except OSError:
                cleanup()
                raise
            uri, options = (folder / path.name).as_uri(), "mode=ro"
            notify(
                f"{path}: its folder cannot be written, so it is read through a temporary "
                f"copy with its -wal"
            )
    conn = sqlite3.connect(f"{uri}?{options}", uri=True, timeout=timeout, factory=Connection)
    conn.writable = not readonly
    conn.cleanup = cleanup
    key = file_key(path)
    with _lock:
        _open[key] = _open.get(key, 0) + 1
    conn.key = key
    return conn


def read_options(path: Path) -> str:
    """How to open a project for reading without leaving anything beside it.

    SQLite reads a WAL-mode file through a -shm index it creates beside the file. Where the
    file, its folder or its disk refuses writes (or a -shm made now would keep a read-only
    file's mode and stop its owner's writes later), a file whose -wal holds nothing is
    opened immutable; one with committed steps in its -wal through its -shm if one is there,
    else through a temporary copy ("copy").
    """
    free = causes.free_bytes(path)
    if writable(path) and (free is None or free >= causes.LOW_SPACE):
        return "mode=ro"
    if wal.committed_frames(path) == 0:
        return "immutable=1"
    if os.access(wal.shm_path(path), os.R_OK):
        return "mode=ro"
    return "copy"


def set_aside_foreign_wal(path: Path, readonly: bool) -> bool:
    """Set aside a -wal written against another copy of the file, with a notice; return
    whether the -wal must be ignored instead (it could not be moved)."""
    with _lock:
        if file_key(path) in _open:  # this process has it open: the -wal is ours
            return False
    if not wal.foreign_wal(path, checks.QUICK_CHECK_BUDGET_S):
        return False
    try:
        notify(wal.set_aside(path))
    except OSError:
        if not readonly:
            raise ProjectError(
                f"{wal.wal_path(path)}: does not belong to {path.name} (a -wal left from "
                f"another copy of the project) and cannot be moved out of the way; move it "
                f"elsewhere, then open the project again"
            ) from None
        notify(f"{wal.wal_path(path)}: does not belong to {path.name}; read without it")
        return True
    return False


def check_once(path: Path) -> None:
    """SQLite's quick_check before this process first writes to the file; ProjectError
    when it finds the file damaged."""
    key = file_key(path)
    if key in _checked:
        return
    # A read-only connection checks about three times faster than a read-write one.
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        problems = checks.quick_check(conn)
    finally:
        conn.close()
    if problems:
        raise ProjectError(checks.damaged_message(path, problems[0]))
    _checked.add(key)


def file_key(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


def writable(path: Path) -> bool:
    """Whether the file and its folder may be written (honouring a read-only marking even
    for root, whom os.access lets write anything)."""
    folder = path.resolve().parent
    marked = path.stat().st_mode & 0o222 and folder.stat().st_mode & 0o222
    return bool(marked) and os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)
