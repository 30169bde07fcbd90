"""The agreement dashboard's charts: per-label bars and the label confusion heat map.

Painted with QPainter in the palette's colours, so they read in light and dark themes alike.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from annotation.team.agreement_report import Confusion

KAPPA_COLOUR = QColor("#E69F00")  # Okabe-Ito orange: distinct from Highlight in both themes


def format_figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _ink_on(colour: QColor) -> QColor:
    """Black or white, whichever reads better on `colour`."""
    r, g, b = colour.redF(), colour.greenF(), colour.blueF()
    return (
        QColor(Qt.GlobalColor.black)
        if 0.299 * r + 0.587 * g + 0.114 * b > 0.55
        else QColor(Qt.GlobalColor.white)
    )


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


class LabelBarChart(QWidget):
    """Per Label, two bars side by side: exact entity F1 and token kappa, values on top."""

    SERIES = ("exact F1", "kappa")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._bars: list[tuple[str, float, float | None]] = []
        self.setMinimumSize(360, 240)

    def set_bars(self, bars: list[tuple[str, float, float | None]]) -> None:
        """(Label, exact F1, kappa) for each Label, in the order to draw them."""
        self._bars = list(bars)
        self.update()

    def bars(self) -> list[tuple[str, float, float | None]]:
        return list(self._bars)

    def sizeHint(self) -> QSize:
        return QSize(520, 300)

    def _plot(self) -> tuple[QRectF, float]:
        fm = self.fontMetrics()
        left = fm.horizontalAdvance("-0.25") + fm.height() + 14
        area = QRectF(
            left,
            fm.height() * 2 + 8,
            self.width() - left - 10,
            self.height() - fm.height() * 4 - 16,
        )
        low = min([0.0, *(k for _, _, k in self._bars if k is not None)])
        return area, math.floor(low * 4) / 4

    def bar_rects(self) -> list[tuple[QRectF, QRectF]]:
        """Where each Label's two bars are drawn (for tests and tooltips)."""
        area, low = self._plot()
        if not self._bars:
            return []
        group = area.width() / len(self._bars)
        width = min(group * 0.38, 48.0)

        def rect(slot: float, value: float | None) -> QRectF:
            value = 0.0 if value is None else value
            top = area.bottom() - (max(value, 0) - low) / (1 - low) * area.height()
            zero = area.bottom() - (0 - low) / (1 - low) * area.height()
            bottom = area.bottom() - (min(value, 0) - low) / (1 - low) * area.height()
            return QRectF(slot, top, width, max(bottom, zero) - top)

        rects = []
        for i, (_, exact, kappa) in enumerate(self._bars):
            middle = area.left() + group * (i + 0.5)
            rects.append((rect(middle - width - 1, exact), rect(middle + 1, kappa)))
        return rects

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        ink, grid = pal.color(QPalette.ColorRole.Text), pal.color(QPalette.ColorRole.Mid)
        p.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        fm = self.fontMetrics()
        area, low = self._plot()
        # Axes and grid, labelled.
        steps = round((1 - low) / 0.25)
        for s in range(steps + 1):
            value = low + s * 0.25
            y = area.bottom() - (value - low) / (1 - low) * area.height()
            p.setPen(
                QPen(grid, 1, Qt.PenStyle.SolidLine if abs(value) < 1e-9 else Qt.PenStyle.DotLine)
            )
            p.drawLine(int(area.left()), int(y), int(area.right()), int(y))
            p.setPen(ink)
            text = f"{value:.2f}"
            p.drawText(
                QRectF(0, y - fm.height() / 2, area.left() - 6, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
        p.save()
        p.translate(fm.height() * 0.5 + 2, area.center().y())
        p.rotate(-90)
        p.drawText(
            QRectF(-area.height() / 2, -fm.height() / 2, area.height(), fm.height()),
            Qt.AlignmentFlag.AlignCenter,
            "agreement",
        )
        p.restore()
        p.drawText(
            QRectF(area.left(), self.height() - fm.height() - 2, area.width(), fm.height()),
            Qt.AlignmentFlag.AlignCenter,
            "entity label",
        )
        # Legend, top right.
        x = area.right()
        for name, colour in reversed(list(zip(self.SERIES, self._colours()))):
            w = fm.horizontalAdvance(name)
            x -= w + 4
            p.drawText(
                QRectF(x, 2, w + 4, fm.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            x -= 16
            p.fillRect(QRectF(x, 2 + fm.height() / 2 - 5, 12, 10), colour)
            x -= 14
        if not self._bars:
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, "no labels to show")
            return
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        group = area.width() / len(self._bars)
        for (label, exact, kappa), rects in zip(self._bars, self.bar_rects()):
            for rect, score, colour in zip(rects, (exact, kappa), self._colours()):
                p.fillRect(rect, colour)
                p.setPen(ink)
                p.setFont(small)
                text = "n/a" if score is None else f"{score:.2f}"
                y = rect.top() - fm.height() if (score or 0) >= 0 else rect.bottom()
                p.drawText(
                    QRectF(rect.center().x() - 30, y, 60, fm.height()),
                    Qt.AlignmentFlag.AlignCenter,
                    text,
                )
                p.setFont(self.font())
            middle = rects[0].right() + 1
            p.drawText(
                QRectF(middle - group / 2, area.bottom() + 4, group, fm.height()),
                Qt.AlignmentFlag.AlignCenter,
                label,
            )

    def _colours(self) -> tuple[QColor, QColor]:
        return self.palette().color(QPalette.ColorRole.Highlight), KAPPA_COLOUR


class ConfusionHeatMap(QWidget):
    """Labels of spans with the same boundaries: rows Annotator A's, columns B's.

    A last row and column, "(none)", count the spans the other Annotator has no span at.
    """

    NONE = "(none)"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.confusion: Confusion | None = None
        self.names = ("A", "B")
        self.setMinimumSize(360, 260)

    def set_confusion(self, confusion: Confusion | None, a: str = "A", b: str = "B") -> None:
        self.confusion, self.names = confusion, (a, b)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 340)

    def matrix(self) -> list[list[int | None]]:
        """The grid as drawn: labels plus "(none)"; the corner cell is None."""
        c = self.confusion
        if c is None:
            return []
        rows: list[list[int | None]] = [
            [*row, c.only_a[label]] for label, row in zip(c.labels, c.matrix)
        ]
        rows.append([*(c.only_b[label] for label in c.labels), None])
        return rows

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        pal = self.palette()
        base, ink = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Text)
        hot = pal.color(QPalette.ColorRole.Highlight)
        p.fillRect(self.rect(), base)
        fm = self.fontMetrics()
        if self.confusion is None:
            p.setPen(ink)
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "nothing to show")
            return
        names = [*self.confusion.labels, self.NONE]
        grid = self.matrix()
        line = fm.height()
        left = max(fm.horizontalAdvance(n) for n in names) + line + 16
        top = line * 3 + 8
        # Cells may be wider than tall, so that names and counts keep a readable size.
        width = max(8.0, min((self.width() - left - 8) / len(names), 96.0))
        size = max(8.0, min((self.height() - top - 8) / len(names), width))
        peak = max([v for row in grid for v in row if v] + [1])
        p.setPen(ink)
        p.drawText(
            QRectF(left, 0, width * len(names), line),
            Qt.AlignmentFlag.AlignCenter,
            f"{self.names[1]}'s label",
        )
        p.save()
        p.translate(line * 0.5 + 2, top + size * len(names) / 2)
        p.rotate(-90)
        p.drawText(
            QRectF(-size * len(names) / 2, -line / 2, size * len(names), line),
            Qt.AlignmentFlag.AlignCenter,
            f"{self.names[0]}'s label",
        )
        p.restore()
        # Column names and counts shrink to fit their cells, rather than run together.
        widest = max(fm.horizontalAdvance(n) for n in names)
        widest = max(widest, fm.horizontalAdvance(str(peak)))
        if widest > width - 6:
            fitted = QFont(self.font())
            fitted.setPointSizeF(max(6.0, self.font().pointSizeF() * (width - 6) / widest))
            p.setFont(fitted)
        for j, name in enumerate(names):
            p.drawText(
                QRectF(left + j * width, line + 4, width, line * 2),
                Qt.AlignmentFlag.AlignCenter,
                name,
            )
        for i, name in enumerate(names):
            y = top + i * size
            p.setPen(ink)
            cell_font = p.font()
            p.setFont(self.font())
            p.drawText(
                QRectF(line + 4, y, left - line - 8, size),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            p.setFont(cell_font)
            for j, value in enumerate(grid[i]):
                cell = QRectF(left + j * width, y, width, size)
                if value is None:
                    continue
                colour = _mix(base, hot, math.sqrt(value / peak)) if value else base
                p.fillRect(cell.adjusted(1, 1, -1, -1), colour)
                p.setPen(QPen(pal.color(QPalette.ColorRole.Mid), 1))
                p.drawRect(cell.adjusted(1, 1, -1, -1))
                p.setPen(
                    _ink_on(colour) if value else pal.color(QPalette.ColorRole.PlaceholderText)
                )
                p.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(value))
