"""What the schema editor's two tabs share: a label table, a guideline and the edit buttons.

Every edit is a command run through the workspace at once, so it is saved and undoable
like any other; changes that rewrite annotations are confirmed first, with counts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotation.project.commands import Command
from annotation.project.db import ProjectError
from annotation.project.schema_changes import (
    ENTITY,
    MergeLabels,
    RemoveLabel,
    RenameLabel,
    label_counts,
)
from annotation.schema import LabelSchema, SchemaError
from gui.workspace import Workspace

NAME_ROLE = Qt.ItemDataRole.UserRole


class GuidelineEdit(QPlainTextEdit):
    """A plain-text editor that says when the researcher has finished editing (focus out)."""

    editingFinished = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.editingFinished.emit()


def button(text: str, slot: Callable[[], None]) -> QPushButton:
    """A push button that Enter in a text field never presses by accident."""
    widget = QPushButton(text)
    widget.setAutoDefault(False)
    widget.clicked.connect(slot)
    return widget


class SchemaTab(QWidget):
    """A table of one kind of label, its buttons, a detail panel and a guideline editor.

    Subclasses set `kind`, `columns`, fill rows in `row_values` and the details in
    `show_details`, and add labels in `_on_add`.
    """

    kind = ENTITY
    columns: tuple[str, ...] = ()

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._loading = False
        self._shown: str | None = None  # the label whose details are shown
        self._select_after: str | None = None
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels(list(self.columns))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.guideline = GuidelineEdit()
        self.guideline.setPlaceholderText("What this label covers, with examples")
        self.guideline.editingFinished.connect(self.commit_guideline)
        self.buttons = QHBoxLayout()
        self.details = QVBoxLayout()
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addWidget(self.table)
        left.addLayout(self.buttons)
        right = QVBoxLayout()
        right.addLayout(self.details)
        right.addWidget(QLabel("Guideline:"))
        right.addWidget(self.guideline)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)

    # -- to override -----------------------------------------------------------------------

    def labels(self, schema: LabelSchema) -> list[str]:
        return schema.entity_labels if self.kind == ENTITY else schema.relation_labels

    def row_values(self, schema: LabelSchema, name: str, count: int) -> list[QTableWidgetItem]:
        raise NotImplementedError

    def show_details(self, schema: LabelSchema, name: str | None) -> None:
        """Fill the detail widgets for `name` (None: nothing selected)."""

    def guideline_command(self, name: str, text: str) -> Command:
        raise NotImplementedError

    def guideline_of(self, schema: LabelSchema, name: str) -> str:
        raise NotImplementedError

    # -- state -----------------------------------------------------------------------------

    @property
    def schema(self) -> LabelSchema:
        return self._workspace.schema

    def current(self) -> str | None:
        """The selected label, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self._cell(rows[0].row(), 0).data(NAME_ROLE) if rows else None

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        item = self.table.item(row, column)
        assert item is not None  # reload fills every cell
        return item

    def select(self, name: str) -> None:
        for row in range(self.table.rowCount()):
            if self._cell(row, 0).data(NAME_ROLE) == name:
                self.table.selectRow(row)
                return

    def reload(self) -> None:
        """Show the schema and counts as they are in the project; unsaved text is dropped."""
        schema = self.schema
        keep = self._select_after or self.current()
        counts = label_counts(self._workspace.store, self.kind)
        self._loading = True
        try:
            self.table.clearContents()
            names = self.labels(schema)
            self.table.setRowCount(len(names))
            for row, name in enumerate(names):
                for column, item in enumerate(self.row_values(schema, name, counts[name])):
                    item.setData(NAME_ROLE, name)
                    self.table.setItem(row, column, item)
            if keep in names:
                self.select(keep)
            elif names:
                self.table.selectRow(0)
            self._show(schema, self.current())
        finally:
            self._loading = False

    def refresh_counts(self) -> None:
        """Update the count column only, leaving selection and text being edited alone."""
        counts = label_counts(self._workspace.store, self.kind)
        column = len(self.columns) - 1
        for row in range(self.table.rowCount()):
            item = self._cell(row, column)
            item.setText(str(counts[item.data(NAME_ROLE)]))

    def _show(self, schema: LabelSchema, name: str | None) -> None:
        self._shown = name
        self.guideline.setEnabled(name is not None)
        self.guideline.setPlainText(self.guideline_of(schema, name) if name else "")
        self.show_details(schema, name)

    def _on_selection_changed(self) -> None:
        if self._loading:
            return
        self.commit_guideline()
        self._show(self.schema, self.current())

    # -- applying edits --------------------------------------------------------------------

    def commit_guideline(self) -> None:
        """Save the guideline being edited, if it differs from the project's."""
        name, text = self._shown, self.guideline.toPlainText()
        if self._loading or name is None or name not in self.labels(self.schema):
            return
        if text != self.guideline_of(self.schema, name):
            self.apply(self.guideline_command(name, text))

    def apply(self, command: Command) -> bool:
        """Run a command through the workspace; show why if it is refused."""
        messages: list[str] = []

        def note(message: str) -> None:
            messages.append(message)

        self._workspace.failed.connect(note)
        try:
            done = self._workspace.do(command)
        except (SchemaError, ProjectError, sqlite3.Error) as exc:
            done = False
            messages.append(str(exc))
        finally:
            self._workspace.failed.disconnect(note)
        if not done:
            self.reload()  # put back what the widgets showed before the refused edit
            self.warn(messages[-1] if messages else "the schema was not changed")
        return done

    def warn(self, message: str) -> None:
        QMessageBox.warning(self, "Schema not changed", message[:1].upper() + message[1:])

    def confirm(self, question: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Edit schema",
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def ask_name(self, title: str, prompt: str, text: str = "") -> str | None:
        name, ok = QInputDialog.getText(self, title, prompt, text=text)
        name = name.strip()
        return name if ok and name and name != text else None

    def apply_selecting(self, command: Command, name: str) -> bool:
        """Apply a command that creates or renames a label, and select that label."""
        self._select_after = name
        try:
            return self.apply(command)
        finally:
            self._select_after = None

    # -- buttons shared by both tabs -------------------------------------------------------

    def _on_rename(self) -> None:
        name = self.current()
        if name is None:
            return
        new = self.ask_name("Rename", f"New name for {name}:", name)
        if new is None:
            return
        command = RenameLabel(self.kind, name, new)
        touched = command.impact(self._workspace.store)
        if touched and not self.confirm(f"Rename {name} to {new}: {touched} will change."):
            return
        self.apply_selecting(command, new)

    def _on_merge(self) -> None:
        name = self.current()
        others = [n for n in self.labels(self.schema) if n != name]
        if name is None or not others:
            return
        target, ok = QInputDialog.getItem(
            self, "Merge label", f"Merge {name} into:", others, 0, False
        )
        if not ok or target not in others:
            return
        command = MergeLabels(self.kind, [name], target)
        touched = command.impact(self._workspace.store)
        if not self.confirm(
            f"Merge {name} into {target}: {touched} will change, and {name} will be removed."
        ):
            return
        self.apply_selecting(command, target)

    def _on_remove(self) -> None:
        name = self.current()
        if name is None:
            return
        command = RemoveLabel(self.kind, name)
        touched = command.impact(self._workspace.store)
        # A used label is refused by the command, with counts; only ask when it can be done.
        if not touched and not self.confirm(
            f"Remove the {self.kind} label {name}? No {self.kind} uses it."
        ):
            return
        self.apply(command)
