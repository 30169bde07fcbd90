"""The window at a small laptop's size (1280x720): nothing the researcher needs is cut off."""

from __future__ import annotations

import pytest
from gui_support import one_article_project, open_window
from PySide6.QtWidgets import QToolButton

TEXT = "Presiden Joko Widodo bertemu Menlu Retno Marsudi di Istana Bogor, Jakarta, Senin."


@pytest.mark.parametrize("size", [(1280, 720), (1600, 1000)])
def test_every_side_tab_name_is_shown_whole(qtbot, tmp_path, size) -> None:
    window = open_window(qtbot, one_article_project(tmp_path, TEXT, []), size=size)
    bar = window.pane.tabs.tabBar()
    assert [bar.tabText(i) for i in range(bar.count())] == [
        "Labels", "Entities", "Relations", "Article"]
    assert bar.sizeHint().width() <= bar.width()
    assert not any(b.isVisible() for b in bar.findChildren(QToolButton))  # scroll arrows
    for i in range(bar.count()):
        assert bar.rect().contains(bar.tabRect(i))


def test_the_review_tab_fits_too(qtbot, tmp_path) -> None:
    window = open_window(qtbot, one_article_project(tmp_path, TEXT, []), size=(1280, 720))
    window._show_pane(["ana"])  # review ana's work, as Review → Start does
    bar = window.pane.tabs.tabBar()
    qtbot.waitUntil(lambda: bar.isVisible())
    assert bar.tabText(0) == "Review"
    assert bar.sizeHint().width() <= bar.width()
    assert not any(b.isVisible() for b in bar.findChildren(QToolButton))
