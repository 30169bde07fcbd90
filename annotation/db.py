"""The project file: its SQL schema, migrations, and safe opening.

A project is one SQLite file. Opening checks, before anything is written, that the file is
an SQLite database carrying Sorot's application id, that it was not made by a newer Sorot,
and that it can be written; a file that fails any check is never modified.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

APPLICATION_ID = 0x536F726F  # "Soro"
SQLITE_MAGIC = b"SQLite format 3\x00"
PROJECT_SUFFIX = ".sorot"

migrations = Migrations("sorot")


class ProjectError(Exception):
    """A project file that cannot be opened or used, with a message for the researcher."""


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
    db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('project_id', ?)",
               (uuid.uuid4().hex,))


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
    """Create a new, empty project file at `path`, atomically: it appears whole or not at all."""
    if path.exists():
        raise ProjectError(f"{path}: already exists")
    if not path.parent.is_dir():
        raise ProjectError(f"{path.parent}: no such folder")
    tmp = path.with_name(f".{path.name}.creating")
    tmp.unlink(missing_ok=True)
    try:
        db = Database(tmp)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        migrate(db)
        with db.atomic():
            db["meta"].insert({"key": "schema", "value": schema_json})
        db.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def open_database(path: Path, readonly: bool = False) -> Database:
    """Open an existing project file, after checks that never modify it.

    Raises ProjectError when the file is missing, not a Sorot project, made by a newer
    Sorot, read-only (unless `readonly`), or corrupt.
    """
    header = _read_header(path)
    if not header.startswith(SQLITE_MAGIC):
        raise ProjectError(f"{path}: not a Sorot project (not an SQLite database)")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id != APPLICATION_ID:
        raise ProjectError(f"{path}: not a Sorot project (an SQLite file of another program)")
    if not readonly and not _writable(path):
        raise ProjectError(
            f"{path}: the project file or its folder is read-only; "
            "make it writable, or copy it somewhere you can write"
        )
    conn = None
    try:
        conn = (
            sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            if readonly
            else sqlite3.connect(path)
        )
        db = Database(conn)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            db.close()
            raise ProjectError(
                f"{path}: made by a newer version of Sorot (project format {version}, "
                f"this Sorot reads up to {SCHEMA_VERSION}); update Sorot to open it"
            )
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if version < SCHEMA_VERSION:
            if readonly:
                db.close()
                raise ProjectError(f"{path}: needs upgrading; open it writable first")
            migrate(db)
        db.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
        db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise ProjectError(f"{path}: the project file is damaged ({exc})") from exc
    return db


def migrate(db: Database) -> None:
    """Apply pending migrations and record the format version in `PRAGMA user_version`."""
    migrations.apply(db)
    db.execute(f"PRAGMA user_version = {len(migrations.applied(db))}")


def _read_header(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(100)
    except FileNotFoundError:
        raise ProjectError(f"{path}: no such project file") from None
    except IsADirectoryError:
        raise ProjectError(f"{path}: is a folder, not a project file") from None
    except OSError as exc:
        raise ProjectError(f"{path}: cannot read ({exc.strerror})") from exc


def _writable(path: Path) -> bool:
    # os.access alone says yes to root for a file marked read-only; honour the marking too.
    folder = path.resolve().parent
    marked = path.stat().st_mode & 0o222 and folder.stat().st_mode & 0o222
    return bool(marked) and os.access(path, os.W_OK) and os.access(folder, os.W_OK | os.X_OK)
