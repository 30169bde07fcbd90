"""The article list: search box, status and label filters, and a table of the articles.

The model holds only the ids that match the query, in its order: the corpus's, or uncertain
first. Rows are read from the project a page at a time when the view first asks for them,
and a few pages are kept, so a project of 100,000 articles lists as fast as one of ten. The
order is read with the query, never while suggestions arrive, so rows do not move under
the researcher's eyes. All SQL lives in `annotation.project.browse`.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotation.model import ArticleStatus
from annotation.project import browse
from annotation.project.browse import CORPUS, ORDERS, UNCERTAIN, ArticleQuery, ArticleRow
from gui.project_watch import ProjectWatch
from gui.window_state import qsettings
from gui.workspace import Workspace

STATUS_WORDS: dict[str, str] = {  # by stored status (the enums are strings)
    ArticleStatus.TODO: "to do",
    ArticleStatus.IN_PROGRESS: "in progress",
    ArticleStatus.DONE: "done",
    ArticleStatus.SKIPPED: "skipped",
}
PAGE_SIZE = 256
CACHED_PAGES = 16
SEARCH_DELAY_MS = 150
ORDER_WORDS = {CORPUS: "Corpus order", UNCERTAIN: "Uncertain first"}
ORDER_KEY = "articles/order"  # in QSettings: the order the researcher chose last
ID_ROLE = Qt.ItemDataRole.UserRole
Index = QModelIndex | QPersistentModelIndex


class ArticleListModel(QAbstractTableModel):
    """The articles matching a query, one row each: title, status, open suggestions."""

    TITLE, STATUS, SUGGESTIONS = range(3)
    HEADERS = ("Title", "Status", "Suggestions")

    def __init__(
        self, workspace: Workspace, parent: QObject | None = None, order: str = CORPUS
    ) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._query = ArticleQuery(annotator=workspace.annotator, order=order)
        self._rank: dict[int, int] | None = None  # an order set from outside (review)
        self._ids: list[int] = []
        self._rows: dict[int, int] | None = None  # row by id, unless in corpus (id) order
        # Page number -> its rows by article id (an article deleted since the query was run
        # is simply missing from its page).
        self._pages: OrderedDict[int, dict[int, ArticleRow]] = OrderedDict()
        self._ids, self._rows = self._read()
        workspace.changed.connect(self._on_changed)

    # -- query -----------------------------------------------------------------------------

    @property
    def query(self) -> ArticleQuery:
        return self._query

    def set_query(self, query: ArticleQuery) -> None:
        """List the articles matching `query` (its annotator is the workspace's)."""
        self._query = ArticleQuery(
            query.search, query.statuses, query.label, self._workspace.annotator, query.order
        )
        self.refresh()

    @property
    def ranked(self) -> list[int] | None:
        """The order set with `set_order`, if any."""
        rank = self._rank
        return sorted(rank, key=rank.__getitem__) if rank is not None else None

    def set_order(self, ranked: list[int] | None) -> None:
        """List articles in this order (the rest after them, in corpus order); None: corpus."""
        self._rank = (
            {article_id: i for i, article_id in enumerate(ranked)} if ranked is not None else None
        )
        self.refresh()

    def refresh(self) -> None:
        """Run the query again, e.g. after an import added articles."""
        ids, rows = self._read()
        self.beginResetModel()
        self._ids, self._rows = ids, rows
        self._pages.clear()
        self.endResetModel()

    def _read(self) -> tuple[list[int], dict[int, int] | None]:
        ids = browse.article_ids(self._workspace.store, self._query)
        rank = self._rank
        if rank is not None:
            last = len(rank)
            ids.sort(key=lambda i: (rank.get(i, last), i))  # the rest in corpus order
        elif self._query.order == CORPUS:
            return ids, None
        return ids, {article_id: row for row, article_id in enumerate(ids)}

    def article_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, article_id: int) -> int | None:
        """The row of an article, or None when the query leaves it out."""
        if self._rows is not None:
            return self._rows.get(article_id)
        row = bisect_left(self._ids, article_id)  # ids are in corpus (id) order
        return row if row < len(self._ids) and self._ids[row] == article_id else None

    def article_row(self, row: int) -> ArticleRow | None:
        """The list row at `row`, read with its page if that page is not cached."""
        if not 0 <= row < len(self._ids):
            return None
        number = row // PAGE_SIZE
        page = self._pages.get(number)
        if page is None:
            first = number * PAGE_SIZE
            page = {
                r.id: r
                for r in browse.rows(
                    self._workspace.store,
                    self._ids[first : first + PAGE_SIZE],
                    self._workspace.annotator,
                )
            }
            self._pages[number] = page
            while len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(number)
        return page.get(self._ids[row])

    # -- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = index.column()
        if role == ID_ROLE:
            return self.article_id(index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.SUGGESTIONS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.article_row(index.row())
        if row is None:
            return None
        if column == self.TITLE:
            return row.display_title
        if column == self.STATUS:
            return STATUS_WORDS.get(row.status, row.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"{row.suggestions} open suggestions, {row.accepted} accepted entities"
            if row.places is not None:
                tip += (
                    f"; the suggesters disagreed at {row.disputed} of the {row.places} "
                    f"places they marked"
                )
            return tip
        return row.suggestions or ""

    # -- changes ---------------------------------------------------------------------------

    def _on_changed(self, article_ids: set[int]) -> None:
        # Only rows already read can be out of date; the others are read when shown. A row
        # stays listed even if it no longer matches the filter, so that the article being
        # worked on does not vanish; the next query drops it.
        stale: list[tuple[int, int]] = []  # (row, article id)
        for article_id in article_ids:
            row = self.row_of(article_id)
            if row is not None and row // PAGE_SIZE in self._pages:
                stale.append((row, article_id))
        if not stale:
            return
        fresh = {
            r.id: r
            for r in browse.rows(
                self._workspace.store, [a for _, a in stale], self._workspace.annotator
            )
        }
        last = self.columnCount() - 1
        for row, article_id in sorted(stale):
            page = self._pages[row // PAGE_SIZE]
            if article_id in fresh:
                page[article_id] = fresh[article_id]
            else:
                page.pop(article_id, None)
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))


class ArticleListWidget(QWidget):
    """Search, filters and the article table; emits `articleActivated` on a new current row."""

    articleActivated = Signal(int)
    orderChanged = Signal(str)  # CORPUS or UNCERTAIN, when the researcher switches

    ALL = None

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._quiet = False  # True while the list itself moves the current row

        self._search = QLineEdit(self)
        self._search.setPlaceholderText("Search articles (Ctrl+F)")
        self._search.setClearButtonEnabled(True)
        self._status = QComboBox(self)
        self._status.addItem("All statuses", self.ALL)
        for status, words in STATUS_WORDS.items():
            self._status.addItem(words, status)
        self._label = QComboBox(self)
        self._fill_labels()
        self._order = QComboBox(self)
        for order, words in ORDER_WORDS.items():
            self._order.addItem(words, order)
        self._order.setToolTip(
            "Corpus order, or the articles the suggesters were least sure "
            "about first: each decision there teaches the model most"
        )
        saved = qsettings().value(ORDER_KEY, CORPUS)
        saved = saved if saved in ORDERS else CORPUS
        self._order.setCurrentIndex(self._order.findData(saved))

        self.model = ArticleListModel(workspace, self, order=saved)
        self._table = QTableView(self)
        self._table.setModel(self.model)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setAlternatingRowColors(True)
        self._table.setWordWrap(False)
        self._table.setShowGrid(False)
        rows = self._table.verticalHeader()
        rows.hide()
        # Uniform rows: with a fixed height the view never measures 100,000 rows.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        columns = self._table.horizontalHeader()
        columns.setSectionResizeMode(ArticleListModel.TITLE, QHeaderView.ResizeMode.Stretch)
        for column, sample in (
            (ArticleListModel.STATUS, "in progress"),
            (ArticleListModel.SUGGESTIONS, "Suggestions"),
        ):
            columns.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self._table.setColumnWidth(column, self.fontMetrics().horizontalAdvance(sample) + 24)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)

        # Ctrl+F works inside the list; the main window may add this action to its own menu
        # (with a window-wide shortcut context) to reach the search box from anywhere.
        self.search_action = QAction("Search Articles", self)
        self.search_action.setShortcut(QKeySequence.StandardKey.Find)
        self.search_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.search_action)

        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self._status)
        filters.addWidget(self._label)
        filters.addWidget(self._order)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._search)
        layout.addLayout(filters)
        layout.addWidget(self._table)

        self._search.textChanged.connect(self._timer.start)
        self._timer.timeout.connect(self._on_query_edited)
        self._status.currentIndexChanged.connect(self._on_query_edited)
        self._label.currentIndexChanged.connect(self._on_query_edited)
        self._order.currentIndexChanged.connect(self._on_order_chosen)
        self._table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.search_action.triggered.connect(self.focus_search)
        workspace.schemaChanged.connect(self._on_schema_changed)
        # Articles another process added or deleted (an import, a merge) are listed at once.
        ProjectWatch.attach(workspace).listChanged.connect(self.refresh)

    # -- public ----------------------------------------------------------------------------

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def search_box(self) -> QLineEdit:
        return self._search

    @property
    def status_filter(self) -> QComboBox:
        return self._status

    @property
    def label_filter(self) -> QComboBox:
        return self._label

    @property
    def order_box(self) -> QComboBox:
        return self._order

    def order(self) -> str:
        """The order chosen for the list: CORPUS or UNCERTAIN."""
        return self._order.currentData()

    def set_order(self, order: str) -> None:
        """List in this order (and remember it), as if the researcher had chosen it."""
        self._order.setCurrentIndex(self._order.findData(order))

    def current_article(self) -> int | None:
        index = self._table.currentIndex()
        return self.model.article_id(index.row()) if index.isValid() else None

    def select_article(self, article_id: int) -> None:
        """Make the article the current row, clearing the filters if they leave it out.

        Emits `articleActivated` only if it was not the current article already.
        """
        if self.current_article() == article_id:
            return
        if self.model.row_of(article_id) is None:
            # Filtered out, or added since the list was read (an import).
            if self.model.query.unfiltered:
                self.refresh()
            else:
                self.set_query(ArticleQuery(order=self.order()))
        row = self.model.row_of(article_id)
        if row is None:
            return
        index = self.model.index(row, 0)
        self._table.setCurrentIndex(index)  # emits through _on_current_row_changed
        self._table.scrollTo(index)

    def query(self) -> ArticleQuery:
        """The query the search box and the filters describe."""
        return ArticleQuery(
            self._search.text(),
            self._statuses(),
            self._label.currentData(),
            self._workspace.annotator,
            self.order(),
        )

    def set_query(self, query: ArticleQuery) -> None:
        """Show `query` in the search box and filters, and list its articles now.

        The status box shows one status; a query of several lists them but shows "All
        statuses" until the box is changed.
        """
        self._timer.stop()
        widgets = (self._search, self._status, self._label, self._order)
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self._search.setText(query.search)
            status = query.statuses[0] if len(query.statuses) == 1 else self.ALL
            self._status.setCurrentIndex(max(0, self._status.findData(status)))
            self._label.setCurrentIndex(max(0, self._label.findData(query.label)))
            self._order.setCurrentIndex(max(0, self._order.findData(query.order)))
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._apply(query)

    def refresh(self) -> None:
        """Read the list again, e.g. after articles were imported."""
        self._apply(self.model.query)

    def focus_search(self) -> None:
        self._search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search.selectAll()

    # -- internals -------------------------------------------------------------------------

    def _statuses(self) -> tuple[str, ...]:
        status = self._status.currentData()
        return () if status is self.ALL else (status,)

    def _apply(self, query: ArticleQuery) -> None:
        current = self.current_article()
        self._quiet = True
        try:
            self.model.set_query(query)
            row = None if current is None else self.model.row_of(current)
            if row is not None:
                index = self.model.index(row, 0)
                self._table.setCurrentIndex(index)
                self._table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
            else:
                self._table.scrollToTop()
        finally:
            self._quiet = False

    def _fill_labels(self) -> None:
        current = self._label.currentData()
        self._label.blockSignals(True)
        try:
            self._label.clear()
            self._label.addItem("All labels", self.ALL)
            for label in self._workspace.schema.entity_labels:
                self._label.addItem(label, label)
            self._label.setCurrentIndex(max(0, self._label.findData(current)))
        finally:
            self._label.blockSignals(False)

    def _on_query_edited(self, *_: object) -> None:
        self._timer.stop()
        self._apply(self.query())

    def _on_order_chosen(self, *_: object) -> None:
        qsettings().setValue(ORDER_KEY, self.order())
        self._on_query_edited()
        self.orderChanged.emit(self.order())

    def _on_schema_changed(self) -> None:
        before = self._label.currentData()
        self._fill_labels()
        if self._label.currentData() != before:  # its label left the schema
            self._on_query_edited()

    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        article_id = self.model.article_id(current.row())
        if article_id is not None:
            self.articleActivated.emit(article_id)
