"""The keystroke benchmark's hands: real key and mouse events on the real window, counted.

`Researcher` presses, clicks, drags and scrolls, one action each, and charges it to what it
served (entity, relation, link, article). `Article` (in keystroke_article) carries out the
plan for the open article with it. The window's state is read through its public
properties; the few private reads it needs are in `Peek`.
"""

from __future__ import annotations

import time
from collections import Counter

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QTextCursor, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotation.stats import relation_type_counts
from gui.article_controller import Item
from gui.main_window import MainWindow

RESIZE = {("end", 1): (Qt.Key_Right, Qt.ShiftModifier),
          ("end", -1): (Qt.Key_Left, Qt.ShiftModifier),
          ("start", -1): (Qt.Key_Left, Qt.ControlModifier | Qt.ShiftModifier),
          ("start", 1): (Qt.Key_Right, Qt.ControlModifier | Qt.ShiftModifier)}
NAMED = {"Tab": Qt.Key_Tab, "Return": Qt.Key_Return, "Down": Qt.Key_Down, "Up": Qt.Key_Up,
         "L": Qt.Key_L, "T": Qt.Key_T, "R": Qt.Key_R, "X": Qt.Key_X, "_": Qt.Key_Underscore}
NEVER = 999


def qt_key(name: str) -> tuple:
    """A planned key's name (see keystroke_plan) as a Qt key and modifiers."""
    if name in NAMED:
        return NAMED[name], Qt.NoModifier
    if name.startswith("shift+"):
        return getattr(Qt, f"Key_{name[6:].upper()}"), Qt.ShiftModifier
    return getattr(Qt, f"Key_{name.upper()}"), Qt.NoModifier


class Peek:
    """What the benchmark reads of the window beyond its public face, all in one place:
    (1) which accepted types the picker ranks by (it reads them once an article, at the
    first pair picked; `picker.prior()` would read them now and so change what the window
    does, hence the private look), (2) where a relation's label is drawn (public), (3)
    where the Tab walk stands, and (4) the relation dialog's lists and filter box (to type
    into them)."""

    @staticmethod
    def picker_prior(window: MainWindow) -> dict:
        picker, ws = window.pane.picker, window.workspace
        prior = picker._prior
        return prior if prior is not None else relation_type_counts(ws.store, ws.annotator)

    @staticmethod
    def label_boxes(view, relation_id: int) -> list:
        view.viewport().repaint()  # the boxes are those of the last paint
        return [box for box, rid in view.label_boxes if rid == relation_id]

    @staticmethod
    def reading_position(controller, item) -> tuple:
        return controller._reading_position(item)

    @staticmethod
    def dialog_parts(dialog) -> tuple:
        """(filter box, entity list, type list, rows)."""
        return dialog._filter, dialog._entities, dialog._types, dialog._rows


class Researcher:
    """Drives the window with real events and counts every action by what it served."""

    def __init__(self, app: QApplication, window: MainWindow) -> None:
        self.app, self.window = app, window
        self.actions: Counter = Counter()  # (entity|relation|link|article, gesture) -> n
        self.outcome: Counter = Counter()  # (entity|relation, right|fixed|...) -> n
        self.strategies: Counter = Counter()
        self.notes: Counter = Counter()  # moments the window made awkward

    c = property(lambda self: self.window.pane.controller)
    view = property(lambda self: self.window.pane.view)
    picker = property(lambda self: self.window.pane.picker)

    def activate(self) -> None:
        """Focus the window, as a window manager does (offscreen, also after a dialog)."""
        self.window.activateWindow()
        deadline = time.perf_counter() + 10
        while QApplication.activeWindow() is not self.window and time.perf_counter() < deadline:
            self.app.processEvents()
        self.view.setFocus()

    def key(self, kind: str, gesture: str, key, mods=Qt.NoModifier) -> None:
        QTest.keyClick(self.view, key, mods)
        self.app.processEvents()
        self.actions[kind, gesture] += 1

    def keys(self, kind: str, planned: list) -> None:
        """Press planned keys: (gesture, key name) pairs."""
        for gesture, name in planned:
            self.key(kind, gesture, *qt_key(name))

    def label_key(self, label: str) -> None:
        hotkey = self.window.workspace.schema.entity(label).hotkey
        self.key("entity", "label", getattr(Qt, f"Key_{hotkey}"))

    def caret(self, offset: int):
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(self.view.offsets.to_qt(offset))
        return self.view.cursorRect(cursor)

    def reveal(self, kind: str, start: int, end: int) -> None:
        """Turn the wheel until [start, end) is in sight: one gesture, one action."""
        bar, viewport = self.view.verticalScrollBar(), self.view.viewport()
        first = bar.value()
        for _ in range(200):
            top, bottom, before = self.caret(start).top(), self.caret(end).bottom(), bar.value()
            if top >= 0 and bottom <= viewport.height():
                break
            at = QPointF(viewport.rect().center())
            QApplication.sendEvent(viewport, QWheelEvent(
                at, viewport.mapToGlobal(at), QPoint(), QPoint(0, 120 - 240 * (top >= 0)),
                Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False))
            self.app.processEvents()
            if bar.value() == before:
                break
        if bar.value() != first:
            self.actions[kind, "scroll"] += 1

    def inside(self, entity) -> QPoint:
        """A viewport point on the entity's first character."""
        a, b = self.caret(entity.start).center(), self.caret(entity.start + 1).center()
        at = QPoint((a.x() + b.x()) // 2, a.y()) if a.y() == b.y() else a + QPoint(2, 0)
        if self.view.entity_at(at) != entity.id:
            raise RuntimeError(f"cannot point at entity {entity.id} at {at}")
        return at

    def in_sight(self, entity) -> bool:
        """Well in sight: away from the edges, where pressing on it could scroll the view
        (unless the view is scrolled as far as it goes that way)."""
        rect, height = self.caret(entity.start), self.view.viewport().height()
        bar, margin = self.view.verticalScrollBar(), height // 5
        return rect.top() >= 0 and rect.bottom() <= height and \
            (rect.top() >= margin or bar.value() == 0) and \
            (rect.bottom() + margin <= height or bar.value() == bar.maximum())

    def click(self, kind: str, entity) -> None:
        self.reveal(kind, entity.start, entity.end)
        QTest.mouseClick(self.view.viewport(), Qt.LeftButton, Qt.NoModifier, self.inside(entity))
        self.app.processEvents()
        self.actions[kind, "click"] += 1

    def click_label(self, kind: str, relation) -> None:
        """Make an accepted relation current by a click on its label, which is drawn while
        one of its ends is current: click an end first if need be."""
        c, current = self.c, self.c.current
        if current is None or current.kind != "entity" or \
                current.id not in (relation.head, relation.child):
            self.click(kind, c.entity(relation.head if self.in_sight(c.entity(relation.head))
                                      else relation.child))
        sight = self.view.viewport().rect()
        boxes = [b for b in Peek.label_boxes(self.view, relation.id)
                 if sight.contains(b.center().toPoint())]
        if not boxes:
            raise RuntimeError(f"the label of relation {relation.id} is not in sight")
        QTest.mouseClick(self.view.viewport(), Qt.LeftButton, Qt.NoModifier,
                         boxes[0].center().toPoint())
        self.app.processEvents()
        self.actions[kind, "label click"] += 1

    def drag(self, kind: str, gesture: str, press: QPoint, release: QPoint, mods=Qt.NoModifier):
        viewport = self.view.viewport()
        QTest.mousePress(viewport, Qt.LeftButton, mods, press)
        QTest.mouseMove(viewport, release)
        QTest.mouseRelease(viewport, Qt.LeftButton, mods, release)
        self.app.processEvents()
        self.actions[kind, gesture] += 1

    def select(self, start: int, end: int) -> None:
        """Select [start, end) with one drag: by tokens, or with Alt by character where the
        span is not whole tokens or the press would land on an entity."""
        self.reveal("entity", start, end)
        press = self.caret(start).center() + QPoint(1, 0)
        tokens = self.c.tokens.snap(start, end) == (start, end) and \
            self.view.entity_at(press) is None
        self.drag("entity", "drag" if tokens else "alt-drag", press,
                  self.caret(end).center() - QPoint(1, 0),
                  Qt.NoModifier if tokens else Qt.AltModifier)
        if self.view.selected_span() != (start, end):
            raise RuntimeError(f"drag selected {self.view.selected_span()}, not {(start, end)}")

    def tabs_to(self, item: Item) -> int:
        """Tab presses that make an open suggestion current (NEVER if it is not open)."""
        c = self.c
        items, here = c.open_items(), Peek.reading_position(c, c.current)
        ahead = [i for i in items if Peek.reading_position(c, i) > here]
        return (ahead + [i for i in items if i not in ahead]).index(item) + 1 \
            if item in items else NEVER

    def make_current(self, kind: str, item: Item) -> None:
        """Tab when the item is next in the walk (as often as need be for a relation
        suggestion), else a click on the entity, or on an accepted relation's label."""
        c = self.c
        if c.current == item:
            return
        tabs = self.tabs_to(item)
        if tabs == 1 or (item.kind == "relation" and tabs < NEVER):
            for _ in range(tabs):
                self.key(kind, "tab", Qt.Key_Tab)
        elif item.kind == "relation":
            self.click_label(kind, c.relation(item.id))
        else:
            self.click(kind, c.entity(item.id))
        assert c.current == item, (c.current, item)
