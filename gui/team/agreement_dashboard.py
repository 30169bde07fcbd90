"""The agreement dashboard: how far Annotators agree, overall, per Label and per Article.

The figures come from `annotation.team.agreement`; this module only lays them out. The bar chart
and the heat map are painted with QPainter in the palette's colours, so they read in light
and dark themes alike.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotation.team.agreement import Agreement, AgreementError, compute_agreement
from annotation.team.agreement_report import ArticleAgreement
from gui.jobs import Job
from gui.team.agreement_charts import ConfusionHeatMap, LabelBarChart, format_figure
from gui.workspace import Workspace

_TOP = QModelIndex()  # the table's root, as the parent argument of row and column counts


MEASURE_IN_BACKGROUND = 2000  # articles


def _measure(store, annotators: list[str]) -> tuple[Agreement | None, str]:
    try:
        report = compute_agreement(store, annotators)
    except AgreementError as exc:
        return None, str(exc)[:1].upper() + str(exc)[1:] + "."
    return report, report.counted_line


def _measure_file(path, annotators: list[str]) -> tuple[Agreement | None, str]:
    from annotation.project.store import Store

    with Store.open(path, readonly=True) as store:
        return _measure(store, annotators)


class ArticleAgreementModel(QAbstractTableModel):
    """Counted Articles with their figures; sorts itself, most disagreeing first."""

    HEADERS = ("Article", "Title", "Exact F1", "Kappa", "Disagreement", "Spans")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[ArticleAgreement] = []

    def set_rows(self, rows: list[ArticleAgreement]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=_TOP) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_TOP) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def _value(self, row: ArticleAgreement, column: int):
        return (row.article_id, row.title, row.exact_f1, row.kappa, row.disagreement, row.spans)[
            column
        ]

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        value = self._value(row, index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                format_figure(value)
                if isinstance(value, float) or (value is None and index.column() == 3)
                else value
            )
        if role == Qt.ItemDataRole.UserRole:
            return row.article_id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() != 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        missing = -math.inf if order == Qt.SortOrder.AscendingOrder else math.inf

        def key(row: ArticleAgreement):
            value = self._value(row, column)
            return missing if value is None else value

        self.rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


class AgreementDialog(QDialog):
    """Choose Annotators and see their agreement; double-click an Article to open it."""

    articleChosen = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.report: Agreement | None = None
        self.setWindowTitle("Annotator agreement")
        self.annotator_list = QListWidget()
        self.annotator_list.setMaximumHeight(110)
        for name in workspace.store.annotators():
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.annotator_list.addItem(item)
        self.annotator_list.itemChanged.connect(self._on_annotators_changed)
        self.counted = QLabel()
        self.counted.setWordWrap(True)
        self.overall_values: dict[str, QLabel] = {}
        self._overall = QGridLayout()
        self._overall.setHorizontalSpacing(18)
        self.chart = LabelBarChart()
        self.heat_map = ConfusionHeatMap()
        self.pair_chooser = QComboBox()
        self.pair_chooser.currentIndexChanged.connect(self._on_pair)
        self.articles = ArticleAgreementModel(self)
        self.table = QTableView()
        self.table.setModel(self.articles)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._on_double_click)

        who = QGroupBox("Annotators")
        QVBoxLayout(who).addWidget(self.annotator_list)
        figures = QGroupBox("Overall")
        box = QVBoxLayout(figures)
        box.addWidget(self.counted)
        box.addLayout(self._overall)
        top = QHBoxLayout()
        top.addWidget(who, 1)
        top.addWidget(figures, 3)
        chart_box = QGroupBox("Per label")
        QVBoxLayout(chart_box).addWidget(self.chart)
        heat_box = QGroupBox("Label confusion (same boundaries)")
        heat_layout = QVBoxLayout(heat_box)
        heat_layout.addWidget(self.pair_chooser)
        heat_layout.addWidget(self.heat_map)
        charts = QSplitter(Qt.Orientation.Horizontal)
        charts.addWidget(chart_box)
        charts.addWidget(heat_box)
        table_box = QGroupBox("Articles, most disagreement first (double-click to open)")
        QVBoxLayout(table_box).addWidget(self.table)
        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(charts)
        body.addWidget(table_box)
        body.setSizes([420, 250])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(body, 1)
        layout.addWidget(buttons)
        self.resize(1100, 820)
        self.refresh()

    def chosen_annotators(self) -> list[str]:
        items = (self.annotator_list.item(i) for i in range(self.annotator_list.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def refresh(self) -> None:
        """Measure again for the checked Annotators and redraw everything.

        A large project is measured on a worker thread with its own connection (seconds
        for 10,000 articles), so the window stays responsive; a small one at once.
        """
        store, annotators = self.workspace.store, self.chosen_annotators()
        if store.path is None or store.count_articles() < MEASURE_IN_BACKGROUND:
            self._show(*_measure(store, annotators))
            return
        path = store.path
        self.counted.setText("Measuring agreement…")
        self._job = Job(lambda _progress: _measure_file(path, annotators))
        self._job.succeeded.connect(lambda result: self._show(*result))
        self._job.failed.connect(self.counted.setText)
        self._job.start()

    def _show(self, report: Agreement | None, message: str) -> None:
        self.report = report
        self.counted.setText(message)
        self._show_overall()
        report = self.report
        self.chart.set_bars(
            [] if report is None else [(x.label, x.exact_f1, x.kappa) for x in report.per_label]
        )
        self.pair_chooser.blockSignals(True)
        self.pair_chooser.clear()
        if report is not None:
            self.pair_chooser.addItems([f"{p.a} (rows) / {p.b} (columns)" for p in report.pairs])
        self.pair_chooser.setVisible(report is not None and len(report.pairs) > 1)
        self.pair_chooser.blockSignals(False)
        self._on_pair(0)
        self.articles.set_rows([] if report is None else report.articles)
        self.table.horizontalHeader().setSortIndicator(4, Qt.SortOrder.DescendingOrder)

    def _show_overall(self) -> None:
        while self._overall.count():
            item = self._overall.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.overall_values = {}
        if self.report is None:
            return
        rows = self.report.overall()
        if len(self.report.pairs) > 1:
            rows += [(f"exact F1, {p.a} / {p.b}", p.exact.f1) for p in self.report.pairs]
        half = (len(rows) + 1) // 2
        for n, (name, value) in enumerate(rows):
            value_label = QLabel(format_figure(value))
            value_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            bold = value_label.font()
            bold.setBold(True)
            value_label.setFont(bold)
            self._overall.addWidget(QLabel(name), n % half, 2 * (n // half))
            self._overall.addWidget(value_label, n % half, 2 * (n // half) + 1)
            self.overall_values[name] = value_label

    def _on_annotators_changed(self, item: QListWidgetItem) -> None:
        self.refresh()

    def _on_pair(self, index: int) -> None:
        report = self.report
        if report is None or not report.pairs:
            self.heat_map.set_confusion(None)
            return
        pair = report.pairs[max(index, 0)]
        self.heat_map.set_confusion(pair.confusion, pair.a, pair.b)

    def _on_double_click(self, index: QModelIndex) -> None:
        if index.isValid():
            self.articleChosen.emit(int(self.articles.data(index, Qt.ItemDataRole.UserRole)))
