"""The schema editor's Relation labels tab: allowed head and child labels, symmetry, guideline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotation.project.commands import Command
from annotation.project.schema_changes import RELATION, AddRelationLabel, EditRelationLabel
from annotation.schema import LabelSchema, RelationType
from gui.schema.editor_base import SchemaTab, button
from gui.workspace import Workspace

HEAD, CHILD = "head", "child"


def _relation(schema: LabelSchema, name: str) -> RelationType:
    """A relation label the tab lists, so one the schema has."""
    rel = schema.relation(name)
    assert rel is not None
    return rel


class RelationLabelsTab(SchemaTab):
    """Add, rename, merge and remove Relation Labels and say which Entity Labels they link."""

    kind = RELATION
    columns = ("Label", "Head → child", "Relations")

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(workspace, parent)
        self.add_button = button("Add…", self._on_add)
        self.rename_button = button("Rename…", self._on_rename)
        self.merge_button = button("Merge into…", self._on_merge)
        self.remove_button = button("Remove", self._on_remove)
        for widget in (self.add_button, self.rename_button, self.merge_button, self.remove_button):
            self.buttons.addWidget(widget)
        self.ends = {HEAD: QListWidget(), CHILD: QListWidget()}
        ends = QHBoxLayout()
        for end, title in ((HEAD, "Head labels:"), (CHILD, "Child labels:")):
            column = QVBoxLayout()
            column.addWidget(QLabel(title))
            column.addWidget(self.ends[end])
            ends.addLayout(column)
            self.ends[end].itemChanged.connect(lambda _item, end=end: self._on_end_changed(end))
        self.symmetric = QCheckBox("Symmetric (direction carries no meaning)")
        self.symmetric.toggled.connect(self._on_symmetric_toggled)
        self.details.addLayout(ends)
        self.details.addWidget(self.symmetric)
        self.reload()

    def row_values(self, schema: LabelSchema, name: str, count: int) -> list[QTableWidgetItem]:
        rel = _relation(schema, name)
        arrow = "↔" if rel.symmetric else "→"
        ends = f"{', '.join(rel.head) or '–'} {arrow} {', '.join(rel.child) or '–'}"
        return [QTableWidgetItem(name), QTableWidgetItem(ends), QTableWidgetItem(str(count))]

    def show_details(self, schema: LabelSchema, name: str | None) -> None:
        rel = schema.relation(name) if name else None
        for end, widget in self.ends.items():
            widget.clear()
            allowed = getattr(rel, end) if rel else ()
            for label in schema.entity_labels:
                item = QListWidgetItem(label)
                item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(
                    Qt.CheckState.Checked if label in allowed else Qt.CheckState.Unchecked
                )
                widget.addItem(item)
            widget.setEnabled(rel is not None)
        self.symmetric.setChecked(bool(rel and rel.symmetric))
        for control in (self.symmetric, self.rename_button, self.merge_button, self.remove_button):
            control.setEnabled(rel is not None)

    def checked(self, end: str) -> list[str]:
        """The Entity Labels ticked for one end of the shown Relation Label."""
        widget = self.ends[end]
        return [
            widget.item(i).text()
            for i in range(widget.count())
            if widget.item(i).checkState() == Qt.CheckState.Checked
        ]

    def guideline_of(self, schema: LabelSchema, name: str) -> str:
        return _relation(schema, name).guideline

    def guideline_command(self, name: str, text: str) -> Command:
        return EditRelationLabel(name, guideline=text)

    def _on_add(self) -> None:
        name = self.ask_name("New label", "Name of the new relation label:")
        if name is not None:
            self.apply_selecting(AddRelationLabel(name), name)

    def _on_end_changed(self, end: str) -> None:
        name = self._shown
        if self._loading or name is None:
            return
        rel = self.schema.relation(name)
        if rel is None:
            return
        old = getattr(rel, end)
        ticked = self.checked(end)
        # Keep the order the schema had; newly ticked labels go at the end.
        new = tuple([x for x in old if x in ticked] + [x for x in ticked if x not in old])
        if new != old:
            edit = (
                EditRelationLabel(name, head=new)
                if end == HEAD
                else EditRelationLabel(name, child=new)
            )
            self.apply(edit)

    def _on_symmetric_toggled(self, on: bool) -> None:
        name = self._shown
        if self._loading or name is None:
            return
        rel = self.schema.relation(name)
        if rel is None:
            return
        if on != rel.symmetric:
            self.apply(EditRelationLabel(name, symmetric=on))
