"""The first start: the built-in sample project is built behind a window naming the step,
so that the seconds it takes are not seconds of nothing on screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotation.settings import default_project_path
from annotation.suggest.sample import ensure_sample_project
from gui.jobs import Job

SAMPLE_STEP = (
    "Building the sample project (only this once): importing its eight articles "
    "and suggesting entities and relations in them…"
)


def sample_project(annotator: str, parent: QWidget | None = None) -> Path:
    """The sample project's path, built first (on a worker thread, behind a progress window
    that names the step) when it does not exist yet."""
    if default_project_path().exists():
        return ensure_sample_project(annotator)
    # Busy: no steps to count. None: no Cancel button (Qt takes it; the stubs say str).
    dialog = QProgressDialog(SAMPLE_STEP, None, 0, 0, parent)  # type: ignore[call-overload]
    dialog.setWindowTitle("Starting Sorot")
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(460)
    outcome: list[tuple[bool, object]] = []
    job = Job(lambda progress: ensure_sample_project(annotator))
    job.succeeded.connect(lambda path: outcome.append((True, path)))
    job.failed.connect(lambda message: outcome.append((False, message)))
    # Queued to the dialog's thread: closes it even when the work ends before exec() starts.
    job.succeeded.connect(dialog.accept, Qt.ConnectionType.QueuedConnection)
    job.failed.connect(dialog.accept, Qt.ConnectionType.QueuedConnection)
    dialog.show()
    for _ in range(3):  # painted before the work starts
        QCoreApplication.processEvents()
    job.start()
    dialog.exec()
    job.wait()
    dialog.deleteLater()
    ok, value = outcome[0] if outcome else (False, "the sample project was not built")
    if not ok:
        raise RuntimeError(f"cannot build the sample project: {value}")
    return value  # type: ignore[return-value]
