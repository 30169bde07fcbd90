"""Find in the open article: "/" opens a box over the view's top right corner; as you type,
the caret goes to the first match from where it stood, Enter and Shift+Enter (or F3 and
Shift+F3, box open or not) go to the next and previous match, and Esc closes the box with
the caret left on the match, so that a label's number key makes it an entity.

A match is selected as typed, by character (as Alt+drag selects), so a part of a word can be
labelled too. Ctrl+F still searches the article list.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit

from annotation.view import caret

WIDTH = 260


class ArticleSearch(QLineEdit):
    """The find box of one article view; `place` puts the caret on a span."""

    def __init__(self, view, place) -> None:
        super().__init__(view)
        self.view, self._place = view, place
        self.setPlaceholderText("Find in article (Enter: next, Esc: close)")
        self.setClearButtonEnabled(True)
        self.setAccessibleName("Find in article")
        self.hide()
        self._from: int = 0  # where typing searches from: the caret when the box opened
        self.textEdited.connect(self._on_edited)
        view.installEventFilter(self)

    def open(self) -> None:
        span = self.view.selected_span()
        self._from = span[0] if span is not None else 0
        self._follow()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()

    def close_box(self) -> None:
        self.hide()
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def step(self, by: int) -> bool:
        """The caret on the next (1) or previous (-1) match, wrapping round."""
        if not self.text():
            self.open()
            return False
        found = caret.matches(self.view.offsets.text, self.text())
        if not found:
            self._say(f"“{self.text()}” is not in this article")
            return False
        span = self.view.selected_span()
        self._place(caret.next_span(found, span, by), focus=False)
        return True

    def _on_edited(self, typed: str) -> None:
        found = caret.matches(self.view.offsets.text, typed)
        if not found:
            if typed:
                self._say(f"“{typed}” is not in this article")
            return
        at = next((m for m in found if m[0] >= self._from), found[0])
        self._place(at, focus=False)

    def _say(self, message: str) -> None:
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(message, 4000)

    def _follow(self) -> None:
        width = min(WIDTH, max(120, self.view.width() - 24))
        self.setGeometry(self.view.width() - width - 18, 6, width, self.sizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.isVisible():
            self._follow()
        return False

    def event(self, event: QEvent) -> bool:
        # Enter and Esc are the box's own while it has focus, not the window's Accept.
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)  # as a shortcut override always is
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape)
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.step(-1 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1)
        elif event.key() == Qt.Key.Key_Escape:
            self.close_box()
        else:
            super().keyPressEvent(event)
