"""The article view on real project files: exact text, highlights on their text, the mouse."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from annotation.io.importer import import_paths
from annotation.model import EntityStatus, NewEntity
from annotation.project.store import Store
from gui.article.controller import ArticleController
from gui.article.paint import span_rects
from gui.article.view import ArticleView
from gui.workspace import Workspace

TRICKY = (
    "Presiden 😀 Joko Widodo\r\nbertemu\tPresiden Mahmoud Abbas (محمود عباس) di "
    "Jakarta.\r\n\r\nCafe\u0301 Widodo 🇮🇩 dan Netanyahu "
    "(\u05e0\u05ea\u05e0\u05d9\u05d4\u05d5) <b>bersama</b> &amp; PBB."
)
SPANS = [
    "Joko Widodo",
    "Mahmoud Abbas",
    "محمود عباس",
    "Jakarta",
    "Cafe\u0301 Widodo",
    "Netanyahu",
    "\u05e0\u05ea\u05e0\u05d9\u05d4\u05d5",
    "PBB",
]


def add_article(store: Store, tmp_path, text: str, spans: list[str] = (), suggested=()) -> int:
    source = tmp_path / "article.jsonl"
    import json

    items = []
    for surface in spans:
        start = text.index(surface)
        items.append({"start": start, "end": start + len(surface), "label": "PER"})
    source.write_text(
        json.dumps({"text": text, "meta": {"title": "t"}, "spans": items}) + "\n", encoding="utf-8"
    )
    report = import_paths(store, [source], annotator="ana")
    assert report.ok, report.problems
    article_id = store.article_ids()[-1]
    for surface, label in suggested:
        start = text.index(surface)
        store.add_annotations(
            article_id,
            [
                NewEntity(
                    start,
                    start + len(surface),
                    label,
                    status=EntityStatus.SUGGESTED,
                    origin="rules",
                )
            ],
            [],
        )
    store.db.conn.commit()
    return article_id


@pytest.fixture
def opened(qtbot, project, tmp_path):
    """A view and controller on one article of a real project file."""

    def open_(text: str, spans=(), suggested=()):
        article_id = add_article(project, tmp_path, text, spans, suggested)
        workspace = Workspace(project, "ana")
        view = ArticleView()
        qtbot.addWidget(view)
        controller = ArticleController(workspace, view)
        view.resize(900, 600)
        view.show()
        qtbot.waitExposed(view)
        controller.open(article_id)
        return view, controller

    return open_


def test_markup_in_an_article_is_shown_as_typed(opened) -> None:
    text = "<b>Tebal</b> &amp; <i>miring</i> <script>x</script> &lt;PBB&gt;"
    view, _ = opened(text)
    assert view.toPlainText() == text
    cursor = QTextCursor(view.document())
    cursor.setPosition(4)
    assert not cursor.charFormat().font().bold()


def test_every_highlight_sits_exactly_on_its_text(opened) -> None:
    view, controller = opened(TRICKY, SPANS)
    assert view.toPlainText() == TRICKY.replace("\r\n", "\n")
    assert {controller.surface(e) for e in controller.entities} == set(SPANS)
    for entity in controller.entities:
        q1, q2 = view.offsets.to_qt(entity.start), view.offsets.to_qt(entity.end)
        cursor = QTextCursor(view.document())
        cursor.setPosition(q1)
        cursor.setPosition(q2, QTextCursor.KeepAnchor)
        assert cursor.selectedText() == TRICKY[entity.start : entity.end]
        rects = span_rects(view.document(), q1, q2)
        assert rects
        caret = QTextCursor(view.document())
        caret.setPosition(q1)
        caret_rect = view.cursorRect(caret)
        scroll_x = view.horizontalScrollBar().value()
        scroll_y = view.verticalScrollBar().value()
        if TRICKY[entity.start] not in "مح\u05e0":  # right-to-left runs start at their right
            assert abs(rects[0].left() - (caret_rect.left() + scroll_x)) <= 1.5
        assert abs(rects[0].top() - (caret_rect.top() + scroll_y)) <= 1.5


def centre_of(view: ArticleView, offset: int) -> QPoint:
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_qt(offset))
    return view.cursorRect(cursor).center() + QPoint(2, 0)


def drag(qtbot, view: ArticleView, start: int, end: int, modifier=Qt.NoModifier) -> None:
    a, b = centre_of(view, start), centre_of(view, end)
    qtbot.mousePress(view.viewport(), Qt.LeftButton, modifier, a)
    qtbot.mouseMove(view.viewport(), b)
    qtbot.mouseRelease(view.viewport(), Qt.LeftButton, modifier, b)


def test_a_mouse_selection_snaps_to_tokens_and_a_key_labels_it(qtbot, opened, project) -> None:
    text = "Presiden Joko Widodo bertemu 😀 Emmanuel Macron di Jakarta."
    view, controller = opened(text)
    drag(qtbot, view, text.index("oko"), text.index("dodo"))
    assert view.selected_span() == (text.index("Joko"), text.index(" bertemu"))
    assert controller.apply_label("PER")
    [entity] = project.entities(controller.article.id)
    assert (text[entity.start : entity.end], entity.label, entity.annotator) == (
        "Joko Widodo",
        "PER",
        "ana",
    )


def test_alt_selects_by_character(qtbot, opened) -> None:
    text = "Foto: AFP/2022./Alexander Zemlianichenko"
    view, _ = opened(text)
    start = text.index("Alexander")
    drag(qtbot, view, start, start + 4, Qt.AltModifier)
    assert view.selected_span() == (start, start + 4)


def test_double_click_selects_one_token(qtbot, opened) -> None:
    text = "Menlu Retno Marsudi tiba di Beijing."
    view, _ = opened(text)
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, pos=centre_of(view, text.index("etno")))
    assert view.selected_span() == (text.index("Retno"), text.index(" Marsudi"))


def test_click_makes_an_entity_current_and_a_drag_asks_for_a_relation(qtbot, opened) -> None:
    text = "Presiden Joko Widodo bertemu Presiden Emmanuel Macron di Istana Bogor."
    view, controller = opened(text, ["Joko Widodo", "Emmanuel Macron"])
    jokowi, macron = sorted(controller.entities, key=lambda e: e.start)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=centre_of(view, macron.start + 3))
    assert controller.current_entity() == macron
    with qtbot.waitSignal(view.relationDragged) as signal:
        drag(qtbot, view, jokowi.start + 2, macron.start + 3)
    assert signal.args == [jokowi.id, macron.id]
    assert view.textCursor().hasSelection() is False
