"""Long work (import, export) on a worker thread, with a progress dialog that can cancel it.

The worker opens the project file with its own connection, as SQLite wants one connection
per thread; the window's connection sees its work once each batch commits.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class Cancelled(Exception):
    """Raised inside a job's progress callback once the researcher pressed Cancel."""


class Job(QObject):
    """Runs `work(progress)` on a thread; `progress(done, total)` raises Cancelled when asked."""

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[Callable[[int, int], None]], Any]) -> None:
        super().__init__()
        self._work = work
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        self.progressed.emit(int(done), int(total))

    def _run(self) -> None:
        try:
            result = self._work(self._progress)
        except Cancelled:
            self.failed.emit("Cancelled; the work committed before you cancelled is kept.")
        except Exception as exc:  # shown to the researcher, never a crash
            message = str(exc) or type(exc).__name__
            traceback.print_exc()
            self.failed.emit(message)
        else:
            self.succeeded.emit(result)


def run_with_progress(parent: QWidget, title: str, work: Callable[..., Any]) -> tuple[bool, Any]:
    """Run a job behind a modal progress dialog; return (succeeded, result or message)."""
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    job = Job(work)
    outcome: list[tuple[bool, Any]] = []

    def on_progress(done: int, total: int) -> None:
        scale = max(1, total // 1_000_000)  # QProgressDialog counts in int
        dialog.setMaximum(max(1, total // scale))
        dialog.setValue(min(done, total) // scale)

    def finish(ok: bool, value: Any) -> None:
        outcome.append((ok, value))
        dialog.done(0)

    job.progressed.connect(on_progress)
    job.succeeded.connect(lambda result: finish(True, result))
    job.failed.connect(lambda message: finish(False, message))
    dialog.canceled.connect(job.cancel)
    job.start()
    if not outcome:
        dialog.exec()
    job.wait()
    QCoreApplication.processEvents()  # deliver a result emitted as the dialog closed
    return outcome[0] if outcome else (False, "Cancelled")
