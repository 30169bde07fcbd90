"""The window's watch on its project file: what other processes commit, and edits that wait.

Another window, or a `sorot` command, may write the project while this window has it open.
SQLite's `PRAGMA data_version` changes whenever another connection commits (never for this
window's own commits); the watch reads it every second and whenever the window becomes
active, and then tells the views what changed, through the workspace's own signals:

- the articles named by new events: another window's edits, undos and redos;
- the articles suggested anew: `sorot suggest`, another window's suggestion worker;
- after an import, a merge or a schema change (events of no one article), or when articles
  came or went: the whole list (`listChanged`), the schema, and every article.

It also makes the window's command stack hold the edits that the write lock refuses while
another process writes (`annotation.project.command_stack`): the researcher is told at once that the
edit is kept, reminded while it waits, and told when it is saved, which the watch tries
every second. No SQL of its own: `annotation.project.outside_changes` reads the project.
"""

from __future__ import annotations

import sqlite3
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from annotation.project.outside_changes import changes_since
from annotation.project.store import ProjectBusy
from gui.workspace import Workspace

POLL_MS = 1000
WINDOW_WAIT_S = 0.5  # how long a gesture waits for another process's write lock
# How long each second's try to save waiting edits waits: long enough for SQLite to look
# a few times for the moments another writer leaves the lock free (an import pauses between
# batches), short enough not to be felt.
SAVE_WAIT_S = 0.1
REMIND_S = 5.0  # how often the status bar is reminded of edits still waiting


class ProjectWatch(QObject):
    """Follows what other processes commit to the workspace's project; saves waiting edits."""

    listChanged = Signal()  # articles were added or deleted elsewhere: query the list again

    @classmethod
    def attach(cls, workspace: Workspace) -> ProjectWatch:
        """The workspace's watch, started on first use (one per workspace)."""
        found = workspace.findChild(ProjectWatch)
        return found if found is not None else cls(workspace)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self._workspace = workspace
        stack = workspace.stack
        stack.holds, stack.busy_wait = True, WINDOW_WAIT_S
        self._version = workspace.store.data_version()
        self._seen = changes_since(workspace.store, None).mark
        self._reminded = 0.0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(POLL_MS)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_application_state)

    def check(self) -> None:
        """Save waiting edits, then show what other processes committed since last time."""
        store = self._workspace.store
        try:
            if self._workspace.stack.pending:
                self._save_waiting()
            version = store.data_version()
        except sqlite3.ProgrammingError:  # the project was closed under the timer
            self._timer.stop()
            return
        if version == self._version:
            return
        changes = changes_since(store, self._seen)
        self._version, self._seen = version, changes.mark
        if changes.schema:
            store.forget_cached()
            self._workspace.schemaChanged.emit()
        if changes.everything:
            self.listChanged.emit()
        if changes.articles:
            self._workspace.changed.emit(changes.articles)

    def _save_waiting(self) -> None:
        stack = self._workspace.stack
        try:
            saved = stack.flush(SAVE_WAIT_S)
        except ProjectBusy as busy:
            now = time.monotonic()
            if now - self._reminded >= REMIND_S:
                self._reminded = now
                count = len(stack.pending)
                edits = "1 edit" if count == 1 else f"{count} edits"
                self._workspace.failed.emit(f"{edits} waiting to be saved: {busy.who}")
            return
        refused, stack.refused = stack.refused, []
        edits = "the edit" if saved == 1 else f"the {saved} edits"
        message = f"Saved {edits} that waited for the project"
        if refused:
            message += "; left out, as the project changed meanwhile: " + "; ".join(refused)
        self._workspace.failed.emit(message)

    def _on_application_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationActive:
            self.check()
