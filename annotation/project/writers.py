"""Who is writing a project, and the error that names them when they keep it waiting.

A process that wants to write waits for another one's write lock (`busy_timeout()`), then
gives up with `ProjectBusy`, whose message names the writer when it is known: a small file
beside the project names the processes doing long writes.

SQLite tells a process that another one holds the write lock, never which one. So that a
researcher told to wait can be told who, each long piece of writing work (an import, a
merge, a suggestion run) lists itself in `<project>-writer` while it runs: process id,
host, what it does and since when. The file is only read to word a message; nothing relies
on it for safety. It is changed only while its writer holds the project's write lock, so
two processes never rewrite it at once, and entries of processes that are gone (a killed
import) are dropped the next time it is changed.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from annotation.project import db
from annotation.project.db import ProjectError

SUFFIX = "-writer"


@dataclass(frozen=True)
class Writer:
    """One process listed as writing the project."""

    pid: int
    host: str
    what: str  # "import", "merge", "suggest"
    since: str

    def describe(self) -> str:
        """'PID 1234, sorot import since 10:02' as a message names it."""
        since = self.since[11:16] if len(self.since) >= 16 else self.since
        return f"PID {self.pid}, sorot {self.what} since {since} UTC"


class ProjectBusy(ProjectError):
    """Another process kept the project's write lock longer than this one would wait.

    Nothing was written. `writers` are the processes listed as writing (see
    `annotation.project.writers`); the message names them when they are known.
    """

    def __init__(self, path: Path | None, found: list[Writer]) -> None:
        self.path, self.writers = path, found
        where = str(path) if path is not None else "the project"
        if len(found) == 1:
            who = f"another Sorot process ({found[0].describe()}) is"
        elif found:
            who = "other Sorot processes (" + "; ".join(w.describe() for w in found) + ") are"
        else:
            who = "another Sorot process (a window or a command) is"
        self.who = f"{who} writing {where}"  # without the advice, for other messages
        super().__init__(f"{self.who}; try again when it finishes")


def busy_timeout() -> float:
    """How long a write waits for another process's write lock, in seconds."""
    return float(getattr(db, "BUSY_TIMEOUT_S", 5.0))


def is_locked(exc: BaseException) -> bool:
    """Whether an SQLite error means another connection holds the lock (not damage)."""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith("SQLITE_BUSY") or str(exc).startswith("database is locked")


def path_for(project: Path) -> Path:
    """The writer file of a project."""
    return project.with_name(project.name + SUFFIX)


def current(project: Path) -> list[Writer]:
    """The live processes listed as writing the project (this one left out)."""
    return [w for w in _read(path_for(project)) if _alive(w) and not _is_me(w)]


def add(project: Path, what: str) -> Writer:
    """List this process as writing; call while holding the project's write lock."""
    me = Writer(
        os.getpid(),
        socket.gethostname(),
        what,
        datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    _write(path_for(project), [*current(project), me])
    return me


def remove(project: Path, writer: Writer) -> None:
    """Take this process's entry out again (the file goes when it lists nobody)."""
    path = path_for(project)
    _write(path, [w for w in _read(path) if w != writer and _alive(w)])


def _read(path: Path) -> list[Writer]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            Writer(int(w["pid"]), str(w["host"]), str(w["what"]), str(w["since"]))
            for w in data["writers"]
        ]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return []


def _write(path: Path, writers: list[Writer]) -> None:
    # Best effort: a folder that refuses the file costs only the process id in a message.
    with contextlib.suppress(OSError):
        if not writers:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"writers": [asdict(w) for w in writers]}), encoding="utf-8")
        os.replace(tmp, path)


def _is_me(writer: Writer) -> bool:
    return writer.pid == os.getpid() and writer.host == socket.gethostname()


def _alive(writer: Writer) -> bool:
    """Whether the process still runs (another host's: assumed so, it cannot be asked)."""
    if writer.host != socket.gethostname():
        return True
    if os.name == "nt":
        return _alive_windows(writer.pid)
    try:
        os.kill(writer.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except OSError:
        return False
    return True


def _alive_windows(pid: int) -> bool:  # pragma: no cover - Windows only
    import ctypes

    # os.kill(pid, 0) would end the process on Windows; ask the kernel instead.
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x00100000, False, pid)  # SYNCHRONIZE
    if not handle:
        return False
    try:
        return bool(kernel32.WaitForSingleObject(handle, 0) == 0x00000102)  # WAIT_TIMEOUT
    finally:
        kernel32.CloseHandle(handle)
