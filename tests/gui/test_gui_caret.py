"""New entities without the mouse: the caret, gap and find keys pressed on the focused widget
of a real window over a project file, then the file read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_support import one_article_project, open_window, spans_of
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotation.project.store import Store

TEXT = (
    "Jokowi Terima Macron\n\nNamun Presiden Joko Widodo menerima Presiden Prancis "
    "Emmanuel Macron di Istana Bogor, Rabu. Ia lalu bertemu Mohammed bin Salman."
)


def press(qtbot, key, mods=Qt.NoModifier, times: int = 1) -> None:
    """Keys go to whatever has focus, as a keyboard's do."""
    for _ in range(times):
        qtbot.keyClick(QApplication.focusWidget(), key, mods)


def stored(path: Path) -> set[tuple[str, str, str]]:
    with Store.open(path) as store:
        article = store.article_ids()[0]
        text = store.article(article).text
        return {(text[e.start : e.end], e.label, e.status) for e in store.entities(article)}


def selected(window) -> str | None:
    span = window.pane.view.selected_span()
    return window.pane.controller.article.text[span[0] : span[1]] if span else None


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return one_article_project(tmp_path, TEXT, spans_of(TEXT, [("Joko Widodo", "PER", 0)]))


def test_arrows_move_the_caret_by_word_and_a_number_key_makes_the_entity(qtbot, project):
    window = open_window(qtbot, project)
    c = window.pane.controller
    assert window.pane.view.hasFocus()
    c.set_current(None)
    press(qtbot, Qt.Key_Right)
    assert selected(window) == "Jokowi"  # the first word in sight
    press(qtbot, Qt.Key_Right, times=2)
    assert selected(window) == "Macron"
    press(qtbot, Qt.Key_Left)
    assert selected(window) == "Terima"
    press(qtbot, Qt.Key_Right, Qt.ControlModifier)  # the next sentence
    assert selected(window) == "Namun"
    press(qtbot, Qt.Key_Right, Qt.ControlModifier)
    assert selected(window) == "Ia"
    press(qtbot, Qt.Key_Left, Qt.ControlModifier)
    assert selected(window) == "Namun"
    press(qtbot, Qt.Key_Left, Qt.ControlModifier)
    assert selected(window) == "Jokowi"
    press(qtbot, Qt.Key_End)
    assert selected(window) == "Macron"
    press(qtbot, Qt.Key_Home)
    assert selected(window) == "Jokowi"
    press(qtbot, Qt.Key_Right, Qt.ShiftModifier, times=2)  # the end moves: by words
    assert selected(window) == "Jokowi Terima Macron"
    press(qtbot, Qt.Key_Left, Qt.ShiftModifier)
    assert selected(window) == "Jokowi Terima"
    press(qtbot, Qt.Key_Right, Qt.ControlModifier | Qt.ShiftModifier)  # and the start
    assert selected(window) == "Terima"
    press(qtbot, Qt.Key_Left, Qt.ControlModifier | Qt.ShiftModifier)
    assert selected(window) == "Jokowi Terima"
    press(qtbot, Qt.Key_Left, Qt.ShiftModifier)
    press(qtbot, Qt.Key_1)  # PER
    assert ("Jokowi", "PER", "accepted") in stored(project)
    assert c.surface(c.current_entity()) == "Jokowi" and selected(window) is None
    # From the current entity the caret goes on: Right is the word after it.
    press(qtbot, Qt.Key_Right)
    assert selected(window) == "Terima" and c.current is None
    press(qtbot, Qt.Key_Escape)
    assert selected(window) is None


def test_gap_keys_land_on_missed_names_and_a_number_labels_them(qtbot, project):
    window = open_window(qtbot, project)
    c = window.pane.controller
    c.set_current(None)
    gaps = []
    for _ in range(7):
        press(qtbot, Qt.Key_N)
        gaps.append(selected(window))
    # Joko Widodo is an entity; openers and days are no gaps, titles one of their own; it
    # wraps round.
    assert gaps == [
        "Jokowi Terima Macron",
        "Presiden",
        "Presiden",
        "Prancis Emmanuel Macron",
        "Istana Bogor",
        "Mohammed bin Salman",
        "Jokowi Terima Macron",
    ]
    press(qtbot, Qt.Key_N, Qt.ShiftModifier)
    assert selected(window) == "Mohammed bin Salman"
    press(qtbot, Qt.Key_1)
    press(qtbot, Qt.Key_N, Qt.ShiftModifier)  # from the new entity, back
    assert selected(window) == "Istana Bogor"
    press(qtbot, Qt.Key_5)  # LOC
    press(qtbot, Qt.Key_N, Qt.ShiftModifier)
    assert selected(window) == "Prancis Emmanuel Macron"
    press(qtbot, Qt.Key_Right, Qt.ControlModifier | Qt.ShiftModifier)
    assert selected(window) == "Emmanuel Macron"
    press(qtbot, Qt.Key_1)
    assert {
        ("Mohammed bin Salman", "PER", "accepted"),
        ("Istana Bogor", "LOC", "accepted"),
        ("Emmanuel Macron", "PER", "accepted"),
    } <= stored(project)
    press(qtbot, Qt.Key_N, Qt.ShiftModifier)  # what is left of the run
    assert selected(window) == "Prancis"
    press(qtbot, Qt.Key_3)  # GPE
    assert ("Prancis", "GPE", "accepted") in stored(project)


def test_a_caret_step_drops_the_current_entity_and_making_one_current_drops_the_caret(
    qtbot, project
):
    window = open_window(qtbot, project)
    c, view = window.pane.controller, window.pane.view
    joko = next(e for e in c.entities if c.surface(e) == "Joko Widodo")
    from gui.article.controller import Item

    c.set_current(Item("entity", joko.id))
    press(qtbot, Qt.Key_Right, Qt.ShiftModifier)  # resizes the entity, no caret
    assert ("Joko Widodo menerima", "PER", "accepted") in stored(project)
    press(qtbot, Qt.Key_Right)
    assert selected(window) == "Presiden" and c.current is None
    c.set_current(Item("entity", joko.id))
    assert not view.textCursor().hasSelection()
    press(qtbot, Qt.Key_4)  # relabels the entity, makes nothing new
    assert ("Joko Widodo menerima", "ORG", "accepted") in stored(project)
    assert len(stored(project)) == 1


def test_find_puts_the_caret_on_matches_and_ctrl_f_still_finds_articles(qtbot, project):
    window = open_window(qtbot, project)
    c = window.pane.controller
    press(qtbot, Qt.Key_Slash)
    box = window.caret.search
    assert box.isVisible() and box.hasFocus()
    qtbot.keyClicks(box, "macron")
    assert selected(window) == "Macron" and c.current is None
    assert c.article.text.index("Macron") == window.pane.view.selected_span()[0]
    press(qtbot, Qt.Key_Return)  # in the box: the next match, not Accept
    assert window.pane.view.selected_span()[0] == TEXT.index("Macron", 30)
    press(qtbot, Qt.Key_Return, Qt.ShiftModifier)
    assert window.pane.view.selected_span()[0] == TEXT.index("Macron")
    press(qtbot, Qt.Key_F3)
    assert window.pane.view.selected_span()[0] == TEXT.index("Macron", 30)
    press(qtbot, Qt.Key_Escape)
    assert not box.isVisible() and window.pane.view.hasFocus()
    press(qtbot, Qt.Key_F3, Qt.ShiftModifier)  # the box closed, the keys still go
    assert window.pane.view.selected_span()[0] == TEXT.index("Macron")
    press(qtbot, Qt.Key_1)
    assert ("Macron", "PER", "accepted") in stored(project)
    press(qtbot, Qt.Key_Slash)
    qtbot.keyClicks(box, "ia lal")  # by character, as typed
    press(qtbot, Qt.Key_Escape)
    assert selected(window) == "Ia lal"
    press(qtbot, Qt.Key_F, Qt.ControlModifier)
    assert window.pane.article_list.search_box.hasFocus()


@pytest.mark.parametrize(
    "text, words",
    [
        ("Ia menyambut 🇮🇩 Jokowi 😀 di\tBogor.\r\nRetno datang.", ["Jokowi", "Bogor", "Retno"]),
        (
            "Presiden Jose\u0301 Rami\u0301rez bertemu محمد بن سلمان dan Ce\u0301line.",
            ["Presiden", "Jose\u0301 Rami\u0301rez", "Ce\u0301line"],
        ),
    ],
)
def test_offsets_stay_str_offsets_with_emoji_crlf_tabs_marks_and_arabic(
    qtbot, tmp_path, text, words
):
    path = one_article_project(tmp_path, text, [])
    window = open_window(qtbot, path)
    window.pane.controller.set_current(None)
    found = []
    for _ in words:
        press(qtbot, Qt.Key_N)
        found.append(selected(window))
    assert found == words
    press(qtbot, Qt.Key_1)
    assert (words[-1], "PER", "accepted") in stored(path)
    press(qtbot, Qt.Key_Home)
    first = selected(window)
    assert first and text.count(first)
    walked = [first]
    for _ in range(40):
        press(qtbot, Qt.Key_Right)
        walked.append(selected(window))
    assert all(w and w == w.strip() and w in text for w in walked)


def test_the_help_overlay_lists_the_caret_gap_and_find_keys(qtbot, project):
    from PySide6.QtWidgets import QLabel

    from gui.key_help import KeyHelp

    window = open_window(qtbot, project)
    press(qtbot, Qt.Key_F1)
    overlay = window.findChild(KeyHelp)
    texts = [label.text() for label in overlay.findChildren(QLabel)]
    for keys, what in (
        ("Left", "Caret: previous word"),
        ("Ctrl+Right", "Caret: next sentence"),
        ("N", "Next gap"),
        ("Shift+N", "Previous gap"),
        ("/", "Find in article"),
        ("F3", "Find next"),
        ("Shift+Tab", "Previous suggestion"),
    ):
        assert keys in texts and what in texts, (keys, what)
    assert "Shift+Tab, Backtab" not in texts
    # Closed by a key, it gives the keyboard back to the article: N is a gap key again, not
    # a letter typed into the article list's search box.
    press(qtbot, Qt.Key_Space)
    qtbot.waitUntil(lambda: window.findChild(KeyHelp) is None)
    assert QApplication.focusWidget() is window.pane.view
    window.pane.controller.set_current(None)
    press(qtbot, Qt.Key_N)
    assert selected(window) == "Jokowi Terima Macron"
    assert window.pane.article_list.search_box.text() == ""
