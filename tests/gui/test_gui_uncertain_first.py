"""Uncertain first in the window: the researcher switches the order, and done-and-next follows.

The sample articles are suggested once by the real engine (rules and the shipped model),
which measures how unsure it is about each; every test works on a copy of that project.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from gui_support import open_window
from PySide6.QtCore import Qt

from annotation.io.importer import import_paths
from annotation.model import ArticleStatus
from annotation.nlp.engine import load_engine
from annotation.paths import RESOURCES
from annotation.project.commands import CommandStack, SetArticleStatus
from annotation.project.store import Store
from annotation.settings import LEAVE_OPEN, Settings
from annotation.suggest.service import suggest_articles
from gui.article.list_pane import ArticleListWidget
from gui.main_window import MainWindow
from gui.workspace import Workspace

ME = "ana"


@pytest.fixture(scope="module")
def suggested_project(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("uncertain") / "sample.sorot"
    with Store.create(path) as store:
        files = sorted((RESOURCES / "sample").glob("*.txt"))
        assert import_paths(store, files, annotator=ME).ok
        ids = store.article_ids()
        # The last two stay unsuggested: they must come after every measured article.
        suggest_articles(store, load_engine(store.schema), ids[:-2])
    return path


@pytest.fixture
def project_path(suggested_project: Path, tmp_path: Path) -> Path:
    path = tmp_path / "p.sorot"
    shutil.copy(suggested_project, path)
    return path


def ranking(store: Store) -> list[int]:
    """Most uncertain first (ties by id), then the never measured by id."""
    measured = [
        r[0]
        for r in store.db.execute(
            "SELECT article_id FROM uncertainty ORDER BY score DESC, article_id"
        )
    ]
    return measured + [i for i in store.article_ids() if i not in measured]


def listed(widget: ArticleListWidget) -> list[int]:
    return [widget.model.article_id(row) for row in range(widget.model.rowCount())]


@pytest.fixture
def widget(qtbot, project_path: Path) -> ArticleListWidget:
    store = Store.open(project_path)
    widget = ArticleListWidget(Workspace(store, ME))
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    store.close()


def choose(qtbot, box, key) -> None:
    box.setFocus()
    qtbot.keyClick(box, key)


def test_the_researcher_switches_to_uncertain_first_with_filters_and_back(
    qtbot, widget: ArticleListWidget
) -> None:
    store = widget.model._workspace.store
    corpus = store.article_ids()
    expected = ranking(store)
    assert expected != corpus and expected[-2:] == corpus[-2:]
    assert listed(widget) == corpus and widget.order_box.currentText() == "Corpus order"

    choose(qtbot, widget.order_box, Qt.Key_Down)
    assert widget.order_box.currentText() == "Uncertain first"
    assert listed(widget) == expected
    # Why an article is where it is: the Suggestions column's tooltip says.
    places, disputed = store.db.execute(
        "SELECT places, disputed FROM uncertainty WHERE article_id = ?", (expected[0],)
    ).fetchone()
    tip = widget.model.data(widget.model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    assert f"disagreed at {disputed} of the {places} places" in tip
    last = widget.model.data(widget.model.index(len(expected) - 1, 2), Qt.ItemDataRole.ToolTipRole)
    assert "disagreed" not in last  # never suggested, never measured
    # With the status filter: the top article done drops out, the rest keep their order.
    CommandStack(store, ME).do(SetArticleStatus(expected[0], ArticleStatus.DONE))
    choose(qtbot, widget.status_filter, Qt.Key_Down)  # "to do"
    assert widget.status_filter.currentData() == ArticleStatus.TODO
    assert listed(widget) == expected[1:]
    # And a search: the order applies to what it finds.
    qtbot.keyClicks(widget.search_box, "Indonesia")
    qtbot.waitUntil(lambda: widget.model.query.search == "Indonesia")
    found = listed(widget)
    assert found and found == [i for i in expected[1:] if i in found]

    # The choice is remembered: a new list (the next start) opens uncertain first.
    again = ArticleListWidget(widget.model._workspace)
    qtbot.addWidget(again)
    assert again.order() == "uncertain" and listed(again) == expected

    choose(qtbot, widget.order_box, Qt.Key_Up)
    assert listed(widget) == sorted(found)
    fresh = ArticleListWidget(widget.model._workspace)
    qtbot.addWidget(fresh)
    assert fresh.order() == "corpus" and listed(fresh) == corpus


def test_suggestions_arriving_do_not_reshuffle_the_list(qtbot, widget: ArticleListWidget) -> None:
    store = widget.model._workspace.store
    choose(qtbot, widget.order_box, Qt.Key_Down)
    before = listed(widget)
    widget.table.setCurrentIndex(widget.model.index(2, 0))
    current = widget.current_article()
    # The last article, never suggested, is suggested in the background and measured.
    last = before[-1]
    suggest_articles(store, load_engine(store.schema), [last])
    assert last in ranking(store)[:-1]  # it is measured now, so no longer last
    widget.model._workspace.changed.emit({last})  # as the suggestion service announces it
    assert listed(widget) == before and widget.current_article() == current
    # The new order takes effect when the researcher asks for the list again.
    widget.refresh()
    assert listed(widget) == ranking(store) != before
    assert widget.current_article() == current


@pytest.fixture
def window(qtbot, project_path: Path) -> MainWindow:
    win = open_window(qtbot, project_path, annotator=ME)
    # Done leaves open suggestions without asking (the question is tested in
    # test_gui_defects_13): these articles are finished with theirs still open.
    win.settings.done_with_open = LEAVE_OPEN
    return win


def done_and_next(qtbot, window: MainWindow) -> int:
    qtbot.keyClick(window.pane.view, Qt.Key_Return, Qt.ControlModifier)
    return window.pane.controller.article.id


def test_done_and_next_follows_the_chosen_order(
    qtbot, window: MainWindow, project_path: Path
) -> None:
    store = window.workspace.store
    expected = ranking(store)
    action = window.actions.uncertain_first
    assert action.isEnabled() and not action.isChecked()
    assert window.pane.controller.article.id == 1
    assert done_and_next(qtbot, window) == 2  # corpus order

    # View → Uncertain first: the list and done-and-next follow the uncertainty.
    action.trigger()
    articles = window.pane.article_list
    assert articles.order() == "uncertain" and articles.order_box.currentText() == "Uncertain first"
    todo = [i for i in expected if i != 1]  # 2 is open, not done
    window.pane.open_article(todo[0])
    visited = [todo[0]] + [done_and_next(qtbot, window) for _ in todo[1:]]
    assert visited == todo
    assert [articles.model.article_id(r) for r in range(len(expected))] == expected
    assert articles.current_article() == todo[-1]
    with Store.open(project_path, readonly=True) as saved:
        assert [i for i in todo[:-1] if saved.article_status(i, ME) != ArticleStatus.DONE] == []

    # Switching in the list's own box unticks the menu's action, and back.
    choose(qtbot, articles.order_box, Qt.Key_Up)
    assert not action.isChecked()
    choose(qtbot, articles.order_box, Qt.Key_Down)
    assert action.isChecked()


def test_a_new_window_opens_on_the_most_uncertain_article(qtbot, project_path: Path) -> None:
    with Store.open(project_path) as store:
        top = ranking(store)[0]
        ArticleListWidget(Workspace(store, ME)).set_order("uncertain")  # the saved choice
    win = MainWindow(Settings(annotator=ME), suggestions=False)
    qtbot.addWidget(win)
    assert win.open_project(project_path)
    assert win.actions.uncertain_first.isChecked()
    assert win.pane.controller.article.id == top != 1
