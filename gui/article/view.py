"""The article as the researcher reads it: exact plain text with entities and relations drawn.

The text goes in with `setPlainText` only, so markup in an article is shown as typed. Mouse
selections snap to token boundaries (hold Alt to select by character); a double-click
selects one token; a click on an entity makes it current; dragging from one entity to
another asks for a relation between them.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QTextCursor,
)
from PySide6.QtWidgets import QApplication, QFrame, QTextEdit, QWidget

from annotation.model import Entity
from annotation.view.spans import TokenIndex, Utf16Map, stack_slots
from gui.article.arc_layout import ArcLayout, keeping_still, labelled
from gui.article.arc_paint import ArcPainter
from gui.article.paint import FOCUS_MODES, ArticlePainter, Metrics, Shown, ShownRelation

DEFAULT_POINT_SIZE = 12.0


class ArticleView(QTextEdit):
    """Read-only text view that paints entities, tags and arcs."""

    entityClicked = Signal(int)
    relationClicked = Signal(int)
    relationDragged = Signal(int, int)  # head entity id, child entity id
    selectionMade = Signal()
    pressed = Signal()  # any mouse press: a hint mode ends
    # While set, every plain key press goes here first (hint modes), before shortcuts.
    key_handler: Callable[[QKeyEvent], bool] | None = None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setAutoFillBackground(False)
        self.viewport().setCursor(Qt.CursorShape.IBeamCursor)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        font.setPointSizeF(DEFAULT_POINT_SIZE)
        self._metrics = Metrics(font)
        self._offsets = Utf16Map("")
        self._tokens = TokenIndex([], [])
        self._entities: list[Shown] = []
        self._by_id: dict[int, Shown] = {}
        self._relations: list[ShownRelation] = []
        self._colours: dict[str, QColor] = {}
        self._current: int | None = None
        self._current_relation: int | None = None
        self._hits: list[tuple[QRectF, int]] = []
        self._label_hits: list[tuple[QRectF, int]] = []  # relation labels drawn last paint
        self._arcs = ArcLayout()
        self._spans: dict[tuple[int, int], list] = {}  # where spans are, while lines stay
        self._to_draw: tuple | bool = False  # what the arcs show now (False: nothing)
        self._focus = FOCUS_MODES[0]
        self._hits_stale = True
        self._selection: tuple[int, int] | None = None
        self._drag_from: int | None = None
        self._drag_to: QPoint | None = None
        self._press: QPoint | None = None
        self._hints: dict[int, str] = {}  # entity id -> hint code, while a hint mode is on
        self._typed = ""
        self._apply_font()

    # -- content ----------------------------------------------------------------------------

    def show_text(self, text: str, tokens: TokenIndex) -> None:
        """Show a new article's text (as plain text) and forget the old one's state."""
        self._offsets = Utf16Map(text)
        self._tokens = tokens
        self._current = self._current_relation = None
        self._selection = None
        self.setPlainText(text)
        self._entities, self._by_id, self._relations = [], {}, []
        self._arcs.forget()
        self._relayout()
        self.verticalScrollBar().setValue(0)

    def set_annotations(
        self, entities: list[Shown], relations: list[ShownRelation], colours: dict[str, QColor]
    ) -> None:
        """Replace what is drawn over the text (the text and scroll position stay)."""
        slots = stack_slots([(e.start, e.end) for e in entities])
        self._entities = [
            Shown(e.id, e.start, e.end, e.label, e.status, s, e.tag)
            for e, s in zip(entities, slots)
        ]
        self._by_id = {e.id: e for e in self._entities}
        self._hits_stale = True
        self._relations = relations
        self._colours = colours
        if self._current not in self._by_id:
            self._current = None
        self._relayout()

    def set_current(
        self, entity_id: int | None, relation_id: int | None = None, reveal: int | None = None
    ) -> None:
        """Make an entity (or relation) current; scroll entity `reveal` into sight.

        In focus mode "current" its relations get their labels, and their lines room for
        them, while the current item's line stays where it is on screen. During a press on
        an entity (a drag may follow) the lines keep their places until the release."""
        self._current = entity_id if entity_id in self._by_id else None
        self._current_relation = relation_id
        if self._press is None:
            self._relayout(shown_changed=False)
        if reveal in self._by_id:
            self._scroll_to(self._by_id[reveal])
        self.viewport().update()

    @property
    def current(self) -> int | None:
        return self._current

    def set_hints(self, hints: dict[int, str], typed: str) -> None:
        """Draw these hint codes on their entities (`typed`: the letters typed so far)."""
        self._hints, self._typed = hints, typed
        self.viewport().update()

    def below(self, entity: Entity) -> QPoint:
        """A viewport point just under an entity's first line, for a popup."""
        rects = self._painter().rects(Shown(entity.id, entity.start, entity.end, "", ""))
        if not rects:
            return QPoint(12, 12)
        return QPoint(int(rects[0].left()), int(rects[0].bottom() + self._metrics.tag_height))

    @property
    def focus_mode(self) -> str:
        return self._focus

    def set_focus_mode(self, mode: str) -> None:
        """Which relations are drawn in full: "current" (those of the current entity and
        the current relation; the others thin, unlabelled), "all", or "none"."""
        if mode not in FOCUS_MODES:
            raise ValueError(f"focus mode {mode!r} is not one of {', '.join(FOCUS_MODES)}")
        self._focus = mode
        self._relayout()

    @property
    def offsets(self) -> Utf16Map:
        return self._offsets

    # -- selection ----------------------------------------------------------------------------

    def selected_span(self) -> tuple[int, int] | None:
        """The selected text as `str` offsets (snapped to tokens unless made with Alt)."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._offsets.to_py(cursor.selectionStart())
        end = self._offsets.to_py(cursor.selectionEnd())
        if self._selection and self._selection == (start, end):
            return self._selection
        return self._tokens.snap(start, end) or None

    def select_span(self, start: int, end: int) -> None:
        """Select `str` offsets [start, end) in the view."""
        cursor = self.textCursor()
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self._selection = (start, end)
        self.selectionMade.emit()

    def clear_selection(self) -> None:
        self._selection = None
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return
        cursor.clearSelection()
        # setTextCursor scrolls to the cursor; the text must stay where the researcher is.
        h, v = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        self.setTextCursor(cursor)
        self.horizontalScrollBar().setValue(h)
        self.verticalScrollBar().setValue(v)

    # -- reading comfort ----------------------------------------------------------------------

    def zoom(self, steps: int) -> None:
        """Grow or shrink the text by `steps` points (kept between 7 and 36)."""
        font = QFont(self._metrics.font)
        font.setPointSizeF(min(36.0, max(7.0, font.pointSizeF() + steps)))
        self._metrics = Metrics(font, self._metrics.tag_rows)
        self._apply_font()

    def set_tag_rows(self, rows: int) -> None:
        """Leave room for this many rows of tags under each line (overlapping entities)."""
        self._metrics = Metrics(self._metrics.font, rows)
        self._apply_font()

    def set_point_size(self, size: float) -> None:
        self.zoom(0)
        self.zoom(int(round(size - self._metrics.font.pointSizeF())))

    @property
    def point_size(self) -> float:
        return self._metrics.font.pointSizeF()

    def _apply_font(self) -> None:
        self.document().setDefaultFont(self._metrics.font)
        self._arcs.forget()
        self._relayout()

    def _relayout(self, shown_changed: bool = True) -> None:
        """Plan the arcs again if what they show changed (`shown_changed`: the relations,
        their ends or the focus mode may have), and give lines room for them, keeping the
        current item (else the top line) where it is on screen."""
        if shown_changed:
            self._to_draw = self._focus != "none" and (
                self._focus,
                tuple(
                    (r.id, r.label, r.status, self._span(r.head), self._span(r.child))
                    for r in self._relations
                ),
            )
        chosen = labelled(self._focus, self._relations, self._current, self._current_relation)

        def still() -> AbstractContextManager[None]:
            ends = [self._current] + [
                end
                for r in self._relations
                if r.id == self._current_relation
                for end in (r.head, r.child)
            ]
            return keeping_still(
                self,
                [self._offsets.to_qt(self._by_id[e].start) for e in ends if e in self._by_id],
                self._arcs.room.applied,
            )

        if self._arcs.update(
            self.document(),
            self._offsets,
            self._by_id,
            self._relations,
            self._metrics,
            self._to_draw,
            chosen,
            still,
        ):
            self._spans = {}
        self._hits_stale = True
        self.viewport().update()

    def _span(self, entity_id: int) -> tuple[int, int] | None:
        entity = self._by_id.get(entity_id)
        return (entity.start, entity.end) if entity is not None else None

    # -- painting -----------------------------------------------------------------------------

    def _painter(self) -> ArticlePainter:
        scroll = QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())
        return ArticlePainter(
            self.document(),
            self._offsets,
            self._metrics,
            self._colours,
            self.palette(),
            scroll,
            self._spans,
        )

    def _layout(self, painter: ArticlePainter) -> tuple[list[Shown], dict[int, QRectF]]:
        """The entities in sight and their tags; remembers both for hit-testing."""
        visible = self._visible_entities()
        tags = painter.tag_rects(visible)
        self._hits = [(r, e.id) for e in visible for r in painter.rects(e)]
        self._hits += [(rect, entity_id) for entity_id, rect in tags.items()]
        self._hits_stale = False
        return visible, tags

    def paintEvent(self, event: QPaintEvent) -> None:
        self._settle_lines()
        painter = self._painter()
        visible, tags = self._layout(painter)
        with _painting(self.viewport()) as p:
            p.fillRect(event.rect(), self.palette().base())
            painter.highlights(p, visible, self._current)
        super().paintEvent(event)
        with _painting(self.viewport()) as p:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.tags(p, visible, tags, self._current)
            # Only arcs with an end in sight: a long article has hundreds of relations.
            in_sight = {e.id for e in visible}
            relations = [r for r in self._relations if r.head in in_sight or r.child in in_sight]
            shown = {
                end: self._by_id[end]
                for r in relations
                for end in (r.head, r.child)
                if end in self._by_id
            }
            self._label_hits = ArcPainter(painter).arcs(
                p, relations, shown, self._arcs.plan, self._current, self._current_relation
            )
            current = next((r for r in self._relations if r.id == self._current_relation), None)
            for end in (current.head, current.child) if current else ():
                if end in self._by_id:
                    painter.outline(p, self._by_id[end])
            self._draw_drag(p, painter)
            if self._hints:
                painter.hints(
                    p, [e for e in visible if e.id in self._hints], self._hints, self._typed
                )

    def _settle_lines(self) -> None:
        """Lines in sight that Qt laid out again go back to their places (see LineRoom)."""
        doc = self.document()
        first = doc.findBlock(self.cursorForPosition(QPoint(0, 0)).position())
        last = doc.findBlock(
            self.cursorForPosition(
                QPoint(self.viewport().width(), self.viewport().height())
            ).position()
        )
        if self._arcs.room.settle(doc, first.blockNumber(), last.blockNumber() + 1):
            self._spans = {}

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self._hits_stale = True
        super().scrollContentsBy(dx, dy)

    def resizeEvent(self, event) -> None:
        self._hits_stale = True
        width = self.document().textWidth()
        super().resizeEvent(event)
        if self.document().textWidth() != width:  # lines wrap anew: so do the arcs
            self._arcs.reflow()
            self._relayout()

    def visible_entities(self) -> list[Shown]:
        """The entities wholly or partly in sight, in reading order."""
        painter, sight = self._painter(), QRectF(self.viewport().rect())
        return [
            e
            for e in self._visible_entities()
            if any(sight.intersects(r) for r in painter.rects(e))
        ]

    def _visible_entities(self) -> list[Shown]:
        top = self.cursorForPosition(QPoint(0, 0)).position()
        # The arcs of a line under the bottom edge can rise into sight.
        below = self.viewport().height() + int(self._arcs.most_room)
        bottom = self.cursorForPosition(QPoint(self.viewport().width(), below)).position()
        lo, hi = self._offsets.to_py(top), self._offsets.to_py(bottom) + 1
        # A line's first position can be left of the corner's; take a line's worth more.
        lo = max(0, lo - 400)
        return [e for e in self._entities if e.end >= lo and e.start <= hi]

    def _draw_drag(self, p: QPainter, painter: ArticlePainter) -> None:
        if self._drag_from is None or self._drag_to is None:
            return
        rects = painter.rects(self._by_id[self._drag_from])
        if rects:
            p.setPen(QPen(self.palette().text().color(), 1.5, Qt.PenStyle.DashLine))
            p.drawLine(rects[0].center(), QPointF(self._drag_to))

    def _scroll_to(self, entity: Shown) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._offsets.to_qt(entity.start))
        rect = self.cursorRect(cursor)
        margin = int((self._metrics.tag_room + self._metrics.arc_room(3)) * 2)
        bar = self.verticalScrollBar()
        if rect.top() - margin < 0:
            bar.setValue(bar.value() + rect.top() - margin)
        elif rect.bottom() + margin > self.viewport().height():
            bar.setValue(bar.value() + rect.bottom() + margin - self.viewport().height())

    # -- mouse --------------------------------------------------------------------------------

    def entity_at(self, pos: QPoint) -> int | None:
        """The entity drawn at a viewport point (the smallest if several)."""
        if self._hits_stale:
            self._layout(self._painter())
        hits = [
            (r.width(), entity_id)
            for r, entity_id in self._hits
            if r.adjusted(-1, -1, 1, 1).contains(QPointF(pos))
        ]
        return min(hits)[1] if hits else None

    def event(self, event: QEvent) -> bool:
        # In a hint mode the picker takes plain keys before the window's shortcuts do.
        if (
            self.key_handler is not None
            and isinstance(event, QKeyEvent)  # as these two types always are
            and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress)
        ):
            if event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier
                | Qt.KeyboardModifier.AltModifier
                | Qt.KeyboardModifier.MetaModifier
            ):
                return super().event(event)
            if event.type() == QEvent.Type.ShortcutOverride:
                event.accept()
                return True
            return self.key_handler(event) or super().event(event)
        return super().event(event)

    @property
    def label_boxes(self) -> list[tuple[QRectF, int]]:
        """Where the last paint drew each relation label (viewport), with its relation."""
        return list(self._label_hits)

    def relation_at(self, pos: QPoint) -> int | None:
        """The relation whose label is drawn at a viewport point."""
        return next(
            (
                relation_id
                for box, relation_id in reversed(self._label_hits)
                if box.contains(QPointF(pos))
            ),
            None,
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.pressed.emit()
        relation_id = self.relation_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and relation_id is not None:
            self.relationClicked.emit(relation_id)
            return
        entity_id = self.entity_at(event.position().toPoint())
        if (
            event.button() == Qt.MouseButton.LeftButton
            and entity_id is not None
            and not event.modifiers()
            & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self._press = event.position().toPoint()
            self._drag_from = entity_id
            self.clear_selection()
            self.entityClicked.emit(entity_id)
            return
        self._drag_from = None
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None and self._press is not None:
            moved = (event.position().toPoint() - self._press).manhattanLength()
            if moved >= QApplication.startDragDistance():
                self._drag_to = event.position().toPoint()
                self.viewport().update()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            head, to = self._drag_from, self._drag_to
            self._drag_from = self._drag_to = self._press = None
            self.viewport().update()
            child = self.entity_at(event.position().toPoint()) if to is not None else None
            self._relayout(shown_changed=False)  # the room for what the press made current
            if child is not None and child != head:
                self.relationDragged.emit(head, child)
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton:
            self._finish_selection(
                by_character=bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            )

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.entity_at(event.position().toPoint()) is not None:
            return
        position = self.cursorForPosition(event.position().toPoint()).position()
        word = self._tokens.word_at(self._offsets.to_py(position))
        if word is None and position > 0:
            word = self._tokens.word_at(self._offsets.to_py(position - 1))
        if word is not None:
            self.select_span(*word)

    def _finish_selection(self, by_character: bool) -> None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            self._selection = None
            return
        start = self._offsets.to_py(cursor.selectionStart())
        end = self._offsets.to_py(cursor.selectionEnd())
        span = (start, end) if by_character else self._tokens.snap(start, end)
        if span is None or span[0] == span[1]:
            self.clear_selection()
            return
        self.select_span(*span)


class _painting:
    """`with _painting(widget) as p:` a QPainter that is always ended."""

    def __init__(self, device: QWidget) -> None:
        self._painter = QPainter(device)

    def __enter__(self) -> QPainter:
        return self._painter

    def __exit__(self, *exc: object) -> None:
        self._painter.end()
