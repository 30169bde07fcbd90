"""Choosing the other end and the type of a new relation, from the keyboard.

Only the relation types the schema allows between the two entities' labels are offered,
in either direction; the nearest entities come first, and typing filters the list.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotation.model import Entity
from annotation.schema import LabelSchema

Choice = tuple[int, int, str]  # head id, child id, relation label


def relation_choices(schema: LabelSchema, entity: Entity, others: list[Entity],
                     text: str) -> list[tuple[str, Choice]]:
    """Every allowed (head, child, label) between `entity` and each other, nearest first."""
    def quote(e: Entity) -> str:
        surface = text[e.start:e.end].replace("\n", " ")
        return f"“{surface[:40]}” {e.label}"

    choices = []
    for other in sorted(others, key=lambda o: abs(o.start - entity.start)):
        if other.id == entity.id:
            continue
        for label in schema.allowed_relations(entity.label, other.label):
            rel_type = schema.relation(label)
            arrow = "—" if rel_type and rel_type.symmetric else "→"
            choices.append((f"{quote(entity)} {arrow} {label} {arrow} {quote(other)}",
                            (entity.id, other.id, label)))
        for label in schema.allowed_relations(other.label, entity.label):
            rel_type = schema.relation(label)
            if rel_type and rel_type.symmetric:
                continue  # already offered above
            choices.append((f"{quote(other)} → {label} → {quote(entity)}",
                            (other.id, entity.id, label)))
    return choices


class RelationDialog(QDialog):
    """Lists the allowed relations from (or to) one entity; Enter takes the selected one."""

    def __init__(self, choices: list[tuple[str, Choice]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add relation")
        self.resize(620, 420)
        self._filter = QLineEdit(placeholderText="Type to filter by name or relation type")
        self._list = QListWidget()
        for text, choice in choices:
            item = QListWidgetItem(text)
            item.setData(Qt.UserRole, choice)
            self._list.addItem(item)
        self._list.setCurrentRow(0)
        self._list.itemActivated.connect(self.accept)
        self._filter.textChanged.connect(self._on_filter)
        self._filter.returnPressed.connect(self.accept)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        hint = "No relation type in the schema fits these entities." if not choices else \
            "Up and Down choose, Enter adds, Esc cancels."
        layout.addWidget(QLabel(hint))
        layout.addWidget(self._filter)
        layout.addWidget(self._list)
        layout.addWidget(buttons)
        self._filter.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        # Up and Down in the filter box move through the list, so hands stay on the keys.
        if watched is self._filter and event.type() == event.Type.KeyPress \
                and event.key() in (Qt.Key_Up, Qt.Key_Down, Qt.Key_PageUp, Qt.Key_PageDown):
            self._list.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)

    def _on_filter(self, text: str) -> None:
        words = text.lower().split()
        first = None
        for row in range(self._list.count()):
            item = self._list.item(row)
            hidden = not all(w in item.text().lower() for w in words)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = row
        if first is not None:
            self._list.setCurrentRow(first)

    def choice(self) -> Choice | None:
        item = self._list.currentItem()
        if item is None or item.isHidden():
            return None
        return item.data(Qt.UserRole)
