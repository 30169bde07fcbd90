"""Suggestions in the background, so that the researcher never waits for them.

One worker thread owns its own connection to the project file and the suggestion engine
(loading it takes about a second). It serves, most urgent first:
1. the article the researcher opens, if it has no suggestions yet (tens of milliseconds);
2. the memory: after each decision, strings whose suggestion changed are re-combined in
   the open article at once, then in every other article that contains them;
3. when idle, articles never suggested (after a large import), a few at a time.
Each step commits on its own and reports the articles it changed.
"""

from __future__ import annotations

import itertools
import queue
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from annotation.settings import Settings
from annotation.store import Change, Store

URGENT, DECISION, STOP = 0, 1, 9  # stop after what was asked before it
IDLE_BATCH = 8
REFRESH_CHUNK = 24


class SuggestionService(QObject):
    """Runs the engine on a worker thread and reports which articles it changed."""

    ready = Signal()
    suggested = Signal(object)  # set[int]
    problem = Signal(str)
    backlog = Signal(int)  # articles still waiting for their first suggestions

    def __init__(self, path: Path, settings: Settings, background: bool = True,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path, self._settings, self._background = path, settings, background
        self._queue: queue.PriorityQueue = queue.PriorityQueue()
        self._order = itertools.count()
        self._current: int | None = None
        self.loaded = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sorot-suggest", daemon=True)
        self._thread.start()

    # -- requests from the GUI thread ---------------------------------------------------------

    def open(self, article_id: int) -> None:
        """The researcher opened this article: suggest for it first if it has none."""
        self._current = article_id
        self._put(URGENT, ("open", article_id))

    def decided(self, changes: list[Change]) -> None:
        """Decisions were committed (a store listener): let the memory learn from them."""
        if any(c.table == "entities" for c in changes):
            self._put(DECISION, ("decided", changes))

    def stop(self, timeout: float = 10.0) -> None:
        self._put(STOP, ("stop", None))
        self._thread.join(timeout)

    def _put(self, priority: int, job: tuple) -> None:
        self._queue.put((priority, next(self._order), job))

    # -- the worker ---------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._serve()
        except Exception as exc:  # never take the window down with it
            traceback.print_exc()
            self.problem.emit(f"Suggestions stopped: {exc}")
        finally:
            self.loaded.set()

    def _serve(self) -> None:
        from annotation import suggest as sg

        store = Store.open(self._path)
        try:
            engine = sg.engine_from_settings(store.schema, self._settings)
            for message in engine.problems:
                self.problem.emit(f"{message}; suggesting without it")
            if not engine.suggesters:
                return
            sg.load_memory(store, engine)
            sync = sg.MemorySync(store, engine)
            self.loaded.set()
            self.ready.emit()
            waiting: list[int] = []  # articles to re-combine with the memory
            pending = sg.pending(store, engine) if self._background else []
            self.backlog.emit(len(pending))
            while True:
                idle = bool(waiting or pending)
                try:
                    _, _, (kind, value) = self._queue.get(block=not idle)
                except queue.Empty:
                    if waiting:
                        chunk, waiting = waiting[:REFRESH_CHUNK], waiting[REFRESH_CHUNK:]
                        self._report(sg.refresh_ids(store, engine, chunk))
                    else:
                        batch, pending = pending[:IDLE_BATCH], pending[IDLE_BATCH:]
                        batch = sg.pending(store, engine, batch)
                        if batch:
                            sg.suggest_articles(store, engine, batch)
                            self._report(set(batch))
                        self.backlog.emit(len(pending))
                    continue
                if kind == "stop":
                    return
                if kind == "open":
                    if sg.ensure_suggested(store, engine, value):
                        self._report({value})
                elif kind == "decided":
                    sync(value)
                    touched = sync.take()
                    if touched:
                        current = self._current
                        if current is not None:
                            self._report(sg.refresh_ids(store, engine, [current]))
                        others = [a for a in sg.articles_containing(store, touched)
                                  if a != current]
                        waiting = others + [a for a in waiting if a not in set(others)]
        finally:
            store.close()

    def _report(self, ids: set[int]) -> None:
        if ids:
            self.suggested.emit(set(ids))
