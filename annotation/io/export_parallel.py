"""Export a large project with several processes, one range of articles each.

Writing a record costs about as much as tokenizing its text (hundreds of tokens, each a JSON
object), so one process leaves the other cores idle. Workers (an `annotation.processes.Pool`,
which ends them with the export process, however it ends) open the project read-only, render
a range of articles in memory, take the next place in the file in article order (a shared
counter), and write their part there themselves, into the one temporary file that then
replaces the target. Each worker opens that file itself, so that where os.pwrite is missing
(Windows) it moves its own file position to write there.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotation.io.export_records import (
    ExportReport,
    Progress,
    RecordOptions,
    render_lines,
    write_atomic,
)
from annotation.processes import SPAWN, Pool
from annotation.project.store import Store

CHUNK = 500  # articles per part (about 17 MB of JSONL): steady progress, bounded memory
PWRITE = hasattr(os, "pwrite")  # else each worker seeks and writes (see seek_and_write)


def write_in_parts(
    store: Store,
    path: Path,
    fmt: str,
    options: RecordOptions,
    report: ExportReport,
    progress: Progress | None,
    workers: int,
) -> None:
    """Write `path` from parts made by `workers` processes; fill in `report`."""
    ids = [row[0] for row in store.db.execute("SELECT id FROM articles ORDER BY id")]
    jobs = [
        (n, ids[i], ids[min(i + CHUNK, len(ids)) - 1])
        for n, i in enumerate(range(0, len(ids), CHUNK))
    ]
    turn = SPAWN.Condition()
    next_part, next_offset = SPAWN.Value("q", 0, lock=False), SPAWN.Value("q", 0, lock=False)

    def join(out: Any) -> None:
        shared = (str(store.path), fmt, options, out.path, turn, next_part, next_offset, PWRITE)
        with Pool[_PartReport](workers, _start_worker, shared) as pool:
            done = 0
            try:
                for part in pool.map(_write_part, jobs):
                    _merge(report, part)
                    done += part.articles_read
                    if progress is not None:
                        progress(done, len(ids))
            except BaseException:
                with turn:  # release workers waiting for a part that will never come
                    next_part.value = -1
                    turn.notify_all()
                raise
        out.seek(next_offset.value)  # the file's end, for write_atomic's flush and sync

    write_atomic(path, join, report.warnings)


class _PartReport(ExportReport):
    articles_read: int = 0


_worker: dict[str, Any] = {}


def _start_worker(
    project: str,
    fmt: str,
    options: RecordOptions,
    target: str,
    turn: Any,
    next_part: Any,
    next_offset: Any,
    pwrite: bool,
) -> None:
    _worker.update(
        store=Store.open(project, readonly=True),
        fmt=fmt,
        options=options,
        fd=os.open(target, os.O_WRONLY | getattr(os, "O_BINARY", 0)),
        turn=turn,
        next_part=next_part,
        next_offset=next_offset,
        write=os.pwrite if pwrite else seek_and_write,
    )


def _write_part(job: tuple[int, int, int]) -> _PartReport:
    """Render a range of articles, wait for the parts before it, write it in its place."""
    number, lo, hi = job
    w, report = _worker, _PartReport()
    data = b"".join(render_lines(w["store"], w["fmt"], w["options"], report, ids=(lo, hi)))
    with w["turn"]:
        # Parts are handed out in order, so the one before is being made or is done.
        if not w["turn"].wait_for(lambda: w["next_part"].value in (number, -1), timeout=3600):
            raise TimeoutError(f"export part {number} waited an hour for the one before")
        if w["next_part"].value == -1:
            raise RuntimeError("export stopped")
        offset = w["next_offset"].value
        w["next_offset"].value = offset + len(data)
        w["next_part"].value = number + 1
        w["turn"].notify_all()
    write_at(w["fd"], data, offset, w["write"])
    report.articles_read = (
        w["store"]
        .db.execute("SELECT count(*) FROM articles WHERE id BETWEEN ? AND ?", (lo, hi))
        .fetchone()[0]
    )
    return report


def write_at(
    fd: int, data: bytes, offset: int, write: Callable[[int, Any, int], int] | None = None
) -> None:
    """Write all of `data` at `offset` of the file open as `fd` (with os.pwrite, or `write`)."""
    write = write or _pwrite
    view = memoryview(data)
    while view:
        written = write(fd, view, offset)
        view, offset = view[written:], offset + written


def seek_and_write(fd: int, data: bytes | memoryview, offset: int) -> int:
    """os.pwrite where there is none (Windows): each worker opens the file itself, so its
    file position is its own to move."""
    os.lseek(fd, offset, os.SEEK_SET)
    return os.write(fd, data)


_pwrite = getattr(os, "pwrite", seek_and_write)


def _merge(report: ExportReport, part: ExportReport) -> None:
    report.records += part.records
    report.articles += part.articles
    report.splits += part.splits
    report.warnings.extend(part.warnings)
    report.errors.extend(part.errors)
