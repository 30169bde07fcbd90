"""Copying a project whole (`sorot backup`, File → Save a copy): through SQLite's backup API,
so that the copy holds every committed step, those still in the -wal too, and is consistent
even while another process writes. Copying the .sorot file by hand can miss those steps.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from annotation.project.file import atomic, causes, checks
from annotation.project.file.errors import ProjectError


@dataclass
class BackupReport:
    target: Path
    articles: int
    size: int

    def summary(self) -> str:
        return (
            f"copied {self.articles:,} articles to {self.target} "
            f"({self.size / 1e6:.1f} MB, one whole file)"
        )


def backup(
    source: sqlite3.Connection,
    source_path: Path,
    target: Path,
    replace: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> BackupReport:
    """Copy the open project `source` (whose file is `source_path`) to `target`.

    The copy is written beside `target` under a scratch name, checked with SQLite's
    quick_check and only then given its name; `target` must not exist unless `replace`.
    """
    target = Path(target)
    if target.exists() and not replace:
        raise ProjectError(f"{target}: already exists; choose another name")
    if not target.parent.is_dir():
        raise ProjectError(f"{target.parent}: no such folder")
    tmp = atomic.scratch_path(target, "copying")
    report = None
    try:
        copy = sqlite3.connect(tmp)
        try:
            source.backup(
                copy,
                pages=1024,
                progress=(
                    None
                    if progress is None
                    else lambda _status, remaining, total: progress(total - remaining, total)
                ),
            )
            # One file that needs nothing beside it (Sorot turns WAL on again when it writes).
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = checks.quick_check(copy, budget_s=60)
            if problems:
                raise ProjectError(checks.damaged_message(source_path, problems[0]))
            articles = copy.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            copy.close()
        report = BackupReport(target, articles, tmp.stat().st_size)
        atomic.publish(tmp, target, replace=replace)
    except sqlite3.DatabaseError as exc:
        name = getattr(exc, "sqlite_errorname", "")
        blamed = source_path if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) else target
        raise ProjectError(causes.explain(blamed, exc)) from exc
    except OSError as exc:
        raise ProjectError(causes.explain(target, exc)) from exc
    finally:
        atomic.remove_scratch(tmp)
    return report
