"""Accepted relations by keyboard: ] and [ step through the current entity's relations,
Ctrl+] and Ctrl+[ through the article's, so that T, Delete and X reach a wrong accepted
relation without a click. Real key events on the window; the project file is read after
each change."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_support import one_article_project, open_window, spans_of
from PySide6.QtCore import Qt

from annotation.model import EntityStatus, NewRelation
from annotation.project.store import Store
from gui.article.controller import Item
from gui.main_window import MainWindow

TEXT = (
    "Presiden Joko Widodo bertemu Presiden Prancis Emmanuel Macron di Paris, Senin. "
    "Indonesia dan Prancis sepakat memperluas kerja sama pertahanan. Jepang diam."
)
ENTITIES = [
    ("Joko Widodo", "PER", 0),
    ("Prancis", "GPE", 0),
    ("Emmanuel Macron", "PER", 0),
    ("Paris", "GPE", 0),
    ("Indonesia", "GPE", 0),
    ("Prancis", "GPE", 1),
    ("Jepang", "GPE", 0),
]
SUGGESTED = EntityStatus.SUGGESTED
RELATIONS = [
    NewRelation(0, 2, "OPPOSES"),  # wrong: they meet
    NewRelation(2, 1, "REPRESENTS"),
    NewRelation(0, 3, "VISITS"),
    NewRelation(4, 5, "COOPERATES_WITH", status=SUGGESTED, origin="rules"),
]


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    path = one_article_project(tmp_path, TEXT, spans_of(TEXT, ENTITIES), RELATIONS)
    return open_window(qtbot, path, (1200, 800))


def press(qtbot, win: MainWindow, key, modifiers=Qt.NoModifier) -> None:
    qtbot.keyClick(win.pane.view, key, modifiers)


def go_to(qtbot, win: MainWindow, surface: str, nth: int = 0) -> None:
    """Make an entity current as a researcher does without the mouse: G, its letters."""
    start = spans_of(TEXT, [(surface, "", nth)])[0][0]
    target = next(e.id for e in win.pane.controller.entities if e.start == start)
    press(qtbot, win, Qt.Key_G)
    code = next(code for code, i in win.pane.picker.hints.items() if i == target)
    qtbot.keyClicks(win.pane.view, code)
    assert win.pane.controller.current == Item("entity", target)


def current(win: MainWindow) -> tuple[str, str, str] | str | None:
    """The current item as the researcher reads it: (head, label, child) or the entity."""
    c = win.pane.controller
    relation, entity = c.current_relation(), c.current_entity()
    if relation is not None:
        return (
            c.surface(c.entity(relation.head)),
            relation.label,
            c.surface(c.entity(relation.child)),
        )
    return c.surface(entity) if entity is not None else None


def stored(win: MainWindow) -> dict[tuple[str, str, str], str]:
    """Every relation in the project file with its status."""
    with Store.open(win.workspace.store.path, readonly=True) as store:
        article_id = store.article_ids()[0]
        text = {e.id: TEXT[e.start : e.end] for e in store.entities(article_id)}
        return {
            (text[r.head], r.label, text[r.child]): r.status for r in store.relations(article_id)
        }


def labelled(win: MainWindow) -> set[int]:
    """The relations whose labels the view drew in its last paint."""
    view = win.pane.view
    view.viewport().repaint()
    return {relation_id for _, relation_id in view.label_boxes}


def test_brackets_step_through_the_entitys_relations_and_t_retypes_an_accepted_one(
    qtbot, window
) -> None:
    go_to(qtbot, window, "Joko Widodo")
    press(qtbot, window, Qt.Key_BracketRight)
    assert current(window) == ("Joko Widodo", "OPPOSES", "Emmanuel Macron")
    assert window.pane.controller.current.id in labelled(window)  # drawn as the current one
    assert "relation 1 of 2" in window.statusBar().currentMessage()
    press(qtbot, window, Qt.Key_BracketRight)
    assert current(window) == ("Joko Widodo", "VISITS", "Paris")
    press(qtbot, window, Qt.Key_BracketRight)  # round to the entity again
    assert current(window) == "Joko Widodo"
    press(qtbot, window, Qt.Key_BracketLeft)
    assert current(window) == ("Joko Widodo", "VISITS", "Paris")
    press(qtbot, window, Qt.Key_BracketLeft)
    assert current(window) == ("Joko Widodo", "OPPOSES", "Emmanuel Macron")
    # The wrong accepted relation is fixed without the mouse: T and the type's letters.
    press(qtbot, window, Qt.Key_T)
    qtbot.keyClicks(window.pane.view, "MEE")
    relations = stored(window)
    assert relations[("Joko Widodo", "MEETS", "Emmanuel Macron")] == "accepted"
    assert ("Joko Widodo", "OPPOSES", "Emmanuel Macron") not in relations


def test_delete_removes_an_accepted_relation_and_its_entity_is_current_again(qtbot, window) -> None:
    go_to(qtbot, window, "Emmanuel Macron")
    press(qtbot, window, Qt.Key_BracketRight)
    assert current(window) == ("Joko Widodo", "OPPOSES", "Emmanuel Macron")
    press(qtbot, window, Qt.Key_BracketRight)  # Macron's, though Macron is its head
    assert current(window) == ("Emmanuel Macron", "REPRESENTS", "Prancis")
    press(qtbot, window, Qt.Key_Delete)
    assert ("Emmanuel Macron", "REPRESENTS", "Prancis") not in stored(window)
    assert current(window) == "Emmanuel Macron"  # not the article's first suggestion
    press(qtbot, window, Qt.Key_BracketRight)
    assert current(window) == ("Joko Widodo", "OPPOSES", "Emmanuel Macron")
    press(qtbot, window, Qt.Key_BracketRight)
    assert current(window) == "Emmanuel Macron"


def test_after_accepting_everything_ctrl_brackets_walk_every_relation(qtbot, window) -> None:
    press(qtbot, window, Qt.Key_A, Qt.ControlModifier | Qt.AltModifier)
    assert set(stored(window).values()) == {"accepted"}
    go_to(qtbot, window, "Joko Widodo")
    press(qtbot, window, Qt.Key_Tab)  # nothing open: Tab has nowhere to go
    assert current(window) == "Joko Widodo"
    walked = []
    for _ in range(5):
        press(qtbot, window, Qt.Key_BracketRight, Qt.ControlModifier)
        walked.append(current(window))
    assert walked == [
        ("Joko Widodo", "OPPOSES", "Emmanuel Macron"),
        ("Joko Widodo", "VISITS", "Paris"),
        ("Emmanuel Macron", "REPRESENTS", "Prancis"),
        ("Indonesia", "COOPERATES_WITH", "Prancis"),
        ("Joko Widodo", "OPPOSES", "Emmanuel Macron"),
    ]  # and round again
    assert "relation 1 of 4" in window.statusBar().currentMessage()
    press(qtbot, window, Qt.Key_BracketLeft, Qt.ControlModifier)
    assert current(window) == ("Indonesia", "COOPERATES_WITH", "Prancis")
    press(qtbot, window, Qt.Key_X)  # X rejects an accepted relation too
    assert stored(window)[("Indonesia", "COOPERATES_WITH", "Prancis")] == "rejected"


def test_ctrl_brackets_count_from_the_current_entitys_place(qtbot, window) -> None:
    go_to(qtbot, window, "Paris")
    press(qtbot, window, Qt.Key_BracketRight, Qt.ControlModifier)
    assert current(window) == ("Indonesia", "COOPERATES_WITH", "Prancis")
    go_to(qtbot, window, "Paris")
    press(qtbot, window, Qt.Key_BracketLeft, Qt.ControlModifier)
    assert current(window) == ("Emmanuel Macron", "REPRESENTS", "Prancis")


def test_brackets_say_why_when_there_is_nothing_to_step_to(qtbot, window) -> None:
    go_to(qtbot, window, "Jepang")
    press(qtbot, window, Qt.Key_BracketRight)
    assert current(window) == "Jepang"
    assert "“Jepang” has no relations" in window.statusBar().currentMessage()
    window.pane.controller.set_current(None)
    press(qtbot, window, Qt.Key_BracketLeft)
    assert current(window) is None
    assert "Make an entity current first" in window.statusBar().currentMessage()
    press(qtbot, window, Qt.Key_BracketLeft, Qt.ControlModifier)  # the article's last
    assert current(window) == ("Indonesia", "COOPERATES_WITH", "Prancis")


def test_the_relation_keys_are_in_the_annotate_menu(window) -> None:
    texts = {a.text(): a.shortcut().toString() for a in window.menus["&Annotate"].actions()}
    assert texts["Next relation of the entity"] == "]"
    assert texts["Previous relation of the entity"] == "["
    assert texts["Next relation in the article"] == "Ctrl+]"
    assert texts["Previous relation in the article"] == "Ctrl+["
