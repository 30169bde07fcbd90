"""The main window driven with keyboard and mouse; after each step, the project file is read."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from annotation.io.importer import import_paths
from annotation.model import ArticleStatus, EntityStatus, NewEntity
from annotation.project.store import Store
from annotation.settings import LEAVE_OPEN, Settings
from gui.article.relation_dialog import RelationDialog
from gui.key_help import KeyHelp
from gui.main_window import MainWindow

ARTICLES = {
    "a1.txt": "Jokowi Terima Macron\n\nPresiden Joko Widodo menerima Presiden Prancis "
    "Emmanuel Macron di Istana Bogor, Rabu (13/3/2024).",
    "a2.txt": "Menlu Bertemu\n\nMenteri Luar Negeri Retno Marsudi bertemu Menlu Wang Yi di "
    "Beijing.",
    "a3.txt": "Sanksi Baru\n\nUni Eropa menjatuhkan sanksi kepada Rusia.",
}
# (surface, label) suggestions per file, as a suggester would have stored them
SUGGESTIONS = {
    "a1.txt": [
        ("Joko Widodo", "PER"),
        ("Prancis", "GPE"),
        ("Emmanuel Macron", "PER"),
        ("Istana Bogor", "LOC"),
        ("Rabu (13/3/2024)", "DATE"),
    ],
    "a2.txt": [("Retno Marsudi", "PER"), ("Wang Yi", "PER"), ("Beijing", "GPE")],
    "a3.txt": [("Uni Eropa", "ORG"), ("Rusia", "GPE")],
}


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    path = tmp_path / "p.sorot"
    with Store.create(path) as store:
        assert import_paths(store, sorted(folder.iterdir()), annotator="ana").ok
        for article_id in store.article_ids():
            article = store.article(article_id)
            store.db.conn.commit()
            name = next(n for n, t in ARTICLES.items() if t.split("\n")[0] == article.title)
            body = article.text
            store.add_annotations(
                article_id,
                [
                    NewEntity(
                        body.index(s),
                        body.index(s) + len(s),
                        label,
                        status=EntityStatus.SUGGESTED,
                        origin="rules",
                        score=0.9,
                    )
                    for s, label in SUGGESTIONS[name]
                ],
                [],
            )
            store.db.conn.commit()
    return path


@pytest.fixture
def window(qtbot, project_path: Path) -> MainWindow:
    settings = Settings(annotator="ana")
    win = MainWindow(settings, suggestions=False)
    qtbot.addWidget(win)
    assert win.open_project(project_path)
    show(qtbot, win)
    return win


def show(qtbot, win: MainWindow) -> None:
    """Show the window and make it active, so its keys reach it."""
    win.show()
    qtbot.waitExposed(win)
    win.windowHandle().requestActivate()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    win.pane.view.setFocus()


def saved(path: Path) -> Store:
    """The project file as another program would read it now."""
    return Store.open(path, readonly=True)


def entities(path: Path, article_id: int) -> dict[str, tuple[str, str]]:
    with saved(path) as store:
        text = store.article(article_id).text
        return {text[e.start : e.end]: (e.label, e.status) for e in store.entities(article_id)}


def key(qtbot, window: MainWindow, k, modifier=Qt.NoModifier) -> None:
    qtbot.keyClick(window.pane.view, k, modifier)


def test_suggestions_are_accepted_rejected_relabelled_and_resized_by_key(
    qtbot, window, project_path
) -> None:
    c = window.pane.controller
    article = c.article.id
    assert c.article.title == "Jokowi Terima Macron"
    assert window.pane.controller.current_entity().label == "PER"  # first suggestion current
    key(qtbot, window, Qt.Key_Return)
    assert entities(project_path, article)["Joko Widodo"] == ("PER", "accepted")
    assert c.current_entity() is not None and c.surface(c.current_entity()) == "Prancis"
    key(qtbot, window, Qt.Key_X)
    assert entities(project_path, article)["Prancis"] == ("GPE", "rejected")
    assert c.surface(c.current_entity()) == "Emmanuel Macron"
    key(qtbot, window, Qt.Key_Tab)
    assert c.surface(c.current_entity()) == "Istana Bogor"
    key(qtbot, window, Qt.Key_Backtab, Qt.ShiftModifier)
    assert c.surface(c.current_entity()) == "Emmanuel Macron"
    key(qtbot, window, Qt.Key_A)
    assert entities(project_path, article)["Emmanuel Macron"] == ("PER", "accepted")
    # Istana Bogor is current: relabel with its number key, then widen by a token.
    key(qtbot, window, Qt.Key_3)
    assert entities(project_path, article)["Istana Bogor"] == ("GPE", "accepted")
    key(qtbot, window, Qt.Key_Right, Qt.ShiftModifier)
    assert entities(project_path, article)["Istana Bogor,"] == ("GPE", "accepted")
    key(qtbot, window, Qt.Key_Left, Qt.ShiftModifier)
    assert "Istana Bogor" in entities(project_path, article)
    key(qtbot, window, Qt.Key_Left, Qt.ControlModifier | Qt.ShiftModifier)
    assert entities(project_path, article)["di Istana Bogor"] == ("GPE", "accepted")
    with saved(project_path) as store:
        assert store.article_status(article, "ana") == ArticleStatus.IN_PROGRESS


def test_undo_and_redo_name_the_action_and_survive_reopening(qtbot, window, project_path) -> None:
    c = window.pane.controller
    article = c.article.id
    key(qtbot, window, Qt.Key_Return)
    assert "Joko Widodo" in window.actions.undo.text()
    key(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert entities(project_path, article)["Joko Widodo"] == ("PER", "suggested")
    assert window.actions.redo.isEnabled()
    key(qtbot, window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert entities(project_path, article)["Joko Widodo"] == ("PER", "accepted")
    window.close()

    again = MainWindow(Settings(annotator="ana"), suggestions=False)
    qtbot.addWidget(again)
    assert again.open_project(project_path)
    show(qtbot, again)
    assert again.actions.undo.isEnabled()
    qtbot.keyClick(again.pane.view, Qt.Key_Z, Qt.ControlModifier)
    assert entities(project_path, article)["Joko Widodo"] == ("PER", "suggested")


def point_at(window: MainWindow, offset: int) -> QPoint:
    view = window.pane.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_qt(offset))
    return view.cursorRect(cursor).center() + QPoint(2, 0)


def test_select_with_the_mouse_label_with_a_key_then_delete(qtbot, window, project_path) -> None:
    c = window.pane.controller
    text, article = c.article.text, c.article.id
    start = text.index("residen Joko")  # mid-word: snaps to "Presiden"
    viewport = window.pane.view.viewport()
    qtbot.mousePress(viewport, Qt.LeftButton, pos=point_at(window, start))
    qtbot.mouseMove(viewport, point_at(window, start + 3))
    qtbot.mouseRelease(viewport, Qt.LeftButton, pos=point_at(window, start + 3))
    key(qtbot, window, Qt.Key_2)
    assert entities(project_path, article)["Presiden"] == ("ROLE", "accepted")
    assert c.surface(c.current_entity()) == "Presiden"
    key(qtbot, window, Qt.Key_Delete)
    assert "Presiden" not in entities(project_path, article)


def test_accept_all_is_one_undo_step(qtbot, window, project_path) -> None:
    article = window.pane.controller.article.id
    key(qtbot, window, Qt.Key_A, Qt.ControlModifier | Qt.AltModifier)
    assert {s for _, s in entities(project_path, article).values()} == {"accepted"}
    key(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert {s for _, s in entities(project_path, article).values()} == {"suggested"}


def test_done_opens_the_next_article_to_do(qtbot, window, project_path) -> None:
    # Its suggestions stay open without a question (tested in test_gui_defects_13).
    window.settings.done_with_open = LEAVE_OPEN
    first = window.pane.controller.article.id
    key(qtbot, window, Qt.Key_Return, Qt.ControlModifier)
    with saved(project_path) as store:
        assert store.article_status(first, "ana") == ArticleStatus.DONE
    second = window.pane.controller.article.id
    assert second != first
    assert window.pane.article_list.current_article() == second
    assert "Done 1 / 3" in window._progress.text()


def test_a_relation_offers_only_types_the_schema_allows(qtbot, window, project_path) -> None:
    c = window.pane.controller
    article = c.article.id
    seen: list[list[str]] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, RelationDialog)
        seen.append([dialog._entities.item(i).text() for i in range(dialog._entities.count())])
        seen.append([dialog._types.item(i).text() for i in range(dialog._types.count())])
        qtbot.keyClicks(dialog._filter, "MEETS Macron")
        qtbot.keyClick(dialog._filter, Qt.Key_Return)

    QTimer.singleShot(0, answer)
    key(qtbot, window, Qt.Key_R)  # Joko Widodo (PER) is current
    offered, types = seen[0], seen[1]
    # Each other entity once, nearest first, with its line and the words around it.
    assert offered[0].startswith("“Presiden”") or offered[0].startswith("“Prancis”")
    assert len(offered) == len(set(offered))
    assert not any(line.startswith("“Rabu") for line in offered)  # no type fits a DATE
    assert all("line 3" in line for line in offered)
    assert "MEETS  →" not in types and "MEETS  —" in types
    with saved(project_path) as store:
        [relation] = store.relations(article)
        text = store.article(article).text
        head, child = store.entity(relation.head), store.entity(relation.child)
        assert (relation.label, text[head.start : head.end], text[child.start : child.end]) == (
            "MEETS",
            "Joko Widodo",
            "Emmanuel Macron",
        )
        # Linking suggestions accepts them with the relation.
        assert head.status == child.status == "accepted"


def test_zoom_help_overlay_and_the_status_bar(qtbot, window, project_path) -> None:
    size = window.pane.view.point_size
    key(qtbot, window, Qt.Key_Plus, Qt.ControlModifier)
    assert window.pane.view.point_size == size + 1
    key(qtbot, window, Qt.Key_Minus, Qt.ControlModifier)
    assert window.pane.view.point_size == size
    key(qtbot, window, Qt.Key_F1)
    overlay = window.findChild(KeyHelp)
    assert overlay is not None and overlay.isVisible()
    assert overlay.geometry() == window.rect()
    qtbot.keyClick(overlay, Qt.Key_Space)
    qtbot.waitUntil(lambda: window.findChild(KeyHelp) is None)
    key(qtbot, window, Qt.Key_F, Qt.ControlModifier)
    assert window.pane.article_list.search_box.hasFocus()
    assert "Annotator: ana" in window._annotator.text()
    assert str(project_path) in window._path.text()


def test_import_by_drop_and_export_by_dialog(
    qtbot, window, project_path, tmp_path, monkeypatch
) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent
    from PySide6.QtWidgets import QMessageBox

    from gui.dialogs import ExportDialog

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    new = tmp_path / "baru.txt"
    new.write_text("Artikel Baru\n\nPresiden Prabowo Subianto tiba di Tokyo.", encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(new))])
    drop = QDropEvent(QPointF(10, 10), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier)
    window.dropEvent(drop)
    assert "1 imported" in shown[-1]
    with saved(project_path) as store:
        assert "Artikel Baru" in [store.article(a).title for a in store.article_ids()]
    assert window.pane.article_list.model.rowCount() == 4
    assert "Done 0 / 4" in window._progress.text()

    dialog = ExportDialog(window.workspace, window)
    qtbot.addWidget(dialog)
    out = tmp_path / "out.jsonl"
    dialog.path.setText(str(out))
    dialog.suggestions.setChecked(True)
    dialog._export()
    assert "exported" in shown[-1]
    assert len(out.read_text(encoding="utf-8").splitlines()) == 4


def test_the_first_start_asks_for_the_annotator_name(qtbot, monkeypatch, project_path) -> None:
    from PySide6.QtWidgets import QInputDialog

    settings = Settings()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Siti Rahma", True))
    win = MainWindow(settings, suggestions=False)
    qtbot.addWidget(win)
    win.ask_annotator(first=True)
    assert Settings.load().annotator == "Siti Rahma"
    assert win.open_project(project_path)
    assert win.workspace.annotator == "Siti Rahma"
    assert str(project_path.resolve()) == Settings.load().recent_projects[0]
