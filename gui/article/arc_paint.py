"""Drawing relations as brat-style arcs over an article, where `gui.article.arc_plan` put them.

A labelled arc rises from its two ends to its level, runs level and carries its label in the
middle (a relation whose ends are on two lines is drawn as two halves, to and from the
margins); the current relation's label is ringed in the highlight colour. A thin arc (focus
mode "current": a relation out of focus) is faint, unlabelled and low, in its line's band.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
)

from gui.article.arc_plan import ArcPart, ArcPlan
from gui.article.paint import (
    SUGGESTED,
    VERSION,
    ArticlePainter,
    Shown,
    ShownRelation,
    attach_x,
    label_colours,
)


class ArcPainter:
    """Paints relation arcs for one paint event, with an `ArticlePainter`'s geometry."""

    def __init__(self, base: ArticlePainter) -> None:
        self.doc, self.metrics, self.palette = base.doc, base.metrics, base.palette
        self.scroll, self.rects = base.scroll, base.rects

    def arcs(
        self,
        painter: QPainter,
        relations: list[ShownRelation],
        entities: dict[int, Shown],
        plan: ArcPlan,
        current: int | None,
        current_relation: int | None,
    ) -> list[tuple[QRectF, int]]:
        """Draw each relation as brat-style arcs where `plan` put them.

        The plan's labelled parts carry labels above their line's band of thin arcs; the
        relations it plans only as thin arcs (focus mode "current": those out of focus) are
        faint and unlabelled, packed in that band. Returns where each label was drawn, for
        clicks.
        """
        hits: list[tuple[QRectF, int]] = []
        font_metrics = QFontMetricsF(self.metrics.tag_font)
        ink = self.palette.color(QPalette.ColorRole.Text)
        # Draw the emphasised ones last, over the others.
        for relation in sorted(
            relations, key=lambda r: self._emphasis(r, current, current_relation)
        ):
            head, child = entities.get(relation.head), entities.get(relation.child)
            labelled = relation.id in plan.parts
            parts = plan.parts.get(relation.id) or plan.thin.get(relation.id)
            if head is None or child is None or not parts:
                continue
            strong = labelled and self._emphasis(relation, current, current_relation) == 2
            colour = QColor(ink)
            if not labelled:
                colour.setAlphaF(0.5)
            pen = QPen(colour, 2.0 if strong else (1.1 if labelled else 0.8))
            pen.setStyle(
                Qt.PenStyle.DashLine
                if relation.status == SUGGESTED
                else Qt.PenStyle.DotLine
                if relation.status == VERSION
                else Qt.PenStyle.SolidLine
            )
            text = relation.label + ("?" if relation.status == SUGGESTED else "")
            width = font_metrics.horizontalAdvance(text) + 8
            for part in parts:
                path, box, tip = self._part_path(
                    part, head, child, plan, labelled, width, font_metrics.height()
                )
                if path is None:
                    continue
                painter.setPen(pen)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawPath(path)
                if relation.directed and tip is not None:
                    self._arrowhead(painter, tip, colour, 1.0 if labelled else 0.6)
                if labelled:
                    self._arc_label(
                        painter, box, text, relation.status, relation.id == current_relation
                    )
                    hits.append((box, relation.id))
        return hits

    @staticmethod
    def _emphasis(
        relation: ShownRelation, current: int | None, current_relation: int | None
    ) -> int:
        """2 for the current relation or one touching the current entity; 0 for others
        while something is current; 1 when nothing is."""
        if relation.id == current_relation or current in (relation.head, relation.child):
            return 2
        return 0 if (current is not None or current_relation is not None) else 1

    @staticmethod
    def _arrowhead(painter: QPainter, tip: QPointF, colour: QColor, size: float) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(colour))
        painter.drawPolygon(
            QPolygonF(
                [
                    tip,
                    QPointF(tip.x() - 4 * size, tip.y() - 7 * size),
                    QPointF(tip.x() + 4 * size, tip.y() - 7 * size),
                ]
            )
        )

    def _end_point(self, entity: Shown, rightward: bool) -> QPointF | None:
        rects = self.rects(entity)
        return QPointF(attach_x(rects[0], rightward), rects[0].top() - 1) if rects else None

    def _part_path(
        self,
        part: ArcPart,
        head: Shown,
        child: Shown,
        plan: ArcPlan,
        labelled: bool,
        width: float,
        height: float,
    ) -> tuple[QPainterPath | None, QRectF, QPointF | None]:
        """The path of one arc segment, its label box and where its arrowhead goes (at
        the child, if the segment reaches it), in viewport coordinates."""
        first, second = (head, child) if part.head_first else (child, head)
        a = self._end_point(first, True) if part.left_end else None
        b = self._end_point(second, False) if part.right_end else None
        anchor = a or b
        if anchor is None:
            return None, QRectF(), None
        tip = None
        if part.child_end:  # the child is its right end when the head is on its left
            tip = (b if part.head_first else a) if a and b else anchor
        left = a.x() if a else self.scroll.x() + self.metrics.left_edge
        right = b.x() if b else self.scroll.x() + self.doc.textWidth() - self.metrics.right_edge
        if labelled:  # above the band of the line's thin arcs
            rise = self.metrics.thin_room(
                plan.thin_room.get(part.line, 0)
            ) + self.metrics.level_offset(part.level)
        else:
            rise = self.metrics.thin_offset(part.level)
        y = anchor.y() - rise
        radius = min(5.0, abs(right - left) / 2, rise)
        path = QPainterPath()
        if a:
            path.moveTo(a)
            path.lineTo(a.x(), y + radius)
            path.quadTo(a.x(), y, a.x() + radius, y)
        else:
            path.moveTo(left, y)
        if b:
            path.lineTo(b.x() - radius, y)
            path.quadTo(b.x(), y, b.x(), y + radius)
            path.lineTo(b)
        else:
            path.lineTo(right, y)
        box = QRectF(self.scroll.x() + part.label_left, y - height / 2, width, height)
        return path, box, tip

    def _arc_label(
        self, painter: QPainter, box: QRectF, text: str, status: str, current: bool
    ) -> None:
        ink, background = label_colours(self.palette, status)
        painter.setBrush(background)
        pen = QPen(ink, 1.0, Qt.PenStyle.DashLine if status == SUGGESTED else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.drawRoundedRect(box, 3, 3)
        if current:  # drawn as the current item: the system's highlight ring
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(self.palette.color(QPalette.ColorRole.Highlight), 2.5))
            painter.drawRoundedRect(box.adjusted(-3, -3, 3, 3), 5, 5)
        font = QFont(self.metrics.tag_font)
        font.setItalic(status == SUGGESTED)
        painter.setFont(font)
        painter.setPen(ink)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
