"""The window's side of background suggestions: a worker process, and its reports as signals.

See annotation/suggest/worker.py for what the worker does and in which order. Its reports
are read on the GUI thread by a timer, so no Qt object is touched from another thread.
"""

from __future__ import annotations

import queue
import time
from dataclasses import asdict
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from annotation.processes import SPAWN, start_process
from annotation.project.store import Change
from annotation.settings import Settings
from annotation.suggest.worker import serve

POLL_MS = 25


class SuggestionService(QObject):
    """Starts the suggestion worker for a project and reports which articles it changed."""

    ready = Signal()
    suggested = Signal(object)  # set[int]
    problem = Signal(str)
    backlog = Signal(int)  # articles still waiting for their first suggestions

    def __init__(
        self, path: Path, settings: Settings, background: bool = True, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._requests = SPAWN.Queue()
        self._reports = SPAWN.Queue()
        self.is_ready = False
        self._stopped = False
        self._process = start_process(
            serve,
            (str(path), asdict(settings), background, self._requests, self._reports),
            "sorot-suggest",
        )
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.poll)
        self._timer.start(POLL_MS)

    # -- requests -----------------------------------------------------------------------------

    def open(self, article_id: int) -> None:
        """The researcher opened this article: suggest for it first if it has none."""
        self._send(("open", article_id))

    def decided(self, changes: list[Change]) -> None:
        """Decisions were committed (a store listener): let the memory learn from them."""
        if any(c.table == "entities" for c in changes):
            self._send(("decided", changes))

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the worker to finish what was asked before, stop, and report it all."""
        if self._stopped:
            return
        self._stopped = True
        self._send(("stop", None))
        deadline = time.monotonic() + timeout
        while self._process.is_alive() and time.monotonic() < deadline:
            self.poll()  # a child that put reports exits only once they are read
            self._process.join(0.05)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(2)
        self.poll()
        self._timer.stop()

    def _send(self, request: tuple) -> None:
        if not self._stopped or request[0] == "stop":
            self._requests.put(request)

    # -- reports ------------------------------------------------------------------------------

    def poll(self) -> None:
        """Turn the worker's reports into signals (called by the timer, on the GUI thread)."""
        while True:
            try:
                report = self._reports.get_nowait()
            except (queue.Empty, OSError, ValueError):
                return
            kind = report[0]
            if kind == "ready":
                self.is_ready = True
                self.ready.emit()
            elif kind == "suggested":
                self.suggested.emit(set(report[1]))
            elif kind == "backlog":
                self.backlog.emit(report[1])
            elif kind == "problem":
                self.problem.emit(report[1])
