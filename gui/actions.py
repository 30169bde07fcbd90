"""The window's actions, their keys and their menus; one place to read every shortcut."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu


class Actions(NamedTuple):
    new_project: QAction
    open_project: QAction
    import_files: QAction
    export: QAction
    quit: QAction
    undo: QAction
    redo: QAction
    edit_schema: QAction
    set_annotator: QAction
    accept: QAction
    reject: QAction
    next_item: QAction
    previous_item: QAction
    delete: QAction
    widen_end: QAction
    shrink_end: QAction
    widen_start: QAction
    shrink_start: QAction
    link: QAction
    go_to: QAction
    retype: QAction
    add_relation: QAction
    next_relation: QAction
    previous_relation: QAction
    next_article_relation: QAction
    previous_article_relation: QAction
    accept_label: QAction
    accept_all: QAction
    done_next: QAction
    skip_next: QAction
    find: QAction
    uncertain_first: QAction
    relations_shown: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_reset: QAction
    help_keys: QAction
    start_review: QAction
    leave_review: QAction
    merge: QAction
    agreement: QAction
    suggestion_use: QAction
    train: QAction
    caret_left: QAction
    caret_right: QAction
    caret_previous_sentence: QAction
    caret_next_sentence: QAction
    caret_home: QAction
    caret_end: QAction
    next_gap: QAction
    previous_gap: QAction
    caret_off: QAction
    find_text: QAction
    find_next: QAction
    find_previous: QAction


# name: (menu text, shortcuts, status tip)
SPECS: dict[str, tuple[str, list[str | QKeySequence.StandardKey], str]] = {
    "new_project": (
        "&New project…",
        [QKeySequence.StandardKey.New],
        "Create an empty project file",
    ),
    "open_project": (
        "&Open project…",
        [QKeySequence.StandardKey.Open],
        "Open a .sorot project file",
    ),
    "import_files": ("&Import files…", ["Ctrl+I"], "Add .txt or JSONL articles"),
    "export": ("&Export…", ["Ctrl+E"], "Write training data (JSONL, doccano, spaCy)"),
    "quit": ("&Quit", [QKeySequence.StandardKey.Quit], "Close Sorot; everything is already saved"),
    "undo": ("&Undo", ["Ctrl+Z"], "Undo your last change"),
    "redo": ("&Redo", ["Ctrl+Shift+Z", "Ctrl+Y"], "Redo the change you undid"),
    "edit_schema": ("&Labels and relation types…", ["Ctrl+Shift+L"], "Edit the schema"),
    "set_annotator": ("&Annotator name…", [], "Who the decisions are stored as"),
    "accept": ("&Accept", ["Return", "Enter", "A"], "Accept the current suggestion"),
    "reject": ("&Reject", ["X", "Backspace"], "Reject the current suggestion"),
    "next_item": ("&Next suggestion", ["Tab"], "Go to the next open suggestion"),
    # One name only: X11 reports Shift+Tab as Backtab too, and two names for one key make
    # Qt refuse it as an ambiguous shortcut (tests/gui/test_shortcuts.py).
    "previous_item": ("&Previous suggestion", ["Shift+Tab"], "Go to the previous open suggestion"),
    "delete": ("&Delete", ["Delete"], "Delete the current entity or relation"),
    "widen_end": ("Widen end by a token", ["Shift+Right"], "Move the span's end right"),
    "shrink_end": ("Shrink end by a token", ["Shift+Left"], "Move the span's end left"),
    "widen_start": ("Widen start by a token", ["Ctrl+Shift+Left"], "Move the span's start left"),
    "shrink_start": (
        "Shrink start by a token",
        ["Ctrl+Shift+Right"],
        "Move the span's start right",
    ),
    "link": (
        "&Link to…",
        ["L"],
        "Link the current entity: type the letters shown on the other end, then the type",
    ),
    "go_to": ("&Go to entity…", ["G"], "Make an entity in sight current by its letters"),
    "retype": (
        "Change relation &type…",
        ["T"],
        "Give the current relation another type, or turn it round (Tab)",
    ),
    "add_relation": (
        "Add &relation…",
        ["R"],
        "Link the current entity to another, chosen from a list",
    ),
    # Accepted relations too (Tab walks only the open suggestions), so that T, Delete and X
    # reach a wrong one without the mouse (gui/article/relation_walk.py).
    "next_relation": (
        "Next relation of the entity",
        ["]"],
        "Make the current entity's next relation current, accepted or "
        "suggested, in reading order; after its last, the entity again",
    ),
    "previous_relation": (
        "Previous relation of the entity",
        ["["],
        "Make the current entity's previous relation current",
    ),
    "next_article_relation": (
        "Next relation in the article",
        ["Ctrl+]"],
        "Make the article's next relation current, accepted or "
        "suggested, in reading order (as the Relations panel lists them)",
    ),
    "previous_article_relation": (
        "Previous relation in the article",
        ["Ctrl+["],
        "Make the article's previous relation current",
    ),
    "accept_label": (
        "Accept all of this &label",
        ["Ctrl+Shift+A"],
        "Accept every open suggestion with the current entity's label",
    ),
    "accept_all": (
        "Accept all &suggestions",
        ["Ctrl+Alt+A"],
        "Accept every open suggestion in this article: entities, then the relations between them",
    ),
    "done_next": (
        "&Done, next article",
        ["Ctrl+Return", "Ctrl+Enter"],
        "Mark this article done and open the next one to do",
    ),
    "skip_next": (
        "&Skip, next article",
        ["Ctrl+Shift+K"],
        "Mark this article skipped and open the next one to do",
    ),
    "find": ("&Find articles", [QKeySequence.StandardKey.Find], "Search the article list"),
    "uncertain_first": (
        "&Uncertain first",
        [],
        "List the articles the suggesters were least sure about first; off: corpus order",
    ),
    "relations_shown": (
        "&Relations drawn: current",
        ["V"],
        "Which relations are drawn in full, in turn: the current entity's "
        "(the others thin), all, or none",
    ),
    "zoom_in": ("Zoom &in", [QKeySequence.StandardKey.ZoomIn, "Ctrl+="], "Larger text"),
    "zoom_out": ("Zoom &out", [QKeySequence.StandardKey.ZoomOut], "Smaller text"),
    "zoom_reset": ("&Normal size", ["Ctrl+0"], "Default text size"),
    "help_keys": ("&Keys…", [QKeySequence.StandardKey.HelpContents, "?"], "Show every key"),
    "start_review": (
        "&Compare annotators…",
        ["Ctrl+Shift+R"],
        "Review several annotators' work and settle it into a gold layer",
    ),
    "leave_review": ("&Back to annotating", [], "Leave review mode"),
    "merge": (
        "&Merge annotators' work…",
        [],
        "Add other Sorot projects' or exports' annotations to this project",
    ),
    "agreement": (
        "&Agreement…",
        ["Ctrl+Shift+G"],
        "Inter-annotator agreement: F1, kappa, alpha, label confusion",
    ),
    "train": (
        "&Train a model on this project…",
        [],
        "Train on your done articles; keep it only if it beats the current model",
    ),
    "suggestion_use": (
        "How &suggestions were used…",
        [],
        "Suggestions kept, resized, relabelled, rejected; additions; per day",
    ),
    # The caret (gui/article/caret.py): keys free before it; the arrows only in the article view.
    "caret_left": (
        "Caret: previous word",
        ["Left"],
        "Put the caret on the word before (Shift+Left / Right then move its end)",
    ),
    "caret_right": ("Caret: next word", ["Right"], "Put the caret on the next word"),
    "caret_previous_sentence": (
        "Caret: sentence start",
        ["Ctrl+Left"],
        "The first word of this sentence, or of the one before",
    ),
    "caret_next_sentence": (
        "Caret: next sentence",
        ["Ctrl+Right"],
        "The first word of the next sentence",
    ),
    "caret_home": ("Caret: first word of the line", ["Home"], "The line's first word"),
    "caret_end": ("Caret: last word of the line", ["End"], "The line's last word"),
    "next_gap": (
        "&Next gap",
        ["N"],
        "The caret on the next capitalised words no entity covers: a label's number "
        "key makes them an entity",
    ),
    "previous_gap": ("Previous gap", ["Shift+N"], "The caret on the previous gap"),
    "caret_off": ("Caret off", ["Esc"], "Drop the caret"),
    "find_text": (
        "&Find in article…",
        ["/"],
        "Type to put the caret on a match (Enter / Shift+Enter: next / previous)",
    ),
    "find_next": ("Find next", ["F3"], "The caret on the next match"),
    "find_previous": ("Find previous", ["Shift+F3"], "The caret on the previous match"),
}

# Active only while the article view has focus: the arrows, Home, End and Esc stay the other
# widgets' keys (the article list, the side tables, the help overlay).
VIEW_ONLY = {
    "caret_left",
    "caret_right",
    "caret_previous_sentence",
    "caret_next_sentence",
    "caret_home",
    "caret_end",
    "caret_off",
}

MENUS: dict[str, list[str | None]] = {
    "&File": ["new_project", "open_project", None, "import_files", "export", None, "quit"],
    "&Edit": ["undo", "redo", None, "edit_schema", "set_annotator"],
    "&Annotate": [
        "accept",
        "reject",
        "next_item",
        "previous_item",
        "delete",
        None,
        "widen_end",
        "shrink_end",
        "widen_start",
        "shrink_start",
        None,
        "link",
        "go_to",
        "retype",
        "add_relation",
        "next_relation",
        "previous_relation",
        "next_article_relation",
        "previous_article_relation",
        None,
        "accept_label",
        "accept_all",
        None,
        "done_next",
        "skip_next",
        None,
        "train",
    ],
    "&Caret": [
        "caret_left",
        "caret_right",
        "caret_previous_sentence",
        "caret_next_sentence",
        "caret_home",
        "caret_end",
        None,
        "next_gap",
        "previous_gap",
        None,
        "find_text",
        "find_next",
        "find_previous",
        None,
        "caret_off",
    ],
    "&View": [
        "find",
        "uncertain_first",
        None,
        "relations_shown",
        None,
        "zoom_in",
        "zoom_out",
        "zoom_reset",
        None,
        "suggestion_use",
    ],
    "&Review": ["merge", "agreement", None, "start_review", "leave_review"],
    "&Help": ["help_keys"],
}

# The help overlay's groups, by task (gui/key_help.py). Every action with a key is in
# exactly one, and no other action is (tests/gui/test_key_help.py): the overlay lists the keys
# the window binds, nothing more and nothing less. The label keys come from the schema.
KEY_GROUPS: dict[str, list[str]] = {
    "Move": ["next_item", "previous_item", "go_to"],
    "Decide": ["accept", "reject", "delete", "accept_label", "accept_all", "undo", "redo"],
    "Entities": ["widen_end", "shrink_end", "widen_start", "shrink_start"],
    "Relations": [
        "next_relation",
        "previous_relation",
        "next_article_relation",
        "previous_article_relation",
        "link",
        "retype",
        "add_relation",
    ],
    "Caret & find": [
        "caret_left",
        "caret_right",
        "caret_previous_sentence",
        "caret_next_sentence",
        "caret_home",
        "caret_end",
        "next_gap",
        "previous_gap",
        "find_text",
        "find_next",
        "find_previous",
        "caret_off",
    ],
    "Article & project": [
        "done_next",
        "skip_next",
        "find",
        "import_files",
        "export",
        "edit_schema",
        "new_project",
        "open_project",
        "start_review",
        "agreement",
        "quit",
    ],
    "View": ["relations_shown", "zoom_in", "zoom_out", "zoom_reset", "help_keys"],
}


def build_actions(window: QMainWindow) -> tuple[Actions, dict[str, QMenu]]:
    """Create every action on `window` and the menu bar that holds them."""
    made: dict[str, QAction] = {}
    for name, (text, keys, tip) in SPECS.items():
        action = QAction(text, window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setStatusTip(tip)
        if name in VIEW_ONLY:  # the article view adds them (gui/article/caret.py)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        window.addAction(action)
        made[name] = action
    menus: dict[str, QMenu] = {}
    for title, names in MENUS.items():
        menu = window.menuBar().addMenu(title)
        menus[title] = menu
        for entry in names:
            if entry is None:
                menu.addSeparator()
            else:
                menu.addAction(made[entry])
    return Actions(**made), menus


def key_groups() -> list[tuple[str, list[tuple[list[str], str]]]]:
    """The help overlay's rows by group: (group, [(each key as shown, what it does)])."""
    groups = []
    for group, names in KEY_GROUPS.items():
        rows = []
        for name in names:
            text, keys, _ = SPECS[name]
            shown = [QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys]
            if any(shown):  # a standard key this platform leaves unbound is no key
                rows.append(([k for k in shown if k], text.replace("&", "").rstrip("…")))
        groups.append((group, rows))
    return groups
