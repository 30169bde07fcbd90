"""The window's smaller dialogs: import, export, merge, review's annotators and Done's
question."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotation.io.export import FORMATS, export
from annotation.io.importer import import_paths
from annotation.io.readers import Problem
from annotation.model import ArticleStatus
from annotation.project.store import Store
from annotation.settings import ACCEPT_REST, ASK, LEAVE_OPEN, REJECT_REST, Settings
from gui.jobs import run_with_progress
from gui.labels import plain_label
from gui.workspace import Workspace


def ask_done_with_open(parent: QWidget, settings: Settings, count: int, title: str) -> str | None:
    """What Done does with `count` open suggestions: ACCEPT_REST, REJECT_REST or LEAVE_OPEN;
    None to go back to them. Asks unless an answer was given for good ("Don't ask again")."""
    if settings.done_with_open != ASK:
        return settings.done_with_open
    some = f"{count} open suggestion{'s' * (count != 1)}"
    box = QMessageBox(
        QMessageBox.Icon.Question, "Open suggestions", f"“{title}” still has {some}.", parent=parent
    )
    box.setInformativeText("Decide them before marking it done? Enter goes back to them.")
    accept = QMessageBox.ButtonRole.AcceptRole
    answers: dict[QAbstractButton, str] = {
        box.addButton("&Accept the rest and finish", accept): ACCEPT_REST,
        box.addButton("&Reject the rest and finish", accept): REJECT_REST,
        box.addButton("&Leave them open and finish", accept): LEAVE_OPEN,
    }
    back = box.addButton("&Go back to them", QMessageBox.ButtonRole.RejectRole)
    # Enter accepts suggestions all day long: one pressed a moment late must decide nothing.
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    again = QCheckBox("&Don't ask again", box)
    box.setCheckBox(again)
    box.exec()
    answer = answers.get(box.clickedButton())
    box.deleteLater()
    if answer is not None and again.isChecked():
        settings.done_with_open = answer
        settings.save()
    return answer


def done_message(answer: str, decided: int, still_open: int, title: str) -> str:
    """The status bar's account of what Done did with the open suggestions."""
    what = {ACCEPT_REST: f"Accepted {decided}", REJECT_REST: f"Rejected {decided}"}
    if answer == LEAVE_OPEN:
        text = (
            f"“{title}” marked done with {still_open} suggestion{'s' * (still_open != 1)} left open"
        )
    else:
        text = f"{what[answer]} open suggestion{'s' * (decided != 1)} and marked “{title}” done"
        if still_open:
            text += f"; {still_open} could not be accepted (an overlap) and stay open"
    return text + ". Open it again to undo (Ctrl+Z)."


def choose_annotators(
    parent: QWidget, store: Store, reviewer: str, merge_path: str
) -> list[str] | None:
    """Ask whose work to compare in review; None when cancelled or fewer than two.

    `merge_path` is where merging is in the menus ("Review → Merge annotators' work…").
    """
    others = [a for a in store.annotators() if a != reviewer]
    if len(others) < 2:
        QMessageBox.information(
            parent,
            "Compare annotators",
            "Review needs the work of at least two annotators besides you "
            f"({reviewer}). Bring their projects in with {merge_path} or `sorot merge`.",
        )
        return None
    dialog = QDialog(parent)
    dialog.setWindowTitle("Compare annotators")
    names = QListWidget()
    for name in others:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked)
        names.addItem(item)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addWidget(
        plain_label(
            f"Compare these annotators' work. You review as {reviewer}: "
            "your decisions form the gold layer."
        )
    )
    layout.addWidget(names)
    layout.addWidget(buttons)
    if not dialog.exec():
        return None
    chosen = [
        names.item(i).text()
        for i in range(names.count())
        if names.item(i).checkState() == Qt.CheckState.Checked
    ]
    if len(chosen) < 2:
        QMessageBox.information(parent, "Compare annotators", "Choose at least two annotators.")
        return None
    return chosen


def merge_files(parent: QWidget, workspace: Workspace) -> bool:
    """Merge other projects' or exports' annotators' work in, with progress and a report."""
    from annotation.team.merge import merge

    names, _ = QFileDialog.getOpenFileNames(
        parent,
        "Merge annotators' work",
        "",
        "Sorot projects and exports (*.sorot *.jsonl);;All files (*)",
    )
    if not names:
        return False
    project, sources = workspace.store.path, [Path(n) for n in names]
    assert project is not None  # a project file, not a store in memory

    def work(progress):
        with Store.open(project) as store:
            return merge(store, sources, progress=progress)

    ok, result = run_with_progress(parent, "Merging", work)
    if not ok:
        QMessageBox.warning(parent, "Merge", str(result))
        return False
    QMessageBox.information(parent, "Merge", result.summary())
    workspace.changed.emit(set())
    return True


def import_files(parent: QWidget, workspace: Workspace, paths: list[Path] | None) -> bool:
    """Import files chosen in a dialog (or dropped), on a worker thread with progress."""
    if paths is None:
        names, _ = QFileDialog.getOpenFileNames(
            parent, "Import articles", "", "Articles (*.txt *.jsonl *.json);;All files (*)"
        )
        paths = [Path(n) for n in names]
    if not paths:
        return False
    project, annotator = workspace.store.path, workspace.annotator
    assert project is not None  # a project file, not a store in memory

    def work(progress):
        with Store.open(project) as store:
            return import_paths(store, paths, annotator=annotator, progress=progress)

    ok, result = run_with_progress(parent, "Importing articles", work)
    if not ok:
        QMessageBox.warning(parent, "Import", str(result))
        return False
    text = result.summary()
    if result.problems:
        shown = "\n".join(_problem_line(p) for p in result.problems[:20])
        more = len(result.problems) - 20
        text += "\n\n" + shown + (f"\n… and {more} more" if more > 0 else "")
        QMessageBox.warning(parent, "Import finished with problems", text)
    else:
        QMessageBox.information(parent, "Import", text)
    workspace.changed.emit(set())
    return True


def _problem_line(problem: Problem) -> str:
    """A rejected record as the researcher reads it: file name, line and why."""
    where = Path(problem.path).name
    if problem.line:
        where += f", line {problem.line}"
    return f"{where}: {problem.reason}"


class ExportDialog(QDialog):
    """Choose a format, a file and what to include; the export runs with progress."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Export")
        self.format = QComboBox()
        self.format.addItems(list(FORMATS))
        self.path = QLineEdit()
        base = workspace.store.path
        self.path.setText(str(base.with_suffix(".jsonl")) if base else "export.jsonl")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.format.currentTextChanged.connect(self._on_format)
        self.only_mine = QCheckBox(f"Only {workspace.annotator}'s work")
        self.only_done = QCheckBox("Only articles marked done")
        self.suggestions = QCheckBox("Include suggestions nobody has reviewed")
        row = QHBoxLayout()
        row.addWidget(self.path)
        row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("File", row)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self._export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        for box in (self.only_mine, self.only_done, self.suggestions):
            layout.addWidget(box)
        layout.addWidget(buttons)
        self.resize(520, 200)

    def _on_format(self, fmt: str) -> None:
        suffix = ".spacy" if fmt == "spacy" else ".jsonl"
        self.path.setText(str(Path(self.path.text()).with_suffix(suffix)))

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export to", self.path.text())
        if name:
            self.path.setText(name)

    def _export(self) -> None:
        project, out = self.workspace.store.path, Path(self.path.text())
        assert project is not None  # a project file, not a store in memory
        fmt = self.format.currentText()
        annotator = self.workspace.annotator if self.only_mine.isChecked() else None
        statuses = [ArticleStatus.DONE] if self.only_done.isChecked() else None
        suggestions = self.suggestions.isChecked()

        def work(progress):
            with Store.open(project, readonly=True) as store:
                return export(store, out, fmt, annotator, statuses, suggestions, progress)

        ok, result = run_with_progress(self, "Exporting", work)
        if not ok:
            QMessageBox.warning(self, "Export", str(result))
            return
        QMessageBox.information(self, "Export", result.summary())
        self.accept()
