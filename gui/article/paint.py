"""Drawing an article's entities over its text, brat-style, and the sizes its drawing takes.

Each visual line of text has a row of label tags under it, and above it the room its
relations' arcs need (`gui.article.line_room`; `gui.article.arc_paint` draws the arcs). Accepted
entities are filled in their label's colour, suggestions are outlined with a dashed pen, the
current item is drawn bolder. The painter works in viewport coordinates and returns where it
drew each entity, for hit-testing clicks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
    QPen,
    QTextDocument,
)

from annotation.model import EntityStatus
from annotation.view.colours import highlight_alpha, outline
from annotation.view.contrast import contrast_ratio
from annotation.view.spans import Utf16Map, place_tags

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
            # PySide6's stubs say cursorToX returns object; it returns (x, position).
            x1 = line.cursorToX(lo - base)[0]  # type: ignore[index]
            x2 = line.cursorToX(hi - base)[0]  # type: ignore[index]
            left, right = min(x1, x2), max(x1, x2)
            rects.append(
                QRectF(
                    origin.x() + left, origin.y() + line.y(), max(right - left, 2.0), line.height()
                )
            )
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
    return QColor(Qt.GlobalColor.black) if black else QColor(Qt.GlobalColor.white)


def label_colours(palette: QPalette, status: str) -> tuple[QColor, QColor]:
    """(ink, background) of a relation label: the palette's text on its base, tinted a
    little for accepted relations. Suggested ones differ by more than colour too: a dashed
    border, italics and a trailing "?"."""
    ink, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    if status == SUGGESTED:
        return ink, base
    tint = QColor(
        *(
            round(b * 0.88 + i * 0.12)
            for b, i in (
                (base.red(), ink.red()),
                (base.green(), ink.green()),
                (base.blue(), ink.blue()),
            )
        )
    )
    return ink, tint


class ArticlePainter:
    """Paints highlights under the text and tags and arcs over it, for one paint event."""

    def __init__(
        self,
        doc: QTextDocument,
        offsets: Utf16Map,
        metrics: Metrics,
        colours: dict[str, QColor],
        palette: QPalette,
        scroll: QPointF,
        rects: dict[tuple[int, int], list[QRectF]] | None = None,
    ) -> None:
        """`rects` caches where spans are in the document, kept by the view while the
        lines stay where they are."""
        self.doc, self.offsets, self.metrics = doc, offsets, metrics
        self.colours, self.palette, self.scroll = colours, palette, scroll
        self.dark = palette.color(QPalette.ColorRole.Base).lightnessF() < 0.5
        self._rects: dict[int, list[QRectF]] = {}
        self._spans = {} if rects is None else rects
        self._styles: dict[tuple, tuple] = {}  # pens and brushes, made once a paint

    def rects(self, entity: Shown) -> list[QRectF]:
        """Viewport rectangles of an entity's text (cached for this paint)."""
        if entity.id not in self._rects:
            span = (entity.start, entity.end)
            if span not in self._spans:
                self._spans[span] = span_rects(
                    self.doc, self.offsets.to_qt(entity.start), self.offsets.to_qt(entity.end)
                )
            self._rects[entity.id] = [r.translated(self.scroll) for r in self._spans[span]]
        return self._rects[entity.id]

    def colour(self, label: str) -> QColor:
        colour = self.colours.get(label)
        return QColor(colour) if colour is not None else QColor(0x99, 0x99, 0x99)

    def dashed(self, colour: QColor) -> QColor:
        """The label's colour for a suggestion's outline, seen on the background."""
        return QColor(outline(colour.name(), self.palette.color(QPalette.ColorRole.Base).name()))

    def _highlight_style(self, label: str, status: str, current: bool) -> tuple[QColor, QPen]:
        key = ("highlight", label, status, current)
        if key not in self._styles:
            colour = self.colour(label)
            fill = QColor(colour)
            if status in (SUGGESTED, VERSION):
                fill.setAlphaF(0.10 if not current else 0.22)
                style = Qt.PenStyle.DashLine if status == SUGGESTED else Qt.PenStyle.DotLine
                pen = QPen(self.dashed(colour), 2.5 if current else 1.3, style)
            else:
                fill.setAlphaF(
                    highlight_alpha(
                        colour.name(),
                        self.palette.color(QPalette.ColorRole.Base).name(),
                        self.palette.color(QPalette.ColorRole.Text).name(),
                        current,
                    )
                )
                pen = QPen(
                    colour.darker(130) if not self.dark else colour.lighter(130),
                    2.5 if current else 1.0,
                )
            self._styles[key] = fill, pen
        return self._styles[key]

    def highlights(self, painter: QPainter, entities: list[Shown], current: int | None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for entity in entities:
            fill, pen = self._highlight_style(entity.label, entity.status, entity.id == current)
            inset = entity.slot * 2.0
            for rect in self.rects(entity):
                rect = rect.adjusted(-1, inset - 1, 1, 1 - inset)
                painter.setBrush(fill)
                painter.setPen(pen)
                painter.drawRoundedRect(rect, 3, 3)
                if entity.id == current:  # a ring in the system's highlight colour
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.setPen(QPen(self.palette.color(QPalette.ColorRole.Highlight), 2))
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

    def tags(
        self,
        painter: QPainter,
        entities: list[Shown],
        placed: dict[int, QRectF],
        current: int | None,
    ) -> None:
        painter.setFont(self.metrics.tag_font)
        for entity in entities:
            if entity.id in placed:
                self._tag(painter, entity, placed[entity.id], entity.id == current)

    @staticmethod
    def _tag_text(entity: Shown) -> str:
        return entity.tag or entity.label + ("?" if entity.status == SUGGESTED else "")

    def _tag_style(self, label: str, status: str, current: bool) -> tuple[QColor, QPen, QColor]:
        key = ("tag", label, status, current)
        if key not in self._styles:
            colour = self.colour(label)
            if status in (SUGGESTED, VERSION):
                style = Qt.PenStyle.DashLine if status == SUGGESTED else Qt.PenStyle.DotLine
                self._styles[key] = (
                    self.palette.color(QPalette.ColorRole.Base),
                    QPen(self.dashed(colour), 1.5 if current else 1.0, style),
                    self.palette.color(QPalette.ColorRole.Text),
                )
            else:
                self._styles[key] = (
                    colour,
                    QPen(colour.darker(140), 1.5 if current else 0.8),
                    text_colour(colour),
                )
        return self._styles[key]

    def _tag(self, painter: QPainter, entity: Shown, rect: QRectF, current: bool) -> None:
        brush, pen, ink = self._tag_style(entity.label, entity.status, current)
        painter.setBrush(brush)
        painter.setPen(pen)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(ink)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self._tag_text(entity))

    def outline(self, painter: QPainter, entity: Shown) -> None:
        """A ring in the highlight colour around an end of the current relation."""
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(self.palette.color(QPalette.ColorRole.Highlight), 2.5))
        for rect in self.rects(entity):
            painter.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), 5, 5)

    def hints(
        self, painter: QPainter, entities: list[Shown], codes: dict[int, str], typed: str
    ) -> None:
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
            box = QRectF(
                rects[0].left() - 2,
                rects[0].top() - metrics.height() * 0.6,
                width,
                metrics.height() + 2,
            )
            painter.setPen(QPen(QColor("#7a5c00"), 1))
            painter.setBrush(QColor("#ffd84d"))
            painter.drawRoundedRect(box, 3, 3)
            done = metrics.horizontalAdvance(typed.upper())
            painter.setPen(QColor("#8a7a40"))
            painter.drawText(
                box.adjusted(4, 0, 0, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                typed.upper(),
            )
            painter.setPen(QColor("#000000"))
            painter.drawText(
                box.adjusted(4 + done, 0, 0, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                code[len(typed) :].upper(),
            )
