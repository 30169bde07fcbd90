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
        "Labels",
        "Entities",
        "Relations",
        "Article",
    ]
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


def visible_lines(view) -> int:
    """How many lines of text the article view shows whole."""
    top, height = view.verticalScrollBar().value(), view.viewport().height()
    count, block = 0, view.document().begin()
    while block.isValid():
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            y = layout.position().y() + line.y() - top
            count += bool(line.textLength()) and y >= 0 and y + line.height() <= height
        block = block.next()
    return count


@pytest.fixture
def corpus_window(qtbot, tmp_path, corpus_files):
    """The window at 1280x720 on the first corpus article, with its suggestions made."""
    from cli.main import run

    path = tmp_path / "corpus.sorot"
    assert run(["import", str(path), str(corpus_files[0])]) == 0
    return open_window(qtbot, path, size=(1280, 720))


def test_the_window_leaves_room_for_15_lines_at_1280x720(qtbot, corpus_window) -> None:
    view = corpus_window.pane.view
    assert len(corpus_window.pane.controller.relations) > 10  # a typical article
    view.set_focus_mode("none")  # lines without room for arcs: what the chrome leaves
    qtbot.waitUntil(lambda: visible_lines(view) >= 15)


def test_15_lines_show_with_the_relations_drawn(qtbot, corpus_window) -> None:
    """Focus mode "current": each line has room for its own arcs, the current entity's
    labelled and the others thin."""
    view = corpus_window.pane.view
    assert view.focus_mode == "current" and corpus_window.pane.controller.current is not None
    assert visible_lines(view) >= 15
