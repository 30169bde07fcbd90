"""The keys overlay (F1 or ?): every key the window binds, grouped by task, over the window.

An opaque sheet in the palette's colours, so it reads the same in a light and a dark theme.
Each group is a card of rows, the keys (one keycap per key) right-aligned against what they
do; the cards flow into as many columns as the window is wide, and scroll if the window is
too low for them. The groups and texts come from `gui.actions` (the menus' own words), the
label keys from the schema. Any key or click closes it, and the keyboard goes back to the
widget that had it.
"""

from __future__ import annotations

from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from annotation.schema import LabelSchema
from gui.actions import key_groups

Row = tuple[list[str], str]  # each key as shown, what it does

MOUSE_ROWS: list[Row] = [
    (["Click"], "Make an entity, or a relation by its label, current"),
    (["Drag"], "Select text (snaps to whole words)"),
    (["Alt+drag"], "Select by character, not by word"),
    (["Double-click"], "Select one word"),
    (["Drag entity → entity"], "Add a relation between them"),
]
LABEL_NOTE = "A label's key labels the selection, or relabels the current entity:"
COLUMN_WIDTH = 400  # a column's width, about: three at 1280 pixels
MOST_COLUMNS = 3


def style_sheet(palette: QPalette) -> str:
    """The sheet's colours, all from the window's palette (named, not `palette(...)`, which
    a widget made before it joins the window would read from the application's): borders
    and keycaps are the text colour mixed into the background, so they show as well in a
    dark theme as in a light one."""
    window, window_text = (
        palette.color(QPalette.ColorRole.Window),
        palette.color(QPalette.ColorRole.WindowText),
    )
    base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)

    def mix(amount: float) -> str:
        return QColor(
            *(
                round(b + (t - b) * amount)
                for b, t in (
                    (base.red(), text.red()),
                    (base.green(), text.green()),
                    (base.blue(), text.blue()),
                )
            )
        ).name()

    return f"""
KeyHelp {{ background: {window.name()}; }}
QLabel {{ color: {window_text.name()}; }}
QLabel#title {{ font-size: 14pt; font-weight: bold; }}
QFrame#group {{ background: {base.name()}; border: 1px solid {mix(0.25)};
               border-radius: 6px; }}
QFrame#group QLabel {{ color: {text.name()}; }}
QLabel#heading {{ font-weight: bold; font-size: 11pt; }}
QLabel#key {{ background: {mix(0.07)}; color: {text.name()}; border: 1px solid {mix(0.45)};
             border-bottom-width: 2px; border-radius: 4px; padding: 0px 5px; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
"""


def _label(text: str, name: str = "", wrap: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # label names come from the schema: never markup
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    return label


def _keys(keys: list[str]) -> tuple[QWidget, list[QLabel]]:
    """The keys of one row, a keycap each, side by side: the row and its keycaps."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(3)
    row.addStretch(1)  # right-aligned: the last key stands next to the description
    caps = [_label(key, "key") for key in keys]
    for cap in caps:
        row.addWidget(cap)
    return box, caps


class KeyGroup(QFrame):
    """One group's card: a heading, then keys and what they do."""

    def __init__(
        self, title: str, rows: list[Row], note: str = "", labels: Sequence[tuple[str, str]] = ()
    ) -> None:
        super().__init__()
        self.setObjectName("group")
        self.title = title
        self.pairs: list[tuple[list[QLabel], QLabel]] = []  # (keycaps, what they do)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 5, 10, 6)
        layout.setSpacing(3)
        layout.addWidget(_label(title, "heading"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(1, 1)
        for i, (keys, what) in enumerate(rows):
            box, caps = _keys(keys)
            text = _label(what, wrap=True)
            # Aligned, not stretched: beside a description on two lines a keycap keeps its
            # height.
            grid.addWidget(box, i, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(text, i, 1)
            self.pairs.append((caps, text))
        layout.addLayout(grid)
        if labels:
            layout.addWidget(_label(note, wrap=True))
            layout.addLayout(self._label_grid(labels))
        self.rows = len(rows) + (2 + len(labels) // 4 if labels else 0)  # about

    def _label_grid(self, labels: Sequence[tuple[str, str]]) -> QGridLayout:
        """The label keys, each key beside its label, a few to a line."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        longest = max(len(name) for _, name in labels)
        across = 4 if longest <= 6 else 3 if longest <= 10 else 2
        for i, (key, name) in enumerate(labels):
            row, col = divmod(i, across)
            box, caps = _keys([key])
            text = _label(name)
            grid.addWidget(box, row, 2 * col)
            grid.addWidget(text, row, 2 * col + 1)
            self.pairs.append((caps, text))
        grid.setColumnStretch(2 * across, 1)
        return grid


def columns_of(heights: list[int], count: int) -> list[int]:
    """Split groups of these heights, kept in order, into `count` columns whose tallest is
    as low as it can be; returns each group's column."""
    best: tuple[int, list[int]] | None = None

    def place(i: int, column: int, filled: list[int], chosen: list[int]) -> None:
        nonlocal best
        if i == len(heights):
            if best is None or max(filled) < best[0]:
                best = (max(filled), list(chosen))
            return
        for c in (column, column + 1):
            if c < count:
                filled[c] += heights[i]
                chosen.append(c)
                place(i + 1, c, filled, chosen)
                chosen.pop()
                filled[c] -= heights[i]

    place(0, 0, [0] * count, [])
    assert best is not None  # the first complete placement sets it
    return best[1]


class KeyHelp(QWidget):
    """An opaque sheet over the window listing every key by task; any key or click closes
    it and gives the keyboard back to where it was."""

    def __init__(
        self,
        parent: QWidget,
        labels: Sequence[tuple[str, str]] = (),
        review: Sequence[Row] = (),
    ) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # The style sheet paints it, opaque.
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet(style_sheet(parent.palette()))
        self._return_to: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 10, 20, 10)
        layout.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(_label("Keys", "title"))
        top.addSpacing(16)
        top.addWidget(
            _label(
                "Press any key or click to close. The menus show the same keys beside each command."
            ),
            1,
        )
        layout.addLayout(top)
        self.groups: list[KeyGroup] = []
        for title, rows in key_groups():
            extra = (LABEL_NOTE, list(labels)) if title == "Entities" and labels else ()
            self.groups.append(KeyGroup(title, rows, *extra))
        if review:  # in review, the keys that take an annotator's version
            self.groups.append(KeyGroup("Review", list(review)))
        self.groups.append(KeyGroup("With the mouse", MOUSE_ROWS))
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        # The keys stay with the sheet, to close it.
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._sheet = QWidget()
        self._columns = QHBoxLayout(self._sheet)
        self._columns.setContentsMargins(0, 0, 0, 0)
        self._columns.setSpacing(12)
        self._scroll.setWidget(self._sheet)
        layout.addWidget(self._scroll, 1)
        self._count = 0
        self._arrange()
        parent.installEventFilter(self)

    @property
    def column_count(self) -> int:
        return self._count

    def _arrange(self) -> None:
        """Flow the groups into as many columns as the width takes."""
        parent = self.parentWidget()
        assert parent is not None  # made over a window
        count = max(1, min(MOST_COLUMNS, parent.width() // COLUMN_WIDTH))
        if count == self._count:
            return
        self._count = count
        while self._columns.count():
            item = self._columns.takeAt(0)
            inner = item.layout() if item is not None else None
            if inner is not None:
                while inner.count():
                    inner.takeAt(0)
        columns = [QVBoxLayout() for _ in range(count)]
        for group, column in zip(self.groups, columns_of([g.rows + 2 for g in self.groups], count)):
            columns[column].addWidget(group)
        for column_layout in columns:
            column_layout.setSpacing(8)
            column_layout.addStretch(1)
            self._columns.addLayout(column_layout, 1)

    def show_over(self) -> None:
        """Cover the window and take the keyboard, remembering who had it."""
        self._return_to = QApplication.focusWidget()
        parent = self.parentWidget()
        assert parent is not None  # made over a window
        self.setGeometry(parent.rect())
        self._arrange()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        parent = self.parentWidget()
        if event.type() == QEvent.Type.Resize and parent is not None and watched is parent:
            self.setGeometry(parent.rect())
            self._arrange()
        return False

    def event(self, event: QEvent) -> bool:
        # Every key is for closing: none may reach the window's shortcuts behind the sheet
        # (A would accept a suggestion nobody can see).
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self.close()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Closing would hand the keyboard to the next widget in the focus chain (the article
        # list's search box, where N or a number would be typed): give it back instead.
        widget = self._return_to
        if widget is not None and shiboken6.isValid(widget) and widget.isVisible():
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
        super().closeEvent(event)


def show_keys(
    window: QWidget, schema: LabelSchema | None, review: Sequence[QAction] = ()
) -> KeyHelp:
    """Open the overlay over `window`, with `schema`'s label keys (none without a project)
    and, in review, the review mode's own actions."""
    labels = [(t.hotkey, t.name) for t in schema.entities if t.hotkey] if schema else []
    rows = [
        ([a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)], a.text().replace("&", ""))
        for a in review
        if not a.shortcut().isEmpty()
    ]
    overlay = KeyHelp(window, labels, rows)
    overlay.show_over()
    return overlay
