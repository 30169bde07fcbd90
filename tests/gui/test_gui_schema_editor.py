"""The schema editor: each edit is one command on the project file, undone by Workspace.undo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QValidator
from PySide6.QtWidgets import QColorDialog, QInputDialog, QMessageBox

from annotation.project.commands import AddEntity, AddRelation
from annotation.project.schema_changes import EditEntityLabel
from annotation.project.store import Store
from annotation.schema import default_schema
from gui.schema.editor import SchemaEditorDialog
from gui.workspace import Workspace

TEXT = "Menteri Luar Negeri Sugiono bertemu Wang Yi di Beijing."
YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


class Modals:
    """Stand-ins for the Qt modals the editor opens, with what they were asked."""

    def __init__(self) -> None:
        self.answer = YES
        self.text: str | None = None
        self.item: str | None = None
        self.colour = QColor()
        self.questions: list[str] = []
        self.warnings: list[str] = []

    def question(self, parent, title, text, *args) -> QMessageBox.StandardButton:
        self.questions.append(text)
        return self.answer

    def warning(self, parent, title, text, *args) -> QMessageBox.StandardButton:
        self.warnings.append(text)
        return QMessageBox.StandardButton.Ok

    def get_text(self, parent, title, label, *args, **kwargs) -> tuple[str, bool]:
        return (self.text or "", self.text is not None)

    def get_item(self, parent, title, label, items, *args) -> tuple[str, bool]:
        assert self.item in items, items
        return (self.item, True)

    def get_colour(self, *args) -> QColor:
        return self.colour


@pytest.fixture
def modals(monkeypatch) -> Modals:
    fake = Modals()
    monkeypatch.setattr(QMessageBox, "question", fake.question)
    monkeypatch.setattr(QMessageBox, "warning", fake.warning)
    monkeypatch.setattr(QInputDialog, "getText", fake.get_text)
    monkeypatch.setattr(QInputDialog, "getItem", fake.get_item)
    monkeypatch.setattr(QColorDialog, "getColor", fake.get_colour)
    return fake


@pytest.fixture
def workspace(qtbot, project: Store) -> Workspace:
    """Two PER linked by MEETS, a GPE and a ROLE in one article."""
    with project.transaction():
        article = project.add_article(TEXT)
    workspace = Workspace(project, "ana")
    sugiono = workspace.stack.do(AddEntity(article, 20, 27, "PER")).entity_id
    wang = workspace.stack.do(AddEntity(article, 36, 43, "PER")).entity_id
    workspace.stack.do(AddEntity(article, 47, 54, "GPE"))
    workspace.stack.do(AddEntity(article, 0, 19, "ROLE"))
    workspace.stack.do(AddRelation(sugiono, wang, "MEETS"))
    return workspace


@pytest.fixture
def dialog(qtbot, workspace: Workspace, modals: Modals) -> SchemaEditorDialog:
    dialog = SchemaEditorDialog(workspace)
    qtbot.addWidget(dialog)
    return dialog


def reopened(workspace: Workspace) -> Store:
    return Store.open(workspace.store.path, readonly=True)


def labels(store: Store) -> list[str]:
    return sorted(e.label for e in store.entities(store.article_ids()[0]))


def row_texts(tab, name: str) -> list[str]:
    tab.select(name)
    row = tab.table.currentRow()
    return [tab.table.item(row, c).text() for c in range(tab.table.columnCount())]


def events(workspace: Workspace) -> int:
    return workspace.store.db.execute("SELECT count(*) FROM events").fetchone()[0]


def test_entity_labels_show_name_hotkey_and_count(dialog: SchemaEditorDialog) -> None:
    tab = dialog.entities
    assert tab.table.rowCount() == len(default_schema().entities)
    assert row_texts(tab, "PER") == ["PER", "1", "2"]
    assert row_texts(tab, "LOC") == ["LOC", "5", "0"]
    assert tab.table.item(tab.table.currentRow(), 0).toolTip() == "#FFAABB"
    assert dialog.tabs.tabText(1) == "Relation labels"
    assert row_texts(dialog.relations, "HOLDS_ROLE") == ["HOLDS_ROLE", "PER → ROLE", "0"]
    assert row_texts(dialog.relations, "MEETS")[2] == "1"


def test_add_an_entity_label(dialog, workspace, modals) -> None:
    modals.text = "NORP"
    dialog.entities.add_button.click()
    with reopened(workspace) as store:
        assert store.schema.entity("NORP").hotkey == "8"
    assert dialog.entities.current() == "NORP"
    assert dialog.relations.ends["head"].item(7).text() == "NORP"  # offered for relations
    modals.text = "bad name"
    dialog.entities.add_button.click()
    assert "use letters" in modals.warnings[-1]
    workspace.undo()
    assert workspace.schema == default_schema()
    assert dialog.entities.table.rowCount() == 7


def test_rename_a_used_label_asks_with_counts(dialog, workspace, modals) -> None:
    tab = dialog.entities
    tab.select("GPE")
    modals.text, modals.answer = "COUNTRY", NO
    tab.rename_button.click()
    assert modals.questions == ["Rename GPE to COUNTRY: 1 entity in 1 article will change."]
    assert workspace.schema == default_schema()
    modals.answer = YES
    tab.rename_button.click()
    with reopened(workspace) as store:
        assert labels(store) == ["COUNTRY", "PER", "PER", "ROLE"]
        assert "COUNTRY" in store.schema.relation("VISITS").child
    assert tab.current() == "COUNTRY" and row_texts(tab, "COUNTRY")[2] == "1"
    assert workspace.undo() == "Rename GPE → COUNTRY"
    with reopened(workspace) as store:
        assert labels(store) == ["GPE", "PER", "PER", "ROLE"]
        assert store.schema == default_schema()
    assert row_texts(tab, "GPE") == ["GPE", "3", "1"]


def test_rename_to_a_taken_name_is_refused(dialog, workspace, modals) -> None:
    dialog.entities.select("LOC")
    modals.text = "GPE"
    dialog.entities.rename_button.click()
    assert modals.warnings == ["GPE is already an entity label; merge LOC into it instead"]
    assert workspace.schema == default_schema()


def test_recolour(dialog, workspace, modals) -> None:
    dialog.entities.select("PER")
    modals.colour = QColor("#123abc")
    dialog.entities.colour_button.click()
    with reopened(workspace) as store:
        assert store.schema.entity("PER").colour == "#123ABC"
    assert workspace.stack.undo_label == "Recolour PER"
    modals.colour = QColor()  # the researcher cancelled
    dialog.entities.colour_button.click()
    workspace.undo()
    assert workspace.schema.entity("PER").colour == "#33BBEE"
    assert dialog.entities.table.item(dialog.entities.table.currentRow(), 0).toolTip() == "#33BBEE"


def test_rekey_and_duplicate_hotkey_is_refused(dialog, workspace, modals) -> None:
    tab = dialog.entities
    tab.select("LOC")
    tab.hotkey.setText("l")
    tab.hotkey.editingFinished.emit()
    with reopened(workspace) as store:
        assert store.schema.entity("LOC").hotkey == "l"
    assert row_texts(tab, "LOC")[1] == "l"
    tab.hotkey.setText("1")
    tab.hotkey.editingFinished.emit()
    assert modals.warnings == ["Hotkey 1 is already used by PER"]
    assert tab.hotkey.text() == "l"  # the field shows the project's hotkey again
    assert workspace.schema.entity("LOC").hotkey == "l"
    assert tab.hotkey.validator().validate("!", 0)[0] == QValidator.State.Invalid
    assert tab.hotkey.maxLength() == 1
    workspace.undo()
    assert workspace.schema.entity("LOC").hotkey == "5" and tab.hotkey.text() == "5"


def test_merge_two_labels(dialog, workspace, modals) -> None:
    tab = dialog.entities
    tab.select("ROLE")
    modals.item = "PER"
    tab.merge_button.click()
    assert modals.questions == [
        "Merge ROLE into PER: 1 entity in 1 article will change, and ROLE will be removed."
    ]
    with reopened(workspace) as store:
        assert labels(store) == ["GPE", "PER", "PER", "PER"]
        assert store.schema.entity("ROLE") is None
        assert store.schema.relation("HOLDS_ROLE").child == ("PER",)
    assert tab.current() == "PER" and row_texts(tab, "PER")[2] == "3"
    workspace.undo()
    with reopened(workspace) as store:
        assert labels(store) == ["GPE", "PER", "PER", "ROLE"]
        assert store.schema == default_schema()


def test_remove_refuses_a_used_label_and_removes_an_unused_one(dialog, workspace, modals) -> None:
    tab = dialog.entities
    tab.select("PER")
    tab.remove_button.click()
    assert modals.questions == []
    assert modals.warnings == [
        "Cannot remove PER: 2 entities in 1 article use it. Merge it into another label instead"
    ]
    tab.select("EVENT")
    tab.remove_button.click()
    assert modals.questions == ["Remove the entity label EVENT? No entity uses it."]
    with reopened(workspace) as store:
        assert "EVENT" not in store.schema.entity_labels
        assert "EVENT" not in store.schema.relation("LOCATED_IN").head
    workspace.undo()
    assert workspace.schema == default_schema()


def test_edit_a_relation_labels_allowed_heads(dialog, workspace, modals) -> None:
    tab = dialog.relations
    tab.select("MEETS")
    heads = tab.ends["head"]
    role = heads.findItems("ROLE", Qt.MatchFlag.MatchExactly)[0]
    role.setCheckState(Qt.CheckState.Checked)
    with reopened(workspace) as store:
        assert store.schema.relation("MEETS").head == ("PER", "GPE", "ORG", "ROLE")
    assert workspace.stack.undo_label == "Set head labels of MEETS"
    per = tab.ends["head"].findItems("PER", Qt.MatchFlag.MatchExactly)[0]
    per.setCheckState(Qt.CheckState.Unchecked)  # the MEETS relation runs from PER to PER
    assert modals.warnings == [
        "MEETS would no longer allow 1 MEETS relation(s) from PER to PER. "
        "Relabel or delete those relations first"
    ]
    assert "PER" in tab.checked("head")
    workspace.undo()
    assert workspace.schema.relation("MEETS") == default_schema().relation("MEETS")
    assert tab.checked("head") == ["PER", "GPE", "ORG"]


def test_symmetry_and_relation_label_buttons(dialog, workspace, modals) -> None:
    tab = dialog.relations
    tab.select("URGES")
    tab.symmetric.setChecked(True)
    assert workspace.schema.relation("URGES").symmetric
    assert row_texts(tab, "URGES")[1] == "PER, GPE, ORG ↔ PER, GPE, ORG"
    modals.text = "FUNDS"
    tab.add_button.click()
    assert tab.current() == "FUNDS" and tab.checked("head") == []
    tab.ends["child"].item(0).setCheckState(Qt.CheckState.Checked)
    assert workspace.schema.relation("FUNDS").child == ("PER",)
    tab.select("MEETS")
    modals.text = "TALKS_WITH"
    tab.rename_button.click()
    assert modals.questions[-1] == (
        "Rename MEETS to TALKS_WITH: 1 relation in 1 article will change."
    )
    with reopened(workspace) as store:
        [rel] = store.relations(store.article_ids()[0])
        assert rel.label == "TALKS_WITH"
    modals.item = "COOPERATES_WITH"
    tab.merge_button.click()
    assert workspace.schema.relation("TALKS_WITH") is None
    tab.select("FUNDS")
    tab.remove_button.click()
    assert workspace.schema.relation("FUNDS") is None
    for _ in range(6):
        workspace.undo()
    assert workspace.schema == default_schema()
    assert row_texts(tab, "MEETS")[2] == "1"


def test_guideline_is_saved_when_editing_ends_not_on_each_keystroke(qtbot, dialog, workspace):
    tab = dialog.entities
    tab.select("DATE")
    before = events(workspace)
    tab.guideline.selectAll()
    qtbot.keyClicks(tab.guideline, "Dates and periods.")
    assert events(workspace) == before  # nothing written while typing
    tab.select("PER")  # moving on to another label saves the guideline
    assert events(workspace) == before + 1
    with reopened(workspace) as store:
        assert store.schema.entity("DATE").guideline == "Dates and periods."
    assert workspace.stack.undo_label == "Edit guideline of DATE"
    assert tab.guideline.toPlainText() == default_schema().entity("PER").guideline
    tab.guideline.editingFinished.emit()  # unchanged text writes nothing
    assert events(workspace) == before + 1
    workspace.undo()
    tab.select("DATE")
    assert tab.guideline.toPlainText() == default_schema().entity("DATE").guideline


def test_relation_guideline_is_saved_when_the_dialog_closes(dialog, workspace) -> None:
    dialog.tabs.setCurrentIndex(1)
    dialog.relations.select("VISITS")
    dialog.relations.guideline.setPlainText("Travel.")
    dialog.reject()
    with reopened(workspace) as store:
        assert store.schema.relation("VISITS").guideline == "Travel."


def test_outside_changes_are_shown(dialog, workspace) -> None:
    tab = dialog.entities
    tab.select("GPE")
    workspace.do(EditEntityLabel("GPE", hotkey="g"))
    assert tab.hotkey.text() == "g" and tab.current() == "GPE"
    article = workspace.store.article_ids()[0]
    assert workspace.do(AddEntity(article, 28, 35, "GPE"))
    assert row_texts(tab, "GPE")[2] == "2"


def test_counts_follow_annotations_without_dropping_a_guideline_being_edited(dialog, workspace):
    tab = dialog.entities
    tab.select("PER")
    tab.guideline.setPlainText("Half-written")
    article = workspace.store.article_ids()[0]
    assert workspace.do(AddEntity(article, 28, 35, "PER"))
    assert row_texts(tab, "PER")[2] == "3"
    assert tab.guideline.toPlainText() == "Half-written"
