"""The schema editor: Entity Labels and Relation Labels of the open project.

Every edit is applied at once as its own command through `Workspace.do`, so it is saved
and undoable like any other edit, and the Undo menu names it ("Undo Recolour PER"). There
is no OK/Cancel: the counts a confirmation shows are those of the project as it is, and
undo (here or in the main window) is the way back. The dialog follows outside changes,
such as an undo, through `Workspace.schemaChanged`.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTabWidget, QVBoxLayout, QWidget

from gui.schema.editor_entities import EntityLabelsTab
from gui.schema.editor_relations import RelationLabelsTab
from gui.workspace import Workspace

__all__ = ["EntityLabelsTab", "RelationLabelsTab", "SchemaEditorDialog"]


class SchemaEditorDialog(QDialog):
    """Edit the project's Schema; each change is one undoable command."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Schema")
        self.resize(900, 560)
        self.entities = EntityLabelsTab(workspace)
        self.relations = RelationLabelsTab(workspace)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.entities, "Entity labels")
        self.tabs.addTab(self.relations, "Relation labels")
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        box.button(QDialogButtonBox.StandardButton.Close).setAutoDefault(False)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(box)
        workspace.schemaChanged.connect(self._on_schema_changed)
        workspace.changed.connect(self._on_annotations_changed)

    def _on_schema_changed(self) -> None:
        self.entities.reload()
        self.relations.reload()

    def _on_annotations_changed(self, _articles: set[int]) -> None:
        # Counts follow annotations made elsewhere while the dialog is open.
        self.entities.refresh_counts()
        self.relations.refresh_counts()

    def done(self, result: int) -> None:
        """Save a guideline still being edited before closing."""
        self.entities.commit_guideline()
        self.relations.commit_guideline()
        super().done(result)
