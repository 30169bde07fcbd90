"""Making a new file appear whole or not at all, under a name nobody else has taken."""

from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

from annotation.project.file.errors import ProjectExistsError


def scratch_path(path: Path, purpose: str) -> Path:
    """A hidden name beside `path`, unique to this process and call (two processes making
    the same file never write into each other's scratch file)."""
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.{purpose}")


def publish(tmp: Path, path: Path, replace: bool = False) -> None:
    """Give the finished file `tmp` the name `path`.

    Without `replace` the name must be free: a hard link takes it atomically, so that of two
    processes publishing at once one wins and the other gets ProjectExistsError.
    """
    if replace:
        os.replace(tmp, path)
        return
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise ProjectExistsError(f"{path}: already exists") from None
    except OSError:
        # No hard links on this file system (FAT, some network shares): a rename, checked
        # first, leaves a narrow race there.
        if path.exists():
            raise ProjectExistsError(f"{path}: already exists") from None
        os.replace(tmp, path)
        return
    tmp.unlink()


def remove_scratch(tmp: Path) -> None:
    """Remove a scratch file and whatever SQLite left beside it."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            tmp.with_name(tmp.name + suffix).unlink(missing_ok=True)
