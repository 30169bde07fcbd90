"""Every shortcut of every action in the window, label keys and review keys included: no key
may be bound twice where both could fire, or Qt reports an ambiguous shortcut and does
nothing (on X11 "Shift+Tab" and "Backtab" are one key)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from gui_support import one_article_project, open_window
from PySide6.QtCore import QKeyCombination, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from gui.main_window import MainWindow

WINDOW_WIDE = (Qt.WindowShortcut, Qt.ApplicationShortcut)


MODIFIERS = 0xFE000000  # Qt::KeyboardModifierMask


def canonical(combination: QKeyCombination) -> int:
    """One key as Qt's combined int, with the names that mean the same key made one:
    Backtab is Shift+Tab (with or without the Shift spelt out)."""
    combined = combination.toCombined()
    key, mods = combined & ~MODIFIERS, combined & MODIFIERS
    if key == Qt.Key_Backtab.value:
        key, mods = Qt.Key_Tab.value, mods | Qt.ShiftModifier.value
    return key | mods


def canonical_sequence(sequence: QKeySequence) -> tuple:
    return tuple(canonical(sequence[i]) for i in range(sequence.count()))


def places(owner: QAction | QShortcut) -> list[QWidget] | None:
    """The widgets whose focus lets a widget-scoped shortcut fire; None: the whole window."""
    context = owner.shortcutContext()
    if context in WINDOW_WIDE:
        return None
    if isinstance(owner, QShortcut):
        return [owner.parentWidget()]
    return [w for w in owner.associatedObjects() if isinstance(w, QWidget)]


def overlap(a: list[QWidget] | None, b: list[QWidget] | None) -> bool:
    """Can both fire at once: one is window-wide, or one's widget is (inside) the other's."""
    if a is None or b is None:
        return True
    return any(x is y or x.isAncestorOf(y) or y.isAncestorOf(x) for x in a for y in b)


def bindings(window: MainWindow) -> list[tuple[str, QAction | QShortcut, list[QKeySequence]]]:
    found = []
    for action in window.findChildren(QAction):
        if action.shortcuts():
            found.append((action.text() or action.objectName(), action, action.shortcuts()))
    for shortcut in window.findChildren(QShortcut):
        keys = shortcut.keys() if hasattr(shortcut, "keys") else [shortcut.key()]
        found.append(
            (shortcut.objectName() or "QShortcut", shortcut, [k for k in keys if not k.isEmpty()])
        )
    return found


def clashes(window: MainWindow) -> list[str]:
    """What is bound twice: two sequences of one action that are one key, or one key on two
    enabled actions (or shortcuts) that can fire together."""
    problems = []
    by_key = defaultdict(list)
    for name, owner, sequences in bindings(window):
        seen: dict[tuple, str] = {}
        for sequence in sequences:
            key = canonical_sequence(sequence)
            if key in seen:
                problems.append(
                    f"{name!r}: {seen[key]!r} and {sequence.toString()!r} are one "
                    "key (Qt: ambiguous shortcut overload)"
                )
            seen[key] = sequence.toString()
            if owner.isEnabled():
                by_key[key].append((name, owner))
    for key, owners in by_key.items():
        for i, (name, owner) in enumerate(owners):
            for other_name, other in owners[i + 1 :]:
                if other is not owner and overlap(places(owner), places(other)):
                    shown = QKeySequence(*map(QKeyCombination.fromCombined, key)).toString()
                    problems.append(f"{name!r} and {other_name!r} share a key {shown!r}")
    return problems


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    text = "Presiden Joko Widodo bertemu Emmanuel Macron di Jakarta."
    path = one_article_project(tmp_path, text, [(9, 20, "PER")])
    return open_window(qtbot, path)


def test_the_canonical_key_makes_backtab_shift_tab() -> None:
    assert (
        canonical_sequence(QKeySequence("Backtab"))
        == canonical_sequence(QKeySequence("Shift+Tab"))
        == canonical_sequence(QKeySequence("Shift+Backtab"))
    )
    assert canonical_sequence(QKeySequence("Tab")) != canonical_sequence(QKeySequence("Shift+Tab"))
    assert canonical_sequence(QKeySequence("Return")) != canonical_sequence(QKeySequence("Enter"))


def test_no_key_is_bound_twice_in_the_annotating_window(window: MainWindow) -> None:
    names = {name for name, _, _ in bindings(window)}
    assert {"&Previous suggestion", "&Next suggestion", "PER"} <= names  # label keys too
    assert {"Next relation of the entity", "Previous relation in the article"} <= names
    assert clashes(window) == []


def test_no_key_is_bound_twice_in_review(window: MainWindow) -> None:
    window._show_pane(["budi", "cici"])
    assert any(a.text().startswith("Take budi") for a in window.findChildren(QAction))
    assert clashes(window) == []


def test_a_key_bound_twice_is_found(window: MainWindow) -> None:
    twice = QAction("twice", window)
    twice.setShortcuts([QKeySequence("Shift+Tab"), QKeySequence("Backtab")])
    window.addAction(twice)
    again = QAction("again", window)
    again.setShortcut(QKeySequence("V"))
    window.addAction(again)
    found = clashes(window)
    assert any("'twice'" in p and "one key" in p for p in found), found
    assert any("'again'" in p and "share a key" in p for p in found), found
    again.setEnabled(False)  # a disabled action takes no key
    assert not any("'again'" in p for p in clashes(window))
