"""Writing a file whole or not at all: a temporary file beside it, then `os.replace`.

A failed write never truncates the last good file (labelme's rule for saving). A process
killed while writing cannot remove its temporary file, so each one's name carries the
writer's process id and a tag of its machine, `.NAME.sorot-PID-HOST-RANDOM.tmp`, and the
next write of the same file removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

# Temporary files named as Sorot did before they carried a process id are removed once this
# old: a write in progress touches its file every few seconds.
LEGACY_STALE_SECONDS = 3600
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


class TargetError(Exception):
    """A target that cannot be written: no such folder, a folder, or no permission."""


def write_atomic(
    path: Path,
    write: Callable[[IO[bytes]], Any],
    notes: list[str] | None = None,
) -> None:
    """Write through a temporary file beside `path`, then replace it; on failure keep it.

    `write(f)` gets the open file, whose `path` attribute names the temporary file (for
    writers in other processes). Temporary files of earlier writes of `path` whose process
    is gone are removed first, each noted in `notes`.
    """
    check_target(path)
    removed = remove_stale(path)
    if notes is not None:
        notes.extend(removed)
    fd, tmp = _create_temp(path)
    try:
        with os.fdopen(fd, "wb", buffering=1 << 20) as f:
            f.path = tmp  # type: ignore[attr-defined]
            write(f)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            # Keep the permissions the last export had; otherwise the umask's, as usual.
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def check_target(path: Path) -> None:
    """Raise TargetError unless `path` could be written (its folder exists; not a folder)."""
    if not path.parent.is_dir():
        raise TargetError(f"{path.parent}: no such folder")
    if path.is_dir():
        raise TargetError(f"{path}: is a folder")


def temp_name(path: Path, pid: int | None = None) -> str:
    """A fresh temporary file name beside `path`, for process `pid` (default: this one)."""
    pid = os.getpid() if pid is None else pid
    return f".{path.name}.sorot-{pid}-{_host_tag()}-{secrets.token_hex(4)}.tmp"


def remove_stale(path: Path) -> list[str]:
    """Remove the temporary files that writes of `path` left when their process died.

    Only files named by `temp_name` on this machine whose process no longer runs, and
    files named the older way (`.NAME.` and eight hex digits `.tmp`) untouched for an
    hour, are removed; a file of a running process, or of another machine sharing the
    folder, is left alone.
    Return one line per file removed.
    """
    ours = re.compile(rf"\.{re.escape(path.name)}\.sorot-(\d+)-([0-9a-f]{{6}})-[0-9a-f]{{8}}\.tmp")
    legacy = re.compile(rf"\.{re.escape(path.name)}\.[0-9a-f]{{8}}\.tmp")
    host = _host_tag()
    removed: list[str] = []
    try:
        names = os.listdir(path.parent)
    except OSError:
        return removed
    for name in names:
        found = ours.fullmatch(name)
        stale_legacy = found is None and legacy.fullmatch(name) is not None
        if found is None and not stale_legacy:
            continue
        tmp = path.parent / name
        try:
            info = tmp.stat()
            if stale_legacy and time.time() - info.st_mtime < LEGACY_STALE_SECONDS:
                continue
            if found is not None and (found[2] != host or pid_alive(int(found[1]))):
                continue
            tmp.unlink()
        except OSError:
            continue  # gone meanwhile, or not ours to remove: leave it
        removed.append(
            f"removed {tmp} ({info.st_size / 1e6:,.1f} MB), the temporary file "
            "of an earlier write that was interrupted"
        )
    return removed


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a zombie counts as running)."""
    if pid <= 0:
        return False
    if os.name == "nt":
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return False
    return True


def _windows_pid_alive(pid: int) -> bool:
    # os.kill(pid, 0) would terminate the process on Windows: ask the kernel instead.
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return bool(kernel32.GetLastError() == 5)  # ERROR_ACCESS_DENIED: it exists
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _host_tag() -> str:
    return hashlib.blake2b(socket.gethostname().encode(), digest_size=3).hexdigest()


def _create_temp(path: Path) -> tuple[int, str]:
    # Not mkstemp: its files are private (0600), and an export is meant to be shared.
    for _ in range(100):
        tmp = str(path.with_name(temp_name(path)))
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise TargetError(f"{path.parent}: cannot write there ({exc.strerror})") from exc
    raise TargetError(f"{path.parent}: cannot make a temporary file there")
