"""Export: Prodigy/spaCy-style JSONL, doccano JSONL and spaCy DocBin, written atomically.

One record per (Article, Annotator) with that Annotator's accepted Entities and Relations,
optionally with the Suggestions nobody has reviewed (see `annotation.io.export_records`, which
renders them). Here the format is chosen, and a large Project's JSONL is written by several
processes (`annotation.io.export_parallel`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from annotation.io.export_parallel import write_in_parts
from annotation.io.export_records import (
    ExportError,
    ExportReport,
    Progress,
    check_statuses,
    check_target_path,
    record_tasks,
    render_lines,
    write_atomic,
)
from annotation.project.store import Store

__all__ = ["FORMATS", "PARALLEL_MIN", "ExportError", "ExportReport", "export"]

FORMATS = ("jsonl", "doccano", "spacy")
PARALLEL_MIN = 4000  # fewer articles export faster than worker processes start


def export(
    store: Store,
    out_path: str | Path,
    fmt: str = "jsonl",
    annotator: str | None = None,
    statuses: Iterable[str] | None = None,
    include_suggestions: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
) -> ExportReport:
    """Write the Project's records to `out_path`, replacing it only once all is written.

    `fmt` is "jsonl" (Prodigy/spaCy), "doccano" or "spacy" (DocBin). `statuses` keeps the
    records whose Article Status (their Annotator's) is among them. `progress(done, total)`
    is called with counts of articles read. JSONL and doccano exports of large projects
    use `workers` processes (default: one per CPU core, at most four).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    path = Path(out_path)
    check_target_path(path)  # before the work, which can take minutes
    report = ExportReport(path=path, fmt=fmt)
    options = (annotator, check_statuses(statuses), include_suggestions)
    if fmt == "spacy":
        from annotation.nlp.docbin import DocBinWriter

        writer = DocBinWriter(store.schema.allow_overlap)
        for task in record_tasks(store, *options, report, progress):
            if not writer.add(task.record(), report.warnings, report.errors):
                report.records -= 1
        write_atomic(path, lambda f: f.write(writer.to_bytes()), report.warnings)
        return report
    workers = workers or min(4, os.cpu_count() or 1)
    if workers > 1 and store.path is not None and store.count_articles() >= PARALLEL_MIN:
        write_in_parts(store, path, fmt, options, report, progress, workers)
        return report
    write_atomic(
        path,
        lambda f: f.writelines(render_lines(store, fmt, options, report, progress)),
        report.warnings,
    )
    return report
