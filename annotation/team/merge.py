"""Merging: other Projects' and Sorot JSONL exports' Annotators' work, added to this Project.

Articles are matched by the hash of their exact text; those the Project lacks are added and
tokenized as the importer does it. Each Annotator's accepted and rejected Entities and
Relations (their decisions; never Suggestions) and Article Statuses are added unless the
Project has the same row already, so merging a file again adds nothing. Nothing already in
the Project is changed, except an Article Status that the source changed later.

Whose work is whose: every Project has an id (`meta.project_id`), and each merged-in
Annotator's row in `annotator_origins` names the Project their work was made in (an
Annotator without a row is local: this Project's own). A name whose work comes from another
Project than the work the Project already has under that name is a clash: it is reported,
not joined, and `renames` ({"ana": "ana_b"}) merges it under another name, which is
remembered for the next merge of that Project. `merges` and `merged_items` keep where each
added Article, Entity and Relation came from (see `provenance`).

All sources are merged in one transaction, so a failure leaves the Project as it was. The
slow part, tokenizing the Articles the Project lacks, is done before it, so the Project's
write lock is held only while rows are written (`Store.bulk`, then one
`Store.transaction`); rows are looked up one Article at a time, through the Article indexes.
Merges are logged as events (kind "merge") but are not undone through the command stack.
Source files are only read: Projects are opened read-only (an older format is upgraded in
memory).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from annotation.model import ArticleStatus, EntityStatus, content_hash
from annotation.project.identity import project_id
from annotation.project.store import ChangeSet, Store, now
from annotation.team.merge_sources import (
    Ent,
    MergeError,
    Rel,
    Source,
    SourceArticle,
    open_source,
)

__all__ = [
    "MergeError",
    "MergeReport",
    "SourceReport",
    "merge",
    "provenance",
]

KINDS = ("entity", "relation", "article")
SUGGESTED, REJECTED = EntityStatus.SUGGESTED, EntityStatus.REJECTED
_CHUNK = 256  # source articles tokenized together

Progress = Callable[[int, int], None]


@dataclass
class SourceReport:
    """What one source brought: counts, Annotators merged, clashes and problems."""

    source: str
    kind: str = ""
    source_id: str = ""
    articles: int = 0
    entities: int = 0
    relations: int = 0
    statuses: int = 0
    annotators: list[str] = field(default_factory=list)  # as named in the Project
    renamed: dict[str, str] = field(default_factory=dict)
    clashes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    merge_id: int | None = None  # None: nothing new, no merge recorded

    def summary(self) -> str:
        """One line: what was added, and from whom."""
        if self.merge_id is None:
            text = f"{self.source}: nothing new"
        else:
            text = (
                f"{self.source}: added {_n(self.articles, 'article')}, "
                f"{_n(self.entities, 'entity', 'entities')}, "
                f"{_n(self.relations, 'relation')}, "
                f"{_n(self.statuses, 'article status', 'article statuses')}"
            )
        if self.annotators:
            names = [
                f"{old} as {new}" for old, new in self.renamed.items() if new in self.annotators
            ]
            names += [a for a in self.annotators if a not in self.renamed.values()]
            text += f" (from {', '.join(sorted(names))})"
        return text


@dataclass
class MergeReport:
    """The report of one merge, per source."""

    sources: list[SourceReport] = field(default_factory=list)
    unused_renames: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether nothing clashed and no record was rejected (the CLI's exit code)."""
        return not any(s.clashes or s.problems for s in self.sources)

    def summary(self) -> str:
        """The report for the researcher, one line per source, then clashes and problems."""
        lines = [s.summary() for s in self.sources]
        for s in self.sources:
            lines += [f"clash: {c}" for c in s.clashes]
            lines += [f"problem: {p}" for p in s.problems]
            lines += [f"note: {n}" for n in s.notes]
        lines += [
            f"note: --rename {old}=...: no source has an annotator {old!r}"
            for old in self.unused_renames
        ]
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data (`sorot merge --json`)."""
        return {
            "ok": self.ok,
            "sources": [vars(s) for s in self.sources],
            "unused_renames": self.unused_renames,
        }


def provenance(store: Store, kind: str, item_id: int) -> tuple[str, str | None] | None:
    """Which source (as given to the merge) and Annotator brought an item, or None.

    `kind` is "entity", "relation" or "article" (an Article has no Annotator: None). None
    also for items made in this Project, and for merged items deleted since.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    row = store.db.execute(
        "SELECT m.source FROM merged_items i JOIN merges m ON m.id = i.merge_id "
        "WHERE i.kind = ? AND i.item_id = ?",
        (kind, item_id),
    ).fetchone()
    table = {"entity": "entities", "relation": "relations", "article": "articles"}[kind]
    column = "NULL" if kind == "article" else "annotator"
    item = store.db.execute(f"SELECT {column} FROM {table} WHERE id = ?", (item_id,)).fetchone()
    return None if row is None or item is None else (row[0], item[0])


def merge(
    store: Store,
    sources: list[Path],
    renames: dict[str, str] | None = None,
    progress: Progress | None = None,
    *,
    annotator: str = "merge",
) -> MergeReport:
    """Add the sources' Annotators' work to the Project; see the module docstring.

    `sources` are Project files or Sorot JSONL exports; `renames` maps a source's Annotator
    name to the name to merge it under; `progress(done, total)` counts the new Articles
    tokenized, then every source Article merged; `annotator` is who is logged as merging.
    Raise MergeError (a ProjectError), before anything is written, for a source that is
    neither a Project nor a Sorot JSONL export; ProjectBusy when another process keeps the
    Project's write lock.
    """
    store.check_writable("merge")  # before the sources are opened
    renames = dict(renames or {})
    report = MergeReport()
    opened: list[Source] = []
    try:
        for path in map(Path, sources):
            opened.append(open_source(path, store))
        with store.bulk("merge"):
            tokens, done, total = _tokenize_new(store, opened, progress)
            with store.transaction() as tx:
                for src in opened:
                    part = SourceReport(
                        str(src.path), src.kind, src.source_id, problems=list(src.problems)
                    )
                    report.sources.append(part)
                    plan = _plan(store, src, renames, part)
                    merger = _Merger(store, tx, src, plan, part, annotator, tokens)
                    done = merger.run(progress, done, total)
    finally:
        for src in opened:
            src.close()
    used = {name for src in opened for name in src.origins}
    report.unused_renames = sorted(set(renames) - used)
    return report


def _tokenize_new(
    store: Store,
    opened: list[Source],
    progress: Progress | None,
) -> tuple[dict[str, bytes], int, int]:
    """Tokens of the source texts the Project lacks, by text hash; and progress so far.

    Done before the write lock is taken: tokenizing is most of the work of adding an
    Article. A text another process adds meanwhile is simply found in the Project later.
    """
    from annotation.nlp.tokens import tokenize

    texts: dict[str, str] = {}
    for src in opened:
        for text in src.texts():
            texts.setdefault(content_hash(text), text)
    known = _known(store, list(texts))
    new = [(h, t) for h, t in texts.items() if h not in known]
    total, done = len(new) + sum(s.total for s in opened), 0
    tokens: dict[str, bytes] = {}
    for start in range(0, len(new), _CHUNK):
        chunk = new[start : start + _CHUNK]
        for (text_hash, _), data in zip(chunk, tokenize([t for _, t in chunk])):
            tokens[text_hash] = data
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    return tokens, done, total


def _known(store: Store, hashes: list[str]) -> dict[str, int]:
    """The Project's Article ids for those of these text hashes it holds."""
    found: dict[str, int] = {}
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        found.update(
            store.db.execute(
                f"SELECT hash, id FROM articles WHERE hash IN ({', '.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        )
    return found


# -- whose work ----------------------------------------------------------------------------


def _plan(
    store: Store,
    src: Source,
    renames: dict[str, str],
    part: SourceReport,
) -> dict[str, str]:
    """Map each source Annotator who can be joined to their name in the Project."""
    own, db = project_id(store), store.db
    plan: dict[str, str] = {}
    for name in sorted(src.origins):
        if name in src.split:
            part.clashes.append(
                f"{src.path}: the records of {name!r} come from "
                f"{src.split[name]} different projects; not merged"
            )
            continue
        origin = src.origins[name]
        alias = db.execute(
            "SELECT name FROM annotator_origins WHERE project_id = ? AND source_name = ?",
            (origin, name),
        ).fetchone()
        target = renames.get(name) or (alias[0] if alias else name)
        row = db.execute(
            "SELECT project_id FROM annotator_origins WHERE name = ?", (target,)
        ).fetchone()
        existing = row[0] if row else own if _has_work(db, target) else None
        if existing is None or existing == origin:
            plan[name] = target
            if target != name:
                part.renamed[name] = target
            continue
        hint = (
            f"--rename {name}=NEW"
            if target == name
            else f"another --rename {name}=NEW than {target!r}"
        )
        part.clashes.append(
            f"{src.path}: annotator {target!r} of project {origin[:8]} is not the "
            f"{target!r} whose work this project has (project {existing[:8]}); not merged. "
            f"To merge it under another name, give {hint}"
        )
    return plan


def _has_work(db: Database, name: str) -> bool:
    return bool(
        db.execute(
            "SELECT EXISTS (SELECT 1 FROM entities WHERE annotator = ?1) "
            "OR EXISTS (SELECT 1 FROM relations WHERE annotator = ?1) "
            "OR EXISTS (SELECT 1 FROM article_status WHERE annotator = ?1)",
            (name,),
        ).fetchone()[0]
        == 1
    )


# -- adding --------------------------------------------------------------------------------


class _Merger:
    """Adds one source's joined Annotators' work inside the merge's transaction."""

    def __init__(
        self,
        store: Store,
        tx: ChangeSet,
        src: Source,
        plan: dict[str, str],
        part: SourceReport,
        annotator: str,
        tokens: dict[str, bytes],
    ) -> None:
        self.store, self.tx, self.src, self.plan, self.part = store, tx, src, plan, part
        self.annotator, self.time, self.tokens = annotator, now(), tokens
        self.conn = store.db.conn
        self.entity_labels = set(store.schema.entity_labels)
        self.relation_labels = set(store.schema.relation_labels)
        self.unknown: Counter[str] = Counter()
        self.added_by: set[str] = set()
        # Rows to insert at the end of each chunk, in a few executemany calls, with ids
        # given here (AUTOINCREMENT's sequence says which are free) so relations and
        # provenance can name them before they are written.
        self.rows: dict[str, list[tuple[Any, ...]]] = {"entities": [], "relations": []}
        self.next_id = {table: _next_id(self.conn, table) for table in self.rows}
        self.provenance: list[tuple[str, int, int]] = []
        merge_id = self.conn.execute(
            "INSERT INTO merges (time, source, source_kind, source_id) VALUES (?, ?, ?, ?)",
            (self.time, str(src.path), src.kind, src.source_id),
        ).lastrowid
        assert merge_id is not None, "sqlite3 sets lastrowid on every execute"
        self.merge_id: int = merge_id

    def run(self, progress: Progress | None, done: int, total: int) -> int:
        chunk: list[SourceArticle] = []
        for article in self.src.articles():
            chunk.append(article)
            if len(chunk) == _CHUNK:
                done = self._chunk(chunk, progress, done, total)
                chunk = []
        done = self._chunk(chunk, progress, done, total)
        self._finish()
        return done

    def _chunk(
        self, chunk: list[SourceArticle], progress: Progress | None, done: int, total: int
    ) -> int:
        from annotation.nlp.tokens import tokenize

        hashes = [content_hash(a.text) for a in chunk]
        ids = _known(self.store, hashes)
        for a, text_hash in zip(chunk, hashes):
            if text_hash in ids:
                continue
            data = self.tokens.pop(text_hash, None)
            if data is None:  # deleted from the Project since it was looked for
                data = next(iter(tokenize([a.text])))
            article_id = self.store.add_article(a.text, a.title, a.source, a.meta, data)
            # Not a duplicate: _known found no such text, and a copy earlier in the chunk
            # was skipped above.
            assert article_id is not None, "a text the project lacks is added"
            ids[text_hash] = article_id
            self.provenance.append(("article", article_id, self.merge_id))
            self.part.articles += 1
        for article, text_hash in zip(chunk, hashes):
            self._article(article, ids[text_hash])
            done += 1
            if progress is not None:
                progress(done, total)
        for table, columns in _COLUMNS.items():
            self.tx.insert_rows(table, columns, self.rows[table])
            self.rows[table] = []
        # New entity and relation ids are never reused (AUTOINCREMENT); an article id may be,
        # after a deletion, so its provenance replaces the deleted one's.
        self.tx.insert_rows(
            "merged_items", ("kind", "item_id", "merge_id"), self.provenance, replace=True
        )
        self.provenance = []
        return done

    def _article(self, a: SourceArticle, article_id: int) -> None:
        here = _Here(self.conn, article_id)
        before = self.next_id["entities"], self.next_id["relations"]
        found: dict[int, int] = {}
        for key, e in a.entities.items():
            if e.status == SUGGESTED or e.annotator not in self.plan:
                continue
            if e.label not in self.entity_labels:
                self.unknown[f"entity label {e.label!r}"] += 1
                continue
            name = self.plan[e.annotator]
            same = (e.start, e.end, e.label, name, e.status)
            found[key] = here.entities.get(same) or here.add_entity(
                same,
                self._insert("entities", "entity", (article_id, e.start, e.end, e.label), e, name),
            )
        for r in a.relations:
            if r.status == SUGGESTED or r.annotator not in self.plan:
                continue
            if r.label not in self.relation_labels:
                self.unknown[f"relation label {r.label!r}"] += 1
                continue
            name = self.plan[r.annotator]
            head, child = (found.get(k) or self._end(a, k, here) for k in (r.head, r.child))
            if head is None or child is None or head == child:
                why = (
                    "its head is not in this project"
                    if head is None
                    else "its child is not in this project"
                    if child is None
                    else "its ends are one entity here"
                )
                message = (
                    f"{self.src.path}: {a.where}: {name}'s {r.status} {r.label} "
                    f"relation left out: {why}"
                )
                (self.part.notes if r.status == REJECTED else self.part.problems).append(message)
                continue
            same_relation = (head, child, r.label, name, r.status)
            if same_relation not in here.relations:
                here.relations.add(same_relation)
                self._insert("relations", "relation", (article_id, head, child, r.label), r, name)
        for who, status, updated in a.statuses:
            if who in self.plan:
                self._status(article_id, self.plan[who], status, updated)
        if before != (self.next_id["entities"], self.next_id["relations"]):
            self.tx.touch(article_id)

    def _insert(
        self, table: str, kind: str, row: tuple[Any, ...], item: Ent | Rel, name: str
    ) -> int:
        """Add an entity or relation row (article, start/head, end/child, label) to write."""
        item_id = self.next_id[table]
        self.next_id[table] += 1
        self.rows[table].append(
            (
                item_id,
                *row,
                item.status,
                item.origin,
                item.score,
                name,
                item.created or self.time,
                item.updated or self.time,
            )
        )
        self.provenance.append((kind, item_id, self.merge_id))
        setattr(self.part, table, getattr(self.part, table) + 1)
        self.added_by.add(name)
        return item_id

    def _end(self, a: SourceArticle, key: int, here: _Here) -> int | None:
        """The Project's Entity for a Relation end that was not merged (another's, or a
        Suggestion): the same span and label, by preference the same Annotator and Status."""
        e = a.entities.get(key)
        if e is None:
            return None
        target = self.plan.get(e.annotator or "", None)
        candidates = here.spans.get((e.start, e.end, e.label), [])
        if not candidates:
            return None
        return min(candidates, key=lambda c: (c[1] != target, c[2] != e.status, c[0]))[0]

    def _status(self, article_id: int, name: str, status: str, updated: str | None) -> None:
        # Absent means "todo". A differing status is taken only if the source's is newer;
        # a JSONL record has no time, so its status only fills a missing one.
        current = self.store.row("article_status", (article_id, name))
        if current is None:
            if status == ArticleStatus.TODO:
                return
            self.tx.insert(
                "article_status",
                {
                    "article_id": article_id,
                    "annotator": name,
                    "status": status,
                    "updated": updated or self.time,
                },
            )
        elif current["status"] != status and updated is not None and updated > current["updated"]:
            self.tx.update("article_status", (article_id, name), status=status, updated=updated)
        else:
            return
        self.part.statuses += 1
        self.added_by.add(name)

    def _finish(self) -> None:
        part, own = self.part, None
        for what, count in sorted(self.unknown.items()):
            part.problems.append(
                f"{self.src.path}: {_n(count, 'item')} with the {what}, which "
                "this project's schema lacks, left out; add the label to the "
                "schema and merge again to bring them"
            )
        for name, target in self.plan.items():
            origin = self.src.origins[name]
            own = own if own is not None else project_id(self.store)
            if target in self.added_by and origin != own:
                self.conn.execute(
                    "INSERT OR IGNORE INTO annotator_origins (name, project_id, source_name, "
                    "first_merge) VALUES (?, ?, ?, ?)",
                    (target, origin, name if name != target else None, self.merge_id),
                )
        part.annotators = sorted(self.added_by)
        if not (part.articles or self.added_by):
            self.conn.execute("DELETE FROM merges WHERE id = ?", (self.merge_id,))
            return
        part.merge_id = self.merge_id
        self.conn.execute(
            "UPDATE merges SET annotators = ?, articles = ?, entities = ?, relations = ? "
            "WHERE id = ?",
            (
                json.dumps(part.annotators, ensure_ascii=False),
                part.articles,
                part.entities,
                part.relations,
                self.merge_id,
            ),
        )
        self.store.log_event(
            self.annotator,
            "merge",
            f"Merge {self.src.path.name}: "
            f"{_n(part.articles, 'article')}, "
            f"{_n(part.entities, 'entity', 'entities')}, "
            f"{_n(part.relations, 'relation')} added",
            [],
        )


_COLUMNS = {
    table: ("id", "article_id", *ends, "label", "status", "origin", "score", "annotator")
    + ("created", "updated")
    for table, ends in (("entities", ("start", "end")), ("relations", ("head", "child")))
}


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    return (row[0] if row else 0) + 1


class _Here:
    """One Project Article's Entities and Relations, read once, kept up to date as the
    merge adds to them (one query each through the Article indexes, not one per item)."""

    def __init__(self, conn: sqlite3.Connection, article_id: int) -> None:
        # (start, end, label, annotator, status) -> the first such Entity's id
        self.entities: dict[tuple[Any, ...], int] = {}
        # (start, end, label) -> [(id, annotator, status)], for Relation ends
        self.spans: dict[tuple[int, int, str], list[tuple[int, str | None, str]]] = {}
        for eid, start, end, label, who, status in conn.execute(
            'SELECT id, start, "end", label, annotator, status FROM entities '
            "WHERE article_id = ? ORDER BY id",
            (article_id,),
        ):
            self.add_entity((start, end, label, who, status), eid)
        self.relations: set[tuple[Any, ...]] = set(
            conn.execute(
                "SELECT head, child, label, annotator, status FROM relations WHERE article_id = ?",
                (article_id,),
            )
        )

    def add_entity(self, same: tuple[Any, ...], entity_id: int) -> int:
        self.entities.setdefault(same, entity_id)
        self.spans.setdefault(same[:3], []).append((entity_id, same[3], same[4]))
        return entity_id


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"
