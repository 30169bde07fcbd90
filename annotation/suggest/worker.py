"""Suggestions in a process of their own, so that the window never waits for them.

The app starts `serve` in a child process (`annotation.processes.start_process`, which ends
it with the window, however the window ends), which owns its own connection to the project
file and the suggestion engine (loading it takes about a second). Requests come in on one
queue and reports go out on another; nothing is shared but the project file. The worker
serves, most urgent first:
1. "open": the article the researcher opened, if it has no suggestions yet;
2. "decided": committed decisions, which the memory learns from; the strings whose
   suggestion changed are re-combined in the open article at once, then in every other
   article that contains them;
3. when idle, articles never suggested (after a large import), a few at a time.
"stop" ends the loop once the requests that came with it are served.
Reports are ("ready",), ("suggested", [ids]), ("backlog", n) and ("problem", message).
A separate process, not a thread: the model's inference then neither holds the window's
interpreter lock nor shares native libraries' state with the GUI toolkit.

The researcher goes on deciding while the worker suggests: `annotation.suggest.service` stores each
article's suggestions against its decisions as they are when it commits. When another
process keeps the project's write lock (a long import or merge), the work waits and is
tried again a moment later, once reported; the worker does not stop for it.
"""

from __future__ import annotations

import queue
import time
from typing import Any

from annotation.project.store import ProjectBusy

IDLE_BATCH = 8
REFRESH_CHUNK = 24
BUSY_PAUSE_S = 1.0  # before work the project's write lock kept waiting is tried again
_ORDER = {"open": 0, "decided": 1}


def serve(
    path: str, settings: dict[str, Any], background: bool, requests: Any, reports: Any
) -> None:
    """Run the worker loop until asked to stop (the child process's entry point)."""
    try:
        _Worker(path, settings, background, reports).run(requests)
    except Exception as exc:  # reported to the window, which carries on without suggestions
        reports.put(("problem", f"Suggestions stopped: {exc}"))
    finally:
        reports.put(("stopped",))


class _Worker:
    def __init__(self, path: str, settings: dict[str, Any], background: bool, reports: Any) -> None:
        from annotation.project.store import Store
        from annotation.settings import Settings
        from annotation.suggest import service as sg

        self.sg, self.reports, self.background = sg, reports, background
        self.store = Store.open(path)
        config = Settings(**settings)
        self.engine = sg.engine_from_settings(self.store.schema, config, project=self.store.path)
        for message in self.engine.problems:
            reports.put(("problem", f"{message}; suggesting without it"))
        self.current: int | None = None
        self.waiting: list[int] = []  # articles to re-combine with the memory
        self.pending: list[int] = []
        self.retry: list[tuple[str, Any]] = []  # requests the write lock kept waiting
        self.busy = False  # told the window the project is busy, not yet that it is free

    def run(self, requests: Any) -> None:
        sg, store, engine = self.sg, self.store, self.engine
        try:
            if not engine.suggesters:
                return
            sg.load_memory(store, engine)
            self.sync = sg.MemorySync(store, engine)
            self.reports.put(("ready",))
            self.pending = sg.pending(store, engine) if self.background else []
            self.reports.put(("backlog", len(self.pending)))
            while True:
                jobs = self._take(requests, block=not (self.waiting or self.pending or self.retry))
                if self.retry and not jobs:
                    time.sleep(BUSY_PAUSE_S)
                jobs, self.retry = self.retry + jobs, []
                for kind, value in jobs:
                    if kind != "stop":
                        self._attempt(lambda k=kind, v=value: self._handle(k, v), (kind, value))
                if any(kind == "stop" for kind, _ in jobs):
                    return  # after what was asked before it, before the idle work
                if not jobs:
                    self._attempt(self._idle, None)
        finally:
            store.close()

    @staticmethod
    def _take(requests: Any, block: bool) -> list[tuple[str, Any]]:
        """Every request waiting now (waiting for one if `block`), most urgent first."""
        jobs: list[tuple[str, Any]] = [requests.get()] if block else []
        try:
            while True:
                jobs.append(requests.get_nowait())
        except queue.Empty:
            pass
        return sorted(jobs, key=lambda job: _ORDER.get(job[0], 9))

    def _attempt(self, work: Any, request: tuple[str, Any] | None) -> None:
        """Do some work; if another process keeps the write lock, keep it for later."""
        try:
            work()
        except ProjectBusy as exc:
            if request is not None:
                self.retry.append(request)
            if not self.busy:
                self.busy = True
                self.reports.put(("problem", f"Suggestions wait: {exc}"))
            return
        self.busy = False

    def _handle(self, kind: str, value: Any) -> None:
        sg, store, engine = self.sg, self.store, self.engine
        if kind == "open":
            self.current = value
            if sg.ensure_suggested(store, engine, value):
                self._report({value})
        elif kind == "decided":
            self.sync(value)
            touched = self.sync.take()
            if touched:
                others = [a for a in sg.articles_containing(store, touched) if a != self.current]
                rest = set(others)
                self.waiting = others + [a for a in self.waiting if a not in rest]
                if self.current is not None:
                    # Listed until it is refreshed: the write lock may keep it waiting.
                    self.waiting.insert(0, self.current)
                    self._report(sg.refresh_ids(store, engine, [self.current]))
                    self.waiting.remove(self.current)

    def _idle(self) -> None:
        sg, store, engine = self.sg, self.store, self.engine
        if self.waiting:
            chunk = self.waiting[:REFRESH_CHUNK]
            self._report(sg.refresh_ids(store, engine, chunk))
            self.waiting = self.waiting[len(chunk) :]  # kept until done: ProjectBusy
            return
        batch = sg.pending(store, engine, self.pending[:IDLE_BATCH])
        if batch:
            sg.suggest_articles(store, engine, batch)
            self._report(set(batch))
        self.pending = self.pending[IDLE_BATCH:]
        self.reports.put(("backlog", len(self.pending)))

    def _report(self, ids: set[int]) -> None:
        if ids:
            self.reports.put(("suggested", sorted(ids)))
