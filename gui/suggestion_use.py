"""How the suggestions were used: a table per suggester and label, and a chart per day."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotation.suggestion_stats import OUTCOMES, SuggestionUse, suggestion_use
from gui.workspace import Workspace

# Okabe-Ito colours, one per outcome, distinct for colour-blind readers.
OUTCOME_COLOURS = dict(zip(OUTCOMES, ("#009E73", "#56B4E9", "#E69F00", "#CC79A7", "#D55E00",
                                      "#0072B2")))


class DayChart(QWidget):
    """Stacked bars: each day's decisions by outcome, with a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[tuple[str, dict[str, int]]] = []
        self.setMinimumHeight(220)

    def set_days(self, days: list[tuple[str, dict[str, int]]]) -> None:
        self.days = days
        self.update()

    def paintEvent(self, event) -> None:
        with QPainter(self) as p:
            p.setRenderHint(QPainter.Antialiasing)
            ink = self.palette().color(QPalette.Text)
            p.fillRect(self.rect(), self.palette().color(QPalette.Base))
            legend_y = 6.0
            x = 8.0
            for outcome in OUTCOMES:
                p.fillRect(QRectF(x, legend_y + 3, 10, 10), QColor(OUTCOME_COLOURS[outcome]))
                p.setPen(ink)
                p.drawText(QRectF(x + 14, legend_y, 140, 16), Qt.AlignLeft | Qt.AlignVCenter,
                           outcome)
                x += 24 + p.fontMetrics().horizontalAdvance(outcome)
            if not self.days:
                p.drawText(self.rect(), Qt.AlignCenter, "No decisions yet")
                return
            top, bottom = 48.0, self.height() - 24.0  # room for the legend and totals
            most = max(sum(c.values()) for _, c in self.days) or 1
            width = min(64.0, (self.width() - 16) / len(self.days))
            for i, (day, counts) in enumerate(self.days):
                left, y = 8 + i * width, bottom
                for outcome in OUTCOMES:
                    h = (bottom - top) * counts.get(outcome, 0) / most
                    p.fillRect(QRectF(left + 2, y - h, max(width - 4, 1), h),
                               QColor(OUTCOME_COLOURS[outcome]))
                    y -= h
                p.setPen(ink)
                p.drawText(QRectF(left, y - 16, width, 14), Qt.AlignCenter,
                           str(sum(counts.values())))
                p.drawText(QRectF(left, bottom + 4, width, 16), Qt.AlignCenter, day[5:])


class SuggestionUseDialog(QDialog):
    """Per suggester and label: suggestions kept, resized, relabelled, rejected; additions."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("How suggestions were used")
        self.workspace = workspace
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.PlainText)
        self.table = QTableWidget(0, 2 + len(OUTCOMES))
        self.table.setHorizontalHeaderLabels(["Suggester", "Label", *OUTCOMES])
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.chart = DayChart()
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel("Decisions per day"))
        layout.addWidget(self.chart, 1)
        layout.addWidget(buttons)
        self.resize(980, 640)
        self.refresh()

    def refresh(self) -> None:
        use: SuggestionUse = suggestion_use(self.workspace.store)
        rows = sorted(use.by_source.items())
        self.table.setRowCount(len(rows))
        for r, ((source, label), counts) in enumerate(rows):
            cells = [source, label, *(str(counts.get(o, 0)) for o in OUTCOMES)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c >= 2:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(r, c, item)
        total = use.totals()
        offered = sum(total.get(o, 0) for o in OUTCOMES if o != "added")
        kept = total.get("accepted", 0)
        self.summary.setText(
            f"{kept:,} of {offered:,} decided suggestions kept as suggested"
            + (f" ({kept / offered:.0%})" if offered else "")
            + f"; {total.get('added', 0):,} entities added where nothing was suggested.")
        self.chart.set_days([(day, dict(c)) for day, c in sorted(use.by_day.items())])
