"""Export a large project with several processes, one range of articles each.

Writing a record costs about as much as tokenizing its text (hundreds of tokens, each a JSON
object), so one process leaves the other cores idle. Workers open the project read-only,
write their range's lines to a part file beside the target, and the parts are joined in
article order into the one temporary file that then replaces the target.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from annotation.export import ExportReport, Progress, render_lines, write_atomic
from annotation.store import Store

CHUNK = 1000  # articles per part: small enough for steady progress and balanced workers


def write_in_parts(
    store: Store, path: Path, fmt: str, options: tuple, report: ExportReport,
    progress: Progress | None, workers: int,
) -> None:
    """Write `path` from parts made by `workers` processes; fill in `report`."""
    ids = [row[0] for row in store.db.execute("SELECT id FROM articles ORDER BY id")]
    ranges = [(ids[i], ids[min(i + CHUNK, len(ids)) - 1]) for i in range(0, len(ids), CHUNK)]
    parts = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    jobs = [(str(store.path), str(parts / f"{n:06d}"), fmt, options, lo, hi)
            for n, (lo, hi) in enumerate(ranges)]
    try:
        context = multiprocessing.get_context("spawn")  # no fork of an open database
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            results = pool.map(_write_part, jobs)

            def join(out) -> None:
                done = 0
                for (_, part, *_), result in zip(jobs, results):
                    with open(part, "rb") as f:
                        _append(f, out)
                    Path(part).unlink()
                    _merge(report, result)
                    done += result.articles_read
                    if progress is not None:
                        progress(done, len(ids))

            write_atomic(path, join)
    finally:
        shutil.rmtree(parts, ignore_errors=True)


class _PartReport(ExportReport):
    articles_read: int = 0


def _write_part(job: tuple) -> _PartReport:
    project, part, fmt, options, lo, hi = job
    report = _PartReport()
    with Store.open(project, readonly=True) as store, open(part, "wb") as f:
        f.writelines(render_lines(store, fmt, options, report, ids=(lo, hi)))
        report.articles_read = store.db.execute(
            "SELECT count(*) FROM articles WHERE id BETWEEN ? AND ?", (lo, hi)).fetchone()[0]
    return report


def _append(part, out) -> None:
    """Copy a part to the end of `out`, in the kernel where the platform can."""
    out.flush()
    try:
        size = os.fstat(part.fileno()).st_size
        while size > 0:
            copied = os.copy_file_range(part.fileno(), out.fileno(), size)
            if copied == 0:
                break
            size -= copied
        else:
            return
    except (AttributeError, OSError):
        pass
    shutil.copyfileobj(part, out, 1 << 20)


def _merge(report: ExportReport, part: ExportReport) -> None:
    report.records += part.records
    report.articles += part.articles
    report.splits += part.splits
    report.warnings.extend(part.warnings)
    report.errors.extend(part.errors)
