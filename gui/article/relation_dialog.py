"""Choosing the other end and the type of a new relation from a list (R, or a drag).

Each entity the current one may be linked to is listed once, nearest first, with its line
and the words around it, so that one "AS" can be told from another. The types the schema
allows for the selected pair (in either direction) are listed beside it. Typing filters
both: a word found in an entity's row narrows the entities, the others narrow the types.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotation.model import Entity
from annotation.schema import LabelSchema
from annotation.view.relation_picking import Choice, candidate_rows, context, lexicon_cues

Row = tuple[str, list[tuple[str, Choice]]]  # an entity's line of text, and its types


def relation_rows(
    schema: LabelSchema,
    entity: Entity,
    others: list[Entity],
    text: str,
    prior: dict[tuple[str, str, str], int] | None = None,
) -> list[Row]:
    """What the dialog lists: each other entity once, with the types it may be linked by,
    the likeliest first (each type's name first, so typing its letters finds it)."""

    def name(e: Entity) -> str:
        return " ".join(text[e.start : e.end].split())[:40]

    rows = []
    # A copy typed as candidate_rows takes it (the lexicon's own dict is shared, cached).
    cues: dict[str, Sequence[str]] = dict(lexicon_cues())
    for other, choices in candidate_rows(schema, entity, others, text, cues, prior):
        line, around = context(text, other)
        types = []
        for head, child, label in choices:
            arrow = "→" if head == entity.id else "←"
            rel_type = schema.relation(label)
            if rel_type is not None and rel_type.symmetric:
                arrow = "—"
            types.append((f"{label}  {arrow}", (head, child, label)))
        rows.append((f"“{name(other)}” {other.label} · line {line} · {around}", types))
    return rows


class RelationDialog(QDialog):
    """Lists the entities one may be linked to and the types for each; Enter adds."""

    def __init__(self, rows: list[Row], parent: QWidget | None = None, head: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("Add relation")
        self.resize(860, 460)
        self._rows = rows
        self._filter = QLineEdit(
            placeholderText="Type to filter by name, words around it or relation type"
        )
        self._entities = QListWidget()
        self._types = QListWidget()
        for text, _ in rows:
            self._entities.addItem(QListWidgetItem(text))
        self._entities.currentRowChanged.connect(self._show_types)
        self._entities.itemActivated.connect(self._on_entity_activated)
        self._types.itemActivated.connect(self.accept)
        self._filter.textChanged.connect(self._on_filter)
        self._filter.returnPressed.connect(self._on_return)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        for button in buttons.buttons():  # Enter means "next step" here, not always "OK"
            if isinstance(button, QPushButton):  # as a standard button always is
                button.setAutoDefault(False)
                button.setDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        hint = (
            "No relation type in the schema fits these entities."
            if not rows
            else f"From “{head}”: Up and Down choose the other end, Enter goes to its types "
            "(or adds the only one), Enter adds, Esc cancels."
        )
        message = QLabel(hint)
        message.setTextFormat(Qt.TextFormat.PlainText)
        message.setWordWrap(True)
        layout.addWidget(message)
        layout.addWidget(self._filter)
        lists = QHBoxLayout()
        lists.addWidget(self._entities, 3)
        lists.addWidget(self._types, 1)
        layout.addLayout(lists)
        layout.addWidget(buttons)
        self._filter.installEventFilter(self)
        self._entities.setCurrentRow(0)
        if len(rows) == 1:  # a drag names both ends: only the type is left to choose
            self._types.setFocus()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        # Up and Down in the filter box move through the entities, so hands stay on the keys.
        if (
            watched is self._filter
            and event.type() == event.Type.KeyPress
            and event.key()
            in (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
        ):
            self._entities.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)

    def _words(self) -> list[str]:
        return self._filter.text().lower().split()

    def _on_filter(self, _: str) -> None:
        words = self._words()
        first = by_name = None
        for row, (text, types) in enumerate(self._rows):
            labels = " ".join(label for _, (_, _, label) in types).lower()
            hidden = not all(w in text.lower() or w in labels for w in words)
            self._entities.item(row).setHidden(hidden)
            if not hidden and first is None:
                first = row
            name = text.split(" · ", 1)[0].lower()
            if not hidden and by_name is None and any(w in name for w in words):
                by_name = row  # a row named by the words beats one that only mentions them
        chosen = by_name if by_name is not None else first
        self._entities.setCurrentRow(chosen if chosen is not None else -1)
        self._show_types(self._entities.currentRow())

    def _show_types(self, row: int) -> None:
        self._types.clear()
        if row < 0 or self._entities.item(row).isHidden():
            return
        text = self._rows[row][0].lower()
        # Words not found in the entity's row are about the type.
        wanted = [w for w in self._words() if w not in text]
        for shown, choice in self._rows[row][1]:
            if all(w in choice[2].lower() for w in wanted):
                item = QListWidgetItem(shown)
                item.setData(Qt.ItemDataRole.UserRole, choice)
                self._types.addItem(item)
        self._types.setCurrentRow(0)

    def _on_return(self) -> None:
        if self._types.count() == 1:
            self.accept()
        elif self._types.count():
            self._types.setFocus()

    def _on_entity_activated(self, _: QListWidgetItem) -> None:
        self._on_return()

    def choice(self) -> Choice | None:
        item = self._types.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None
