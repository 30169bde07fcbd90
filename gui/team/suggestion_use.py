"""How the suggestions were used: tables per suggester and label, and charts per day, for
entities and for relations."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotation.suggest.usage import (
    OUTCOMES,
    RELATION_OUTCOMES,
    SuggestionUse,
    Tally,
    suggestion_use,
)
from gui.workspace import Workspace

# Okabe-Ito colours, one per outcome, distinct for colour-blind readers; a relation's
# outcomes take the colours of the entity outcomes in the same place.
_COLOURS = ("#009E73", "#56B4E9", "#E69F00", "#CC79A7", "#D55E00", "#0072B2")
OUTCOME_COLOURS = dict(zip(OUTCOMES, _COLOURS))
RELATION_OUTCOME_COLOURS = dict(zip(RELATION_OUTCOMES, _COLOURS))


class DayChart(QWidget):
    """Stacked bars: each day's decisions by outcome, with a legend."""

    def __init__(self, outcomes: tuple[str, ...] = OUTCOMES, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.outcomes = outcomes
        self.colours = dict(zip(outcomes, _COLOURS))
        self.days: list[tuple[str, dict[str, int]]] = []
        self.setMinimumHeight(220)

    def set_days(self, days: list[tuple[str, dict[str, int]]]) -> None:
        self.days = days
        self.update()

    def paintEvent(self, event) -> None:
        with QPainter(self) as p:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            ink = self.palette().color(QPalette.ColorRole.Text)
            p.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
            x, legend_y = 8.0, 6.0
            for outcome in self.outcomes:  # the legend, in as many lines as it needs
                advance = 24 + p.fontMetrics().horizontalAdvance(outcome)
                if x > 8 and x + advance > self.width():
                    x, legend_y = 8.0, legend_y + 18
                p.fillRect(QRectF(x, legend_y + 3, 10, 10), QColor(self.colours[outcome]))
                p.setPen(ink)
                p.drawText(
                    QRectF(x + 14, legend_y, 140, 16),
                    Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                    outcome,
                )
                x += advance
            if not self.days:
                p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No decisions yet")
                return
            top, bottom = legend_y + 42, self.height() - 24.0  # room for legend and totals
            most = max(sum(c.values()) for _, c in self.days) or 1
            width = min(64.0, (self.width() - 16) / len(self.days))
            for i, (day, counts) in enumerate(self.days):
                left, y = 8 + i * width, bottom
                for outcome in self.outcomes:
                    h = (bottom - top) * counts.get(outcome, 0) / most
                    p.fillRect(
                        QRectF(left + 2, y - h, max(width - 4, 1), h), QColor(self.colours[outcome])
                    )
                    y -= h
                p.setPen(ink)
                p.drawText(
                    QRectF(left, y - 16, width, 14),
                    Qt.AlignmentFlag.AlignCenter,
                    str(sum(counts.values())),
                )
                p.drawText(
                    QRectF(left, bottom + 4, width, 16), Qt.AlignmentFlag.AlignCenter, day[5:]
                )


def _table(outcomes: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, 2 + len(outcomes))
    table.setHorizontalHeaderLabels(["Suggester", "Label", *outcomes])
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, tally: Tally) -> None:
    rows = sorted(tally.by_source.items())
    table.setRowCount(len(rows))
    for r, ((source, label), counts) in enumerate(rows):
        cells = [source, label, *(str(counts.get(o, 0)) for o in tally.outcomes)]
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def _summary(tally: Tally, noun: str) -> str:
    offered, kept = tally.offered_kept()
    return (
        f"{noun.capitalize()}: {kept:,} of {offered:,} decided suggestions kept as "
        f"suggested"
        + (f" ({kept / offered:.0%})" if offered else "")
        + f"; {tally.totals().get('added', 0):,} {noun} added where nothing was suggested."
    )


class SuggestionUseDialog(QDialog):
    """Per suggester and label: entity and relation suggestions kept, fixed, rejected, and
    what was added by hand; the decisions per day."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("How suggestions were used")
        self.workspace = workspace
        self.summary, self.relation_summary = QLabel(), QLabel()
        for label in (self.summary, self.relation_summary):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.table = _table(OUTCOMES)
        self.relation_table = _table(RELATION_OUTCOMES)
        self.chart = DayChart(OUTCOMES)
        self.relation_chart = DayChart(RELATION_OUTCOMES)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # The tables one above the other (each wide enough for its columns), the charts
        # side by side under them.
        grid = QGridLayout()
        for row, (summary, table) in enumerate(
            ((self.summary, self.table), (self.relation_summary, self.relation_table))
        ):
            summary.setWordWrap(True)
            grid.addWidget(summary, 2 * row, 0, 1, 2)
            grid.addWidget(table, 2 * row + 1, 0, 1, 2)
            grid.setRowStretch(2 * row + 1, 2)
        for column, (title, chart) in enumerate(
            (
                ("Entity decisions per day", self.chart),
                ("Relation decisions per day", self.relation_chart),
            )
        ):
            grid.addWidget(QLabel(title), 4, column)
            grid.addWidget(chart, 5, column)
        grid.setRowStretch(5, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(buttons)
        self.resize(1000, 820)
        self.refresh()

    def refresh(self) -> None:
        use: SuggestionUse = suggestion_use(self.workspace.store)
        _fill(self.table, use)
        _fill(self.relation_table, use.relations)
        self.summary.setText(_summary(use, "entities"))
        self.relation_summary.setText(_summary(use.relations, "relations"))
        self.chart.set_days([(day, dict(c)) for day, c in sorted(use.by_day.items())])
        self.relation_chart.set_days(
            [(day, dict(c)) for day, c in sorted(use.relations.by_day.items())]
        )
