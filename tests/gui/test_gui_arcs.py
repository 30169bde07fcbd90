"""Relations as the researcher sees them: arc labels that never collide or cross text, room
only where a line has arcs, readable labels in both palettes, focus modes, the panel."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_support import one_article_project, open_window, spans_of
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from annotation.model import EntityStatus, NewRelation
from annotation.view.contrast import contrast_ratio
from gui.app import dark_palette
from gui.article.controller import Item
from gui.article.paint import SUGGESTED, label_colours
from gui.main_window import MainWindow
from gui.window_state import qsettings

LINE = (
    "Presiden Joko Widodo bertemu Presiden Prancis Emmanuel Macron dan Kanselir Jerman "
    "Olaf Scholz di Paris."
)
TEXT = f"Judul Tanpa Nama\n\n{LINE}\n\nParagraf ini tidak menyebut siapa pun.\n"
SPANS = [
    ("Presiden", "ROLE", 0),
    ("Joko Widodo", "PER", 0),
    ("Presiden", "ROLE", 1),
    ("Prancis", "GPE", 0),
    ("Emmanuel Macron", "PER", 0),
    ("Kanselir", "ROLE", 0),
    ("Jerman", "GPE", 0),
    ("Olaf Scholz", "PER", 0),
    ("Paris", "GPE", 0),
]
# (head, child, label) by index into SPANS: many on one line, nested and crossing.
RELATIONS = [
    (1, 0, "HOLDS_ROLE"),
    (4, 2, "HOLDS_ROLE"),
    (4, 3, "REPRESENTS"),
    (7, 5, "HOLDS_ROLE"),
    (7, 6, "REPRESENTS"),
    (1, 4, "MEETS"),
    (1, 7, "MEETS"),
    (1, 8, "VISITS"),
    (4, 8, "VISITS"),
    (7, 8, "VISITS"),
]


def find(surface: str, nth: int = 0) -> int:
    return spans_of(TEXT, [(surface, "", nth)])[0][0]


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    spans = spans_of(TEXT, SPANS)
    relations = [
        NewRelation(h, c, label, status=EntityStatus.SUGGESTED if i % 3 else EntityStatus.ACCEPTED)
        for i, (h, c, label) in enumerate(RELATIONS)
    ]
    return open_window(qtbot, one_article_project(tmp_path, TEXT, spans, relations), (1500, 800))


def paint(win: MainWindow) -> list[tuple[QRectF, int]]:
    """Paint the view once; the label boxes it drew."""
    view = win.pane.view
    view.viewport().repaint()
    return list(view._label_hits)


def line_rects(win: MainWindow) -> list[QRectF]:
    """Every line of text, in viewport coordinates."""
    view, rects = win.pane.view, []
    doc = view.document()
    scroll = QPointF(0, -view.verticalScrollBar().value())
    block = doc.begin()
    while block.isValid():
        layout = block.layout()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if line.textLength() > 1:
                rect = line.rect().translated(layout.position()).translated(scroll)
                rects.append(rect)
        block = block.next()
    return rects


def test_all_labels_are_drawn_apart_and_above_their_line(window) -> None:
    window.pane.view.set_focus_mode("all")
    window.pane.controller.set_current(None)
    hits = paint(window)
    boxes = [box for box, _ in hits]
    assert len({relation_id for _, relation_id in hits}) == len(RELATIONS)
    view = window.pane.view.viewport().rect()
    assert all(box.left() >= 0 and box.right() <= view.width() for box in boxes)
    for i, a in enumerate(boxes):
        for b in boxes[:i]:
            assert not a.intersects(b), (a, b)
    lines = line_rects(window)
    for box in boxes:  # no label lies on any line of text
        assert not any(box.intersects(line) for line in lines)


def test_only_lines_with_arcs_get_room_for_them(window) -> None:
    view = window.pane.view
    view.set_focus_mode("all")
    doc = view.document()
    blocks = {
        doc.findBlockByNumber(n).text(): doc.findBlockByNumber(n) for n in range(doc.blockCount())
    }
    with_arcs = blocks[LINE].blockFormat()
    without = blocks["Paragraf ini tidak menyebut siapa pun."].blockFormat()
    assert with_arcs.topMargin() > 3 * view._metrics.label_height  # several levels
    assert without.topMargin() == 0
    assert without.lineHeight() == pytest.approx(view._metrics.tag_room)
    view.set_focus_mode("none")  # no arcs drawn: no room kept for them
    assert blocks[LINE].blockFormat().topMargin() == 0


def test_focus_mode_labels_only_the_current_entitys_relations(qtbot, window) -> None:
    view, c = window.pane.view, window.pane.controller
    assert view.focus_mode == "current"  # the default
    scholz = next(e for e in c.entities if TEXT[e.start : e.end] == "Olaf Scholz")
    c.set_current(Item("entity", scholz.id))
    drawn = {relation_id for _, relation_id in paint(window)}
    touching = {r.id for r in c.relations if scholz.id in (r.head, r.child)}
    assert drawn == touching and len(touching) == 4
    qtbot.keyClick(view, Qt.Key_V)
    assert view.focus_mode == "all"
    assert len({relation_id for _, relation_id in paint(window)}) == len(RELATIONS)
    qtbot.keyClick(view, Qt.Key_V)
    assert view.focus_mode == "none" and paint(window) == []
    assert qsettings().value("view/relations") == "none"
    assert "none" in window.actions.relations_shown.text()
    qtbot.keyClick(view, Qt.Key_V)
    assert view.focus_mode == "current"


def test_a_click_on_a_label_makes_its_relation_current_and_outlines_both_ends(
    qtbot, window
) -> None:
    view, c = window.pane.view, window.pane.controller
    view.set_focus_mode("all")
    c.set_current(None)
    box, relation_id = paint(window)[0]
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=box.center().toPoint())
    assert c.current == Item("relation", relation_id)
    assert (
        window.pane.relation_table.selectionModel().selectedRows()[0].data(Qt.UserRole)
        == relation_id
    )
    # Both ends carry the highlight ring.
    image = view.viewport().grab().toImage()
    highlight = view.palette().color(QPalette.Highlight)
    relation = c.relation(relation_id)
    for end in (relation.head, relation.child):
        rect = view._painter().rects(view._by_id[end])[0]
        ring = [
            image.pixelColor(QPoint(int(rect.left()) - 3, y))
            for y in range(int(rect.top()), int(rect.bottom()))
        ]
        assert any(_near(pixel, highlight) for pixel in ring)


def _near(a, b) -> bool:
    return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue()) < 60


def test_the_relations_panel_lists_both_ends_in_reading_order_and_selects(qtbot, window) -> None:
    table, c = window.pane.relation_table, window.pane.controller
    model = table.model()
    rows = [[model.index(row, col).data() for col in range(4)] for row in range(model.rowCount())]
    assert rows[0][:3] == ["Joko Widodo", "HOLDS_ROLE", "Presiden"]  # starts at offset 0
    ids = [model.index(row, 0).data(Qt.UserRole) for row in range(model.rowCount())]
    firsts = [
        min(c.entity(c.relation(i).head).start, c.entity(c.relation(i).child).start) for i in ids
    ]
    assert firsts == sorted(firsts)
    assert all(r[0] and r[2] and "…" not in r[0] for r in rows)
    # The Head column is wide enough for a name.
    assert table.columnWidth(0) > table.fontMetrics().horizontalAdvance("Emmanuel Macron")
    index = model.index(3, 0)
    window.pane.tabs.setCurrentWidget(table)
    qtbot.mouseClick(table.viewport(), Qt.LeftButton, pos=table.visualRect(index).center())
    assert c.current == Item("relation", index.data(Qt.UserRole))
    qtbot.keyClick(table, Qt.Key_Down)  # the keyboard chooses as the mouse does
    assert c.current == Item("relation", model.index(4, 0).data(Qt.UserRole))


@pytest.mark.parametrize("dark", [False, True])
def test_labels_read_at_wcag_aa_in_both_palettes(qtbot, dark) -> None:
    palette = dark_palette() if dark else QApplication.style().standardPalette()
    for status in (SUGGESTED, EntityStatus.ACCEPTED):
        ink, background = label_colours(palette, status)
        assert contrast_ratio(ink.getRgbF()[:3], background.getRgbF()[:3]) >= 4.5
    # The hint badges: black on yellow.
    assert contrast_ratio((0, 0, 0), (1.0, 0xD8 / 255, 0x4D / 255)) >= 4.5


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 720)])
def test_corpus_articles_with_every_relation_drawn_have_no_label_collisions(
    qtbot, tmp_path, corpus_files, size
) -> None:
    from cli.main import run as cli

    path = tmp_path / "corpus.sorot"
    assert cli(["import", str(path), *map(str, corpus_files[:2]), "--annotator", "ana"]) == 0
    win = open_window(qtbot, path, size)
    view = win.pane.view
    view.set_focus_mode("all")
    checked = 0
    for article_id in win.workspace.store.article_ids():
        win.pane.open_article(article_id)
        win.pane.controller.set_current(None)
        qtbot.wait(20)  # the new text is laid out in the event loop
        assert win.pane.controller.relations  # the suggesters found some
        bar = view.verticalScrollBar()
        for value in range(0, bar.maximum() + 1, max(1, view.viewport().height() // 2)):
            bar.setValue(value)
            boxes = [box for box, _ in paint(win)]
            lines = line_rects(win)
            for i, a in enumerate(boxes):
                assert not any(a.intersects(b) for b in boxes[:i]), a
                assert not any(a.intersects(line) for line in lines), a
            checked += len(boxes)
    assert checked > 20
