"""Relations by hint keys (L), jumps by hint keys (G) and drags, driven with real key and
mouse events on the window; the project file is read after each gesture."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_support import one_article_project, open_window, spans_of
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication

from annotation.model import EntityStatus, NewRelation
from annotation.project.store import Store
from annotation.view.relation_picking import hint_codes, sentence_bounds
from gui.article.controller import Item
from gui.main_window import MainWindow

TEXT = (
    "Jokowi Bertemu Macron\n\n"
    "Presiden Joko Widodo bertemu Presiden Prancis Emmanuel Macron di Paris, Senin. "
    "Indonesia dan Prancis sepakat memperluas kerja sama pertahanan.\n\n"
    "Dalam kesempatan terpisah, Uni Eropa mengecam Rusia. Jepang diam."
)
ENTITIES = [
    ("Joko Widodo", "PER", 0),
    ("Prancis", "GPE", 0),
    ("Emmanuel Macron", "PER", 0),
    ("Paris", "GPE", 0),
    ("Indonesia", "GPE", 0),
    ("Prancis", "GPE", 1),
    ("Uni Eropa", "ORG", 0),
    ("Rusia", "GPE", 0),
    ("Jepang", "GPE", 0),
]


def find(surface: str, nth: int = 0) -> int:
    return spans_of(TEXT, [(surface, "", nth)])[0][0]


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    spans = spans_of(TEXT, ENTITIES)
    return open_window(qtbot, one_article_project(tmp_path, TEXT, spans), (1200, 800))


def entity_id(win: MainWindow, surface: str, nth: int = 0) -> int:
    start = find(surface, nth)
    return next(e.id for e in win.pane.controller.entities if e.start == start)


def make_current(win: MainWindow, surface: str, nth: int = 0) -> None:
    win.pane.controller.set_current(Item("entity", entity_id(win, surface, nth)))


def press(qtbot, win: MainWindow, *keys) -> None:
    for key in keys:
        if isinstance(key, str):
            qtbot.keyClicks(win.pane.view, key)
        else:
            qtbot.keyClick(win.pane.view, key)


def relations(win: MainWindow) -> set[tuple[str, str, str]]:
    with Store.open(win.workspace.store.path, readonly=True) as store:
        article_id = store.article_ids()[0]
        by_id = {e.id: TEXT[e.start : e.end] for e in store.entities(article_id)}
        return {
            (by_id[r.head], r.label, by_id[r.child])
            for r in store.relations(article_id)
            if r.status == EntityStatus.ACCEPTED
        }


def code_of(win: MainWindow, surface: str, nth: int = 0) -> str:
    target = entity_id(win, surface, nth)
    return next(code for code, i in win.pane.picker.hints.items() if i == target)


def test_hint_codes_are_prefix_free_and_short_first() -> None:
    for count in (1, 26, 27, 80, 700):
        codes = hint_codes(count)
        assert len(codes) == len(set(codes)) == count
        assert all(not b.startswith(a) for a in codes for b in codes if a != b)
        assert codes == sorted(codes, key=len)
    assert hint_codes(27)[:25] == list("asdfghjklqwertyuiopzxcvbn")


def test_sentence_bounds_follow_the_suggesters_splitter() -> None:
    text = "Satu dua. Tiga empat!\nLima"
    starts = [0, 5, 8, 10, 15, 20, 21, 22]
    ends = [4, 8, 9, 14, 20, 21, 22, 26]
    assert sentence_bounds(text, starts, ends) == [0, 10, 22]


def test_link_offers_nearby_allowed_entities_and_adds_the_chosen_type(qtbot, window) -> None:
    make_current(window, "Joko Widodo")
    press(qtbot, window, Qt.Key_L)
    picker = window.pane.picker
    assert picker.stage == "pick"
    offered = {
        window.pane.controller.surface(window.pane.controller.entity(i))
        for i in picker.hints.values()
    }
    # The same and the next sentence; "Uni Eropa" and "Rusia" are two sentences away.
    assert offered == {"Prancis", "Emmanuel Macron", "Paris", "Indonesia"}
    assert len(picker.hints) == 5  # both "Prancis"
    assert code_of(window, "Prancis") == "a"  # the nearest gets the first code
    press(qtbot, window, code_of(window, "Emmanuel Macron"))
    assert picker.stage == "type"
    labels = [label for _, _, label in picker.options]
    assert labels[0] == "MEETS"  # "bertemu" stands between them
    assert "HOLDS_ROLE" not in labels
    press(qtbot, window, "1")
    assert picker.stage == "idle"
    assert relations(window) == {("Joko Widodo", "MEETS", "Emmanuel Macron")}
    # The window's own one-letter keys work again.
    assert window.pane.view.key_handler is None


def test_type_by_first_letters_and_flip_direction(qtbot, window) -> None:
    make_current(window, "Rusia")
    press(qtbot, window, Qt.Key_L)
    press(qtbot, window, code_of(window, "Uni Eropa"))
    picker = window.pane.picker
    assert picker.stage == "type"
    assert all(head == entity_id(window, "Rusia") for head, _, _ in picker.options)
    press(qtbot, window, Qt.Key_Tab)  # Uni Eropa → Rusia
    assert all(head == entity_id(window, "Uni Eropa") for head, _, _ in picker.options)
    assert picker.options[0][2] == "OPPOSES"  # "mengecam" signals it
    press(qtbot, window, "op")
    assert relations(window) == {("Uni Eropa", "OPPOSES", "Rusia")}


def test_a_pair_with_one_allowed_type_is_added_at_once(qtbot, window) -> None:
    start = find("Presiden")
    window.pane.view.select_span(start, start + len("Presiden"))
    press(qtbot, window, "2")  # ROLE, drawn as the researcher would
    make_current(window, "Joko Widodo")
    press(qtbot, window, Qt.Key_L)
    press(qtbot, window, code_of(window, "Presiden"))
    assert window.pane.picker.stage == "idle"
    assert relations(window) == {("Joko Widodo", "HOLDS_ROLE", "Presiden")}


def test_escape_and_stray_keys_change_nothing(qtbot, window) -> None:
    make_current(window, "Joko Widodo")
    press(qtbot, window, Qt.Key_L, Qt.Key_X, Qt.Key_Escape)  # x is not an offered code
    assert window.pane.picker.stage == "idle"
    press(qtbot, window, Qt.Key_L)
    press(qtbot, window, code_of(window, "Paris"), Qt.Key_Escape)
    assert window.pane.picker.stage == "idle"
    with Store.open(window.workspace.store.path, readonly=True) as store:
        article_id = store.article_ids()[0]
        assert store.relations(article_id) == []
        assert all(e.status == EntityStatus.ACCEPTED for e in store.entities(article_id))


def test_go_makes_an_entity_current_by_its_letters(qtbot, window) -> None:
    press(qtbot, window, Qt.Key_G)
    picker = window.pane.picker
    assert picker.stage == "go"
    assert len(picker.hints) == len(ENTITIES)
    press(qtbot, window, code_of(window, "Rusia"))
    assert picker.stage == "idle"
    assert window.pane.controller.current == Item("entity", entity_id(window, "Rusia"))


def test_link_without_a_current_entity_says_what_to_do(qtbot, window) -> None:
    window.pane.controller.set_current(None)
    press(qtbot, window, Qt.Key_L)
    assert window.pane.picker.stage == "idle"
    assert "current" in window.statusBar().currentMessage()


def test_a_mouse_press_ends_a_hint_mode(qtbot, window) -> None:
    make_current(window, "Joko Widodo")
    press(qtbot, window, Qt.Key_L)
    qtbot.mouseClick(window.pane.view.viewport(), Qt.LeftButton, pos=QPoint(5, 5))
    assert window.pane.picker.stage == "idle"


def test_drag_from_an_entity_that_is_not_current_links_that_pair(qtbot, tmp_path) -> None:
    filler = "".join(f"Baris pengisi nomor {i} tanpa nama.\n" for i in range(40))
    text = filler + "OKI mendesak Uni Eropa bertindak.\n" + filler
    spans = [("OKI", "ORG"), ("Uni Eropa", "ORG")]
    path = one_article_project(
        tmp_path, text, [(text.index(s), text.index(s) + len(s), label) for s, label in spans]
    )
    win = open_window(qtbot, path, (1000, 500))
    view = win.pane.view
    head, child = (
        next(e for e in win.pane.controller.entities if text[e.start : e.end] == s)
        for s, _ in spans
    )
    # Bring the line to the bottom edge of the view, where making an entity current scrolls.
    bar = view.verticalScrollBar()
    bar.setValue(0)
    line = view.below(head).y()
    bar.setValue(bar.value() + line - view.viewport().height() + 6)
    qtbot.wait(10)
    start, end = view.below(head), view.below(child)
    assert 0 < start.y() <= view.viewport().height() + 30
    start = QPoint(start.x() + 4, int(start.y() - view._metrics.tag_height - 8))
    end = QPoint(end.x() + 4, start.y())
    assert view.entity_at(start) == head.id and view.entity_at(end) == child.id
    seen: list[list[str]] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append([dialog._entities.item(i).text() for i in range(dialog._entities.count())])
        dialog.reject()

    QTimer.singleShot(0, answer)
    before = bar.value()
    qtbot.mousePress(view.viewport(), Qt.LeftButton, pos=start)
    for step in range(1, 6):
        qtbot.mouseMove(
            view.viewport(), QPoint(start.x() + (end.x() - start.x()) * step // 5, start.y())
        )
    qtbot.mouseRelease(view.viewport(), Qt.LeftButton, pos=end)
    assert bar.value() == before  # the view did not move under the pointer
    assert seen and len(seen[0]) == 1 and seen[0][0].startswith("“Uni Eropa”")


def test_shift_on_the_last_letter_takes_the_first_type_too(qtbot, window) -> None:
    make_current(window, "Joko Widodo")
    press(qtbot, window, Qt.Key_L)
    code = code_of(window, "Emmanuel Macron")
    for letter in code[:-1]:
        press(qtbot, window, letter)
    qtbot.keyClick(window.pane.view, code[-1].upper(), Qt.ShiftModifier)
    assert window.pane.picker.stage == "idle"
    assert relations(window) == {("Joko Widodo", "MEETS", "Emmanuel Macron")}


def test_tab_while_picking_offers_the_whole_article(qtbot, window) -> None:
    make_current(window, "Joko Widodo")
    press(qtbot, window, Qt.Key_L)
    assert entity_id(window, "Rusia") not in window.pane.picker.hints.values()
    press(qtbot, window, Qt.Key_Tab)
    assert window.pane.picker.stage == "pick"
    assert entity_id(window, "Rusia") in window.pane.picker.hints.values()
    press(qtbot, window, code_of(window, "Rusia"))
    assert window.pane.picker.stage == "type"


def test_t_changes_the_current_relations_type_or_turns_it_round(qtbot, window) -> None:
    make_current(window, "Rusia")
    press(qtbot, window, Qt.Key_L)
    press(qtbot, window, code_of(window, "Uni Eropa"), Qt.Key_Tab, "op")
    assert relations(window) == {("Uni Eropa", "OPPOSES", "Rusia")}
    c = window.pane.controller
    c.set_current(Item("relation", c.relations[0].id))
    press(qtbot, window, Qt.Key_T)
    picker = window.pane.picker
    assert picker.stage == "type"
    assert "OPPOSES" not in [label for _, _, label in picker.options]  # no change offered
    press(qtbot, window, "sa")
    assert relations(window) == {("Uni Eropa", "SANCTIONS", "Rusia")}
    c.set_current(Item("relation", c.relations[0].id))
    press(qtbot, window, Qt.Key_T, Qt.Key_Tab, "su")
    assert relations(window) == {("Rusia", "SUPPORTS", "Uni Eropa")}
    window.workspace.undo()  # turning round is one step
    assert relations(window) == {("Uni Eropa", "SANCTIONS", "Rusia")}


def test_accept_all_accepts_relations_between_accepted_ends(qtbot, tmp_path) -> None:
    text = "Indonesia mendukung Palestina. Rusia mengecam Ukraina."
    names = ["Indonesia", "Palestina", "Rusia", "Ukraina"]
    path = one_article_project(
        tmp_path,
        text,
        [(text.index(n), text.index(n) + len(n), "GPE") for n in names],
        [
            NewRelation(0, 1, "SUPPORTS", status=EntityStatus.SUGGESTED, origin="relations"),
            NewRelation(2, 3, "OPPOSES", status=EntityStatus.SUGGESTED, origin="relations"),
        ],
        status=EntityStatus.SUGGESTED,
    )
    win = open_window(qtbot, path)
    assert win.pane.controller.accept_all() == 6
    with Store.open(path, readonly=True) as store:
        article_id = store.article_ids()[0]
        assert {r.status for r in store.relations(article_id)} == {EntityStatus.ACCEPTED}
    win.workspace.undo()
    with Store.open(path, readonly=True) as store:
        assert {r.status for r in store.relations(article_id)} == {EntityStatus.SUGGESTED}
        assert {e.status for e in store.entities(article_id)} == {EntityStatus.SUGGESTED}


def test_types_are_ranked_by_cues_layout_and_the_projects_habits() -> None:
    from annotation.model import Entity
    from annotation.schema import default_schema
    from annotation.view.relation_picking import type_options

    schema = default_schema()
    text = "Presiden Kuba Miguel Diaz-Canel tiba. Jokowi dan Albanese hadir."
    kuba = Entity(1, 1, 9, 13, "GPE")
    miguel = Entity(2, 1, 14, 31, "PER")
    jokowi = Entity(3, 1, 38, 44, "PER")
    albanese = Entity(4, 1, 49, 57, "PER")

    def first(head, child, prior=None):
        return type_options(schema, head, child, text, {}, prior)[0][2]

    assert first(miguel, kuba) == "REPRESENTS"  # the country written just before the name
    assert first(jokowi, albanese) == "MEETS"  # nothing speaks: the schema's order
    assert first(jokowi, albanese, {("PER", "PER", "COOPERATES_WITH"): 3}) == "COOPERATES_WITH"
    cue = {"SUPPORTS": ("dan",)}
    assert type_options(schema, jokowi, albanese, text, cue)[0][2] == "SUPPORTS"


def test_link_with_nothing_near_offers_the_whole_article(qtbot, tmp_path) -> None:
    text = "Jepang diam.\n\nCuaca cerah.\n\nHujan turun.\n\nKorea Selatan menunggu."
    path = one_article_project(
        tmp_path, text, [(0, 6, "GPE"), (text.index("Korea"), len(text) - 10, "GPE")]
    )
    win = open_window(qtbot, path)
    c = win.pane.controller
    c.set_current(Item("entity", c.entities[0].id))
    press(qtbot, win, Qt.Key_L)
    assert win.pane.picker.stage == "pick"
    assert list(win.pane.picker.hints.values()) == [c.entities[1].id]
