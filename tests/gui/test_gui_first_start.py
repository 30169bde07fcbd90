"""The first minutes: an empty project says how to bring articles in, and the sample project
is built behind a progress window that names its step."""

from __future__ import annotations

from gui_support import one_article_project, open_window
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from annotation.project.store import Store
from gui.empty_project import EmptyProjectHint


def test_an_empty_project_says_how_to_import_until_articles_come(
    qtbot, tmp_path, monkeypatch
) -> None:
    path = tmp_path / "empty.sorot"
    Store.create(path).close()
    window = open_window(qtbot, path, size=(1280, 720))
    hint = window.findChild(EmptyProjectHint)
    assert hint is not None and hint.isVisible()
    assert "Ctrl+I" in hint.text.text() and ".jsonl" in hint.text.text()
    assert "File → Import files…" in hint.text.text()  # the menu item's own words
    assert hint.text.height() >= hint.text.heightForWidth(hint.text.width())  # not clipped
    # It covers the article area.
    assert hint.geometry() == window.pane.view.rect()
    # Its button starts the import: the window's file dialog opens.
    asked: list[str] = []
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *a, **k: (asked.append(a[1]), ([], ""))[1]
    )
    qtbot.mouseClick(hint.button, Qt.LeftButton)
    assert asked == ["Import articles"]
    assert hint.isVisible()

    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    article = tmp_path / "baru.txt"
    article.write_text("Artikel Baru\n\nPresiden Prabowo Subianto tiba di Tokyo.", encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(article))])
    window.dropEvent(QDropEvent(QPointF(10, 10), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier))
    assert not hint.isVisible()
    # The imported article is open at once.
    assert window.pane.controller.article is not None
    assert window.pane.controller.article.title == "Artikel Baru"


def test_a_project_with_articles_shows_no_hint(qtbot, tmp_path) -> None:

    window = open_window(qtbot, one_article_project(tmp_path, "Retno tiba di Tokyo.", []))
    assert not window.findChild(EmptyProjectHint).isVisible()


def test_the_sample_project_is_built_behind_a_window_naming_the_step(qtbot, monkeypatch) -> None:
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QProgressDialog

    from annotation.settings import Settings, default_project_path
    from gui import first_start
    from gui.app import project_to_open

    assert not default_project_path().exists()
    shown: list[str] = []
    looked = threading.Event()

    def look() -> None:  # on the GUI thread, while the worker waits
        shown.extend(
            d.labelText()
            for d in QApplication.topLevelWidgets()
            if isinstance(d, QProgressDialog) and d.isVisible()
        )
        looked.set()

    real = first_start.ensure_sample_project

    def build(annotator: str):
        QTimer.singleShot(0, QApplication.instance(), look)  # noqa: B023
        assert looked.wait(20), "the progress window never came up"
        return real(annotator)

    monkeypatch.setattr(first_start, "ensure_sample_project", build)
    path = project_to_open(Settings(annotator="ana"), None)
    assert path == default_project_path() and path.exists()
    assert len(shown) == 1 and "Building the sample project" in shown[0]
    assert "suggesting entities and relations" in shown[0]
    # Once built, it opens at once: no window.
    shown.clear()
    looked.clear()
    monkeypatch.setattr(
        first_start, "ensure_sample_project", lambda annotator: (look(), real(annotator))[1]
    )
    assert project_to_open(Settings(annotator="ana"), None) == path
    assert shown == []
