"""The article list widget: search as you type, filters, keyboard navigation, live rows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from annotation.model import ArticleStatus, EntityStatus, NewEntity
from annotation.project.browse import ArticleQuery
from annotation.project.commands import AcceptEntity, AddEntity, SetArticleStatus
from annotation.project.store import Store
from gui.article import list_pane as article_list
from gui.article.list_pane import ArticleListModel, ArticleListWidget
from gui.workspace import Workspace

ME = "ani"
TEXTS = [
    ("Menlu Tiongkok tiba", "Wang Yi bertemu Retno Marsudi di Jakarta."),
    ("Timur Tengah memanas", "Situasi di Timur Tengah memburuk pekan lalu."),
    ("", "Presiden Recep Tayyip Erdoğan berbicara di Ankara."),
    ("Laporan ekonomi", "Nilai perdagangan naik 12,5 persen."),
]


@pytest.fixture
def workspace(project: Store) -> Workspace:
    with project.transaction():
        for title, text in TEXTS:
            project.add_article(text, title=title)
        project.add_annotations(
            1,
            [
                NewEntity(0, 7, "PER", EntityStatus.SUGGESTED, "rules"),
                NewEntity(16, 29, "PER", EntityStatus.SUGGESTED, "rules"),
            ],
            [],
        )
    return Workspace(project, ME)


@pytest.fixture
def widget(qtbot, workspace: Workspace) -> ArticleListWidget:
    widget = ArticleListWidget(workspace)
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def cells(model: ArticleListModel) -> list[tuple]:
    return [
        tuple(model.data(model.index(row, column)) for column in range(3))
        for row in range(model.rowCount())
    ]


def test_lists_title_status_and_open_suggestions(widget: ArticleListWidget) -> None:
    assert cells(widget.model) == [
        ("Menlu Tiongkok tiba", "to do", 2),
        ("Timur Tengah memanas", "to do", ""),
        ("Article 3", "to do", ""),
        ("Laporan ekonomi", "to do", ""),
    ]
    model = widget.model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Title",
        "Status",
        "Suggestions",
    ]
    assert model.data(model.index(2, 0), article_list.ID_ROLE) == 3
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert widget.search_box.placeholderText() == "Search articles (Ctrl+F)"


def test_typing_searches_after_a_pause(qtbot, widget: ArticleListWidget) -> None:
    qtbot.keyClicks(widget.search_box, "Ti")
    assert widget.model.rowCount() == 4  # debounced: not yet
    qtbot.waitUntil(lambda: widget.model.rowCount() == 2)
    qtbot.keyClicks(widget.search_box, "ong")
    qtbot.waitUntil(lambda: widget.model.rowCount() == 1)
    assert cells(widget.model)[0][0] == "Menlu Tiongkok tiba"
    widget.search_box.clear()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 4)


def test_odd_searches_find_nothing_rather_than_fail(qtbot, widget: ArticleListWidget) -> None:
    qtbot.keyClicks(widget.search_box, 'erdogan "(*')
    qtbot.waitUntil(lambda: widget.model.query.search == 'erdogan "(*')
    assert [row[0] for row in cells(widget.model)] == ["Article 3"]


def test_status_and_label_filters(qtbot, widget: ArticleListWidget, workspace: Workspace) -> None:
    workspace.do(SetArticleStatus(2, ArticleStatus.DONE))
    widget.status_filter.setCurrentIndex(widget.status_filter.findText("done"))
    assert [row[0] for row in cells(widget.model)] == ["Timur Tengah memanas"]
    widget.status_filter.setCurrentIndex(widget.status_filter.findText("to do"))
    assert widget.model.rowCount() == 3
    widget.label_filter.setCurrentIndex(widget.label_filter.findText("PER"))
    assert [row[0] for row in cells(widget.model)] == ["Menlu Tiongkok tiba"]
    assert widget.query() == ArticleQuery("", (ArticleStatus.TODO,), "PER", ME)


def test_label_filter_follows_the_schema(
    qtbot, widget: ArticleListWidget, workspace: Workspace
) -> None:
    labels = [widget.label_filter.itemText(i) for i in range(widget.label_filter.count())]
    assert labels == ["All labels", *workspace.schema.entity_labels]
    with qtbot.waitSignal(workspace.schemaChanged):
        schema = workspace.schema
        smaller = schema.with_changes(
            entities=tuple(e for e in schema.entities if e.name not in ("EVENT",)), relations=()
        )
        with workspace.store.transaction() as tx:
            tx.update("meta", ("schema",), value=smaller.to_json())
    labels = [widget.label_filter.itemText(i) for i in range(widget.label_filter.count())]
    assert "EVENT" not in labels and "PER" in labels


def test_arrow_keys_activate_articles(qtbot, widget: ArticleListWidget) -> None:
    table = widget.table
    widget.select_article(1)
    table.setFocus()
    with qtbot.waitSignal(widget.articleActivated) as signal:
        qtbot.keyClick(table, Qt.Key.Key_Down)
    assert signal.args == [2]
    with qtbot.waitSignal(widget.articleActivated) as signal:
        qtbot.keyClick(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert signal.args == [4]
    assert widget.current_article() == 4


def test_clicking_a_row_activates_it(qtbot, widget: ArticleListWidget) -> None:
    table = widget.table
    rect = table.visualRect(widget.model.index(2, 0))
    with qtbot.waitSignal(widget.articleActivated) as signal:
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [3]


def test_select_article_emits_once_and_clears_filters_that_hide_it(
    qtbot,
    widget: ArticleListWidget,
) -> None:
    with qtbot.waitSignal(widget.articleActivated) as signal:
        widget.select_article(2)
    assert signal.args == [2]
    with qtbot.assertNotEmitted(widget.articleActivated):
        widget.select_article(2)
    widget.set_query(ArticleQuery(search="ekonomi"))
    assert widget.model.rowCount() == 1 and widget.current_article() is None
    assert widget.search_box.text() == "ekonomi"
    with qtbot.waitSignal(widget.articleActivated) as signal:
        widget.select_article(1)
    assert signal.args == [1]
    assert widget.search_box.text() == "" and widget.model.rowCount() == 4


def test_refiltering_keeps_the_current_article_quietly(qtbot, widget: ArticleListWidget) -> None:
    widget.select_article(2)
    with qtbot.assertNotEmitted(widget.articleActivated):
        widget.set_query(ArticleQuery(search="Timur"))
        widget.set_query(ArticleQuery())
    assert widget.current_article() == 2


def test_rows_update_after_commands_undo_and_redo(
    qtbot, widget: ArticleListWidget, workspace: Workspace
) -> None:
    model = widget.model
    with qtbot.waitSignal(model.dataChanged) as signal:
        workspace.do(SetArticleStatus(1, ArticleStatus.IN_PROGRESS))
    assert signal.args[0].row() == 0 and signal.args[1].row() == 0
    assert cells(model)[0] == ("Menlu Tiongkok tiba", "in progress", 2)
    assert workspace.do(AcceptEntity(1))
    assert cells(model)[0] == ("Menlu Tiongkok tiba", "in progress", 1)
    assert "1 accepted" in model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole)
    assert workspace.do(AddEntity(2, 11, 23, "LOC"))  # no suggestion there: no count
    workspace.undo()
    workspace.undo()
    assert cells(model)[0] == ("Menlu Tiongkok tiba", "in progress", 2)
    workspace.redo()
    assert cells(model)[0][2] == 1


def test_rows_not_read_yet_are_not_read_on_change(qtbot, workspace: Workspace, monkeypatch) -> None:
    monkeypatch.setattr(article_list, "PAGE_SIZE", 2)
    model = ArticleListModel(workspace)
    model.data(model.index(0, 0))  # reads the first page only
    with qtbot.assertNotEmitted(model.dataChanged):
        workspace.do(SetArticleStatus(4, ArticleStatus.DONE))
    assert model.data(model.index(3, 1)) == "done"


def test_pages_are_read_on_demand_and_few_are_kept(
    qtbot, workspace: Workspace, monkeypatch
) -> None:
    monkeypatch.setattr(article_list, "PAGE_SIZE", 1)
    monkeypatch.setattr(article_list, "CACHED_PAGES", 2)
    read: list[list[int]] = []
    real_rows = article_list.browse.rows

    def counting(store, ids, annotator):
        read.append(list(ids))
        return real_rows(store, ids, annotator)

    monkeypatch.setattr(article_list.browse, "rows", counting)
    model = ArticleListModel(workspace)
    assert read == []
    for row in (0, 0, 1, 0, 2, 1):
        model.data(model.index(row, 0))
    assert read == [[1], [2], [3], [2]]  # page 1 was dropped for page 3, then read again


def test_refresh_lists_articles_added_since(
    qtbot, widget: ArticleListWidget, workspace: Workspace
) -> None:
    with workspace.store.transaction():
        new = workspace.store.add_article("Kabar dari Kuba.", title="Kuba")
    with qtbot.waitSignal(widget.articleActivated) as signal:
        widget.select_article(new)
    assert signal.args == [new] and widget.model.rowCount() == 5


def test_ctrl_f_focuses_the_search_box(qtbot, widget: ArticleListWidget) -> None:
    widget.table.setFocus()
    qtbot.waitUntil(widget.table.hasFocus)
    widget.search_action.trigger()
    assert widget.search_box.hasFocus()
