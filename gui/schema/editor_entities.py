"""The schema editor's Entity labels tab: colour, name, hotkey, count and guideline."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QColor, QIcon, QPixmap, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QColorDialog,
    QFormLayout,
    QLineEdit,
    QTableWidgetItem,
    QWidget,
)

from annotation.project.commands import Command
from annotation.project.schema_changes import ENTITY, AddEntityLabel, EditEntityLabel
from annotation.schema import EntityType, LabelSchema
from gui.schema.editor_base import SchemaTab, button
from gui.workspace import Workspace


def _entity(schema: LabelSchema, name: str) -> EntityType:
    """An entity label the tab lists, so one the schema has."""
    entity_type = schema.entity(name)
    assert entity_type is not None
    return entity_type


def swatch(colour: str, size: int = 14) -> QIcon:
    """A small square of the label's colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class EntityLabelsTab(SchemaTab):
    """Add, rename, recolour, re-key, merge and remove Entity Labels."""

    kind = ENTITY
    columns = ("Label", "Hotkey", "Entities")

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.add_button = button("Add…", self._on_add)
        self.rename_button = button("Rename…", self._on_rename)
        self.colour_button = button("Colour…", self._on_colour)
        self.merge_button = button("Merge into…", self._on_merge)
        self.remove_button = button("Remove", self._on_remove)
        for widget in (
            self.add_button,
            self.rename_button,
            self.colour_button,
            self.merge_button,
            self.remove_button,
        ):
            self.buttons.addWidget(widget)
        self.hotkey = QLineEdit()
        self.hotkey.setMaxLength(1)
        self.hotkey.setMaximumWidth(48)
        self.hotkey.setValidator(QRegularExpressionValidator(QRegularExpression("[0-9A-Za-z]?")))
        self.hotkey.setToolTip("One digit (0-9) or letter; leave empty for no hotkey")
        self.hotkey.editingFinished.connect(self._on_hotkey_edited)
        form = QFormLayout()
        form.addRow("Hotkey:", self.hotkey)
        self.details.addLayout(form)
        self.reload()

    def row_values(self, schema: LabelSchema, name: str, count: int) -> list[QTableWidgetItem]:
        entity_type = _entity(schema, name)
        label = QTableWidgetItem(swatch(entity_type.colour), name)
        label.setToolTip(entity_type.colour)
        return [label, QTableWidgetItem(entity_type.hotkey), QTableWidgetItem(str(count))]

    def show_details(self, schema: LabelSchema, name: str | None) -> None:
        self.hotkey.setText(_entity(schema, name).hotkey if name else "")
        for widget in (
            self.hotkey,
            self.rename_button,
            self.colour_button,
            self.merge_button,
            self.remove_button,
        ):
            widget.setEnabled(name is not None)

    def guideline_of(self, schema: LabelSchema, name: str) -> str:
        return _entity(schema, name).guideline

    def guideline_command(self, name: str, text: str) -> Command:
        return EditEntityLabel(name, guideline=text)

    def _on_add(self) -> None:
        name = self.ask_name("New label", "Name of the new entity label:")
        if name is not None:
            self.apply_selecting(AddEntityLabel(name), name)

    def _on_colour(self) -> None:
        name = self.current()
        if name is None:
            return
        old = _entity(self.schema, name).colour
        colour = QColorDialog.getColor(QColor(old), self, f"Colour of {name}")
        if colour.isValid() and colour.name().lower() != old.lower():
            self.apply(EditEntityLabel(name, colour=colour.name().upper()))

    def _on_hotkey_edited(self) -> None:
        name = self._shown
        if self._loading or name is None:
            return
        entity_type = self.schema.entity(name)
        if entity_type is None:
            return
        key = self.hotkey.text()
        if key != entity_type.hotkey:
            self.apply(EditEntityLabel(name, hotkey=key))
