"""Export a large project with several processes, one range of articles each.

Writing a record costs about as much as tokenizing its text (hundreds of tokens, each a JSON
object), so one process leaves the other cores idle. Workers open the project read-only,
render their range's lines in memory and send them back; the main process writes them in
article order into the one temporary file that then replaces the target.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from annotation.export import ExportReport, Progress, render_lines, write_atomic
from annotation.store import Store

CHUNK = 500  # articles per part (about 17 MB of JSONL): steady progress, bounded memory


def write_in_parts(
    store: Store, path: Path, fmt: str, options: tuple, report: ExportReport,
    progress: Progress | None, workers: int,
) -> None:
    """Write `path` from parts made by `workers` processes; fill in `report`."""
    ids = [row[0] for row in store.db.execute("SELECT id FROM articles ORDER BY id")]
    jobs = [(str(store.path), fmt, options, ids[i], ids[min(i + CHUNK, len(ids)) - 1])
            for i in range(0, len(ids), CHUNK)]
    context = multiprocessing.get_context("spawn")  # no fork of an open database
    with ProcessPoolExecutor(workers, mp_context=context) as pool:

        def join(out) -> None:
            done = 0
            # Parts come back in order; a part on disk would be written twice.
            for data, part in pool.map(_render_part, jobs):
                out.write(data)
                _merge(report, part)
                done += part.articles_read
                if progress is not None:
                    progress(done, len(ids))

        write_atomic(path, join)


class _PartReport(ExportReport):
    articles_read: int = 0


def _render_part(job: tuple) -> tuple[bytes, _PartReport]:
    project, fmt, options, lo, hi = job
    report = _PartReport()
    with Store.open(project, readonly=True) as store:
        data = b"".join(render_lines(store, fmt, options, report, ids=(lo, hi)))
        report.articles_read = store.db.execute(
            "SELECT count(*) FROM articles WHERE id BETWEEN ? AND ?", (lo, hi)).fetchone()[0]
    return data, report


def _merge(report: ExportReport, part: ExportReport) -> None:
    report.records += part.records
    report.articles += part.articles
    report.splits += part.splits
    report.warnings.extend(part.warnings)
    report.errors.extend(part.errors)
