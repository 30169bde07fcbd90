"""Room between lines, line by line: a line gets the room its own arcs need, the relations out
of focus take a thin band, and the text stays where the researcher is looking and clicking."""

from __future__ import annotations

import pytest
from gui_support import one_article_project, open_window, spans_of
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, QTimer
from PySide6.QtWidgets import QApplication

from annotation.model import EntityStatus, NewRelation
from gui.article.controller import Item
from gui.main_window import MainWindow

FILLER = (
    "Pertemuan itu berlangsung di tengah cuaca yang cerah dan para wartawan menunggu "
    "di luar gedung sejak pagi hari sementara petugas keamanan berjaga di setiap pintu "
    "masuk dan keluar, lalu rombongan tiba tidak lama kemudian dengan mobil hitam yang "
    "berjalan pelan melewati kerumunan warga yang ingin melihat dari dekat."
)
TEXT = (
    f"Kunjungan Kenegaraan\n\n{FILLER} Jokowi dan Macron lalu berangkat ke Bogor.\n\n"
    "Kedua pemimpin membahas kerja sama. Scholz tiba kemudian.\n\n" + f"{FILLER}\n" * 3
)
SPANS = [("Jokowi", "PER", 0), ("Macron", "PER", 0), ("Bogor", "GPE", 0), ("Scholz", "PER", 0)]
RELATIONS = [(0, 1, "MEETS"), (1, 2, "VISITS")]


@pytest.fixture
def window(qtbot, tmp_path) -> MainWindow:
    relations = [
        NewRelation(h, c, label, status=EntityStatus.ACCEPTED) for h, c, label in RELATIONS
    ]
    path = one_article_project(tmp_path, TEXT, spans_of(TEXT, SPANS), relations)
    return open_window(qtbot, path, (1000, 700))


def entity(win: MainWindow, surface: str):
    return next(e for e in win.pane.controller.entities if TEXT[e.start : e.end] == surface)


def lines_of(win: MainWindow, paragraph: int) -> list[QRectF]:
    """The lines of one paragraph (block number), top to bottom, in document coordinates."""
    block = win.pane.view.document().findBlockByNumber(paragraph)
    layout = block.layout()
    return [
        layout.lineAt(i).rect().translated(layout.position()) for i in range(layout.lineCount())
    ]


def line_of(win: MainWindow, surface: str) -> int:
    """Which line of the long paragraph a word is on."""
    view = win.pane.view
    position = view.offsets.to_qt(TEXT.index(surface))
    block = view.document().findBlock(position)
    return block.layout().lineForTextPosition(position - block.position()).lineNumber()


def arc_lines(win: MainWindow) -> set[int]:
    """The lines of the long paragraph where relations have an end."""
    return {line_of(win, surface) for surface in ("Jokowi", "Macron", "Bogor")}


def room_above(win: MainWindow, lines: list[QRectF], i: int) -> float:
    """The room between a line and the tags of the line above it, for arcs."""
    return lines[i].top() - lines[i - 1].bottom() - win.pane.view._metrics.tag_room


def paint(win: MainWindow) -> list[tuple[QRectF, int]]:
    view = win.pane.view
    view.viewport().repaint()
    return view.label_boxes


def test_each_line_of_a_paragraph_gets_the_room_of_its_own_arcs(window) -> None:
    window.pane.view.set_focus_mode("all")
    lines, arcs = lines_of(window, 2), arc_lines(window)
    assert min(arcs) >= 3
    for i in range(1, len(lines)):
        if i in arcs:  # labels over the line
            assert room_above(window, lines, i) >= window.pane.view._metrics.arc_room(1) - 0.5
        else:  # no arcs: only the room of the text and its tags
            assert room_above(window, lines, i) == pytest.approx(0, abs=1)


def test_relations_out_of_focus_take_a_thin_band_and_the_current_ones_labels(window) -> None:
    view, c = window.pane.view, window.pane.controller
    metrics = view._metrics
    assert view.focus_mode == "current"
    c.set_current(Item("entity", entity(window, "Scholz").id))  # no relations of its own
    arcs = line_of(window, "Macron")
    thin = room_above(window, lines_of(window, 2), arcs)
    assert 0 < thin <= metrics.thin_room(metrics.thin_levels) < metrics.arc_room(1)
    assert paint(window) == []  # thin arcs carry no labels
    c.set_current(Item("entity", entity(window, "Jokowi").id))
    assert room_above(window, lines_of(window, 2), arcs) >= thin + metrics.arc_room(1) - 0.5
    meets = next(r.id for r in c.relations if r.label == "MEETS")
    assert {relation_id for _, relation_id in paint(window)} == {meets}
    c.set_current(None)  # nothing current: every relation thin
    assert room_above(window, lines_of(window, 2), arcs) == pytest.approx(thin)


def test_the_current_entity_stays_where_it_is_on_screen_when_its_line_gets_room(
    qtbot, window
) -> None:
    view, c = window.pane.view, window.pane.controller
    c.set_current(Item("entity", entity(window, "Scholz").id))
    macron = entity(window, "Macron")
    bar, height = view.verticalScrollBar(), view.viewport().height()
    bar.setValue(
        bar.value() + int(view._painter().rects(view._by_id[macron.id])[0].top()) - height // 2
    )  # in the middle, where making it current does not scroll
    before = view._painter().rects(view._by_id[macron.id])[0]
    assert bar.value() > 0 and height / 3 < before.top() < height * 2 / 3
    c.set_current(Item("entity", macron.id))  # its line and the next get label room
    after = view._painter().rects(view._by_id[macron.id])[0]
    assert after.top() == pytest.approx(before.top(), abs=1)


def test_clicks_and_the_caret_find_the_words_of_lines_that_were_moved(qtbot, window) -> None:
    view, c = window.pane.view, window.pane.controller
    view.set_focus_mode("all")
    bar = view.verticalScrollBar()
    bar.setValue(0)
    lines = lines_of(window, 2)
    arcs = line_of(window, "dan Macron")
    assert room_above(window, lines, arcs) > 10  # moved down within its paragraph
    # A double click on a word of the moved line selects that word.
    word = TEXT.index("dan Macron")
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_qt(word + 2))
    rect = view.cursorRect(cursor)
    assert rect.top() == pytest.approx(lines[arcs].top() - bar.value(), abs=2)
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, pos=rect.center())
    assert view.selected_span() == (word, word + len("dan"))
    # A click on an entity there makes it current.
    macron = entity(window, "Macron")
    box = view._painter().rects(view._by_id[macron.id])[0]
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=box.center().toPoint())
    assert c.current == Item("entity", macron.id)


def test_nothing_moves_under_the_pointer_while_dragging_from_an_entity_made_current(
    qtbot, window
) -> None:
    view, c = window.pane.view, window.pane.controller
    c.set_current(Item("entity", entity(window, "Scholz").id))
    painter = view._painter()
    jokowi, scholz = entity(window, "Jokowi"), entity(window, "Scholz")
    start = painter.rects(view._by_id[jokowi.id])[0].center().toPoint()
    end = painter.rects(view._by_id[scholz.id])[0].center().toPoint()

    def lines() -> list[QRectF]:
        scroll = QPointF(0, -view.verticalScrollBar().value())
        return [line.translated(scroll) for line in lines_of(window, 2) + lines_of(window, 4)]

    before = lines()
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())  # the dialog
    with qtbot.waitSignal(view.relationDragged) as dragged:
        qtbot.mousePress(view.viewport(), Qt.LeftButton, pos=start)
        assert c.current == Item("entity", jokowi.id)
        for step in range(1, 6):
            qtbot.mouseMove(view.viewport(), start + (end - start) * step / 5)
        assert lines() == before
        qtbot.mouseRelease(view.viewport(), Qt.LeftButton, pos=end)
    assert dragged.args == [jokowi.id, scholz.id]
    # The room its relations ask for comes with the release.
    assert lines() != before
    assert {relation_id for _, relation_id in paint(window)} == {
        r.id for r in c.relations if jokowi.id in (r.head, r.child)
    }


@pytest.mark.parametrize("change", ["resize", "zoom", "mode"])
def test_lines_keep_their_room_when_laid_out_again(qtbot, window, change) -> None:
    view, c = window.pane.view, window.pane.controller
    view.set_focus_mode("all")
    c.set_current(None)
    if change == "resize":
        window.resize(900, 700)
        qtbot.waitUntil(lambda: view.document().textWidth() < 600)
    elif change == "zoom":
        view.zoom(2)
    else:  # every arc goes and comes back: the paragraphs are laid out again
        view.set_focus_mode("none")
        view.set_focus_mode("all")
    lines, arcs = lines_of(window, 2), arc_lines(window)
    for i in range(1, len(lines)):
        if i in arcs:
            assert room_above(window, lines, i) >= view._metrics.arc_room(1) - 0.5
        else:
            assert room_above(window, lines, i) == pytest.approx(0, abs=1)
    hits = paint(window)
    assert len({relation_id for _, relation_id in hits}) == len(RELATIONS)
    boxes = [box for box, _ in hits]
    scroll = QPointF(0, -view.verticalScrollBar().value())
    for line in lines:
        assert not any(box.intersects(line.translated(scroll)) for box in boxes)


def test_an_empty_line_between_paragraphs_takes_half_a_line(window) -> None:
    view = window.pane.view
    view.set_focus_mode("none")
    title, text = lines_of(window, 0)[0], lines_of(window, 2)[0]
    gap = text.top() - title.bottom() - view._metrics.tag_room
    assert gap == pytest.approx(view._metrics.blank_height, abs=1)
    assert gap < title.height() * 0.6


def test_every_label_stays_inside_the_text_column(qtbot, tmp_path) -> None:
    text = (
        "Di akhir baris panjang ini disebutkan bahwa Presiden Joko Widodo berangkat ke "
        "negara tetangga untuk bertemu dengan Perdana Menteri Anthony Albanese di Canberra."
    )
    spans = spans_of(
        text, [("Joko Widodo", "PER", 0), ("Anthony Albanese", "PER", 0), ("Canberra", "GPE", 0)]
    )
    relations = [
        NewRelation(0, 1, "PARTICIPATES_IN", status=EntityStatus.SUGGESTED),
        NewRelation(0, 2, "PARTICIPATES_IN", status=EntityStatus.SUGGESTED),
    ]
    win = open_window(qtbot, one_article_project(tmp_path, text, spans, relations), (900, 600))
    view = win.pane.view
    view.set_focus_mode("all")
    win.pane.controller.set_current(None)
    width = view.viewport().width()
    for box, _ in paint(win):
        assert box.left() >= 0 and box.right() <= width


def test_nothing_is_lost_when_the_window_shows_the_article_at_once(qtbot, tmp_path) -> None:
    """The first paragraph's arcs have room too (Qt ignores its top margin)."""
    text = "Jokowi dan Macron lalu berangkat ke Bogor.\n\nParagraf kedua.\n"
    relations = [NewRelation(0, 1, "MEETS", status=EntityStatus.ACCEPTED)]
    path = one_article_project(tmp_path, text, spans_of(text, SPANS[:2]), relations)
    win = open_window(qtbot, path, (1000, 600))
    view = win.pane.view
    view.set_focus_mode("all")
    win.pane.controller.set_current(None)
    QApplication.processEvents()
    assert view.verticalScrollBar().value() == 0
    boxes = [box for box, _ in paint(win)]
    assert len(boxes) == 1 and boxes[0].top() >= 0
    first = lines_of(win, 0)[0]
    assert boxes[0].bottom() < first.top() and not boxes[0].intersects(first)
    assert view.cursorForPosition(QPoint(5, int(first.center().y()))).position() == 0


def test_the_arcs_of_a_line_just_under_the_bottom_edge_are_drawn(qtbot, tmp_path) -> None:
    """A paragraph whose later lines have arcs too: its first line is raised into its top
    margin, and the bottom edge can fall in that margin, over the line's arcs."""
    text = (
        "Paragraf pengisi tanpa nama.\n" * 12 + "Kemudian di sana Jokowi bertemu Macron. "
        f"{FILLER} Scholz tiba di Bogor.\n"
    )
    marks = [("Jokowi", "PER", 0), ("Macron", "PER", 0), ("Scholz", "PER", 0), ("Bogor", "GPE", 0)]
    relations = [
        NewRelation(0, 1, "MEETS", status=EntityStatus.ACCEPTED),
        NewRelation(2, 3, "VISITS", status=EntityStatus.ACCEPTED),
    ]
    path = one_article_project(tmp_path, text, spans_of(text, marks), relations)
    win = open_window(qtbot, path, (1000, 400))
    view = win.pane.view
    view.set_focus_mode("all")
    win.pane.controller.set_current(None)
    line = lines_of(win, 12)[0]
    assert line.top() < view.document().findBlockByNumber(12).layout().position().y()
    bar, height = view.verticalScrollBar(), view.viewport().height()
    bar.setValue(int(line.top()) - height - 8)  # the line is out of sight, its arcs in it
    assert bar.value() > 0 and line.top() - bar.value() > height + 5
    meets = next(r.id for r in win.pane.controller.relations if r.label == "MEETS")
    assert [relation_id for box, relation_id in paint(win) if box.top() < height] == [meets]
