"""The Store: reads the project file and applies recorded changes to it.

Every mutation goes through `Store.transaction()`, which takes the project's write lock up
front (BEGIN IMMEDIATE) and yields a `ChangeSet`. The change set writes rows and remembers
each row's before and after values, so that any change can be undone, redone and audited
from the event log, also after a restart. Bulk writers (import, merge, suggest) run inside
`Store.bulk()`, which refuses a read-only project, lists the process as the project's writer
and tunes the connection, and write in transactions of their own: `add_article`,
`add_annotations` and `ChangeSet.insert_rows` store rows without recording them one by one,
and listeners hear which articles they touched once each transaction is committed. Nothing
writes to the project file any other way (merge sources and helper processes only read).

Another process holding the write lock is waited for (`BUSY_TIMEOUT_S`, or the wait given to
`transaction`); then `ProjectBusy` says who it is, when it is known (`annotation.project.writers`).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotation.limits import MAX_JSON_DEPTH, NestedTooDeeply, loads_bounded
from annotation.model import (
    Article,
    ArticleStatus,
    Entity,
    EntityStatus,
    NewEntity,
    NewRelation,
    Relation,
    content_hash,
)
from annotation.project import db as dbmod
from annotation.project import writers
from annotation.project.writers import ProjectBusy, busy_timeout, is_locked
from annotation.schema import LabelSchema, SchemaError, default_schema

KEYS: dict[str, tuple[str, ...]] = {
    "entities": ("id",),
    "relations": ("id",),
    "article_status": ("article_id", "annotator"),
    "meta": ("key",),
    "suggested": ("article_id",),
    "uncertainty": ("article_id",),
}
ENTITY_COLUMNS = (
    "id",
    "article_id",
    "start",
    "end",
    "label",
    "status",
    "origin",
    "score",
    "annotator",
    "created",
    "updated",
)
RELATION_COLUMNS = (
    "id",
    "article_id",
    "head",
    "child",
    "label",
    "status",
    "origin",
    "score",
    "annotator",
    "created",
    "updated",
)
_ENTITY_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in ENTITY_COLUMNS) + " FROM entities"
_RELATION_SELECT = "SELECT " + ", ".join(f'"{c}"' for c in RELATION_COLUMNS) + " FROM relations"

Row = dict[str, Any]


class UnreadMeta(dict[str, Any]):
    """An article's metadata that could not be read back (nested too deeply): empty, as the
    export writes it, with `unread` saying why, for the window to show."""

    def __init__(self, unread: str) -> None:
        super().__init__()
        self.unread = unread


__all__ = [
    "Change",
    "ChangeSet",
    "ProjectBusy",
    "StaleChangeError",
    "Store",
    "busy_timeout",
    "entity_row",
    "is_locked",
    "now",
    "relation_row",
]


class StaleChangeError(Exception):
    """A recorded change no longer matches the project (the row was changed since)."""


def now() -> str:
    """The current time as stored in the project: UTC, ISO 8601, milliseconds."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Change:
    """One row's before and after values; None stands for 'no such row'."""

    table: str
    key: tuple[Any, ...]
    before: Row | None
    after: Row | None

    def inverse(self) -> Change:
        return Change(self.table, self.key, self.after, self.before)

    def to_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "key": list(self.key),
            "before": self.before,
            "after": self.after,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Change:
        return cls(data["table"], tuple(data["key"]), data["before"], data["after"])


class ChangeSet:
    """Writes rows inside one transaction and records what each write changed."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.changes: list[Change] = []

    def insert(self, table: str, row: Row) -> int:
        """Insert a row (its id allocated by SQLite if absent) and return the row id."""
        cursor = self._store.db.execute(*_insert_sql(table, row))
        row_id = _inserted_id(cursor)
        if "id" in KEYS[table] and "id" not in row:
            row = {"id": row_id, **row}
        key = tuple(row[k] for k in KEYS[table])
        self.changes.append(Change(table, key, None, self._store.row(table, key)))
        return row_id

    def update(self, table: str, key: tuple[Any, ...], **values: Any) -> None:
        before = self._store.row(table, key)
        if before is None:
            raise KeyError(f"{table} {key} does not exist")
        self._store.db.execute(*_update_sql(table, key, values))
        self.changes.append(Change(table, key, before, self._store.row(table, key)))

    def upsert(self, table: str, row: Row) -> None:
        key = tuple(row[k] for k in KEYS[table])
        if self._store.row(table, key) is None:
            self.insert(table, row)
        else:
            self.update(table, key, **{k: v for k, v in row.items() if k not in KEYS[table]})

    def delete(self, table: str, key: tuple[Any, ...]) -> None:
        before = self._store.row(table, key)
        if before is None:
            raise KeyError(f"{table} {key} does not exist")
        self._store.db.execute(f"DELETE FROM {table} WHERE {_where(table)}", key)
        self.changes.append(Change(table, key, before, None))

    def insert_rows(
        self,
        table: str,
        columns: tuple[str, ...],
        rows: list[tuple[Any, ...]],
        *,
        replace: bool = False,
    ) -> None:
        """Insert many rows in one statement, without recording them one by one (import,
        merge); say which articles they belong to with `touch`. Only inside `transaction()`."""
        if not self._store.db.conn.in_transaction:
            raise RuntimeError("insert_rows outside Store.transaction()")
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        self._store.db.conn.executemany(f"{verb} INTO {table} ({names}) VALUES ({marks})", rows)

    def touch(self, article_id: int) -> None:
        """Say that rows of this article were written in bulk, without being recorded one
        by one (import, merge): listeners hear the article's id."""
        self._store._touched.add(article_id)

    def replay(self, changes: list[Change]) -> None:
        """Apply recorded changes, checking that each row is still as it was recorded."""
        for change in changes:
            current = self._store.row(change.table, change.key)
            if current != change.before:
                raise StaleChangeError(f"{change.table} {list(change.key)} was changed since")
            if change.after is None:
                self.delete(change.table, change.key)
            elif change.before is None:
                self.insert(change.table, change.after)
            else:
                values = {k: v for k, v in change.after.items() if k not in KEYS[change.table]}
                self.update(change.table, change.key, **values)


class Store:
    """A project file open for reading and, unless read-only, for recorded changes."""

    def __init__(self, db: Database, path: Path | None = None, readonly: bool = False) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly
        self._schema: LabelSchema | None = None
        self._listeners: list[Callable[[list[Change]], None]] = []
        self._touched: set[int] = set()  # articles written in bulk by this transaction
        self._bulk: list[writers.Writer] = []
        self._closing: list[Callable[[], None]] = []

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, readonly: bool = False) -> Store:
        """Open an existing project; raise ProjectError with a clear message if it cannot be."""
        path = Path(path)
        return cls(dbmod.open_database(path, readonly=readonly), path, readonly)

    @classmethod
    def create(cls, path: str | Path, schema: LabelSchema | None = None) -> Store:
        """Create a new project file (atomically) and open it."""
        path = Path(path)
        dbmod.create_project(path, (schema or default_schema()).to_json())
        return cls.open(path)

    @classmethod
    def memory(cls, schema: LabelSchema | None = None) -> Store:
        """An in-memory project, for tests and scratch work."""
        db = Database(memory=True)
        dbmod.migrate(db)
        db.execute("PRAGMA foreign_keys = ON")
        db.table("meta").insert({"key": "schema", "value": (schema or default_schema()).to_json()})
        return cls(db)

    def close(self) -> None:
        """Run the closing hooks (a command stack saving edits that waited), then close."""
        hooks, self._closing = self._closing, []
        for hook in hooks:
            hook()
        self.db.close()

    def on_close(self, hook: Callable[[], None]) -> None:
        """Call `hook()` before the project is closed."""
        self._closing.append(hook)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, wait: float | None = None) -> Iterator[ChangeSet]:
        """One atomic unit of work; listeners hear of its changes once it is committed.

        The write lock is taken up front; another process's is waited for `wait` seconds
        (default `busy_timeout()`), then ProjectBusy is raised and nothing is written.
        Inside another transaction this is a savepoint of it.
        """
        self.check_writable()
        changes = ChangeSet(self)
        outermost = not self.db.conn.in_transaction
        if not outermost:
            with self.db.atomic():
                yield changes
            return
        self._touched = set()
        with self._immediate(wait):
            yield changes
        if any(c.table == "meta" for c in changes.changes):
            self._schema = None
        touched, self._touched = self._touched, set()
        heard = changes.changes + [
            Change("articles", (a,), None, {"article_id": a}) for a in sorted(touched)
        ]
        if heard:
            for listener in list(self._listeners):
                listener(heard)

    @contextlib.contextmanager
    def _immediate(self, wait: float | None) -> Iterator[None]:
        # Take the write lock before reading: another connection (the app's suggestion
        # worker, an import) may commit between a deferred transaction's first read and
        # its first write, and SQLite then refuses the write at once instead of waiting
        # its turn. With the FTS5 trigger on articles even a first insert is refused so.
        conn = self.db.conn
        seconds = busy_timeout() if wait is None else wait
        conn.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if is_locked(exc):
                raise ProjectBusy(self.path, self.writers()) from exc
            raise
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout() * 1000)}")
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def check_writable(self, what: str = "") -> None:
        """Raise the store's read-only error (a ProjectError) if it was opened read-only;
        `what` ("import", "merge") names the work refused."""
        if self.readonly:
            work = f"; cannot {what} into it" if what else ""
            raise dbmod.ProjectError(f"{self.path}: opened read-only{work}")

    def writers(self) -> list[writers.Writer]:
        """The other processes listed as writing this project (see annotation.project.writers)."""
        return writers.current(self.path) if self.path is not None else []

    @contextlib.contextmanager
    def bulk(self, what: str) -> Iterator[None]:
        """A long piece of writing work (import, merge, suggest), in transactions of its own.

        Refuses a read-only project at once; waits for the write lock (raising ProjectBusy
        before any work is done when another process keeps it); lists this process as the
        project's writer meanwhile, so that another process told to wait can say who; and
        gives the connection a larger page cache and rarer checkpoints, which a large
        import otherwise spends a fifth of its storing time on. The work's writes each go
        through `transaction()`.
        """
        self.check_writable(what)
        if self._bulk or self.path is None or self.db.conn.in_transaction:
            yield  # nested in another bulk piece of work, or in memory: nothing to add
            return
        with self.transaction():  # the lock, and the writer file changed only under it
            me = writers.add(self.path, what)
        self._bulk.append(me)
        conn = self.db.conn
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        checkpoint = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        conn.execute("PRAGMA cache_size = -65536")  # KiB: 64 MB
        conn.execute("PRAGMA wal_autocheckpoint = 10000")  # pages: about 40 MB of WAL
        try:
            yield
        finally:
            self._bulk.remove(me)
            with contextlib.suppress(sqlite3.Error):
                conn.execute(f"PRAGMA cache_size = {int(cache)}")
                conn.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
            try:
                with self.transaction():
                    writers.remove(self.path, me)
            except (dbmod.ProjectError, sqlite3.Error):
                writers.remove(self.path, me)  # unguarded, rather than leave it listed

    def data_version(self) -> int:
        """A number that changes whenever another connection commits to the project."""
        version: int = self.db.execute("PRAGMA data_version").fetchone()[0]
        return version

    def forget_cached(self) -> None:
        """Forget what was read once and kept (the schema): another process changed it."""
        self._schema = None

    def subscribe(self, listener: Callable[[list[Change]], None]) -> None:
        """Call `listener(changes)` after each committed transaction that changed rows."""
        self._listeners.append(listener)

    def log_event(
        self,
        annotator: str,
        kind: str,
        label: str,
        changes: list[Change],
        article_id: int | None = None,
        ref: int | None = None,
    ) -> int:
        """Append an event to the log (inside the caller's transaction) and return its id."""
        cursor = self.db.execute(
            "INSERT INTO events (time, annotator, kind, label, article_id, changes, ref) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                now(),
                annotator,
                kind,
                label,
                article_id,
                json.dumps([c.to_json() for c in changes], ensure_ascii=False),
                ref,
            ),
        )
        return _inserted_id(cursor)

    def add_article(
        self,
        text: str,
        title: str = "",
        source: str = "",
        meta: dict[str, Any] | None = None,
        tokens: bytes = b"",
        entities: Sequence[NewEntity] = (),
        relations: Sequence[NewRelation] = (),
        annotator: str | None = None,
        status: str | None = None,
    ) -> int | None:
        """Add an article with its annotations, unless its text is already in the project.

        Call it inside `transaction()`: bulk import commits between articles only, so an
        article is never stored half; listeners hear the article's id. `relations` index
        into `entities`. Return the new article's id, or None for a duplicate.
        """
        _check_relations(entities, relations)
        conn, time = self.db.conn, now()
        cursor = conn.execute(
            "INSERT INTO articles (hash, title, text, source, meta, created) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
            (
                content_hash(text),
                title,
                text,
                source,
                json.dumps(meta or {}, ensure_ascii=False),
                time,
            ),
        )
        if cursor.rowcount == 0:
            return None
        article_id = _inserted_id(cursor)
        conn.execute("INSERT INTO tokens (article_id, data) VALUES (?, ?)", (article_id, tokens))
        self._touched.add(article_id)
        self._add_annotations(article_id, entities, relations, annotator, status, time, fresh=True)
        return article_id

    def add_annotations(
        self,
        article_id: int,
        entities: Sequence[NewEntity],
        relations: Sequence[NewRelation],
        annotator: str | None = None,
        status: str | None = None,
        time: str | None = None,
    ) -> None:
        """Add imported entities, relations and status to an article (see `add_article`).

        On an article the project had, the undecided suggestions of a span an entity is
        accepted at here are dropped (with their suggested relations): the decision replaces
        them, as accepting the suggestion would have.
        """
        self._add_annotations(article_id, entities, relations, annotator, status, time)

    def _add_annotations(
        self,
        article_id: int,
        entities: Sequence[NewEntity],
        relations: Sequence[NewRelation],
        annotator: str | None,
        status: str | None,
        time: str | None,
        fresh: bool = False,
    ) -> None:
        _check_relations(entities, relations)
        conn, time = self.db.conn, time or now()
        self._touched.add(article_id)
        # Ids are given, not left to SQLite, so that one executemany can store them all and
        # relations can refer to them; AUTOINCREMENT's sequence says which are free.
        ids = self._next_ids("entities", len(entities))
        conn.executemany(
            'INSERT INTO entities (id, article_id, start, "end", label, status, origin, score, '
            "annotator, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    article_id,
                    e.start,
                    e.end,
                    e.label,
                    e.status,
                    e.origin,
                    e.score,
                    _decider(e, annotator),
                    time,
                    time,
                )
                for i, e in zip(ids, entities)
            ],
        )
        conn.executemany(
            "INSERT INTO relations (article_id, head, child, label, status, origin, score, "
            "annotator, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    article_id,
                    ids[r.head],
                    ids[r.child],
                    r.label,
                    r.status,
                    r.origin,
                    r.score,
                    _decider(r, annotator),
                    time,
                    time,
                )
                for r in relations
            ],
        )
        if status and annotator and status != ArticleStatus.TODO:
            conn.execute(
                "INSERT INTO article_status (article_id, annotator, status, updated) "
                "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (article_id, annotator, status, time),
            )
        accepted = {(e.start, e.end) for e in entities if e.status == EntityStatus.ACCEPTED}
        if accepted and not fresh:  # a new article's suggestions are those of its record
            self._drop_suggestions_at(article_id, accepted)

    def _drop_suggestions_at(self, article_id: int, spans: set[tuple[int, int]]) -> None:
        # Only suggestions of the very span: a record (an export with its suggestions) may
        # hold a suggestion inside an accepted entity on purpose, and gets it back.
        conn = self.db.conn
        under = [
            i
            for i, start, end in conn.execute(
                'SELECT id, start, "end" FROM entities WHERE article_id = ? AND status = ?',
                (article_id, EntityStatus.SUGGESTED),
            )
            if (start, end) in spans
        ]
        if not under:
            return
        marks = ", ".join("?" * len(under))
        # A decided relation keeps its ends: never delete what it stands on.
        kept = {
            i
            for row in conn.execute(
                f"SELECT head, child FROM relations WHERE status != ? AND (head IN ({marks}) "
                f"OR child IN ({marks}))",
                (EntityStatus.SUGGESTED, *under, *under),
            )
            for i in row
        }
        under = [i for i in under if i not in kept]
        if not under:
            return
        marks = ", ".join("?" * len(under))
        conn.execute(
            f"DELETE FROM relations WHERE head IN ({marks}) OR child IN ({marks})", (*under, *under)
        )
        conn.execute(f"DELETE FROM entities WHERE id IN ({marks})", under)

    def has_work(self, article_id: int, annotator: str) -> bool:
        """Whether the annotator has any entity, relation or status on the article."""
        return bool(
            self.db.execute(
                "SELECT EXISTS (SELECT 1 FROM entities WHERE article_id = ?1 AND annotator = ?2) "
                "OR EXISTS (SELECT 1 FROM relations WHERE article_id = ?1 AND annotator = ?2) "
                "OR EXISTS (SELECT 1 FROM article_status WHERE article_id = ?1 AND annotator = ?2)",
                (article_id, annotator),
            ).fetchone()[0]
            == 1
        )

    def _next_ids(self, table: str, count: int) -> range:
        if not count:
            return range(0)
        row = self.db.conn.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)
        ).fetchone()
        first = (row[0] if row else 0) + 1
        return range(first, first + count)

    def tokens(self, article_id: int) -> bytes:
        """The article's stored tokens (see `annotation.nlp.tokens`)."""
        row = self.db.execute(
            "SELECT data FROM tokens WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise KeyError(f"no tokens for article {article_id}")
        data: bytes = row[0]
        return data

    # -- reading ---------------------------------------------------------------------------

    def row(self, table: str, key: tuple[Any, ...]) -> Row | None:
        cursor = self.db.execute(f"SELECT * FROM {table} WHERE {_where(table)}", key)
        values = cursor.fetchone()
        if values is None:
            return None
        return dict(zip([d[0] for d in cursor.description], values))

    @property
    def schema(self) -> LabelSchema:
        if self._schema is None:
            value = self.db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
            try:
                data = loads_bounded(value, "the project's label schema")
            except NestedTooDeeply as exc:  # written by another program: no labels to trust
                raise SchemaError(str(exc)) from None
            self._schema = LabelSchema.from_dict(data)
        return self._schema

    def article(self, article_id: int) -> Article:
        row = self.db.execute(
            "SELECT id, title, text, source, meta, hash FROM articles WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise KeyError(f"no article {article_id}")
        try:
            meta = loads_bounded(row[4], f"article {article_id}'s metadata")
        except NestedTooDeeply:  # stored by another program or an older Sorot; import refuses it
            meta = UnreadMeta(f"metadata nested too deeply to show: over {MAX_JSON_DEPTH} levels")
        return Article(row[0], row[1], row[2], row[3], meta, row[5])

    def article_ids(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT id FROM articles ORDER BY id")]

    def article_id_for_hash(self, text_hash: str) -> int | None:
        row = self.db.execute("SELECT id FROM articles WHERE hash = ?", (text_hash,)).fetchone()
        return row[0] if row else None

    def count_articles(self) -> int:
        count: int = self.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        return count

    def entity(self, entity_id: int) -> Entity:
        row = self.db.execute(_ENTITY_SELECT + " WHERE id = ?", (entity_id,)).fetchone()
        if row is None:
            raise KeyError(f"no entity {entity_id}")
        return Entity(*row)

    def entities(
        self,
        article_id: int,
        statuses: tuple[str, ...] = EntityStatus.ALL,
    ) -> list[Entity]:
        """The article's entities with these statuses, in text order."""
        marks = ", ".join("?" * len(statuses))
        rows = self.db.execute(
            _ENTITY_SELECT + f" WHERE article_id = ? AND status IN ({marks}) "
            'ORDER BY start, "end", id',
            (article_id, *statuses),
        )
        return [Entity(*r) for r in rows]

    def relation(self, relation_id: int) -> Relation:
        row = self.db.execute(_RELATION_SELECT + " WHERE id = ?", (relation_id,)).fetchone()
        if row is None:
            raise KeyError(f"no relation {relation_id}")
        return Relation(*row)

    def relations(
        self,
        article_id: int,
        statuses: tuple[str, ...] = EntityStatus.ALL,
    ) -> list[Relation]:
        marks = ", ".join("?" * len(statuses))
        rows = self.db.execute(
            _RELATION_SELECT + f" WHERE article_id = ? AND status IN ({marks}) ORDER BY id",
            (article_id, *statuses),
        )
        return [Relation(*r) for r in rows]

    def relations_of(self, entity_id: int) -> list[Relation]:
        """Relations in which the entity is head or child."""
        rows = self.db.execute(
            _RELATION_SELECT + " WHERE head = ? UNION " + _RELATION_SELECT + " WHERE child = ?",
            (entity_id, entity_id),
        )
        return sorted((Relation(*r) for r in rows), key=lambda r: r.id)

    def article_status(self, article_id: int, annotator: str) -> str:
        row = self.db.execute(
            "SELECT status FROM article_status WHERE article_id = ? AND annotator = ?",
            (article_id, annotator),
        ).fetchone()
        return row[0] if row else ArticleStatus.TODO

    def annotators(self) -> list[str]:
        """Everyone who has made a decision in this project."""
        rows = self.db.execute(
            "SELECT annotator FROM entities WHERE annotator IS NOT NULL "
            "UNION SELECT annotator FROM relations WHERE annotator IS NOT NULL "
            "UNION SELECT annotator FROM article_status ORDER BY 1"
        )
        return [r[0] for r in rows]


def entity_row(
    article_id: int,
    start: int,
    end: int,
    label: str,
    status: str,
    origin: str,
    annotator: str | None,
    score: float | None = None,
    time: str | None = None,
) -> Row:
    """A new entity row, ready for `ChangeSet.insert`."""
    time = time or now()
    return {
        "article_id": article_id,
        "start": start,
        "end": end,
        "label": label,
        "status": status,
        "origin": origin,
        "score": score,
        "annotator": annotator,
        "created": time,
        "updated": time,
    }


def relation_row(
    article_id: int,
    head: int,
    child: int,
    label: str,
    status: str,
    origin: str,
    annotator: str | None,
    score: float | None = None,
    time: str | None = None,
) -> Row:
    """A new relation row, ready for `ChangeSet.insert`."""
    time = time or now()
    return {
        "article_id": article_id,
        "head": head,
        "child": child,
        "label": label,
        "status": status,
        "origin": origin,
        "score": score,
        "annotator": annotator,
        "created": time,
        "updated": time,
    }


def _inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid of the row the cursor's INSERT just stored."""
    assert cursor.lastrowid is not None, "sqlite3 sets lastrowid on every execute"
    return cursor.lastrowid


def _check_relations(entities: Sequence[NewEntity], relations: Sequence[NewRelation]) -> None:
    for r in relations:
        if not (0 <= r.head < len(entities) and 0 <= r.child < len(entities)):
            raise ValueError(f"relation {r.label} refers to no entity of this article")


def _decider(item: NewEntity | NewRelation, annotator: str | None) -> str | None:
    # A suggestion is nobody's decision yet, whoever imported it.
    if item.status == EntityStatus.SUGGESTED:
        return item.annotator
    return item.annotator if item.annotator is not None else annotator


def _where(table: str) -> str:
    return " AND ".join(f'"{k}" = ?' for k in KEYS[table])


def _insert_sql(table: str, row: Row) -> tuple[str, list[Any]]:
    columns = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" * len(row))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(row.values())


def _update_sql(table: str, key: tuple[Any, ...], values: Row) -> tuple[str, list[Any]]:
    assignments = ", ".join(f'"{c}" = ?' for c in values)
    return f"UPDATE {table} SET {assignments} WHERE {_where(table)}", [*values.values(), *key]
