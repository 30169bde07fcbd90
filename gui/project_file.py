"""The open project's file as the window looks after it: why it could not be opened, the
-wal copied into the file at quiet moments, File → Save a copy, and the file moved or
replaced under the open window.

Offscreen (tests, `sorot screenshot`) nothing waits on a dialog: the reason is printed too,
and dialogs open without blocking.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QWidget

from annotation.project import db as dbmod
from annotation.project.file import backup, causes, places, wal
from annotation.project.file.errors import ProjectError
from annotation.project.store import Change, Store
from annotation.schema import SchemaError
from annotation.settings import data_dir

if TYPE_CHECKING:
    from gui.window_parts import WindowParts

WATCH_MS = 2000  # how often the file's identity is checked
IDLE_S = 3.0  # a checkpoint once the project has been quiet this long
EVERY_S = 30.0  # and at least this often (the suggestion worker writes in another process)


def is_headless() -> bool:
    """Whether nobody can see a dialog (offscreen rendering, tests)."""
    return QGuiApplication.platformName() in ("offscreen", "minimal")


def report_failure(parent: QWidget, title: str, message: str) -> QMessageBox:
    """Say why the project could not be opened or used: a dialog that does not block (and
    the reason on stderr when offscreen, where nobody sees the dialog)."""
    if is_headless():
        print(f"sorot: error: {message}", file=sys.stderr)
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("project-failure")
    box.open()
    parent.setProperty("project_failure", message)
    return box


def failure(window: QWidget) -> str | None:
    """The last failure reported for `window`, if any."""
    return window.property("project_failure") or None


def open_store(window: QMainWindow, path: Path, readonly: bool = False) -> Store | None:
    """Open the project for the window, or report why not and return None."""
    try:
        store = Store.open(path, readonly=readonly)
    except ProjectError as exc:
        report_failure(window, "Cannot open project", str(exc))
        return None
    try:  # read once here: every part of the window needs it
        store.schema  # noqa: B018
    except SchemaError as exc:
        store.close()
        report_failure(window, "Cannot open project", f"{path}: {exc}")
        return None
    warning = places.warn_once(path, data_dir() / places.WARNED_FILE)
    if warning:
        show_notice(window, warning)
    return store


def show_notice(window: QMainWindow, message: str, box: bool = True) -> None:
    """Something opening the project did on its own (a -wal set aside), or a warning about
    where it lies: in the status bar and, unless `box` is false, a dialog that does not
    block (these come once, and matter)."""
    if is_headless():
        print(f"sorot: warning: {message}", file=sys.stderr)
    window.statusBar().showMessage(message, 20000)
    if box:
        notice = QMessageBox(
            QMessageBox.Icon.Information, "Sorot", message, QMessageBox.StandardButton.Ok, window
        )
        notice.setObjectName("project-notice")
        notice.open()


def install(window: WindowParts) -> QAction:
    """File → Save a copy…, and notices from opening projects shown in `window`."""
    action = QAction("Save a &copy…", window)
    action.setObjectName("save_copy")
    action.setStatusTip(
        "Copy the project whole, every step included, to another file: the "
        "way to back up or send a project"
    )
    action.triggered.connect(lambda: save_copy(window))
    menu = window.menus["&File"]
    after = window.actions.export
    actions = menu.actions()
    following = actions[actions.index(after) + 1] if after in actions[:-1] else None
    if following is None:
        menu.addAction(action)
    else:
        menu.insertAction(following, action)
    stop = dbmod.on_notice(lambda message: show_notice(window, message))
    window.destroyed.connect(lambda *_: stop())
    return action


def save_copy(window: WindowParts, target: Path | None = None) -> bool:
    """Copy the open project through SQLite's backup API to a file the researcher names."""
    workspace = window.workspace
    if workspace is None or workspace.store.path is None:
        return False
    source = workspace.store.path
    if target is None:
        name, _ = QFileDialog.getSaveFileName(
            window,
            "Save a copy of the project",
            str(
                source.with_name(
                    f"{source.stem} copy {datetime.now():%Y-%m-%d}{dbmod.PROJECT_SUFFIX}"
                )
            ),
            f"Sorot projects (*{dbmod.PROJECT_SUFFIX})",
        )
        if not name:
            return False
        target = Path(name)
    if target.suffix != dbmod.PROJECT_SUFFIX:
        target = target.with_suffix(dbmod.PROJECT_SUFFIX)
    if target.exists() and target.samefile(source):
        report_failure(window, "Cannot save a copy", f"{target}: is the project itself")
        return False
    try:  # the file dialog has asked before replacing a file
        report = backup.backup(workspace.store.db.conn, source, target, replace=True)
    except ProjectError as exc:
        report_failure(window, "Cannot save a copy", str(exc))
        return False
    window.statusBar().showMessage(f"Saved a copy: {report.summary()}", 10000)
    return True


class FileGuard(QObject):
    """Looks after the open project's file while the window has it open.

    It checkpoints the -wal into the file when an article is done and when the project has
    been quiet a moment, so that the .sorot alone is nearly always whole; and it notices when
    the file is moved, deleted or replaced, and then closes the project before an edit goes
    astray, saving what was open (every edit) where the researcher can find it.
    """

    def __init__(self, window: WindowParts, store: Store) -> None:
        super().__init__(window)
        path = store.path
        assert path is not None  # a project file, not a store in memory
        self.window, self.store, self.path = window, store, path
        self.identity = _identity(self.path)
        self.dirty = False
        self.last_commit = self.last_checkpoint = time.monotonic()
        store.subscribe(self._on_commit)
        self.timer = QTimer(self)
        self.timer.setInterval(WATCH_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def _on_commit(self, changes: list[Change]) -> None:
        self.dirty, self.last_commit = True, time.monotonic()
        if any(
            c.table == "article_status" and c.after and c.after.get("status") == "done"
            for c in changes
        ):
            QTimer.singleShot(0, self.checkpoint)

    def checkpoint(self) -> None:
        if self.store is not self._open_store():
            return
        self.last_checkpoint = time.monotonic()
        if dbmod.checkpoint(self.store.db):
            self.dirty = False

    def check(self) -> bool:
        """Checkpoint when quiet; close the project if its file was moved or replaced.
        Return whether the file is still where it was opened."""
        if self.store is not self._open_store():
            self.timer.stop()
            return True
        now = _identity(self.path)
        if now == self.identity:
            quiet = time.monotonic() - self.last_commit >= IDLE_S
            if quiet and (self.dirty or time.monotonic() - self.last_checkpoint >= EVERY_S):
                self.checkpoint()
            return True
        self.timer.stop()
        self._lost(now)
        return False

    def _open_store(self) -> Store | None:
        workspace = self.window.workspace
        return workspace.store if workspace is not None else None

    def _lost(self, now: tuple[int, int] | None) -> None:
        path = self.path
        renamed = _renamed_to(path, self.identity) if now is None else None
        rescue = None
        if renamed is None:
            rescue = path.with_name(
                f"{path.stem} rescued {datetime.now():%Y-%m-%d %H%M%S}{dbmod.PROJECT_SUFFIX}"
            )
            try:
                backup.backup(self.store.db.conn, path, rescue)
            except ProjectError:
                rescue = None
        dbmod.checkpoint(self.store.db)
        self.window.close_project()
        if wal.wal_path(path).exists() and not wal.in_use_elsewhere(path):
            if renamed is not None and not wal.wal_path(renamed).exists():
                wal.wal_path(path).rename(wal.wal_path(renamed))  # the steps go with it
                wal.shm_path(path).unlink(missing_ok=True)
            else:
                wal.set_aside(path)
        if renamed is not None and self.window.open_project(renamed):
            show_notice(
                self.window,
                f"The project file was renamed to {renamed.name} while "
                f"open; Sorot reopened it there",
                box=False,
            )
            return
        what = "replaced by another file" if now is not None else "moved away or deleted"
        saved = (
            f"What was open, with every edit, is saved as {rescue}."
            if rescue
            else "Nothing more was written to it."
        )
        report_failure(
            self.window,
            "Project file moved",
            (
                f"{path} was {what} while Sorot had it open, so Sorot closed it before an edit "
                f"could go astray. {saved} Open the project where it is now (File → Open)."
            ),
        )


def guard(window: WindowParts, store: Store) -> FileGuard:
    """Start looking after the file of the project just opened in `window`."""
    for old in window.findChildren(FileGuard):
        old.timer.stop()
        old.deleteLater()
    return FileGuard(window, store)


def on_database_error(window: WindowParts, exc: sqlite3.DatabaseError) -> None:
    """A read or write failed inside the window: close the project and say why."""
    workspace = window.workspace
    path = workspace.store.path if workspace is not None else None
    file_guard = window.findChild(FileGuard)
    if file_guard is not None and path is not None and not file_guard.check():
        return  # moved or replaced: the guard has said so
    window.close_project()
    report_failure(window, "The project cannot be used", causes.explain(path, exc))


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _renamed_to(path: Path, identity: tuple[int, int] | None) -> Path | None:
    """The file's new name if it was renamed within its folder."""
    try:
        for entry in path.parent.iterdir():
            if entry.suffix == dbmod.PROJECT_SUFFIX and _identity(entry) == identity:
                return entry
    except OSError:
        pass
    return None
