"""The Article tab follows the article shown: its status changes with the first decision."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from annotation.io.importer import import_paths
from annotation.model import EntityStatus, NewEntity
from annotation.project.store import Store
from annotation.settings import Settings
from gui.main_window import MainWindow
from tests.gui.test_gui_main_window import show

TEXT = "Kunjungan\n\nPresiden Joko Widodo bertemu Emmanuel Macron di Paris."


def _rows(win: MainWindow) -> dict[str, str]:
    labels = win.pane.metadata.widget().findChildren(QLabel)
    texts = [label.text() for label in labels]
    return dict(zip(texts[::2], texts[1::2]))


def test_status_row_follows_the_first_decision(qtbot, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    path = tmp_path / "p.sorot"
    with Store.create(path) as store:
        assert import_paths(store, [tmp_path / "a.txt"], annotator="ana").ok
        article_id = store.article_ids()[0]
        start = TEXT.index("Joko Widodo")
        store.add_annotations(
            article_id,
            [
                NewEntity(
                    start,
                    start + len("Joko Widodo"),
                    "PER",
                    status=EntityStatus.SUGGESTED,
                    origin="rules",
                    score=0.9,
                )
            ],
            [],
        )
        store.db.conn.commit()
    win = MainWindow(Settings(annotator="ana"), suggestions=False)
    qtbot.addWidget(win)
    assert win.open_project(path)
    show(qtbot, win)
    assert _rows(win)["Status"] == "to do"
    assert _rows(win)["Title"] == "Kunjungan"
    qtbot.keyClick(win.pane.view, Qt.Key_Tab)
    qtbot.keyClick(win.pane.view, Qt.Key_Return)
    qtbot.waitUntil(lambda: _rows(win)["Status"] == "in progress")
    assert _rows(win)["Title"] == "Kunjungan"
    assert len(win.pane.metadata.widget().findChildren(QLabel)) % 2 == 0
