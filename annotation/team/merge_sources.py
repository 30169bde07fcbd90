"""Reading what `annotation.team.merge` merges: other Project files and Sorot JSONL exports.

Both become the same thing: each Article of the source with everyone's Entities, Relations
and Article Statuses on it, and for each Annotator the id of the Project their work was made
in. Sources are only read; a Project is opened read-only, and one in an older format is
upgraded in memory, never on disk.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from sqlite_utils import Database

from annotation.io import readers
from annotation.limits import MAX_JSON_DEPTH, json_depth
from annotation.model import EntityStatus, content_hash
from annotation.project import db as dbmod
from annotation.project.file import causes, checks
from annotation.project.identity import project_id
from annotation.project.store import Store

PROJECT, JSONL = "project", "jsonl"
SUGGESTED = EntityStatus.SUGGESTED
_ID_SINCE = 4  # the project format (m004) from which a project file carries its own id
_PAGE = 256  # source articles read together


class MergeError(dbmod.ProjectError):
    """A source that cannot be merged at all (named in the message); nothing was changed."""


def source_error(path: Path, message: str) -> MergeError:
    """A MergeError that names `path` as the merge source, so that the researcher knows which
    of several files failed (and that it is not the project merged into)."""
    return MergeError(f"merge source {path}: {message.removeprefix(f'{path}: ')}")


def _cause(path: Path, exc: BaseException) -> MergeError:
    """The real cause (a lock, a damaged file, a full disk ...) of an error reading `path`."""
    return source_error(path, causes.explain(path, exc))


class Ent(NamedTuple):
    """An Entity of a source (times are None when the source has none: JSONL)."""

    start: int
    end: int
    label: str
    status: str
    origin: str
    score: float | None
    annotator: str | None
    created: str | None
    updated: str | None


class Rel(NamedTuple):
    """A Relation of a source; `head` and `child` are keys into its Article's entities."""

    head: int
    child: int
    label: str
    status: str
    origin: str
    score: float | None
    annotator: str | None
    created: str | None
    updated: str | None


@dataclass
class SourceArticle:
    """One Article of a source with everyone's work on it."""

    where: str  # for messages: "article 12" or "line 5"
    text: str
    title: str
    source: str
    meta: dict[str, Any]
    entities: dict[int, Ent] = field(default_factory=dict)
    relations: list[Rel] = field(default_factory=list)
    statuses: list[tuple[str, str, str | None]] = field(default_factory=list)


@dataclass
class Source:
    """An opened source: its id, its Annotators' origins, and its Articles to read."""

    path: Path
    kind: str
    source_id: str
    origins: dict[str, str]  # Annotator (as named in the source) -> origin Project id
    articles: Callable[[], Iterator[SourceArticle]]
    total: int
    texts: Callable[[], Iterator[str]]  # the Articles' texts alone, in the same order
    problems: list[str] = field(default_factory=list)
    split: dict[str, int] = field(default_factory=dict)  # JSONL names from several projects
    close: Callable[[], None] = lambda: None


def sha256(path: Path) -> str:
    """The file's SHA-256, which identifies a source that carries no project id."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_source(path: Path, store: Store) -> Source:
    """Open a source for reading, or raise MergeError naming it as the merge source."""
    if store.path is not None and path.exists() and path.resolve() == store.path.resolve():
        raise source_error(path, "is the project being merged into")
    try:
        with open(path, "rb") as f:
            head = f.read(100)
        if head.startswith(dbmod.SQLITE_MAGIC):
            return _open_project(path, head)
        if _first_line(path).startswith(b"{"):
            return _open_jsonl(path, store)
    except FileNotFoundError:
        raise source_error(path, "no such file") from None
    except IsADirectoryError:
        raise source_error(path, "is a folder, not a project file or JSONL export") from None
    except MergeError:
        raise
    except dbmod.ProjectError as exc:
        raise source_error(path, str(exc)) from None
    except (OSError, sqlite3.DatabaseError) as exc:
        raise _cause(path, exc) from exc
    raise source_error(path, "neither a Sorot project nor a Sorot JSONL export")


# -- projects ------------------------------------------------------------------------------


def _open_project(path: Path, head: bytes) -> Source:
    version = int.from_bytes(head[60:64], "big")
    ours = int.from_bytes(head[68:72], "big") == dbmod.APPLICATION_ID
    if ours and 0 < version < dbmod.SCHEMA_VERSION:
        # Opening read-only refuses an older format; upgrade a copy in memory instead.
        src = _upgraded_copy(path)
        # An older project has no id of its own: its file's hash stands in.
        source_id = sha256(path) if version < _ID_SINCE else ""
    else:
        _refuse_newer(path)
        src = Store.open(path, readonly=True)
        source_id = ""
    conn = src.db.conn
    try:
        # Damage SQLite meets only on the pages a query reads could otherwise pass unseen
        # (an index that no longer finds every row): refused, before anything is written.
        problems = checks.quick_check(conn)
        if problems:
            lines = [
                line
                for p in problems
                for line in p.splitlines()
                if not line.startswith("*** in database")
            ]
            raise source_error(path, checks.damaged_message(path, (lines or problems)[0]))
        source_id = source_id or project_id(src)
        origins = dict(conn.execute("SELECT name, project_id FROM annotator_origins"))
        names = [
            r[0]
            for r in conn.execute(
                "SELECT annotator FROM entities WHERE annotator IS NOT NULL AND status != ?1 "
                "UNION SELECT annotator FROM relations WHERE annotator IS NOT NULL AND "
                "status != ?1 UNION SELECT annotator FROM article_status",
                (SUGGESTED,),
            )
        ]
        _check_metas(path, conn)
        total = src.count_articles()
    except BaseException:
        src.close()
        raise

    def articles() -> Iterator[SourceArticle]:
        try:
            yield from _articles(path, conn)
        except sqlite3.DatabaseError as exc:  # a page SQLite finds damaged only now
            raise _cause(path, exc) from exc

    def texts() -> Iterator[str]:
        try:
            for (text,) in conn.execute("SELECT text FROM articles ORDER BY id"):
                yield text
        except sqlite3.DatabaseError as exc:
            raise _cause(path, exc) from exc

    return Source(
        path,
        PROJECT,
        source_id,
        {name: origins.get(name, source_id) for name in names},
        articles,
        total,
        texts,
        close=src.close,
    )


def _articles(path: Path, conn: sqlite3.Connection) -> Iterator[SourceArticle]:
    # A page of articles at a time, with their rows read by id range (three queries a
    # page, not three an article).
    last = 0
    while True:
        page = conn.execute(
            "SELECT id, text, title, source, meta FROM articles WHERE id > ? ORDER BY id LIMIT ?",
            (last, _PAGE),
        ).fetchall()
        if not page:
            return
        first, last = page[0][0], page[-1][0]
        found = {
            row[0]: SourceArticle(
                f"article {row[0]}", row[1], row[2], row[3], _meta(path, row[0], row[4])
            )
            for row in page
        }
        for row in conn.execute(
            'SELECT article_id, id, start, "end", label, status, origin, score, '
            "annotator, created, updated FROM entities WHERE article_id BETWEEN ? AND ? "
            "ORDER BY article_id, start, id",
            (first, last),
        ):
            found[row[0]].entities[row[1]] = Ent(*row[2:])
        for row in conn.execute(
            "SELECT article_id, head, child, label, status, origin, score, annotator, "
            "created, updated FROM relations WHERE article_id BETWEEN ? AND ? "
            "ORDER BY id",
            (first, last),
        ):
            found[row[0]].relations.append(Rel(*row[1:]))
        for row in conn.execute(
            "SELECT article_id, annotator, status, updated FROM article_status "
            "WHERE article_id BETWEEN ? AND ?",
            (first, last),
        ):
            found[row[0]].statuses.append(tuple(row[1:]))
        yield from found.values()


def _refuse_newer(path: Path) -> None:
    """Refuse a project made by a newer Sorot: work kept in what this Sorot does not know
    (its tables and columns) would be left out without a word."""
    conn = dbmod.open_for_copy(path)  # the checks of opening, without upgrade or notice
    try:
        newer = checks.newer_than_this(
            conn, (m.name for m in dbmod.migrations._migrations), dbmod.SCHEMA_VERSION
        )
    finally:
        conn.close()
    if newer is not None:
        raise source_error(
            path,
            f"made by a newer Sorot ({newer}); update Sorot to merge "
            f"it, or merge this project into that one",
        )


# More `{` and `[` than this in an article's metadata: it may nest too deeply (checked).
_BRACKETS = "length(meta) - length(replace(replace(meta, '{', ''), '[', ''))"


def _check_metas(path: Path, conn: sqlite3.Connection) -> None:
    """Refuse, before anything is written, a source with an article whose metadata is not a
    JSON object or nests deeper than Sorot keeps (a hand-made or another tool's file)."""
    for article_id, raw in conn.execute(
        f"SELECT id, meta FROM articles WHERE meta IS NULL OR typeof(meta) != 'text' OR "
        f"ltrim(meta) NOT LIKE '{{%' OR {_BRACKETS} > ?",
        (MAX_JSON_DEPTH,),
    ):
        _meta(path, article_id, raw)


def _meta(path: Path, article_id: int, raw: object) -> dict[str, Any]:
    """An article's stored metadata, or MergeError naming the source, article and problem."""
    why = ""
    try:
        meta = json.loads(raw)  # type: ignore[arg-type]
    except RecursionError:
        why = f"nests more than {MAX_JSON_DEPTH} levels deep"
    except (TypeError, ValueError):
        why = "is not JSON"
    else:
        if not isinstance(meta, dict):
            why = "is not a JSON object"
        elif json_depth(meta) > MAX_JSON_DEPTH:
            why = f"nests more than {MAX_JSON_DEPTH} levels deep"
    if why:
        raise source_error(
            path,
            f"article {article_id}: its metadata {why}, as no Sorot "
            f"project's is (a hand-made or another tool's file)",
        )
    checked: dict[str, Any] = meta  # a JSON object, as the checks above found
    return checked


def _upgraded_copy(path: Path) -> Store:
    """A copy in memory of an older project, upgraded; MergeError naming the real cause."""
    mem = sqlite3.connect(":memory:")
    try:
        disk = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro",
            uri=True,
            timeout=dbmod.BUSY_TIMEOUT_S,
            isolation_level=None,
        )
        try:
            # A read transaction first: backup() alone retries a lock held by another
            # process for as long as it is held, so a merge would wait without a word.
            disk.execute("BEGIN")
            disk.execute("SELECT count(*) FROM sqlite_master").fetchone()
            disk.backup(mem)
        finally:
            disk.close()
        db = Database(mem)
        dbmod.migrate(db)
    except sqlite3.DatabaseError as exc:
        mem.close()
        raise _cause(path, exc) from exc
    return Store(db, path, readonly=True)


# -- JSONL exports -------------------------------------------------------------------------


def _open_jsonl(path: Path, store: Store) -> Source:
    """Parse a Sorot JSONL export (checked against the Project's Schema) into Articles.

    Each record is one Annotator's work on an Article; its `_project_id` names the Project
    that work was made in (an export without one: the file's hash stands in). A record
    that cannot be used is a problem (file:line: reason); the others are kept.
    """
    try:
        reader = readers.read(readers.Source(path, path.name, "jsonl"), store.schema)
    except readers.Refused as exc:
        raise source_error(path, str(exc.problem)) from None
    by_hash: dict[str, SourceArticle] = {}
    origins: dict[str, set[str | None]] = {}
    problems: list[str] = []
    records = 0
    for line, raw in reader.lines():
        item = reader.parse(line, raw)
        if isinstance(item, readers.Problem):
            problems.append(str(item))
            continue
        records += 1
        if item.annotator is None:
            problems.append(
                f"{path}:{line}: the record names no annotator ('_annotator_id'), "
                "as a Sorot export does; to add its article, use `sorot import`"
            )
            continue
        pid = json.loads(raw).get("_project_id")
        origins.setdefault(item.annotator, set()).add(pid if isinstance(pid, str) and pid else None)
        text_hash = content_hash(item.text)
        a = by_hash.get(text_hash)
        if a is None:
            a = by_hash[text_hash] = SourceArticle(
                f"line {line}", item.text, item.title, item.source, item.meta
            )
        keys: dict[int, int] = {}
        for i, e in enumerate(item.entities):
            if e.status != SUGGESTED:
                keys[i] = len(a.entities)
                a.entities[keys[i]] = Ent(
                    e.start, e.end, e.label, e.status, e.origin, e.score, item.annotator, None, None
                )
        for r in item.relations:
            if r.status == SUGGESTED:
                continue
            if r.head not in keys or r.child not in keys:
                problems.append(
                    f"{path}:{line}: relation {r.label} links a suggestion; "
                    "the relation is left out"
                )
                continue
            a.relations.append(
                Rel(
                    keys[r.head],
                    keys[r.child],
                    r.label,
                    r.status,
                    r.origin,
                    r.score,
                    item.annotator,
                    None,
                    None,
                )
            )
        if item.status:
            a.statuses.append((item.annotator, item.status, None))
    if records and not origins:
        raise source_error(
            path,
            "not a Sorot JSONL export: no record names its annotator "
            "('_annotator_id'); to add its articles, use `sorot import`",
        )
    ids = {pid for found in origins.values() for pid in found}
    single = next(iter(ids)) if len(ids) == 1 else None  # the one project all came from
    # Else (several projects, or records that name none) the file itself is the source.
    source_id = single if single is not None else sha256(path)
    file_id = None if single is not None else source_id
    articles = list(by_hash.values())
    return Source(
        path,
        JSONL,
        source_id,
        {name: next(iter(found)) or file_id or source_id for name, found in origins.items()},
        lambda: iter(articles),
        len(articles),
        lambda: (a.text for a in articles),
        problems,
        {name: len(found) for name, found in origins.items() if len(found) > 1},
    )


def _first_line(path: Path) -> bytes:
    with open(path, "rb") as f:
        for raw in f:
            if raw.strip():
                return raw.removeprefix(readers.BOM).strip()
    return b""
