"""Project file safety in the window (issue 14): a damaged or newer file gets a dialog with the
reason, never a traceback inside a model; the .sorot alone is whole after Done and after a
quiet moment; a file moved or replaced under the open window is noticed and nothing goes
astray; File → Save a copy copies every step."""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from files_support import crash_after_writing, damage, digest, make_project, quick_check
from PySide6.QtWidgets import QMessageBox

from annotation.project import commands as cmd
from annotation.project import db as dbmod
from annotation.project.file import connection
from annotation.settings import Settings
from gui import app as gui_app
from gui import project_file
from gui.main_window import MainWindow


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("template"))


@pytest.fixture
def project(tmp_path: Path, template: Path) -> Path:
    """A copy of a 12-article project, as a path."""
    return Path(shutil.copyfile(template, tmp_path / "p.sorot"))


def _window(qtbot) -> MainWindow:
    win = MainWindow(Settings(annotator="ana"), suggestions=False)
    qtbot.addWidget(win)
    return win


def _failure_box(win: MainWindow) -> QMessageBox:
    box = win.findChild(QMessageBox, "project-failure")
    assert box is not None and box.isVisible()
    return box


def _with_status(path: Path, status: str) -> int:
    """Articles with `status` in the .sorot file alone, read as a copy of it would be."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    try:
        return conn.execute(
            "SELECT count(*) FROM article_status WHERE status = ?", (status,)
        ).fetchone()[0]
    finally:
        conn.close()


def _done(path: Path) -> int:
    return _with_status(path, "done")


def test_a_damaged_project_gets_a_dialog_with_the_reason(qtbot, project: Path) -> None:
    damage(project)
    before = digest(project)
    win = _window(qtbot)
    assert not win.open_project(project)
    text = _failure_box(win).text()
    assert "damaged" in text and f"sorot recover {project}" in text
    assert win.workspace is None
    assert digest(project) == before


@pytest.mark.qt_no_exception_capture
def test_damage_found_only_while_drawing_closes_the_project_with_a_dialog(
    qtbot, project: Path, monkeypatch
) -> None:
    # Damage quick_check did not get to (out of time on a huge file): the first reads fail
    # inside the models, where Qt calls Python and nothing can catch the error.
    damage(project)
    monkeypatch.setattr(connection, "check_once", lambda path: None)
    monkeypatch.setattr(sys, "excepthook", gui_app._database_errors_said(sys.excepthook))
    win = _window(qtbot)
    opened = win.open_project(project)
    win.show()
    qtbot.waitUntil(lambda: win.findChild(QMessageBox, "project-failure") is not None)
    assert not opened or win.workspace is None
    assert "damaged" in _failure_box(win).text()


def test_a_newer_project_is_refused_and_left_unchanged(qtbot, project: Path) -> None:
    conn = sqlite3.connect(project)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('sorot', 'm099_future', '2031-01-01 00:00:00')"
    )
    conn.commit()
    conn.close()
    before = digest(project)
    win = _window(qtbot)
    assert not win.open_project(project)
    assert (
        "made by a newer Sorot (migration m099_future); update Sorot to change it"
        in _failure_box(win).text()
    )
    win.close()
    assert digest(project) == before


def test_after_done_the_file_alone_holds_the_decision(qtbot, project: Path) -> None:
    before = _done(project)
    win = _window(qtbot)
    assert win.open_project(project)
    win.actions.done_next.trigger()
    qtbot.waitUntil(lambda: _done(project) == before + 1)
    win.close()


def test_after_a_quiet_moment_the_file_alone_holds_the_edits(
    qtbot, project: Path, monkeypatch
) -> None:
    monkeypatch.setattr(project_file, "WATCH_MS", 50)
    monkeypatch.setattr(project_file, "IDLE_S", 0.2)
    win = _window(qtbot)
    assert win.open_project(project)
    article = win.pane.controller.article.id
    assert win.workspace.do(cmd.SetArticleStatus(article, "skipped"))
    qtbot.waitUntil(lambda: count_skipped(project) == 1, timeout=3000)
    win.close()


def count_skipped(path: Path) -> int:
    return _with_status(path, "skipped")


def test_a_project_renamed_while_open_is_reopened_where_it_went(
    qtbot, project: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(project_file, "WATCH_MS", 50)
    monkeypatch.setattr(project_file, "IDLE_S", 3600)  # no quiet-moment checkpoint meanwhile
    win = _window(qtbot)
    assert win.open_project(project)
    for article in win.workspace.store.article_ids()[-3:]:
        assert win.workspace.do(cmd.SetArticleStatus(article, "skipped"))
    moved = tmp_path / "renamed.sorot"
    os.replace(project, moved)
    qtbot.waitUntil(
        lambda: win.workspace is not None and win.workspace.store.path == moved, timeout=3000
    )
    assert "renamed to renamed.sorot" in win.statusBar().currentMessage()
    assert win.workspace.do(cmd.SetArticleStatus(win.workspace.store.article_ids()[0], "skipped"))
    win.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["renamed.sorot"]
    assert count_skipped(moved) == 4
    assert quick_check(moved) == ["ok"]


def test_a_project_replaced_while_open_is_closed_and_its_edits_saved(
    qtbot, project: Path, tmp_path: Path, template: Path, monkeypatch
) -> None:
    monkeypatch.setattr(project_file, "WATCH_MS", 50)
    monkeypatch.setattr(project_file, "IDLE_S", 3600)
    win = _window(qtbot)
    assert win.open_project(project)
    for article in win.workspace.store.article_ids()[:2]:
        assert win.workspace.do(cmd.SetArticleStatus(article, "skipped"))
    older = Path(shutil.copyfile(template, tmp_path / "older.sorot"))
    os.replace(older, project)  # an older copy restored over the open project
    qtbot.waitUntil(lambda: win.workspace is None, timeout=3000)
    text = _failure_box(win).text()
    assert "replaced by another file" in text
    rescued = [p for p in tmp_path.iterdir() if "rescued" in p.name]
    assert len(rescued) == 1 and str(rescued[0]) in text
    assert count_skipped(rescued[0]) == 2
    assert quick_check(rescued[0]) == ["ok"]
    # The restored copy opens cleanly: the old -wal beside it was set aside.
    assert win.open_project(project)
    assert count_skipped(project) == 0
    win.close()


def test_save_a_copy_holds_every_step(qtbot, project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(project_file, "IDLE_S", 3600)
    win = _window(qtbot)
    assert win.open_project(project)
    for article in win.workspace.store.article_ids()[:3]:
        assert win.workspace.do(cmd.SetArticleStatus(article, "skipped"))
    target = tmp_path / "elsewhere" / "copy.sorot"
    target.parent.mkdir()
    monkeypatch.setattr(
        project_file.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "")
    )
    action = next(a for a in win.menus["&File"].actions() if a.objectName() == "save_copy")
    action.trigger()
    assert "Saved a copy" in win.statusBar().currentMessage()
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sorot"]
    assert count_skipped(target) == 3
    assert quick_check(target) == ["ok"]
    win.close()
    assert int.from_bytes(target.read_bytes()[68:72], "big") == dbmod.APPLICATION_ID


def _notice(win: MainWindow) -> str:
    box = win.findChild(QMessageBox, "project-notice")
    return box.text() if box is not None and box.isVisible() else ""


def test_a_stale_wal_is_set_aside_and_the_window_says_so(
    qtbot, project: Path, tmp_path: Path
) -> None:
    older = Path(shutil.copyfile(project, tmp_path / "older.sorot"))
    crash_after_writing(project, [f"Dulu {i}" for i in range(20)])
    dbmod.open_database(project).close()  # checkpointed: the file moves on from the copy
    crash_after_writing(project, [f"Baru {i}" for i in range(30)])
    shutil.copyfile(older, project)
    win = _window(qtbot)
    assert win.open_project(project)
    assert "did not belong to p.sorot" in _notice(win) and "set aside" in _notice(win)
    assert win.workspace.store.count_articles() == 12
    win.close()


def test_a_project_in_a_synced_folder_is_warned_about_once(
    qtbot, project: Path, tmp_path: Path
) -> None:
    synced = tmp_path / "OneDrive - Universitas" / "riset"
    synced.mkdir(parents=True)
    path = Path(shutil.copyfile(project, synced / "p.sorot"))
    win = _window(qtbot)
    assert win.open_project(path)
    assert "synced by OneDrive" in _notice(win)
    win.findChild(QMessageBox, "project-notice").close()
    again = _window(qtbot)
    assert again.open_project(path)
    assert _notice(again) == ""
    win.close()
    again.close()
