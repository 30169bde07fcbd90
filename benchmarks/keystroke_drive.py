"""The keystroke benchmark's hands: real key events on the real window, counted.

`Researcher` presses keys, one action each, and charges it to what it served (entity,
relation, link, article). Entities are made current by G and their hint letters (PageDown or
PageUp first while they are out of sight), missing ones drawn with the caret, gap and find
keys; a relation by Tab while it is an open suggestion, or, accepted too, by ] and [ from
one of its ends or Ctrl+] and Ctrl+[ through the article, whichever takes fewest keys. No
gesture needs the mouse (--mouse lets a relation be added by a drag). `Article` (in
keystroke_article) carries out the plan for the open article with it. The window's state is
read through its public properties; the few private reads it needs are in `Peek`.
"""

from __future__ import annotations

import time
from collections import Counter

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotation.project.stats import relation_type_counts
from annotation.view import caret
from annotation.view.relation_picking import hint_codes
from benchmarks import keystroke_caret
from gui.article.controller import Item
from gui.main_window import MainWindow

RESIZE = {
    ("end", 1): (Qt.Key_Right, Qt.ShiftModifier),
    ("end", -1): (Qt.Key_Left, Qt.ShiftModifier),
    ("start", -1): (Qt.Key_Left, Qt.ControlModifier | Qt.ShiftModifier),
    ("start", 1): (Qt.Key_Right, Qt.ControlModifier | Qt.ShiftModifier),
}
NAMED = {
    "Tab": Qt.Key_Tab,
    "Return": Qt.Key_Return,
    "Down": Qt.Key_Down,
    "Up": Qt.Key_Up,
    "Right": Qt.Key_Right,
    "Left": Qt.Key_Left,
    "Escape": Qt.Key_Escape,
    "PageDown": Qt.Key_PageDown,
    "PageUp": Qt.Key_PageUp,
    "/": Qt.Key_Slash,
    "L": Qt.Key_L,
    "T": Qt.Key_T,
    "R": Qt.Key_R,
    "X": Qt.Key_X,
    "_": Qt.Key_Underscore,
}
MODIFIERS = {"shift": Qt.ShiftModifier, "ctrl": Qt.ControlModifier}
NEVER = 999


def qt_key(name: str) -> tuple:
    """A planned key's name (see keystroke_plan: "Right", "shift+a", "ctrl+shift+Left") as a
    Qt key and modifiers."""
    *held, key = name.split("+") if name != "+" else ["+"]
    mods = Qt.NoModifier
    for m in held:
        mods |= MODIFIERS[m]
    return NAMED.get(key) or getattr(Qt, f"Key_{key.upper()}"), mods


class Peek:
    """What the benchmark reads of the window beyond its public face, all in one place:
    (1) which accepted types the picker ranks by (it reads them once an article, at the
    first pair picked; `picker.prior()` would read them now and so change what the window
    does, hence the private look), (2) where the Tab walk stands, and (3) the relation
    dialog's lists and filter box (to type into them)."""

    @staticmethod
    def picker_prior(window: MainWindow) -> dict:
        picker, ws = window.pane.picker, window.workspace
        prior = picker._prior
        return prior if prior is not None else relation_type_counts(ws.store, ws.annotator)

    @staticmethod
    def reading_position(controller, item) -> tuple:
        return controller._reading_position(item)

    @staticmethod
    def first_in_sight(window: MainWindow):
        """The word the caret takes first without an origin."""
        return window.caret._first_in_sight()

    @staticmethod
    def dialog_parts(dialog) -> tuple:
        """(filter box, entity list, type list, rows)."""
        return dialog._filter, dialog._entities, dialog._types, dialog._rows


class Researcher:
    """Drives the window with real events and counts every action by what it served."""

    def __init__(self, app: QApplication, window: MainWindow, mouse: bool = False) -> None:
        self.app, self.window = app, window
        self.actions: Counter = Counter()  # (entity|relation|link|article, gesture) -> n
        self.outcome: Counter = Counter()  # (entity|relation, right|fixed|...) -> n
        self.strategies: Counter = Counter()
        self.notes: Counter = Counter()  # moments the window made awkward
        self._bounds: dict[int, list[int]] = {}  # sentence starts, by article
        self.mouse = mouse  # may a relation be added by a drag between its ends

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

    def press(self, kind: str, planned: list) -> None:
        """Press planned keys on the widget with focus (the find box while it is open); a
        typed character ("find type") goes as its text."""
        for gesture, name in planned:
            widget = QApplication.focusWidget() or self.view
            if gesture == "find type":
                QTest.keyClicks(widget, name)
            else:
                QTest.keyClick(widget, *qt_key(name))
            self.app.processEvents()
            self.actions[kind, gesture] += 1

    def label_key(self, label: str) -> None:
        hotkey = self.window.workspace.schema.entity(label).hotkey
        self.key("entity", "label", getattr(Qt, f"Key_{hotkey}"))

    def caret(self, offset: int):
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(self.view.offsets.to_qt(offset))
        return self.view.cursorRect(cursor)

    def reveal_by_keys(self, kind: str, entity) -> None:
        """PageDown or PageUp until the entity is in sight, one action each."""
        for _ in range(200):
            if any(e.id == entity.id for e in self.view.visible_entities()):
                return
            down = self.caret(entity.start).top() >= self.view.viewport().height()
            self.key(kind, "page", Qt.Key_PageDown if down else Qt.Key_PageUp)
        raise RuntimeError(f"PageDown and PageUp do not bring {entity} in sight")

    def go_to(self, kind: str, entity) -> None:
        """Make an entity current by keys: in sight, G, its hint letters."""
        self.reveal_by_keys(kind, entity)
        self.key(kind, "G", Qt.Key_G)
        code = next((code for code, i in self.picker.hints.items() if i == entity.id), None)
        if code is None:
            raise RuntimeError(f"G offers no hint for {entity}: {self.picker.hints}")
        for ch in code:
            self.key(kind, "hint", getattr(Qt, f"Key_{ch.upper()}"))

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
        return (
            rect.top() >= 0
            and rect.bottom() <= height
            and (rect.top() >= margin or bar.value() == 0)
            and (rect.bottom() + margin <= height or bar.value() == bar.maximum())
        )

    def drag(self, kind: str, gesture: str, press: QPoint, release: QPoint, mods=Qt.NoModifier):
        viewport = self.view.viewport()
        QTest.mousePress(viewport, Qt.LeftButton, mods, press)
        QTest.mouseMove(viewport, release)
        QTest.mouseRelease(viewport, Qt.LeftButton, mods, release)
        self.app.processEvents()
        self.actions[kind, gesture] += 1

    def keyboard_select(self, start: int, end: int) -> None:
        """Select [start, end) by keys: the caret's moves and resize keys, or "/" and the
        text typed, whichever takes fewer (planned by keystroke_caret)."""
        c, target = self.c, (start, end)
        text, span, entity = c.article.text, self.view.selected_span(), c.current_entity()
        origin = span or ((entity.start, entity.end) if entity is not None else None)
        if c.article.id not in self._bounds:
            self._bounds[c.article.id] = caret.article_bounds(text, c.tokens)
        ways = [
            keys
            for keys in (
                keystroke_caret.caret_keys(
                    text,
                    c.tokens,
                    self._bounds[c.article.id],
                    [(e.start, e.end) for e in c.entities],
                    origin,
                    span is not None,
                    Peek.first_in_sight(self.window),
                    target,
                ),
                keystroke_caret.search_keys(text, target, span),
            )
            if keys is not None
        ]
        if not ways:
            raise RuntimeError(f"no keys select {target}")
        self.press("entity", min(ways, key=len))
        if self.view.selected_span() != target:
            raise RuntimeError(f"the keys selected {self.view.selected_span()}, not {target}")

    def tabs_to(self, item: Item) -> int:
        """Tab presses that make an open suggestion current (NEVER if it is not open)."""
        c = self.c
        items, here = c.open_items(), Peek.reading_position(c, c.current)
        ahead = [i for i in items if Peek.reading_position(c, i) > here]
        return (
            (ahead + [i for i in items if i not in ahead]).index(item) + 1
            if item in items
            else NEVER
        )

    def go_cost(self, entity) -> int:
        """The keys G takes to make an entity current: G and its hint letters when it is in
        sight; out of sight a PageDown or two more (an estimate)."""
        in_sight = [e.id for e in self.view.visible_entities()]
        if entity.id not in in_sight:
            return 4
        return 1 + len(hint_codes(len(in_sight))[in_sight.index(entity.id)])

    def relation_ways(self, item: Item) -> list[tuple]:
        """The ways to make a relation current, cheapest first: (keys, way, the entity to
        go to first or None, key, presses). Tab while it is an open suggestion; ] or [
        from one of its ends (G to that end first unless the walk is already with it);
        Ctrl+] or Ctrl+[ through the article from where the current item is."""
        c, walk = self.c, self.window.relation_walk
        relation, ways = c.relation(item.id), []
        if (tabs := self.tabs_to(item)) < NEVER:
            ways.append((tabs, 0, "tab", None, (Qt.Key_Tab, Qt.NoModifier), tabs))
        anchor = walk.anchor()
        for end in (c.entity(relation.head), c.entity(relation.child)):
            ring = [None] + [r.id for r in walk.of_entity(end)]
            here = anchor is not None and anchor.id == end.id
            at = ring.index(c.current.id) if here and c.current.kind == "relation" else 0
            before = 0 if here else self.go_cost(end)
            to = ring.index(item.id)
            for n, key in (
                ((to - at) % len(ring), Qt.Key_BracketRight),
                ((at - to) % len(ring), Qt.Key_BracketLeft),
            ):
                ways.append(
                    (
                        before + n,
                        1,
                        "]" if key == Qt.Key_BracketRight else "[",
                        None if here else end,
                        (key, Qt.NoModifier),
                        n,
                    )
                )
        ids = [r.id for r in walk.in_article()]
        for step, key, name in (
            (1, Qt.Key_BracketRight, "ctrl+]"),
            (-1, Qt.Key_BracketLeft, "ctrl+["),
        ):
            first = walk.landing(step)
            n = 1 + (ids.index(item.id) - first) * step % len(ids)
            ways.append((n, 2, name, None, (key, Qt.ControlModifier), n))
        return sorted(ways, key=lambda w: w[:2])

    def make_current(self, kind: str, item: Item) -> None:
        """An entity: Tab when it is next in the walk, else G and its letters. A relation:
        the fewest keys of Tab, ] or [ from an end, Ctrl+] or Ctrl+[ (relation_ways)."""
        c = self.c
        if c.current == item:
            return
        if item.kind == "relation":
            _, _, name, end, key, presses = self.relation_ways(item)[0]
            if end is not None:
                self.go_to(kind, end)
            for _ in range(presses):
                self.key(kind, name, *key)
        elif self.tabs_to(item) == 1:
            self.key(kind, "tab", Qt.Key_Tab)
        else:
            self.go_to(kind, c.entity(item.id))
        assert c.current == item, (c.current, item)
