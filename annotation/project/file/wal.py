"""The write-ahead log beside a project file (`NAME.sorot-wal`) and its index (`-shm`).

SQLite keeps committed steps in the -wal until a checkpoint copies them into the file. A
-wal that outlived its process (a crash) belongs to the file and is read through; a -wal
beside another copy of the file (an older copy restored, or a file copied over the project)
does not, and reading through it finds the file "malformed". Nothing in either file says
which copy a -wal was written against, so the test is SQLite's own: when the file reads
whole without the -wal and damaged through it, the -wal is set aside.
"""

from __future__ import annotations

import os
import sqlite3
import struct
from datetime import datetime
from pathlib import Path

from annotation.project.file.checks import quick_check

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

_WAL_MAGIC = (0x377F0682, 0x377F0683)
_WAL_HEADER = 32
_FRAME_HEADER = 24
# SQLite's unix VFS: every connection to the file holds a shared lock on this byte of -shm.
_SHM_DMS_BYTE = 128


def wal_path(path: Path) -> Path:
    return path.with_name(path.name + "-wal")


def shm_path(path: Path) -> Path:
    return path.with_name(path.name + "-shm")


def committed_frames(path: Path) -> int:
    """How many frames of the project's -wal hold committed steps (0: none, or no -wal).

    Frames count while their salt matches the header's, as SQLite counts them, up to the
    last frame that ends a transaction.
    """
    try:
        with open(wal_path(path), "rb") as f:
            header = f.read(_WAL_HEADER)
            if len(header) < _WAL_HEADER:
                return 0
            magic, _, page_size, _, salt1, salt2, _, _ = struct.unpack(">8I", header)
            if magic not in _WAL_MAGIC or page_size < 512 or page_size & (page_size - 1):
                return 0
            frames = committed = 0
            while True:
                frame = f.read(_FRAME_HEADER)
                if len(frame) < _FRAME_HEADER:
                    break
                page, db_size, s1, s2 = struct.unpack(">4I", frame[:16])
                if page == 0 or (s1, s2) != (salt1, salt2):
                    break
                if len(f.read(page_size)) < page_size:
                    break
                frames += 1
                if db_size:
                    committed = frames
            return committed
    except OSError:
        return 0


def in_use_elsewhere(path: Path) -> bool:
    """Whether another process has the project open (it holds SQLite's lock on the -shm).

    Call it only while this process has no connection to the file: closing the descriptor
    used here drops every POSIX lock this process holds on the -shm.
    """
    shm = shm_path(path)
    if not shm.exists():
        return False
    if fcntl is None:
        return True  # cannot tell; never move files another process may be using
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _SHM_DMS_BYTE)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, _SHM_DMS_BYTE)
        return False
    finally:
        os.close(fd)


def foreign_wal(path: Path, budget_s: float) -> bool:
    """Whether the -wal beside `path` was written against another copy of the file.

    Only a -wal nobody is using is judged: it is foreign when the file is whole read on its
    own and damaged read through the -wal (both read-only, within `budget_s` each).
    """
    if committed_frames(path) == 0 or in_use_elsewhere(path):
        return False
    uri = path.resolve().as_uri()
    through = _verdict(f"{uri}?mode=ro", budget_s)
    if through != "damaged":
        return False
    return _verdict(f"{uri}?immutable=1", budget_s) == "ok"


def set_aside(path: Path) -> str:
    """Rename the -wal out of SQLite's way (and drop its index); return the notice to show."""
    wal = wal_path(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = wal.with_name(f"{wal.name}.set-aside-{stamp}")
    os.replace(wal, aside)
    shm_path(path).unlink(missing_ok=True)
    return (
        f"{wal}: did not belong to {path.name} (a -wal left from another copy of the "
        f"project, as after restoring an older copy); set aside as {aside.name}, and "
        f"{path.name} was opened as it is"
    )


def _verdict(uri: str, budget_s: float) -> str:
    """'ok', 'damaged' or 'unknown' (could not open, or out of time)."""
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error:
        return "unknown"
    try:
        problems = quick_check(conn, budget_s)
    except sqlite3.DatabaseError as exc:
        name = getattr(exc, "sqlite_errorname", "")
        return "damaged" if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) else "unknown"
    finally:
        conn.close()
    if problems is None:
        return "unknown"
    return "ok" if not problems else "damaged"
