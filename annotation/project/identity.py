"""Whose work is whose: the Project's own id, and the Project each merged-in Annotator's
work was made in (`annotator_origins`, written by `annotation.team.merge`).

Here, under the merge and the export, because both read them.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotation.project.store import Store


def project_id(store: Store) -> str:
    """The Project's id ('' for a store made without migrations)."""
    row = store.db.execute("SELECT value FROM meta WHERE key = 'project_id'").fetchone()
    return row[0] if row else ""


def work_origins(store: Store) -> tuple[str, dict[str, str]]:
    """The Project's id, and the origin Project id of each merged-in Annotator."""
    with contextlib.suppress(sqlite3.OperationalError):  # no m004 tables: none merged in
        return project_id(store), dict(
            store.db.execute("SELECT name, project_id FROM annotator_origins")
        )
    return project_id(store), {}
