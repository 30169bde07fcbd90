"""The window while other processes write its project (#14): a decision made while another
connection holds the write lock is kept, shown as waiting and saved once the lock is free,
never lost; and a second window or the command line changes what the window shows, without
a restart.

The project is read here through plain SQLite connections, never a second Store in this
process while the window is open: opening a Store reads the file's header with open() and
close(), and closing any descriptor of a file drops every POSIX lock this process holds on
it, SQLite's included; another process that then closes the project believes itself the
last and deletes the -wal under the window (see the report on #14)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from concurrency_support import ROOT, connect, sorot, text
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotation.io.importer import import_paths
from annotation.model import EntityStatus, NewEntity
from annotation.project.store import Store
from annotation.settings import Settings
from gui.main_window import MainWindow

SUGGESTED, ACCEPTED, REJECTED = EntityStatus.SUGGESTED, EntityStatus.ACCEPTED, EntityStatus.REJECTED
NAMES = ("Joko Widodo", "Emmanuel Macron", "Jakarta")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        (folder / f"{i}.txt").write_text(text(i), encoding="utf-8")
    path = tmp_path / "p.sorot"
    with Store.create(path) as store:
        assert import_paths(store, sorted(folder.iterdir()), annotator="ana").ok
        for article_id in store.article_ids():
            body = store.article(article_id).text
            with store.transaction():
                store.add_annotations(
                    article_id,
                    [
                        NewEntity(
                            body.index(s),
                            body.index(s) + len(s),
                            "GPE" if s == "Jakarta" else "PER",
                            status=SUGGESTED,
                            origin="rules",
                            score=0.9,
                        )
                        for s in NAMES
                        if s in body
                    ],
                    [],
                )
    return path


def open_window(qtbot, path: Path, annotator: str) -> MainWindow:
    win = MainWindow(Settings(annotator=annotator), suggestions=False)
    qtbot.addWidget(win)
    assert win.open_project(path)
    win.show()
    qtbot.waitExposed(win)
    win.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    win.pane.view.setFocus()
    return win


def saved(path: Path, article_id: int) -> dict[str, str]:
    """Each name's status in the project file, as another program reads it now."""
    conn = connect(path)
    try:
        body = conn.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
        return {
            body[start:end]: status
            for start, end, status in conn.execute(
                'SELECT start, "end", status FROM entities WHERE article_id = ?', (article_id,)
            )
        }
    finally:
        conn.close()


# Another window of the same researcher, in its own process: its Return on the article's
# first suggestion, through the same command stack as the window's.
OTHER_WINDOW = """
import sys
from annotation.project.commands import AcceptEntity, CommandStack
from annotation.project.store import Store
with Store.open(sys.argv[1]) as store:
    article = int(sys.argv[2])
    first = store.entities(article, ("suggested",))[0]
    CommandStack(store, "ana").do(AcceptEntity(first.id))
"""


def test_a_decision_made_while_the_project_is_locked_is_kept_and_saved(
    qtbot, project: Path
) -> None:
    win = open_window(qtbot, project, "ana")
    article = win.pane.controller.article.id
    first, second = sorted(NAMES, key=win.pane.controller.article.text.index)[:2]
    other = sqlite3.connect(project, isolation_level=None)  # a merge, say, in another process
    other.execute("BEGIN IMMEDIATE")
    try:
        qtbot.keyClick(win.pane.view, Qt.Key_Return)  # accept the first suggestion
        assert "Not saved yet" in win.statusBar().currentMessage()
        assert "is writing" in win.statusBar().currentMessage()
        # The view still shows it undecided, and current: go on to the next one and reject it.
        qtbot.keyClick(win.pane.view, Qt.Key_Tab)
        qtbot.keyClick(win.pane.view, Qt.Key_X)
        assert "2 edits are kept" in win.statusBar().currentMessage()
        assert saved(project, article)[first] == SUGGESTED
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: saved(project, article)[first] == ACCEPTED, timeout=5000)
    assert saved(project, article)[second] == REJECTED
    assert "Saved the 2 edits that waited" in win.statusBar().currentMessage()
    # Each one an ordinary step: undone one by one, last first.
    qtbot.keyClick(win.pane.view, Qt.Key_Z, Qt.ControlModifier)
    assert saved(project, article)[second] == SUGGESTED
    assert saved(project, article)[first] == ACCEPTED


def test_a_second_window_and_the_command_line_show_in_the_first(
    qtbot, project: Path, tmp_path: Path
) -> None:
    ana = open_window(qtbot, project, "ana")
    article = ana.pane.controller.article.id
    first = min(
        (n for n in NAMES if n in ana.pane.controller.article.text),
        key=ana.pane.controller.article.text.index,
    )

    def shown() -> dict[str, tuple[str, str]]:
        c = ana.pane.controller
        return {c.article.text[e.start : e.end]: (e.label, e.status) for e in c.entities}

    assert shown()[first][1] == SUGGESTED
    other = subprocess.run(
        [sys.executable, "-c", OTHER_WINDOW, str(project), str(article)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert other.returncode == 0, other.stderr
    assert saved(project, article)[first] == ACCEPTED
    qtbot.waitUntil(lambda: shown()[first][1] == ACCEPTED, timeout=5000)

    rows = ana.pane.article_list.model.rowCount()
    added = tmp_path / "new.txt"
    added.write_text(text(7), encoding="utf-8")
    assert sorot("import", project, added, "--no-suggest").returncode == 0
    qtbot.waitUntil(lambda: ana.pane.article_list.model.rowCount() == rows + 1, timeout=5000)

    assert sorot("schema", project, "--rename", "GPE", "NEGARA").returncode == 0
    qtbot.waitUntil(lambda: "NEGARA" in ana.workspace.schema.entity_labels, timeout=5000)
    if "Jakarta" in shown():
        qtbot.waitUntil(lambda: shown()["Jakarta"][0] == "NEGARA", timeout=5000)
