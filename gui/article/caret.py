"""The keyboard caret in the article view: new entities without the mouse.

The caret is the view's selection, always whole words (tokens), so a label's number key
turns it into an entity as it does a mouse selection. Left and Right move it a word,
Ctrl+Left and Ctrl+Right a sentence, Home and End to the first and last word of the line;
Shift+Right and Shift+Left move its end a word, Ctrl+Shift+Left and Ctrl+Shift+Right its
start (the keys that resize the current entity); N and Shift+N jump to the next and
previous gap (a capitalised run no entity covers); Esc drops it. While the caret is out no
entity is current, and making one current (Tab, a click, G) drops the caret. Where the caret
goes is worked out in `annotation.view.caret`; this module only reads the view and selects.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QPainter, QPen, QTextCursor
from PySide6.QtWidgets import QWidget

from annotation.view import caret
from gui.actions import VIEW_ONLY, Actions
from gui.article.search import ArticleSearch


class CaretKeys(QObject):
    """Moves the caret of one pane's article view by the window's caret actions."""

    def __init__(self, pane, actions: Actions) -> None:
        super().__init__(pane.view)
        self.pane, self.view, self.controller = pane, pane.view, pane.controller
        self._bounds: tuple[int, list[int]] | None = None  # (article id, sentence starts)
        self.overlay = CaretOverlay(self.view)
        self.search = ArticleSearch(self.view, self.place)
        a = actions
        for name in sorted(VIEW_ONLY):
            action: QAction = getattr(a, name)
            self.view.addAction(action)
        moves = {
            a.caret_left: lambda: self._word(-1),
            a.caret_right: lambda: self._word(1),
            a.caret_previous_sentence: lambda: self._sentence(-1),
            a.caret_next_sentence: lambda: self._sentence(1),
            a.caret_home: lambda: self._line(True),
            a.caret_end: lambda: self._line(False),
            a.next_gap: lambda: self.gap(1),
            a.previous_gap: lambda: self.gap(-1),
            a.caret_off: self.drop,
            a.find_text: self.search.open,
            a.find_next: lambda: self.search.step(1),
            a.find_previous: lambda: self.search.step(-1),
            a.widen_end: lambda: self._edge("end", 1),
            a.shrink_end: lambda: self._edge("end", -1),
            a.widen_start: lambda: self._edge("start", -1),
            a.shrink_start: lambda: self._edge("start", 1),
        }
        self._moves = moves
        for action in moves:
            # A bound method: Qt drops the connection when this pane's view goes.
            action.triggered.connect(self._on_action)
        self.controller.currentChanged.connect(self._on_current_changed)

    def _on_action(self) -> None:
        sender = self.sender()
        move = self._moves.get(sender) if isinstance(sender, QAction) else None
        if (
            move is not None
            and self.controller.article is not None
            and self.controller.article.text
        ):
            move()

    # -- the caret ----------------------------------------------------------------------------

    @property
    def span(self) -> tuple[int, int] | None:
        """The caret (the view's selection), in `str` offsets; None when there is none."""
        return self.view.selected_span()

    def place(self, span: tuple[int, int] | None, focus: bool = True) -> None:
        """Put the caret on `span` (no entity is current meanwhile) and keep it in sight;
        `focus`: give the view the keyboard (not while typing in the find box)."""
        if span is None:
            return
        if self.controller.current is not None:
            self.controller.set_current(None)
        self.view.select_span(*span)
        if focus:
            self.view.setFocus()
        self._reveal(span)
        self.overlay.show_caret(span)

    def drop(self) -> None:
        self.view.clear_selection()
        self.overlay.show_caret(None)

    def _on_current_changed(self) -> None:
        if self.controller.current is not None and self.view.textCursor().hasSelection():
            self.drop()

    def _origin(self) -> tuple[int, int] | None:
        """Where a move starts: the caret, else the current entity."""
        if (span := self.span) is not None:
            return span
        entity = self.controller.current_entity()
        return (entity.start, entity.end) if entity is not None else None

    def _words(self) -> list[tuple[int, int]]:
        return caret.words(self.controller.tokens, self.controller.article.text)

    def _first_in_sight(self) -> tuple[int, int] | None:
        position = self.view.cursorForPosition(QPoint(0, 0)).position()
        return caret.word_from(self._words(), self.view.offsets.to_py(position))

    def _word(self, by: int) -> None:
        origin = self._origin()
        self.place(
            caret.step(self._words(), origin, by) if origin is not None else self._first_in_sight()
        )

    def _sentence(self, by: int) -> None:
        article = self.controller.article
        if self._bounds is None or self._bounds[0] != article.id:
            self._bounds = (article.id, caret.article_bounds(article.text, self.controller.tokens))
        self.place(caret.sentence_step(self._words(), self._bounds[1], self._origin(), by))

    def _line(self, home: bool) -> None:
        """The first (Home) or last (End) word of the displayed line the caret is on."""
        origin = self._origin() or self._first_in_sight()
        if origin is None:
            return
        offsets = self.view.offsets
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(offsets.to_qt(origin[0]))
        cursor.movePosition(QTextCursor.MoveOperation.StartOfLine)
        lo = offsets.to_py(cursor.position())
        cursor.movePosition(QTextCursor.MoveOperation.EndOfLine)
        hi = offsets.to_py(cursor.position())
        on_line = caret.words_between(self._words(), lo, hi)
        if on_line:
            self.place(on_line[0] if home else on_line[-1])

    def gap(self, by: int) -> None:
        """Put the caret on the next (by 1) or previous (-1) gap, wrapping round."""
        c = self.controller
        found = caret.gaps(c.article.text, c.tokens, [(e.start, e.end) for e in c.entities])
        if not found:
            self.pane.window().statusBar().showMessage(
                "No gap: every capitalised word is in an entity.", 4000
            )
            return
        self.place(caret.next_span(found, self._origin(), by))

    def _edge(self, edge: str, by: int) -> None:
        """Shift(+Ctrl)+arrows resize the caret like an entity; with an entity current
        (and so no caret), the window's resize acts on the entity instead."""
        span = self.span
        if span is None or self.controller.current_entity() is not None:
            return
        self.place(self.controller.tokens.resize(*span, edge, by))

    def _reveal(self, span: tuple[int, int]) -> None:
        """Scroll so that the caret's lines, with their tags and arcs, are in sight."""
        view, offsets = self.view, self.view.offsets
        top = view.cursorRect(_cursor(view, offsets.to_qt(span[0])))
        bottom = view.cursorRect(_cursor(view, offsets.to_qt(span[1])))
        margin = max(8, bottom.height() * 2)
        bar, height = view.verticalScrollBar(), view.viewport().height()
        if top.top() - margin < 0:
            bar.setValue(bar.value() + top.top() - margin)
        elif bottom.bottom() + margin > height:
            bar.setValue(bar.value() + min(top.top() - margin, bottom.bottom() + margin - height))


def _cursor(view, position: int) -> QTextCursor:
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    return cursor


class CaretOverlay(QWidget):
    """Draws the caret over the view's viewport: a bar at the caret's end and a line under
    it, in the palette's text colour (clear on the light and the dark base)."""

    def __init__(self, view) -> None:
        super().__init__(view.viewport())
        self.view = view
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self._span: tuple[int, int] | None = None
        view.viewport().installEventFilter(self)
        for bar in (view.verticalScrollBar(), view.horizontalScrollBar()):
            bar.valueChanged.connect(self._follow)
        self._follow()

    @property
    def caret(self) -> tuple[int, int] | None:
        """The span drawn as the caret, while it is the view's selection."""
        if self._span is not None and self.view.selected_span() != self._span:
            self._span = None
        return self._span

    def show_caret(self, span: tuple[int, int] | None) -> None:
        self._span = span
        self._follow()

    def _follow(self, *_: object) -> None:
        # Scrolling moves the viewport's children with the text: stay over the viewport.
        self.setGeometry(QRect(QPoint(0, 0), self.view.viewport().size()))
        self.raise_()
        self.show()
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._follow()
        return False

    def paintEvent(self, event) -> None:
        span = self.caret
        if span is None:
            return
        view, offsets = self.view, self.view.offsets
        start = view.cursorRect(_cursor(view, offsets.to_qt(span[0])))
        end = view.cursorRect(_cursor(view, offsets.to_qt(span[1])))
        colour = view.palette().text().color()
        with QPainter(self) as p:
            p.setPen(QPen(colour, 2.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.FlatCap))
            x = end.center().x()
            p.drawLine(QPoint(x, end.top() - 1), QPoint(x, end.bottom() + 1))
            if start.top() == end.top():  # one line: underline the caret's words
                p.drawLine(QPoint(start.left(), end.bottom() + 2), QPoint(x, end.bottom() + 2))
