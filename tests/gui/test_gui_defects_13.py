"""Defects of issue 13, driven through the window as a researcher would: keys, clicks and
drops on real widgets, with the project file read back after each step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from gui_support import open_window
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QTableWidget, QWidget

from annotation.io.importer import import_paths
from annotation.model import ArticleStatus, EntityStatus, NewEntity
from annotation.project.store import Store
from gui.main_window import MainWindow

ARTICLES = {
    "a.txt": "Kuba dan Indonesia\n\nPresiden Prabowo Subianto bertemu Presiden Kuba "
    "Miguel Díaz-Canel di Havana.",
    "b.txt": "Menlu Bertemu\n\nMenteri Luar Negeri Sugiono bertemu Menlu Wang Yi di Beijing.",
    "c.txt": "Sanksi Baru\n\nUni Eropa menjatuhkan sanksi kepada Rusia.",
}
# (surface, label) suggestions per file, as a suggester would have stored them
SUGGESTIONS = {
    "a.txt": [
        ("Prabowo Subianto", "PER"),
        ("Kuba", "GPE"),
        ("Miguel Díaz-Canel", "PER"),
        ("Havana", "GPE"),
    ],
    "b.txt": [("Sugiono", "PER"), ("Wang Yi", "PER"), ("Beijing", "GPE")],
    "c.txt": [("Uni Eropa", "ORG"), ("Rusia", "GPE")],
}
# Room a window manager takes in a title bar beside the title (icon and three buttons), and
# how much larger its title font may be than the dialog's (often bold, a point larger).
TITLE_BAR_ROOM, TITLE_FONT_SCALE = 120, 1.2


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
    return open_window(qtbot, project_path)


def saved(path: Path) -> Store:
    """The project file as another program would read it now."""
    return Store.open(path, readonly=True)


def statuses(path: Path, article_id: int) -> dict[str, str]:
    with saved(path) as store:
        text = store.article(article_id).text
        return {text[e.start : e.end]: e.status for e in store.entities(article_id)}


def key(qtbot, window: MainWindow, k, modifier=Qt.NoModifier) -> None:
    """A key pressed in the article view, with the window active (as it is again once a
    dialog closes; the offscreen platform does not give it back by itself)."""
    if QApplication.activeWindow() is not window:
        window.windowHandle().requestActivate()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.pane.view, k, modifier)


def article_named(window: MainWindow, title: str) -> int:
    store = window.workspace.store
    return next(a for a in store.article_ids() if store.article(a).title == title)


def click_article(qtbot, window: MainWindow, title: str) -> None:
    """Open an article by clicking its row in the article list, then focus the text."""
    articles = window.pane.article_list
    model, table = articles.model, articles.table
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, 0)) == title)
    rect = table.visualRect(model.index(row, 0))
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=rect.center())
    assert window.pane.controller.article.title == title
    window.pane.view.setFocus()


class Modal:
    """Answers the next modal dialog of `kind` from inside its own event loop."""

    def __init__(self, kind: type, reply: Callable[[QWidget], None]) -> None:
        self.kind, self.reply = kind, reply
        self.seen: list[QWidget] = []
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, self.kind) and dialog.isVisible():
            self._timer.stop()
            self.seen.append(dialog)
            try:
                self.reply(dialog)
            except BaseException:
                dialog.reject()  # a failed reply must not leave the test waiting on it
                raise

    def stop(self) -> None:
        self._timer.stop()


@pytest.fixture
def answer():
    """Modal(kind, reply) for this test; every one still waiting is stopped at its end, so
    that a test failing before its dialog leaves no answer for the next test's dialogs."""
    made: list[Modal] = []

    def make(kind: type, reply: Callable[[QWidget], None]) -> Modal:
        made.append(Modal(kind, reply))
        return made[-1]

    yield make
    for modal in made:
        modal.stop()


# -- 2: a GUI import with a rejected record --------------------------------------------------


def test_an_import_with_a_bad_line_reports_it_and_keeps_the_good_ones(
    qtbot, window, tmp_path, answer
) -> None:
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text(
        '{"text": "Presiden Prabowo Subianto tiba di Tokyo.", "title": "Prabowo ke Tokyo"}\n'
        '{"text": "Menlu Sugiono bertemu Wang Yi.", "title": "Sugiono"\n'
        '{"text": "Uni Eropa menjatuhkan sanksi kepada Iran.", "title": "Sanksi Iran"}\n',
        encoding="utf-8",
    )
    report: list[tuple[str, str]] = []

    def read_and_close(box: QWidget) -> None:
        report.append((box.windowTitle(), box.text()))
        qtbot.keyClick(box, Qt.Key_Return)

    modal = answer(QMessageBox, read_and_close)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(mixed))])
    window.dropEvent(QDropEvent(QPointF(10, 10), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier))
    modal.stop()
    [(title, text)] = report
    assert "problems" in title
    assert "2 imported" in text and "1 rejected" in text
    assert "mixed.jsonl, line 2: invalid JSON" in text
    model = window.pane.article_list.model
    titles = [model.data(model.index(r, 0)) for r in range(model.rowCount())]
    assert "Prabowo ke Tokyo" in titles and "Sanksi Iran" in titles and "Sugiono" not in titles
    assert "Done 0 / 5" in window._progress.text()


# -- 5: the training dialog's result, and the add-label dialog's title -----------------------


def test_the_training_dialog_keeps_qdialog_result(qtbot, window) -> None:
    from gui.training import TrainDialog

    dialog = TrainDialog(window.workspace, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key_Escape)
    assert callable(dialog.result) and dialog.result() == TrainDialog.DialogCode.Rejected


@pytest.mark.parametrize(
    ("tab", "which", "title"),
    [
        ("entities", "add_button", "New label"),
        ("relations", "add_button", "New label"),
        ("entities", "rename_button", "Rename"),
    ],
)
def test_the_label_name_dialogs_are_wide_enough_for_their_titles(
    qtbot, window, answer, tab, which, title
) -> None:
    from gui.schema.editor import SchemaEditorDialog

    editor = SchemaEditorDialog(window.workspace, window)
    qtbot.addWidget(editor)
    editor.show()
    page = getattr(editor, tab)
    editor.tabs.setCurrentWidget(page)
    table = page.findChild(QTableWidget)
    qtbot.mouseClick(
        table.viewport(), Qt.LeftButton, pos=table.visualRect(table.model().index(0, 0)).center()
    )
    seen: list[tuple[str, int, int]] = []

    def measure_and_cancel(dialog: QWidget) -> None:
        shown = dialog.windowTitle()
        seen.append((shown, dialog.width(), dialog.fontMetrics().horizontalAdvance(shown)))
        qtbot.keyClick(dialog, Qt.Key_Escape)

    modal = answer(QInputDialog, measure_and_cancel)
    qtbot.mouseClick(getattr(page, which), Qt.LeftButton)
    modal.stop()
    [(shown, width, advance)] = seen
    assert shown == title
    assert advance * TITLE_FONT_SCALE + TITLE_BAR_ROOM <= width


# -- 7: Compare annotators names the real menu -----------------------------------------------


def test_compare_annotators_names_the_menu_that_holds_merge(qtbot, window, answer) -> None:
    said: list[str] = []

    def read_and_close(box: QWidget) -> None:
        said.append(box.text())
        qtbot.keyClick(box, Qt.Key_Escape)

    modal = answer(QMessageBox, read_and_close)
    key(qtbot, window, Qt.Key_R, Qt.ControlModifier | Qt.ShiftModifier)
    modal.stop()
    [text] = said
    assert "Review → Merge annotators' work…" in text
    assert "File →" not in text
    # The words are the menu's own, so renaming the action renames them.
    window.actions.merge.setText("&Bring in other annotators…")
    modal = answer(QMessageBox, read_and_close)
    key(qtbot, window, Qt.Key_R, Qt.ControlModifier | Qt.ShiftModifier)
    modal.stop()
    assert len(said) == 2 and "Review → Bring in other annotators…" in said[-1]


# -- 3: undo and redo act on the article shown -----------------------------------------------


def test_redo_stays_with_its_article(qtbot, window, project_path) -> None:
    a, b = article_named(window, "Kuba dan Indonesia"), article_named(window, "Menlu Bertemu")
    assert window.pane.controller.article.id == a
    key(qtbot, window, Qt.Key_Return)  # Kuba, in the title, is the first suggestion
    assert statuses(project_path, a)["Kuba"] == "accepted"
    key(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert statuses(project_path, a)["Kuba"] == "suggested"
    assert window.actions.redo.text() == "&Redo Accept GPE “Kuba”"
    click_article(qtbot, window, "Menlu Bertemu")
    # Nothing was undone in this article: nothing to redo, and the key changes nothing.
    assert not window.actions.redo.isEnabled() and "Kuba" not in window.actions.redo.text()
    key(qtbot, window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert statuses(project_path, a)["Kuba"] == "suggested"
    key(qtbot, window, Qt.Key_Return)  # accept Sugiono: a step in this article only
    assert statuses(project_path, b)["Sugiono"] == "accepted"
    click_article(qtbot, window, "Kuba dan Indonesia")
    # Back in the first article its redo waits, although work was done elsewhere since.
    assert window.actions.redo.text() == "&Redo Accept GPE “Kuba”"
    key(qtbot, window, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert statuses(project_path, a)["Kuba"] == "accepted"
    assert statuses(project_path, b)["Sugiono"] == "accepted"


def test_undo_stays_with_its_article(qtbot, window, project_path) -> None:
    a, b = article_named(window, "Kuba dan Indonesia"), article_named(window, "Menlu Bertemu")
    key(qtbot, window, Qt.Key_Tab)  # from Kuba to Prabowo Subianto
    key(qtbot, window, Qt.Key_Return)
    assert window.actions.undo.text() == "&Undo Accept PER “Prabowo Subianto”"
    click_article(qtbot, window, "Menlu Bertemu")
    assert not window.actions.undo.isEnabled() and window.actions.undo.text() == "&Undo"
    key(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert statuses(project_path, a)["Prabowo Subianto"] == "accepted"
    key(qtbot, window, Qt.Key_X)  # reject Sugiono
    assert window.actions.undo.text() == "&Undo Reject PER “Sugiono”"
    key(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert statuses(project_path, b)["Sugiono"] == "suggested"
    assert statuses(project_path, a)["Prabowo Subianto"] == "accepted"
    assert not window.actions.undo.isEnabled()
    click_article(qtbot, window, "Kuba dan Indonesia")
    assert window.actions.undo.text() == "&Undo Accept PER “Prabowo Subianto”"
    key(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert statuses(project_path, a)["Prabowo Subianto"] == "suggested"
    with saved(project_path) as store:
        assert store.article_status(a, "ana") == ArticleStatus.TODO


# -- 4: Done with open suggestions asks first ------------------------------------------------


def press(qtbot, k, modifier=Qt.NoModifier) -> Callable[[QWidget], None]:
    """A reply to a dialog: one key."""
    return lambda dialog: qtbot.keyClick(dialog, k, modifier)


def test_done_with_open_suggestions_asks_and_rejects_the_rest_in_one_undo_step(
    qtbot, window, project_path, answer
) -> None:
    a = article_named(window, "Kuba dan Indonesia")
    key(qtbot, window, Qt.Key_Return)  # accept Kuba; three stay open
    asked: list[tuple[str, str]] = []

    def read_then_reject(box: QWidget) -> None:
        asked.append((box.text(), box.defaultButton().text()))
        qtbot.keyClick(box, Qt.Key_R)  # the mnemonic of "Reject the rest and finish"

    answer(QMessageBox, read_then_reject)
    key(qtbot, window, Qt.Key_Return, Qt.ControlModifier)
    [(question, default)] = asked
    assert "“Kuba dan Indonesia” still has 3 open suggestions" in question
    assert default == "&Go back to them"
    assert statuses(project_path, a) == {
        "Kuba": "accepted",
        "Prabowo Subianto": "rejected",
        "Miguel Díaz-Canel": "rejected",
        "Havana": "rejected",
    }
    with saved(project_path) as store:
        assert store.article_status(a, "ana") == ArticleStatus.DONE
    assert window.pane.controller.article.title == "Menlu Bertemu"
    assert (
        window.statusBar()
        .currentMessage()
        .startswith("Rejected 3 open suggestions and marked “Kuba dan Indonesia” done.")
    )
    click_article(qtbot, window, "Kuba dan Indonesia")
    assert window.actions.undo.text() == "&Undo Reject the open suggestions and mark article done"
    key(qtbot, window, Qt.Key_Z, Qt.ControlModifier)
    assert statuses(project_path, a)["Havana"] == "suggested"
    assert statuses(project_path, a)["Kuba"] == "accepted"
    with saved(project_path) as store:
        assert store.article_status(a, "ana") == ArticleStatus.IN_PROGRESS


@pytest.mark.parametrize("k", [Qt.Key_Escape, Qt.Key_Return, Qt.Key_G])
def test_escape_enter_or_g_go_back_to_the_open_suggestions(
    qtbot, window, project_path, answer, k
) -> None:
    a = article_named(window, "Kuba dan Indonesia")
    key(qtbot, window, Qt.Key_Tab)
    key(qtbot, window, Qt.Key_Tab)  # Miguel Díaz-Canel is current
    modal = answer(QMessageBox, press(qtbot, k))
    key(qtbot, window, Qt.Key_Return, Qt.ControlModifier)
    assert modal.seen
    assert set(statuses(project_path, a).values()) == {"suggested"}
    with saved(project_path) as store:
        assert store.article_status(a, "ana") == ArticleStatus.TODO
    c = window.pane.controller
    assert c.article.id == a and c.surface(c.current_entity()) == "Kuba"  # the first open one
    assert "4 open suggestions" in window.statusBar().currentMessage()


def test_dont_ask_again_keeps_the_answer_until_the_edit_menu_asks_again(
    qtbot, window, project_path, answer
) -> None:
    from annotation.settings import Settings

    a, b = article_named(window, "Kuba dan Indonesia"), article_named(window, "Menlu Bertemu")

    def tick_then_accept(box: QWidget) -> None:
        qtbot.keyClick(box, Qt.Key_D, Qt.AltModifier)  # "Don't ask again"
        qtbot.waitUntil(box.checkBox().isChecked)  # a mnemonic clicks after a flash
        qtbot.keyClick(box, Qt.Key_A)

    answer(QMessageBox, tick_then_accept)
    key(qtbot, window, Qt.Key_Return, Qt.ControlModifier)
    assert set(statuses(project_path, a).values()) == {"accepted"}
    assert Settings.load().done_with_open == "accept"
    ask_again = next(x for x in window.menus["&Edit"].actions() if "open suggestions" in x.text())
    assert not ask_again.isChecked()
    # The next article with open suggestions is finished the same way, with no question.
    unexpected = answer(QMessageBox, press(qtbot, Qt.Key_Escape))
    key(qtbot, window, Qt.Key_Return, Qt.ControlModifier)
    assert not unexpected.seen
    assert set(statuses(project_path, b).values()) == {"accepted"}
    assert (
        window.statusBar()
        .currentMessage()
        .startswith("Accepted 3 open suggestions and marked “Menlu Bertemu” done.")
    )
    ask_again.trigger()  # Edit → Ask about open suggestions on Done
    assert Settings.load().done_with_open == "ask"
    asked = answer(QMessageBox, press(qtbot, Qt.Key_Escape))
    key(qtbot, window, Qt.Key_Return, Qt.ControlModifier)
    assert asked.seen


def test_done_asks_nothing_when_every_suggestion_is_decided(
    qtbot, window, project_path, answer
) -> None:
    a = article_named(window, "Kuba dan Indonesia")
    for _ in range(4):
        key(qtbot, window, Qt.Key_Return)
    unexpected = answer(QMessageBox, press(qtbot, Qt.Key_Escape))
    key(qtbot, window, Qt.Key_Return, Qt.ControlModifier)
    assert not unexpected.seen
    with saved(project_path) as store:
        assert store.article_status(a, "ana") == ArticleStatus.DONE
    assert window.pane.controller.article.title == "Menlu Bertemu"
