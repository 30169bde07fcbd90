"""The first minutes: an empty project says how to bring articles in, and the sample project
is built behind a progress window that names its step."""

from __future__ import annotations

from gui_support import one_article_project, open_window
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotation.store import Store
from gui.empty_project import EmptyProjectHint


def test_an_empty_project_says_how_to_import_until_articles_come(qtbot, tmp_path,
                                                                   monkeypatch) -> None:
    path = tmp_path / "empty.sorot"
    Store.create(path).close()
    window = open_window(qtbot, path, size=(1280, 720))
    hint = window.findChild(EmptyProjectHint)
    assert hint is not None and hint.isVisible()
    assert "Ctrl+I" in hint.text.text() and ".jsonl" in hint.text.text()
    # It covers the article area.
    assert hint.geometry() == window.pane.view.rect()
    # Its button starts the import: the window's file dialog opens.
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        lambda *a, **k: (asked.append(a[1]), ([], ""))[1])
    qtbot.mouseClick(hint.button, Qt.LeftButton)
    assert asked == ["Import articles"]
    assert hint.isVisible()

    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    article = tmp_path / "baru.txt"
    article.write_text("Artikel Baru\n\nPresiden Prabowo Subianto tiba di Tokyo.",
                       encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(article))])
    window.dropEvent(QDropEvent(QPointF(10, 10), Qt.CopyAction, data, Qt.LeftButton,
                                Qt.NoModifier))
    assert not hint.isVisible()
    # The imported article is open at once.
    assert window.pane.controller.article is not None
    assert window.pane.controller.article.title == "Artikel Baru"


def test_a_project_with_articles_shows_no_hint(qtbot, tmp_path) -> None:

    window = open_window(qtbot, one_article_project(tmp_path, "Retno tiba di Tokyo.", []))
    assert not window.findChild(EmptyProjectHint).isVisible()


