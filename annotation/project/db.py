"""The project file: its SQL schema, migrations, and safe opening.

A project is one SQLite file. Opening checks, before anything is written, that the file is
an SQLite database carrying Sorot's application id and a project's tables, that it was not
made by a newer Sorot, that it can be written and that SQLite finds it whole; a file that
fails any check is never modified. The checks themselves live in `annotation.project.file`.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from annotation.project.file import atomic, causes, checks, connection
from annotation.project.file.checks import SQLITE_MAGIC
from annotation.project.file.connection import on_notice
from annotation.project.file.errors import ProjectError, ProjectExistsError

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_S",
    "PROJECT_SUFFIX",
    "SCHEMA_VERSION",
    "SQLITE_MAGIC",
    "ProjectError",
    "ProjectExistsError",
    "checkpoint",
    "create_project",
    "migrate",
    "on_notice",
    "open_database",
    "open_for_copy",
]

APPLICATION_ID = 0x536F726F  # "Soro"
PROJECT_SUFFIX = ".sorot"
# How long a write waits for another connection's write to finish before giving up.
BUSY_TIMEOUT_S = 5

migrations = Migrations("sorot")


@migrations()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            hash TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            meta TEXT NOT NULL DEFAULT '{}',
            created TEXT NOT NULL
        );
        CREATE TABLE tokens (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            data BLOB NOT NULL
        );
        CREATE TABLE entities (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            label TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
            origin TEXT NOT NULL,
            score REAL,
            annotator TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            CHECK (start >= 0 AND "end" > start)
        );
        CREATE INDEX entities_article ON entities(article_id, start);
        CREATE INDEX entities_label ON entities(label, status, annotator);
        CREATE TABLE relations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            head INTEGER NOT NULL REFERENCES entities(id),
            child INTEGER NOT NULL REFERENCES entities(id),
            label TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('suggested', 'accepted', 'rejected')),
            origin TEXT NOT NULL,
            score REAL,
            annotator TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            CHECK (head != child)
        );
        CREATE INDEX relations_article ON relations(article_id);
        CREATE INDEX relations_head ON relations(head);
        CREATE INDEX relations_child ON relations(child);
        CREATE INDEX relations_label ON relations(label, status, annotator);
        CREATE TABLE article_status (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            annotator TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('todo', 'in_progress', 'done', 'skipped')),
            updated TEXT NOT NULL,
            PRIMARY KEY (article_id, annotator)
        );
        CREATE INDEX article_status_status ON article_status(status, annotator);
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            annotator TEXT NOT NULL,
            kind TEXT NOT NULL,
            label TEXT NOT NULL,
            article_id INTEGER,
            changes TEXT NOT NULL DEFAULT '[]',
            ref INTEGER REFERENCES events(id)
        );
        CREATE INDEX events_article ON events(article_id);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TABLE history (
            annotator TEXT NOT NULL,
            seq INTEGER NOT NULL,
            event_id INTEGER NOT NULL REFERENCES events(id),
            undone INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (annotator, seq)
        );
        """
    )


@migrations()
def m002_suggested(db: Database) -> None:
    # Which articles have suggestions, and from which engine: an article missing here, or
    # suggested by another engine (a retrained model, other sources), is suggested again.
    db.executescript(
        """
        CREATE TABLE suggested (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            engine TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE INDEX suggested_engine ON suggested(engine);
        """
    )


@migrations()
def m003_article_search(db: Database) -> None:
    # Full-text search over titles and texts for the article list. The index holds no copy
    # of the text (external content); triggers keep it in step with `articles`, whichever
    # code inserts, so no writer can forget it. Diacritics are folded: "Erdogan" finds
    # "Erdoğan". The partial index answers "articles with a live entity of this label"
    # from the index alone, in article order; articles_id lists the ids in order without
    # reading the articles' pages (an article's row nearly fills one).
    db.executescript(
        """
        CREATE VIRTUAL TABLE articles_fts USING fts5(
            title, text, content='articles', content_rowid='id',
            tokenize='unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
            INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
        END;
        CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
            INSERT INTO articles_fts (articles_fts, rowid, title, text)
                VALUES ('delete', old.id, old.title, old.text);
            INSERT INTO articles_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
        CREATE INDEX entities_live_label ON entities(label, article_id)
            WHERE status != 'rejected';
        CREATE INDEX articles_id ON articles(id);
        """
    )


@migrations()
def m004_merges(db: Database) -> None:
    # A project's id tells whose work a merged-in annotator's is: the same name from another
    # project is another person (a clash), from the same project (a newer copy) the same one.
    # `annotator_origins` holds the merged-in annotators (local ones have no row);
    # `source_name` is the name in its own project when a merge renamed it, so that merging
    # that project again finds the same name. `merged_items` says which merge brought a row.
    db.executescript(
        """
        CREATE TABLE merges (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            source TEXT NOT NULL,
            source_kind TEXT NOT NULL CHECK (source_kind IN ('project', 'jsonl')),
            source_id TEXT NOT NULL,
            annotators TEXT NOT NULL DEFAULT '[]',
            articles INTEGER NOT NULL DEFAULT 0,
            entities INTEGER NOT NULL DEFAULT 0,
            relations INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE annotator_origins (
            name TEXT PRIMARY KEY,
            project_id TEXT NOT NULL,
            source_name TEXT,
            first_merge INTEGER REFERENCES merges(id)
        );
        CREATE INDEX annotator_origins_source ON annotator_origins(project_id, source_name);
        CREATE TABLE merged_items (
            kind TEXT NOT NULL CHECK (kind IN ('entity', 'relation', 'article')),
            item_id INTEGER NOT NULL,
            merge_id INTEGER NOT NULL REFERENCES merges(id),
            PRIMARY KEY (kind, item_id)
        ) WITHOUT ROWID;
        CREATE INDEX merged_items_merge ON merged_items(merge_id);
        """
    )
    db.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('project_id', ?)", (uuid.uuid4().hex,)
    )


@migrations()
def m005_uncertainty(db: Database) -> None:
    # How unsure the suggesters were about each article (annotation.nlp.uncertainty), from
    # the engine that last suggested it; the article list can ask about the most uncertain
    # first. The index gives that order, ties in corpus order, without sorting.
    db.executescript(
        """
        CREATE TABLE uncertainty (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            engine TEXT NOT NULL,
            score REAL NOT NULL,
            places INTEGER NOT NULL,
            disputed INTEGER NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE INDEX uncertainty_order ON uncertainty(score DESC, article_id);
        """
    )


SCHEMA_VERSION = len(migrations._migrations)


def create_project(path: Path, schema_json: str) -> None:
    """Create a new, empty project file at `path`, atomically: it appears whole or not at all.

    Raises ProjectExistsError when the path is taken, also when another process created the
    project in the meantime (open it then).
    """
    path = Path(path)
    if path.exists():
        raise ProjectExistsError(f"{path}: already exists")
    if not path.parent.is_dir():
        raise ProjectError(f"{path.parent}: no such folder")
    tmp = atomic.scratch_path(path, "creating")
    try:
        db = Database(sqlite3.connect(tmp))
        try:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute("PRAGMA journal_mode = WAL")
            migrate(db)
            with db.atomic():
                db.table("meta").insert({"key": "schema", "value": schema_json})
        finally:
            db.close()
        atomic.publish(tmp, path)
    except (sqlite3.Error, OSError) as exc:
        raise ProjectError(causes.explain(path, exc)) from exc
    finally:
        atomic.remove_scratch(tmp)


def open_database(path: Path, readonly: bool = False) -> Database:
    """Open an existing project file, after checks that never modify it.

    Raises ProjectError, naming the cause, when the file is missing, not a Sorot project,
    incomplete, made by a newer Sorot (unless `readonly`), read-only (unless `readonly`),
    or damaged (checked before the first write in this process).
    """
    path = Path(path)
    header = checks.read_header(path)
    checks.check_header(path, header, APPLICATION_ID)
    if not readonly and not connection.writable(path):
        raise ProjectError(
            f"{path}: the project file or its folder is read-only; make it writable, or "
            f"`sorot backup {path} COPY.sorot` to a place you can write and work there"
        )
    conn = _connect(path, readonly)
    try:
        newer = checks.newer_than_this(
            conn, (m.name for m in migrations._migrations), SCHEMA_VERSION
        )
        if newer is not None:
            message = checks.newer_message(path, newer)
            if not readonly:
                raise ProjectError(message)
            connection.notify(f"{message}; reading it only")
        if not readonly:
            connection.check_once(path)
        db = Database(conn)
        if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            if readonly:
                raise ProjectError(f"{path}: needs upgrading; open it writable first")
            migrate(db)
        db.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            if header[18:20] != b"\x02\x02":  # not in WAL mode yet (an old project)
                db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
    except ProjectError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ProjectError(causes.explain(path, exc)) from exc
    return db


def open_for_copy(path: Path) -> sqlite3.Connection:
    """A read-only connection to a project of any format version, for copying it whole
    (`sorot backup`): after the checks that need no upgrade, a -wal of another copy set
    aside, and without leaving anything beside a file that cannot be written."""
    path = Path(path)
    checks.check_header(path, checks.read_header(path), APPLICATION_ID)
    return _connect(path, readonly=True)


def _connect(path: Path, readonly: bool) -> sqlite3.Connection:
    """A connection to `path`, whose header passed, with a -wal of another copy set aside
    and the project's tables checked; ProjectError naming the cause otherwise."""
    ignore_wal = connection.set_aside_foreign_wal(path, readonly)
    try:
        conn = connection.connect(path, readonly, BUSY_TIMEOUT_S, ignore_wal)
    except (sqlite3.Error, OSError) as exc:
        raise ProjectError(causes.explain(path, exc)) from exc
    try:
        checks.check_tables(conn, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ProjectError(causes.explain(path, exc)) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def checkpoint(db: Database, mode: str = "PASSIVE") -> bool:
    """Copy the -wal's committed steps into the project file, so that the file alone is
    whole (what a researcher copies). PASSIVE never waits; return whether all were copied."""
    try:
        busy, frames, done = db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
    except sqlite3.Error:
        return False
    return not busy and frames == done


def migrate(db: Database) -> None:
    """Apply pending migrations and record the format version in `PRAGMA user_version`."""
    migrations.apply(db)
    db.execute(f"PRAGMA user_version = {len(migrations.applied(db))}")
