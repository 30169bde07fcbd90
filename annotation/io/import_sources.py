"""Which files an import reads: the paths given, and the files in the folders among them.

Nothing vanishes without a word: a path that is missing, unreadable or not a file at all (a
named pipe, a device) stops the import before it starts with a message that names it, and a
folder or file inside that cannot be read is reported with the import's problems.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from annotation.io.input_files import JSONL_SUFFIXES, Problem, Source
from annotation.io.readers import FORMATS

__all__ = ["ReadError", "collect"]


class ReadError(OSError):
    """A path that cannot be imported at all: missing, unreadable, or neither a file nor a
    folder (a named pipe, a device). The message names it and says why."""


def collect(
    paths: Iterable[str | Path],
    fmt: str | None = None,
    unread: list[Problem] | None = None,
) -> list[Source]:
    """Expand files and folders into the files to read.

    Folders are searched recursively, in sorted order, for .txt files (and .jsonl/.ndjson
    unless `fmt` is "txt"). Hidden files are left out: macOS leaves binary "._name.txt"
    twins beside real files. Raise ReadError for a path that is missing, unreadable, or
    neither a file nor a folder (a named pipe, a device). A folder inside that cannot be
    read, or a named pipe among the files, is added to `unread` (raised as ReadError when
    `unread` is None): never skipped without a word.
    """
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    suffixes = (".txt",) if fmt == "txt" else JSONL_SUFFIXES if fmt else (".txt", *JSONL_SUFFIXES)
    problems: list[Problem] = []
    sources: list[Source] = []
    for path in map(Path, paths):
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise ReadError(f"{path}: no such file or folder") from None
        except OSError as exc:
            raise ReadError(f"{path}: cannot read ({exc.strerror})") from None
        if stat.S_ISDIR(mode):
            found = _walk(path, suffixes, problems)
            sources.extend(Source(p, p.relative_to(path).as_posix(), fmt) for p in found)
        elif stat.S_ISREG(mode):
            sources.append(Source(path, path.name, fmt))
        else:
            raise ReadError(
                f"{path}: {_kind(mode)}, neither a file nor a folder; Sorot "
                "imports text and JSONL files, and folders of them"
            )
    if problems and unread is None:
        raise ReadError(str(problems[0]))
    if unread is not None:
        unread.extend(problems)
    return sources


def _walk(folder: Path, suffixes: tuple[str, ...], problems: list[Problem]) -> list[Path]:
    """The files to import under `folder`, sorted; unreadable places go to `problems`."""
    found: list[Path] = []
    errors: list[OSError] = []
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, onerror=errors.append, followlinks=True):
        here = Path(root)
        with contextlib.suppress(OSError):
            info = here.stat()
            if (info.st_dev, info.st_ino) in seen:  # a link back up the tree
                dirs[:] = []
                continue
            seen.add((info.st_dev, info.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            path = here / name
            if name.startswith(".") or path.suffix.lower() not in suffixes:
                continue
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                problems.append(
                    Problem(str(path), 0, f"cannot read ({exc.strerror}); not imported")
                )
                continue
            if stat.S_ISREG(mode):
                found.append(path)
            else:
                problems.append(Problem(str(path), 0, f"{_kind(mode)}, not a file; not imported"))
    for error in errors:
        where = Path(error.filename) if error.filename else folder
        if where == folder:
            raise ReadError(f"{folder}: cannot read the folder ({error.strerror})")
        problems.append(
            Problem(
                str(where),
                0,
                f"cannot read the folder ({error.strerror}); the files in it were not imported",
            )
        )
    return sorted(found)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"
