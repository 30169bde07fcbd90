"""Training a model on the project from the window, in a worker process that can cancel."""

from __future__ import annotations

import queue
from multiprocessing.process import BaseProcess

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotation.processes import SPAWN, start_process
from annotation.suggest.train_worker import serve
from gui.workspace import Workspace


class TrainDialog(QDialog):
    """Choose the base and epochs, train, watch the epochs, and read both score tables."""

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.setWindowTitle("Train a model on this project")
        self.base = QComboBox()
        self.base.addItems(["shipped", "blank"])
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 200)
        self.epochs.setValue(10)
        self.relations = QCheckBox("Also train the relation model")
        self.relations.setChecked(True)
        self.bar = QProgressBar()
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.start_button = QPushButton("Train")
        self.cancel_button = QPushButton("Cancel training")
        self.cancel_button.setEnabled(False)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Annotator", QLabel(workspace.annotator))
        form.addRow("Start from", self.base)
        form.addRow("Epochs", self.epochs)
        form.addRow("Relations", self.relations)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Trains on your accepted entities in the articles you marked done. A held-out "
                "fifth of them decides: the new model replaces the current one only if it scores "
                "better there. The relation model then learns from your accepted and rejected "
                "relations in the same articles and is judged the same way, on its own. The "
                "project file is only read."
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.bar)
        layout.addWidget(self.output, 1)
        layout.addWidget(buttons)
        self.resize(760, 520)
        self._process: BaseProcess | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.poll)
        self.outcome: tuple | None = None

    def start(self) -> None:
        self._reports = SPAWN.Queue()
        self._stop = SPAWN.Event()
        self.outcome = None
        self.bar.setRange(0, self.epochs.value())
        self.bar.setValue(0)
        self.output.setPlainText("Starting…")
        self._process = start_process(
            serve,
            (
                str(self.workspace.store.path),
                self.workspace.annotator,
                self.base.currentText(),
                self.epochs.value(),
                self._reports,
                self._stop,
                self.relations.isChecked(),
            ),
            "sorot-train",
        )
        self.start_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self._timer.start(50)

    def cancel(self) -> None:
        if self._process is not None:
            self._stop.set()
            self.output.appendPlainText("Cancelling…")

    def poll(self) -> None:
        while True:
            try:
                report = self._reports.get_nowait()
            except (queue.Empty, OSError, ValueError):
                break
            if report[0] == "progress":
                _, epoch, epochs, loss = report
                self.bar.setValue(epoch)
                text = f"Epoch {epoch} of {epochs}, loss {loss:.2f}"
                if epoch == epochs and self.relations.isChecked():
                    text += "\nTraining the relation model…"
                self.output.setPlainText(text)
            else:
                self._finish(report)
        if self._process is not None and not self._process.is_alive() and self.outcome is None:
            self._finish(("error", "the training process ended without a report"))

    def _finish(self, report: tuple) -> None:
        self.outcome = report
        self._timer.stop()
        if self._process is not None:
            self._process.join(5)
        self._process = None
        self.start_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if report[0] == "done":
            self.output.setPlainText(report[1])
        else:
            self.output.setPlainText(f"Not trained: {report[1]}")

    def reject(self) -> None:
        self.cancel()
        if self._process is not None:
            self._process.join(10)
        super().reject()
