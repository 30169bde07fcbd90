"""The open project as the widgets see it: store, command stack, and Qt signals.

The domain's store calls plain listeners after each commit; this is the one adapter that
re-emits them as Qt signals, so widgets redraw on change and never poll.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from annotation.project.commands import Command, CommandError, CommandStack
from annotation.project.store import Change, Store
from annotation.schema import LabelSchema


class Workspace(QObject):
    """One project open for one annotator."""

    changed = Signal(object)  # set[int]: the articles whose annotations or status changed
    schemaChanged = Signal()
    failed = Signal(str)  # a command was refused; the message is for the researcher

    def __init__(self, store: Store, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.stack = CommandStack(store, annotator)
        store.subscribe(self._on_commit)

    @property
    def annotator(self) -> str:
        return self.stack.annotator

    @property
    def schema(self) -> LabelSchema:
        return self.store.schema

    def do(self, command: Command) -> bool:
        """Carry out a command; a refused one is reported through `failed`."""
        try:
            self.stack.do(command)
        except CommandError as exc:
            self.failed.emit(str(exc))
            return False
        return True

    def undo(self) -> str:
        return self._step(self.stack.undo)

    def redo(self) -> str:
        return self._step(self.stack.redo)

    def _step(self, step) -> str:
        try:
            return step()
        except CommandError as exc:
            self.failed.emit(str(exc))
            return ""

    def _on_commit(self, changes: list[Change]) -> None:
        articles: set[int] = set()
        schema = False
        for change in changes:
            if change.table == "meta":
                schema = True
            for row in (change.before, change.after):
                if row is not None and "article_id" in row:
                    articles.add(row["article_id"])
        if schema:
            self.schemaChanged.emit()
        if articles:
            self.changed.emit(articles)
