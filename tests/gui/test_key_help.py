"""The keys overlay (F1 or ?): every key the window binds, grouped by task, each beside what it
does, opaque and legible in a light and a dark palette, whole at 1280x720; any key or click
closes it without acting on the article behind, and the keyboard goes back where it was."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from gui_support import one_article_project, open_window
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel

from annotation.model import EntityStatus
from annotation.project.store import Store
from annotation.view.contrast import contrast_ratio
from gui.actions import KEY_GROUPS, SPECS
from gui.app import dark_palette
from gui.key_help import KeyHelp
from gui.main_window import MainWindow

TEXT = "Presiden Joko Widodo bertemu Presiden Prancis Emmanuel Macron di Paris, Senin."
SPANS = [(9, 20, "PER"), (38, 45, "GPE"), (46, 61, "PER"), (65, 70, "GPE")]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return one_article_project(tmp_path, TEXT, SPANS, status=EntityStatus.SUGGESTED)


def open_overlay(qtbot, win: MainWindow) -> KeyHelp:
    qtbot.keyClick(win.pane.view, Qt.Key_F1)
    overlay = win.findChild(KeyHelp)
    assert overlay is not None and overlay.isVisible()
    QApplication.processEvents()
    return overlay


def menu_text(name: str) -> str:
    return SPECS[name][0].replace("&", "").rstrip("…")


def statuses(win: MainWindow) -> list[str]:
    with Store.open(win.workspace.store.path, readonly=True) as store:
        return [e.status for e in store.entities(store.article_ids()[0])]


def test_every_action_with_a_key_is_in_exactly_one_group() -> None:
    grouped = Counter(name for names in KEY_GROUPS.values() for name in names)
    keyed = {name for name, (_, keys, _) in SPECS.items() if keys}
    assert set(grouped) == keyed
    assert max(grouped.values()) == 1


def in_overlay(overlay: KeyHelp, widget: QLabel) -> QRect:
    return QRect(widget.mapTo(overlay, QPoint(0, 0)), widget.size())


def test_each_key_stands_beside_what_it_does(qtbot, path) -> None:
    win = open_window(qtbot, path, (1280, 720))
    overlay = open_overlay(qtbot, win)
    rows = {
        (text.text(), tuple(c.text() for c in caps)): (caps, text)
        for group in overlay.groups
        for caps, text in group.pairs
    }
    for name, action in win.actions._asdict().items():
        keys = tuple(
            k.toString(QKeySequence.NativeText) for k in action.shortcuts() if not k.isEmpty()
        )  # a standard key some platforms leave unbound
        if keys:  # the keys the window really binds, beside the menu's words
            assert (menu_text(name), keys) in rows, (name, keys)
    for entity in win.workspace.schema.entities:
        assert (entity.name, (entity.hotkey,)) in rows
    assert ("Next relation of the entity", ("]",)) in rows
    for caps, text in rows.values():
        key, what = in_overlay(overlay, caps[-1]), in_overlay(overlay, text)
        assert 0 <= what.left() - key.right() <= 12, (text.text(), key, what)
        assert abs(key.center().y() - what.center().y()) <= 4, text.text()


def ink_contrast(image: QImage) -> float:
    """The contrast of a label's text on its background: the most common colour against
    the one that differs most from it."""
    colours = Counter(
        image.pixel(x, y) for x in range(image.width()) for y in range(image.height())
    )

    def rgb(pixel: int) -> tuple[float, float, float]:
        return tuple(((pixel >> shift) & 255) / 255 for shift in (16, 8, 0))

    ground = rgb(colours.most_common(1)[0][0])
    return max(contrast_ratio(ground, rgb(p)) for p in colours)


@pytest.mark.parametrize("dark", [False, True])
@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000)])
def test_opaque_whole_and_legible_in_light_and_dark(qtbot, path, dark, size) -> None:
    win = open_window(qtbot, path, size)
    win.setPalette(dark_palette() if dark else QApplication.style().standardPalette())
    overlay = open_overlay(qtbot, win)
    assert overlay.geometry() == win.rect()
    # Opaque: the window seen through the sheet is the sheet alone, no article behind it.
    behind = win.grab().toImage().convertToFormat(QImage.Format_RGB32)
    alone = overlay.grab().toImage().convertToFormat(QImage.Format_RGB32)
    assert behind == alone
    # Whole: two or more columns, nothing to scroll to, no text cut.
    assert overlay.column_count >= 2
    assert overlay._scroll.verticalScrollBar().maximum() == 0
    sight = overlay.rect()
    for group in overlay.groups:
        for caps, text in group.pairs:
            for label in (*caps, text):
                assert sight.contains(in_overlay(overlay, label)), label.text()
                if not label.wordWrap():
                    assert label.width() >= label.sizeHint().width(), label.text()
    # Legible: each keycap's and description's text, as drawn, at WCAG AA against what is
    # behind it.
    for group in overlay.groups:
        for caps, text in group.pairs:
            for label in (*caps, text):
                image = alone.copy(in_overlay(overlay, label))
                assert ink_contrast(image) >= 4.5, (label.text(), dark)


def test_any_key_closes_it_and_acts_on_nothing_behind(qtbot, path) -> None:
    win = open_window(qtbot, path)
    before = statuses(win)
    overlay = open_overlay(qtbot, win)
    qtbot.keyClick(overlay, Qt.Key_A)  # Accept's key: it must only close the sheet
    qtbot.waitUntil(lambda: win.findChild(KeyHelp) is None)
    assert statuses(win) == before
    assert QApplication.focusWidget() is win.pane.view
    overlay = open_overlay(qtbot, win)
    qtbot.keyClick(overlay, Qt.Key_F1)  # F1 again closes it, and opens no second one
    qtbot.waitUntil(lambda: win.findChild(KeyHelp) is None)


def test_a_click_closes_it_and_the_keyboard_goes_back_where_it_was(qtbot, path) -> None:
    win = open_window(qtbot, path)
    table = win.pane.entity_table
    win.pane.tabs.setCurrentWidget(table)
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key_F1)
    overlay = win.findChild(KeyHelp)
    assert overlay is not None and overlay.hasFocus()
    first = overlay.groups[0].pairs[0][1]  # a click on the text closes it too
    qtbot.mouseClick(first, Qt.LeftButton)
    qtbot.waitUntil(lambda: win.findChild(KeyHelp) is None)
    assert QApplication.focusWidget() is table


def test_in_review_it_lists_the_keys_that_take_a_version(qtbot, path) -> None:
    win = open_window(qtbot, path)
    win._show_pane(["budi", "cici"])
    win.pane.view.setFocus()
    overlay = open_overlay(qtbot, win)
    review = next(g for g in overlay.groups if g.title == "Review")
    rows = [(tuple(c.text() for c in caps), text.text()) for caps, text in review.pairs]
    assert rows == [(("Alt+1",), "Take budi's version"), (("Alt+2",), "Take cici's version")]
