"""The command stack: runs commands for one annotator, with undo and redo kept in the project.

Each command (`Command`; the edits themselves are in `annotation.project.commands`) writes through a
`ChangeSet` in one transaction; the stack logs its changes as an event, so that undo and
redo work across restarts.

A decision is never lost to another process holding the project's write lock (an import or
a merge): the stack waits for it (`busy_wait`), and then, when it `holds` edits (the window
does), keeps the edit in `pending`, raises `Waiting` (a CommandError, so the researcher is
told), and saves it, before any later one, at the next `do` or `flush`. A script's stack
raises ProjectBusy instead, and nothing was written.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from abc import ABC, abstractmethod
from collections.abc import Iterator

from annotation.limits import loads_bounded
from annotation.model import ArticleStatus
from annotation.project.store import (
    Change,
    ChangeSet,
    ProjectBusy,
    StaleChangeError,
    Store,
    busy_timeout,
    now,
)


class CommandError(Exception):
    """A command that cannot be carried out; the message says why, for the researcher."""


class Waiting(CommandError):
    """The edit is kept, not yet saved: another process holds the project's write lock.

    Raised by a stack that holds edits (`CommandStack.holds`); the edit is saved at the
    next `do` or `flush` once the lock is free. `busy` is the ProjectBusy that kept it.
    """

    def __init__(self, busy: ProjectBusy, waiting: int) -> None:
        self.busy, self.waiting = busy, waiting
        edits = "your edit is" if waiting == 1 else f"your {waiting} edits are"
        super().__init__(
            f"Not saved yet: {busy.who}. Nothing is lost: {edits} kept and "
            "saved as soon as it finishes"
        )


class Command(ABC):
    """One edit. Subclasses set `label` (shown as "Undo <label>") and implement `apply`.

    The first edit of an article still to do for the annotator marks it in progress, in
    the same transaction and undo step (so undoing it makes the article to do again),
    whoever runs the command: the window, the command line, a review or a script.
    Commands that set the article's status themselves say `marks_progress = False`.
    """

    label = "Edit"
    article_id: int | None = None
    marks_progress = True

    @abstractmethod
    def apply(self, tx: ChangeSet, store: Store, annotator: str) -> None:
        """Check preconditions and write the edit through `tx`."""

    def do(self, tx: ChangeSet, store: Store, annotator: str) -> list[Change]:
        """Carry the command out in `tx`; return the changes it made."""
        first = len(tx.changes)
        self.apply(tx, store, annotator)
        if self.marks_progress and self.article_id is not None and len(tx.changes) > first:
            mark_in_progress(tx, store, self.article_id, annotator)
        return tx.changes[first:]

    @staticmethod
    def undo(tx: ChangeSet, changes: list[Change]) -> None:
        """Reverse `changes` (as recorded by `do`) in `tx`."""
        tx.replay([c.inverse() for c in reversed(changes)])


def mark_in_progress(tx: ChangeSet, store: Store, article_id: int, annotator: str) -> None:
    """Mark the article in progress for the annotator, if it is still to do for them."""
    if store.article_status(article_id, annotator) == ArticleStatus.TODO:
        tx.upsert(
            "article_status",
            {
                "article_id": article_id,
                "annotator": annotator,
                "status": ArticleStatus.IN_PROGRESS,
                "updated": now(),
            },
        )


ALL_ARTICLES = "all"  # a CommandStack scope: every step, in the order they were done


class CommandStack:
    """Runs commands for one annotator, with undo and redo kept in the project file.

    Undo and redo reach the steps of one article, the `scope` (the window sets it to the
    article it shows), and the project-wide steps such as schema edits: one history per
    article, as an editor keeps one per document, so that they never change an article
    out of sight. A new step clears the redo of its article and of the project-wide
    steps (a project-wide step clears every redo). A project-wide step is undone only
    while it is the annotator's last step anywhere, as later work may rest on it. Scope
    None reaches the project-wide steps alone; ALL_ARTICLES (the default, for scripts)
    every step in order.
    """

    def __init__(self, store: Store, annotator: str) -> None:
        if not annotator:
            raise CommandError("every decision is stored with an annotator's name; set one")
        self.store, self.annotator = store, annotator
        self.scope: int | str | None = ALL_ARTICLES
        self._group: tuple[ChangeSet | None, list[Command]] | None = None
        self.holds = False  # keep edits the write lock refuses in `pending` (the window)
        self.busy_wait: float | None = None  # seconds; None: the store's busy timeout
        # Edits waiting for the write lock, oldest first: (label, commands) each.
        self.pending: list[tuple[str, list[Command]]] = []
        self.refused: list[str] = []  # waiting edits that no longer applied, and why
        store.on_close(self._save_before_closing)

    def do(self, command: Command) -> Command:
        """Carry a command out (inside the open group, if any) and return it.

        Raises Waiting (a stack that holds edits) or ProjectBusy when another process
        keeps the project's write lock longer than `busy_wait`.
        """
        if self._group is not None:
            tx, commands = self._group
            if tx is not None:
                command.do(tx, self.store, self.annotator)
            commands.append(command)  # a group that waits for the lock: done later
            return command
        self._wait_or_hold("", [command])
        return command

    @contextlib.contextmanager
    def group(self, label: str = "") -> Iterator[None]:
        """Make every command done in the block one transaction and one undo step.

        Without a label the step is named after the first command done in it. When the
        write lock is not to be had and the stack holds edits, the block's commands are
        kept and done together later, and Waiting is raised when the block ends.
        """
        if self._group is not None:
            yield
            return
        with contextlib.ExitStack() as scope:
            busy: ProjectBusy | None = None
            tx: ChangeSet | None = None
            try:
                if self.pending:
                    self.flush()
                tx = scope.enter_context(self.store.transaction(self.busy_wait))
            except ProjectBusy as exc:
                if not self.holds:
                    raise
                busy = exc
            self._group = (tx, [])
            try:
                yield
                commands = self._group[1]
            finally:
                self._group = None
            if tx is not None:
                self._push_group(tx, commands, label)
                return
        if commands and busy is not None:
            self.pending.append((label, commands))
            raise Waiting(busy, len(self.pending))

    def _push_group(self, tx: ChangeSet, commands: list[Command], label: str) -> None:
        if tx.changes:
            articles = {c.article_id for c in commands}
            label = label or (commands[0].label if commands else "")
            self._push(label, tx.changes, articles.pop() if len(articles) == 1 else None)

    def _wait_or_hold(self, label: str, commands: list[Command]) -> None:
        """Do the commands as one step after the waiting ones, or keep them waiting."""
        try:
            if self.pending:
                self.flush()
            self._commit(label, commands, self.busy_wait)
        except ProjectBusy as busy:
            if not self.holds:
                raise
            self.pending.append((label, commands))
            raise Waiting(busy, len(self.pending)) from None

    def _commit(
        self, label: str, commands: list[Command], wait: float | None, skip_refused: bool = False
    ) -> None:
        """Do the commands in one transaction and one undo step. With `skip_refused` (edits
        that waited) one that no longer applies is left out and said in `refused`."""
        with self.store.transaction(wait) as tx:
            done = []
            for command in commands:
                if not skip_refused:
                    command.do(tx, self.store, self.annotator)
                    done.append(command)
                    continue
                first = len(tx.changes)
                try:
                    with self.store.transaction():  # a savepoint: a refused one leaves nothing
                        command.do(tx, self.store, self.annotator)
                except (CommandError, KeyError, StaleChangeError, sqlite3.IntegrityError) as exc:
                    del tx.changes[first:]
                    self.refused.append(f"{command.label}: {exc}")
                    continue
                done.append(command)
            self._push_group(tx, done, label)

    def flush(self, wait: float | None = 0.0) -> int:
        """Save the edits that waited for the write lock, oldest first; return how many.

        Raises ProjectBusy when the lock is still not to be had (those not saved stay in
        `pending`). A waiting edit that no longer applies once it can be done (the project
        changed meanwhile) is left out, and why is added to `refused`.
        """
        saved = 0
        while self.pending:
            label, commands = self.pending[0]
            self._commit(label, commands, wait, skip_refused=True)
            self.pending.pop(0)
            saved += 1
        return saved

    def _save_before_closing(self) -> None:
        if not self.pending:
            return
        try:
            self.flush(wait=6 * busy_timeout())
        except ProjectBusy as busy:
            labels = "; ".join(label or commands[0].label for label, commands in self.pending)
            print(
                f"sorot: error: {len(self.pending)} edits could not be saved before the "
                f"project was closed ({labels}): {busy}",
                file=sys.stderr,
            )

    def _push(self, label: str, changes: list[Change], article_id: int | None) -> None:
        db = self.store.db
        event = self.store.log_event(self.annotator, "do", label, changes, article_id)
        if article_id is None:
            db.execute("DELETE FROM history WHERE annotator = ? AND undone = 1", (self.annotator,))
        else:
            db.execute(
                "DELETE FROM history WHERE annotator = ? AND undone = 1 AND event_id IN "
                "(SELECT id FROM events WHERE article_id = ? OR article_id IS NULL)",
                (self.annotator, article_id),
            )
        db.execute(
            "INSERT INTO history (annotator, seq, event_id) VALUES (?, "
            "(SELECT coalesce(max(seq), 0) + 1 FROM history WHERE annotator = ?), ?)",
            (self.annotator, self.annotator, event),
        )

    def _next(self, undone: int) -> tuple[int, int, str, str, int | None] | None:
        order = "DESC" if undone == 0 else "ASC"
        where = ""  # what the scope adds to the query
        args: tuple[int | str, ...] = ()
        if self.scope is None:
            where = " AND e.article_id IS NULL"
        elif self.scope != ALL_ARTICLES:
            where, args = " AND (e.article_id = ? OR e.article_id IS NULL)", (self.scope,)
        step: tuple[int, int, str, str, int | None] | None = self.store.db.execute(
            "SELECT h.seq, e.id, e.label, e.changes, e.article_id FROM history h "
            "JOIN events e ON e.id = h.event_id WHERE h.annotator = ? AND h.undone = ?"
            f"{where} ORDER BY h.seq {order} LIMIT 1",
            (self.annotator, undone, *args),
        ).fetchone()
        return step

    def _check_project_wide(self, seq: int, label: str) -> None:
        later = self.store.db.execute(
            "SELECT 1 FROM history WHERE annotator = ? AND undone = 0 AND seq > ? LIMIT 1",
            (self.annotator, seq),
        ).fetchone()
        if later is not None:
            raise CommandError(
                f"cannot undo “{label}”: it changed the whole project and you have worked in "
                "other articles since; change it again instead"
            )

    def can_undo(self) -> bool:
        return self._next(0) is not None

    def can_redo(self) -> bool:
        return self._next(1) is not None

    @property
    def undo_label(self) -> str:
        step = self._next(0)
        return step[2] if step else ""

    @property
    def redo_label(self) -> str:
        step = self._next(1)
        return step[2] if step else ""

    def undo(self) -> str:
        """Undo the annotator's last step; return its label ('' if there was none)."""
        return self._step(undone=0)

    def redo(self) -> str:
        """Redo the last undone step; return its label ('' if there was none)."""
        return self._step(undone=1)

    def _step(self, undone: int) -> str:
        if self._group is not None:
            raise CommandError("cannot undo or redo inside a group")
        if self.pending:
            try:
                self.flush(self.busy_wait)
            except ProjectBusy as busy:
                raise CommandError(
                    f"cannot undo or redo while edits wait to be saved: {busy}"
                ) from None
        step = self._next(undone)
        if step is None:
            return ""
        seq, event_id, label, changes_json, article_id = step
        if article_id is None and undone == 0 and self.scope != ALL_ARTICLES:
            self._check_project_wide(seq, label)
        verb = "undo" if undone == 0 else "redo"
        try:
            stored = loads_bounded(changes_json, f"the step {label!r}")
        except ValueError as exc:
            raise CommandError(f"cannot {verb}: {exc}") from None
        changes = [Change.from_json(c) for c in stored]
        try:
            with self.store.transaction(self.busy_wait) as tx:
                if undone == 0:
                    Command.undo(tx, changes)
                else:
                    tx.replay(changes)
                self.store.log_event(
                    self.annotator, verb, label, tx.changes, article_id, ref=event_id
                )
                self.store.db.execute(
                    "UPDATE history SET undone = ? WHERE annotator = ? AND seq = ?",
                    (1 - undone, self.annotator, seq),
                )
        except StaleChangeError as exc:
            raise CommandError(f"cannot {verb} “{label}”: {exc}") from None
        return label
