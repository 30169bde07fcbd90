"""Drawing an article's entities and relations over its text, brat-style.

Each visual line of text has room below it: first a row of label tags, then the arcs of the
next line. Accepted entities are filled in their label's colour, suggestions are outlined
with a dashed pen, the current item is drawn bolder. The painter works in viewport
coordinates and returns where it drew each entity, for hit-testing clicks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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
    QTextDocument,
)

from annotation.colours import highlight_alpha, outline
from annotation.contrast import contrast_ratio
from annotation.model import EntityStatus
from annotation.spans import Utf16Map, place_tags

if TYPE_CHECKING:
    from gui.arc_plan import ArcPart, ArcPlan

SUGGESTED = EntityStatus.SUGGESTED
VERSION = "version"  # an annotator's entity shown for review, not part of gold
FOCUS_MODES = ("current", "all", "none")  # which relations are drawn in full


@dataclass(frozen=True)
class Shown:
    """An entity as the view draws it."""

    id: int
    start: int  # str offsets
    end: int
    label: str
    status: str
    slot: int = 0
    tag: str = ""  # the tag's text when not just the label (an annotator's version)


@dataclass(frozen=True)
class ShownRelation:
    id: int
    head: int
    child: int
    label: str
    status: str
    directed: bool = True


@dataclass
class Metrics:
    """Sizes derived from the text font: tag row and arc room below every line."""

    font: QFont
    tag_rows: int = 1  # rows of tags under a line: more where entities overlap (review)
    tag_font: QFont = field(init=False)
    tag_height: float = field(init=False)
    arc_step: float = field(init=False)

    def __post_init__(self) -> None:
        self.tag_font = QFont(self.font)
        self.tag_font.setPointSizeF(max(6.0, self.font.pointSizeF() * 0.72))
        self.tag_font.setBold(True)
        self.tag_height = QFontMetricsF(self.tag_font).height() + 2
        # Labels on neighbouring levels never touch: a level is a label's height apart.
        self.label_height = QFontMetricsF(self.tag_font).height()
        self.arc_step = self.label_height + 2

    left_edge = 12.0  # the document's side margins, where split arcs leave their line
    right_edge = 12.0

    def level_offset(self, level: int) -> float:
        """How far above its line's text an arc of this level runs."""
        return 4 + self.label_height / 2 + (level - 1) * self.arc_step

    def arc_room(self, levels: int) -> float:
        """The room above a line whose highest labelled arc has this level."""
        return self.level_offset(levels) + self.label_height / 2 + 2 if levels else 0.0

    thin_step = 3.0  # thin arcs carry no label: their levels pack this close
    thin_levels = 2  # at most; more overlapping thin arcs share the highest

    def thin_offset(self, level: int) -> float:
        """How far above its line's text a thin (unlabelled) arc of this level runs."""
        return 2.5 + (level - 1) * self.thin_step

    def thin_room(self, levels: int) -> float:
        """The room above a line for thin arcs up to this level: a band under its labels."""
        return self.thin_offset(levels) + 1.5 if levels else 0.0

    def room(self, labelled: int, thin: int) -> float:
        """The room above a line with arcs of these highest levels."""
        return self.thin_room(thin) + self.arc_room(labelled)

    @property
    def blank_height(self) -> float:
        """The height of an empty line (between paragraphs): half a line of text."""
        return round(QFontMetricsF(self.font).height() / 2)

    @property
    def tag_room(self) -> float:
        """The room under every line for its label tags."""
        return self.tag_height * self.tag_rows + 2


def span_rects(doc: QTextDocument, start: int, end: int) -> list[QRectF]:
    """Rectangles (document coordinates) covering document positions [start, end)."""
    rects = []
    block = doc.findBlock(start)
    while block.isValid() and block.position() <= end:
        layout = block.layout()
        origin = layout.position()
        base = block.position()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            lo = max(start, base + line.textStart())
            hi = min(end, base + line.textStart() + line.textLength())
            if lo >= hi and not (lo == hi == start == end):
                continue
            x1 = line.cursorToX(lo - base)[0]
            x2 = line.cursorToX(hi - base)[0]
            left, right = min(x1, x2), max(x1, x2)
            rects.append(QRectF(origin.x() + left, origin.y() + line.y(),
                                max(right - left, 2.0), line.height()))
        block = block.next()
    return rects


def attach_x(rect: QRectF, rightward: bool) -> float:
    """Where on an entity's first line rectangle an arc leaves or arrives: right of its
    middle for arcs to the right, left of it for arcs from the left, so that the arcs on
    either side of an entity do not meet (and can share a level)."""
    spread = min(rect.width() / 4, 10.0)
    return rect.center().x() + (spread if rightward else -spread)


def text_colour(background: QColor) -> QColor:
    """Black or white, whichever has more contrast (WCAG's) with `background`."""
    rgb = (background.redF(), background.greenF(), background.blueF())
    black = contrast_ratio(rgb, (0, 0, 0)) >= contrast_ratio(rgb, (1, 1, 1))
    return QColor(Qt.black) if black else QColor(Qt.white)


def label_colours(palette: QPalette, status: str) -> tuple[QColor, QColor]:
    """(ink, background) of a relation label: the palette's text on its base, tinted a
    little for accepted relations. Suggested ones differ by more than colour too: a dashed
    border, italics and a trailing "?"."""
    ink, base = palette.color(QPalette.Text), palette.color(QPalette.Base)
    if status == SUGGESTED:
        return ink, base
    tint = QColor(*(round(b * 0.88 + i * 0.12) for b, i in
                    ((base.red(), ink.red()), (base.green(), ink.green()),
                     (base.blue(), ink.blue()))))
    return ink, tint


class ArticlePainter:
    """Paints highlights under the text and tags and arcs over it, for one paint event."""

    def __init__(self, doc: QTextDocument, offsets: Utf16Map, metrics: Metrics,
                 colours: dict[str, QColor], palette: QPalette, scroll: QPointF,
                 rects: dict[tuple[int, int], list[QRectF]] | None = None) -> None:
        """`rects` caches where spans are in the document, kept by the view while the
        lines stay where they are."""
        self.doc, self.offsets, self.metrics = doc, offsets, metrics
        self.colours, self.palette, self.scroll = colours, palette, scroll
        self.dark = palette.color(QPalette.Base).lightnessF() < 0.5
        self._rects: dict[int, list[QRectF]] = {}
        self._spans = {} if rects is None else rects
        self._styles: dict[tuple, tuple] = {}  # pens and brushes, made once a paint

    def rects(self, entity: Shown) -> list[QRectF]:
        """Viewport rectangles of an entity's text (cached for this paint)."""
        if entity.id not in self._rects:
            span = (entity.start, entity.end)
            if span not in self._spans:
                self._spans[span] = span_rects(self.doc, self.offsets.to_qt(entity.start),
                                               self.offsets.to_qt(entity.end))
            self._rects[entity.id] = [r.translated(self.scroll) for r in self._spans[span]]
        return self._rects[entity.id]

    def colour(self, label: str) -> QColor:
        colour = self.colours.get(label)
        return QColor(colour) if colour is not None else QColor(0x99, 0x99, 0x99)

    def dashed(self, colour: QColor) -> QColor:
        """The label's colour for a suggestion's outline, seen on the background."""
        return QColor(outline(colour.name(), self.palette.color(QPalette.Base).name()))

    def _highlight_style(self, label: str, status: str, current: bool) -> tuple[QColor, QPen]:
        key = ("highlight", label, status, current)
        if key not in self._styles:
            colour = self.colour(label)
            fill = QColor(colour)
            if status in (SUGGESTED, VERSION):
                fill.setAlphaF(0.10 if not current else 0.22)
                style = Qt.DashLine if status == SUGGESTED else Qt.DotLine
                pen = QPen(self.dashed(colour), 2.5 if current else 1.3, style)
            else:
                fill.setAlphaF(highlight_alpha(
                    colour.name(), self.palette.color(QPalette.Base).name(),
                    self.palette.color(QPalette.Text).name(), current))
                pen = QPen(colour.darker(130) if not self.dark else colour.lighter(130),
                           2.5 if current else 1.0)
            self._styles[key] = fill, pen
        return self._styles[key]

    def highlights(self, painter: QPainter, entities: list[Shown], current: int | None) -> None:
        painter.setRenderHint(QPainter.Antialiasing)
        for entity in entities:
            fill, pen = self._highlight_style(entity.label, entity.status, entity.id == current)
            inset = entity.slot * 2.0
            for rect in self.rects(entity):
                rect = rect.adjusted(-1, inset - 1, 1, 1 - inset)
                painter.setBrush(fill)
                painter.setPen(pen)
                painter.drawRoundedRect(rect, 3, 3)
                if entity.id == current:  # a ring in the system's highlight colour
                    painter.setBrush(Qt.NoBrush)
                    painter.setPen(QPen(self.palette.color(QPalette.Highlight), 2))
                    painter.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), 5, 5)

    def tag_rects(self, entities: list[Shown]) -> dict[int, QRectF]:
        """Where each entity's label tag goes: under its first line, never overlapping."""
        metrics = QFontMetricsF(self.metrics.tag_font)
        by_row: dict[tuple[float, int], list[tuple[Shown, QRectF]]] = {}
        last_row = self.metrics.tag_rows - 1
        for entity in entities:
            rects = self.rects(entity)
            if rects:
                row = min(entity.slot, last_row)
                by_row.setdefault((rects[0].bottom(), row), []).append((entity, rects[0]))
        placed: dict[int, QRectF] = {}
        height = self.metrics.tag_height
        for (bottom, row), items in by_row.items():
            items.sort(key=lambda item: item[1].left())
            widths = [metrics.horizontalAdvance(self._tag_text(e)) + 6 for e, _ in items]
            lefts = place_tags([(r.left(), w) for (_, r), w in zip(items, widths)])
            for (entity, _), left, width in zip(items, lefts, widths):
                placed[entity.id] = QRectF(left, bottom + 2 + row * height, width, height - 2)
        return placed

    def tags(self, painter: QPainter, entities: list[Shown], placed: dict[int, QRectF],
             current: int | None) -> None:
        painter.setFont(self.metrics.tag_font)
        for entity in entities:
            if entity.id in placed:
                self._tag(painter, entity, placed[entity.id], entity.id == current)

    @staticmethod
    def _tag_text(entity: Shown) -> str:
        return entity.tag or entity.label + ("?" if entity.status == SUGGESTED else "")

    def _tag_style(self, label: str, status: str, current: bool
                   ) -> tuple[QColor, QPen, QColor]:
        key = ("tag", label, status, current)
        if key not in self._styles:
            colour = self.colour(label)
            if status in (SUGGESTED, VERSION):
                style = Qt.DashLine if status == SUGGESTED else Qt.DotLine
                self._styles[key] = (self.palette.color(QPalette.Base),
                                     QPen(self.dashed(colour), 1.5 if current else 1.0, style),
                                     self.palette.color(QPalette.Text))
            else:
                self._styles[key] = (colour, QPen(colour.darker(140), 1.5 if current else 0.8),
                                     text_colour(colour))
        return self._styles[key]

    def _tag(self, painter: QPainter, entity: Shown, rect: QRectF, current: bool) -> None:
        brush, pen, ink = self._tag_style(entity.label, entity.status, current)
        painter.setBrush(brush)
        painter.setPen(pen)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(ink)
        painter.drawText(rect, Qt.AlignCenter, self._tag_text(entity))

    def arcs(self, painter: QPainter, relations: list[ShownRelation], entities: dict[int, Shown],
             plan: ArcPlan, current: int | None, current_relation: int | None
             ) -> list[tuple[QRectF, int]]:
        """Draw each relation as brat-style arcs where `plan` put them.

        The plan's labelled parts carry labels above their line's band of thin arcs; the
        relations it plans only as thin arcs (focus mode "current": those out of focus) are
        faint and unlabelled, packed in that band. Returns where each label was drawn, for
        clicks.
        """
        hits: list[tuple[QRectF, int]] = []
        font_metrics = QFontMetricsF(self.metrics.tag_font)
        ink = self.palette.color(QPalette.Text)
        # Draw the emphasised ones last, over the others.
        for relation in sorted(relations, key=lambda r: self._emphasis(r, current,
                                                                       current_relation)):
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
            pen.setStyle(Qt.DashLine if relation.status == SUGGESTED else
                         Qt.DotLine if relation.status == VERSION else Qt.SolidLine)
            text = relation.label + ("?" if relation.status == SUGGESTED else "")
            width = font_metrics.horizontalAdvance(text) + 8
            for part in parts:
                path, box, tip = self._part_path(part, head, child, plan, labelled, width,
                                                 font_metrics.height())
                if path is None:
                    continue
                painter.setPen(pen)
                painter.setBrush(Qt.NoBrush)
                painter.drawPath(path)
                if relation.directed and tip is not None:
                    self._arrowhead(painter, tip, colour, 1.0 if labelled else 0.6)
                if labelled:
                    self._arc_label(painter, box, text, relation.status,
                                    relation.id == current_relation)
                    hits.append((box, relation.id))
        return hits

    @staticmethod
    def _emphasis(relation: ShownRelation, current: int | None,
                  current_relation: int | None) -> int:
        """2 for the current relation or one touching the current entity; 0 for others
        while something is current; 1 when nothing is."""
        if relation.id == current_relation or current in (relation.head, relation.child):
            return 2
        return 0 if (current is not None or current_relation is not None) else 1

    @staticmethod
    def _arrowhead(painter: QPainter, tip: QPointF, colour: QColor, size: float) -> None:
        painter.setPen(Qt.NoPen)
        painter.setBrush(QBrush(colour))
        painter.drawPolygon(QPolygonF([tip, QPointF(tip.x() - 4 * size, tip.y() - 7 * size),
                                       QPointF(tip.x() + 4 * size, tip.y() - 7 * size)]))

    def _end_point(self, entity: Shown, rightward: bool) -> QPointF | None:
        rects = self.rects(entity)
        return QPointF(attach_x(rects[0], rightward), rects[0].top() - 1) if rects else None

    def _part_path(self, part: ArcPart, head: Shown, child: Shown, plan: ArcPlan,
                   labelled: bool, width: float, height: float
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
            rise = self.metrics.thin_room(plan.thin_room.get(part.line, 0)) + \
                self.metrics.level_offset(part.level)
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

    def _arc_label(self, painter: QPainter, box: QRectF, text: str, status: str,
                   current: bool) -> None:
        ink, background = label_colours(self.palette, status)
        painter.setBrush(background)
        pen = QPen(ink, 1.0, Qt.DashLine if status == SUGGESTED else Qt.SolidLine)
        painter.setPen(pen)
        painter.drawRoundedRect(box, 3, 3)
        if current:  # drawn as the current item: the system's highlight ring
            painter.setBrush(Qt.NoBrush)
            painter.setPen(QPen(self.palette.color(QPalette.Highlight), 2.5))
            painter.drawRoundedRect(box.adjusted(-3, -3, 3, 3), 5, 5)
        font = QFont(self.metrics.tag_font)
        font.setItalic(status == SUGGESTED)
        painter.setFont(font)
        painter.setPen(ink)
        painter.drawText(box, Qt.AlignCenter, text)

    def outline(self, painter: QPainter, entity: Shown) -> None:
        """A ring in the highlight colour around an end of the current relation."""
        painter.setBrush(Qt.NoBrush)
        painter.setPen(QPen(self.palette.color(QPalette.Highlight), 2.5))
        for rect in self.rects(entity):
            painter.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), 5, 5)

    def hints(self, painter: QPainter, entities: list[Shown], codes: dict[int, str],
              typed: str) -> None:
        """Hint codes in badges at the start of each entity: the letters still to type in
        black on yellow, those already typed greyed (the same in both palettes)."""
        font = QFont(self.metrics.tag_font)
        font.setPointSizeF(self.metrics.tag_font.pointSizeF() * 1.25)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        for entity in entities:
            rects = self.rects(entity)
            code = codes.get(entity.id)
            if not rects or code is None:
                continue
            width = metrics.horizontalAdvance(code.upper()) + 8
            box = QRectF(rects[0].left() - 2, rects[0].top() - metrics.height() * 0.6,
                         width, metrics.height() + 2)
            painter.setPen(QPen(QColor("#7a5c00"), 1))
            painter.setBrush(QColor("#ffd84d"))
            painter.drawRoundedRect(box, 3, 3)
            done = metrics.horizontalAdvance(typed.upper())
            painter.setPen(QColor("#8a7a40"))
            painter.drawText(box.adjusted(4, 0, 0, 0), Qt.AlignVCenter | Qt.AlignLeft,
                             typed.upper())
            painter.setPen(QColor("#000000"))
            painter.drawText(box.adjusted(4 + done, 0, 0, 0), Qt.AlignVCenter | Qt.AlignLeft,
                             code[len(typed):].upper())
