"""The records an export writes: one per (Article, Annotator), rendered as JSONL lines (Prodigy,
spaCy), doccano lines or records, and the atomic write of the file they go to.

Each record holds that Annotator's accepted Entities and Relations, optionally with the
Suggestions nobody has reviewed; `_project_id` says which Project the Annotator's work was made
in (see `annotation.project.identity`). Reading merges a few cursors ordered by article id
(articles with their stored tokens, entities, relations, article statuses), so a Project costs
a handful of queries and is never re-tokenized. `annotation.io.export` chooses the format and
how many processes write; `annotation.io.export_parallel` renders ranges of articles here.
"""

from __future__ import annotations

import itertools
import json
import math
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _quote_json
from pathlib import Path
from typing import IO, Any

from annotation.io import temp_files
from annotation.io.temp_files import TargetError, check_target
from annotation.io.token_json import token_dicts, tokens_json, tokens_json_many, tokens_json_of
from annotation.io.token_spans import fill_gaps, token_span, token_spans
from annotation.limits import MAX_JSON_DEPTH, json_depth
from annotation.model import ArticleStatus, EntityStatus
from annotation.nlp.tokens import Tokens, decode_arrays, tokenize
from annotation.project.identity import work_origins
from annotation.project.store import Store

ACCEPTED, SUGGESTED = EntityStatus.ACCEPTED, EntityStatus.SUGGESTED
_PROGRESS_EVERY = 256
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# Metadata stored by an older Sorot may hold NaN or Infinity (Python writes them; JSON has
# no such numbers): they are exported as null.
_load_meta = json.JSONDecoder(parse_constant=lambda _: None).decode
_REF = '{"start":%d,"end":%d,"token_start":%d,"token_end":%d,"label":%s'
_RELATION = '{"head":%d,"child":%d,"label":%s,"head_span":%s,"child_span":%s'
_LINE_HEAD = '{"text":%s,"meta":%s,"_input_hash":%d,"_task_hash":%d,"tokens":'
_LINE_TAIL = (
    ',"spans":[%s],"relations":[%s],"answer":"accept","_annotator_id":%s,'
    '"_project_id":%s,"_session_id":%s}\n'
)

Record = dict[str, Any]
Progress = Callable[[int, int], None]
# `record_tasks`' choice of records: whose work (None: everyone's), which article statuses
# (none: all), and whether open suggestions go too.
RecordOptions = tuple[str | None, Iterable[str], bool]
Key = tuple[int, int, str]  # an Entity as (start, end, label)
Row = tuple[Any, ...]  # a row as SQLite gives it


class ExportError(Exception):
    """An export that cannot be done: unknown format or status, or an unwritable target."""


@dataclass
class ExportReport:
    """What an export wrote, and every span it had to split tokens for or leave out."""

    path: Path | None = None
    fmt: str = "jsonl"
    records: int = 0
    articles: int = 0
    splits: int = 0
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"exported {self.records} records from {self.articles} articles"
        if self.path is not None:
            text += f" to {self.path} ({self.fmt})"
        if self.splits:
            text += f"; split tokens {self.splits} times to fit spans"
        return text + (f"; {len(self.errors)} errors" if self.errors else "")


def render_lines(
    store: Store,
    fmt: str,
    options: RecordOptions,
    report: ExportReport,
    progress: Progress | None = None,
    ids: tuple[int, int] = (0, 2**63 - 1),
) -> Iterator[bytes]:
    """The JSONL (or doccano) lines of the articles with ids in `ids`."""
    annotator, statuses, include_suggestions = options
    tasks = record_tasks(store, annotator, statuses, include_suggestions, report, progress, ids)
    if fmt != "jsonl":
        return (task.doccano_line() for task in tasks)
    return (line for batch in _batches(tasks) for line in _lines(batch))


def _batches(tasks: Iterator[_Task], size: int = 64) -> Iterator[list[_Task]]:
    batch: list[_Task] = []
    for task in tasks:
        batch.append(task)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _lines(batch: list[_Task]) -> list[bytes]:
    """The tasks' lines, their articles' stored tokens made into JSON in one go."""
    articles = list(
        {
            id(t.article): t.article
            for t in batch
            if t.tokens is None and t.article._tokens_json is None
        }.values()
    )
    made = tokens_json_many([(a.text, *a._arrays) for a in articles])
    for article, data in zip(articles, made):
        article._tokens_json = data
    return [task.line() for task in batch]


def iter_records(
    store: Store,
    annotator: str | None = None,
    statuses: Iterable[str] | None = None,
    include_suggestions: bool = False,
    report: ExportReport | None = None,
    progress: Progress | None = None,
) -> Iterator[Record]:
    """Yield the Prodigy-style records `export` writes, by article id and then annotator.

    Warnings (tokens split to fit a span) and errors (spans that cannot be aligned) go to
    `report` when one is given.
    """
    report = report if report is not None else ExportReport()
    wanted = check_statuses(statuses)
    for task in record_tasks(store, annotator, wanted, include_suggestions, report, progress):
        yield task.record()


def to_doccano(record: Record) -> Record:
    """A Prodigy-style record as a doccano relation-extraction example (ids count per line)."""
    ids = {(s["start"], s["end"], s["label"]): i for i, s in enumerate(record["spans"], 1)}
    # A suggestion keeps its status, origin and score (doccano ignores them), so that an
    # export with suggestions reads back as it was, overlaps and all.
    relations = [
        {
            "id": i,
            "from_id": ids[_key(r["head_span"])],
            "to_id": ids[_key(r["child_span"])],
            "type": r["label"],
            **_suggestion_keys(r),
        }
        for i, r in enumerate(record["relations"], 1)
    ]
    meta = record["meta"]
    out: Record = {
        "id": meta["article_id"],
        "text": record["text"],
        "entities": [
            {
                "id": ids[_key(s)],
                "label": s["label"],
                "start_offset": s["start"],
                "end_offset": s["end"],
                **_suggestion_keys(s),
            }
            for s in record["spans"]
        ],
        "relations": relations,
    }
    # doccano keeps other columns as the example's meta; none may shadow a field.
    out.update((k, v) for k, v in meta.items() if k not in out and k != "article_id")
    return out


def _suggestion_keys(item: dict[str, Any]) -> dict[str, Any]:
    return {k: item[k] for k in ("status", "source", "score") if k in item}


def _key(span: dict[str, Any]) -> Key:
    return span["start"], span["end"], span["label"]


# -- reading -------------------------------------------------------------------------------


def record_tasks(
    store: Store,
    annotator: str | None,
    statuses: Iterable[str],
    include_suggestions: bool,
    report: ExportReport,
    progress: Progress | None,
    ids: tuple[int, int] = (0, 2**63 - 1),
) -> Iterator[_Task]:
    """One _Task per record, in article id order, for articles with ids in `ids` (inclusive)."""
    wanted = frozenset(statuses)
    live = (ACCEPTED, SUGGESTED) if include_suggestions else (ACCEPTED,)
    marks = ", ".join("?" * len(live))
    total = store.count_articles()
    conn = store.db.conn
    # All cursors start before any is read, so they share one read snapshot of the file.
    articles = conn.execute(
        "SELECT a.id, a.title, a.text, a.source, a.meta, t.data FROM articles a "
        "LEFT JOIN tokens t ON t.article_id = a.id WHERE a.id BETWEEN ? AND ? ORDER BY a.id",
        ids,
    )
    entities = _Grouped(
        conn.execute(
            'SELECT article_id, id, start, "end", label, status, origin, score, annotator '
            f"FROM entities WHERE article_id BETWEEN ? AND ? AND status IN ({marks}) "
            "ORDER BY article_id",
            (*ids, *live),
        )
    )
    relations = _Grouped(
        conn.execute(
            "SELECT article_id, head, child, label, status, origin, score, annotator "
            "FROM relations "
            f"WHERE article_id BETWEEN ? AND ? AND status IN ({marks}) ORDER BY article_id",
            (*ids, *live),
        )
    )
    article_statuses = _Grouped(
        conn.execute(
            "SELECT article_id, annotator, status FROM article_status "
            "WHERE article_id BETWEEN ? AND ? ORDER BY article_id",
            ids,
        )
    )
    # `_project_id` names the project an annotator's work was made in (merged-in work keeps
    # its own), so that an export merged back elsewhere is told apart from a namesake's.
    own, origins = work_origins(store)
    origin_json: dict[str | None, str] = {w: _quote_json(o) for w, o in origins.items()}
    own_json = _quote_json(own)
    done = 0
    for done, row in enumerate(articles, 1):
        article_id = row[0]
        ents, rels = entities.take(article_id), relations.take(article_id)
        decided: dict[str | None, str] = {r[1]: r[2] for r in article_statuses.take(article_id)}
        chosen = [
            (who, decided.get(who, ArticleStatus.TODO))
            for who in _annotators(ents, rels, decided, annotator, include_suggestions)
        ]
        chosen = [(who, status) for who, status in chosen if not wanted or status in wanted]
        if chosen:
            # Only now decode tokens and hash the text: filters often skip most articles.
            article = _Article(row, report)
            report.articles += 1
            by_id = {e[1]: e for e in ents}
            for who, status in chosen:
                report.records += 1
                task = article.task(store, who, status, ents, rels, by_id, include_suggestions)
                task.project_json = origin_json.get(who, own_json)
                yield task
        if progress is not None and done % _PROGRESS_EVERY == 0:
            progress(done, max(total, done))
    if progress is not None:
        progress(done, max(total, done))


class _Grouped:
    """Rows of a cursor ordered by article id (first column), taken one article at a time."""

    def __init__(self, rows: Iterable[Row]) -> None:
        # groupby walks the rows in C; only each article's group reaches Python.
        self._groups: Iterator[tuple[int, Iterator[Row]]] = itertools.groupby(
            rows, operator.itemgetter(0)
        )
        self._id: int | None  # the article whose rows are next (None: no rows left)
        self._rows: Iterator[Row]
        self._id, self._rows = next(self._groups, (None, iter(())))

    def take(self, article_id: int) -> list[Row]:
        while self._id is not None and self._id < article_id:
            self._id, self._rows = next(self._groups, (None, iter(())))
        if self._id != article_id:
            return []
        return list(self._rows)


def _annotators(
    ents: list[Row],
    rels: list[Row],
    decided: dict[str | None, str],
    only: str | None,
    include_suggestions: bool,
) -> list[str | None]:
    who = {e[8] for e in ents if e[5] == ACCEPTED} | {r[7] for r in rels if r[4] == ACCEPTED}
    who |= decided.keys()
    if only is not None:
        return [only] if only in who else []
    if not who and include_suggestions:
        return [None]
    # Accepted work without an annotator (imported so) is a record of its own, last.
    return sorted(who, key=lambda a: (a is None, a or ""))


class _Article:
    """One article's text and stored tokens, from which its records are made."""

    def __init__(self, row: Row, report: ExportReport) -> None:
        self.id, self.title, self.text, self.source, meta_json, data = row
        self.report = report
        self.meta = self._read_meta(meta_json) if meta_json else {}
        self._split_reported: set[tuple[int, int]] = set()
        if not data:
            # Articles stored without tokens (never by the importer): tokenize this one.
            report.warnings.append(f"article {self.id}: no stored tokens; tokenized now")
            data = next(tokenize([self.text]))
        self._arrays = decode_arrays(data)
        self._tokens: Tokens | None = None
        self._tokens_json: bytes | None = None
        self.input_hash = _hash(self.text)

    def _read_meta(self, meta_json: str) -> dict[str, Any]:
        """The stored metadata, or {} (an error in the report) if it cannot be exported."""
        why = ""
        try:
            meta = _load_meta(meta_json)
        except RecursionError:  # stored, nested past what can be read, by an older Sorot
            meta, why = None, f"nests more than {MAX_JSON_DEPTH} levels deep"
        except ValueError:  # the project edited by hand
            meta, why = None, "is not JSON"
        if meta is not None and not isinstance(meta, dict):
            why = "is not a JSON object"
        elif (
            meta is not None
            and meta_json.count("[") + meta_json.count("{") > MAX_JSON_DEPTH
            and json_depth(meta) > MAX_JSON_DEPTH
        ):
            why = f"nests more than {MAX_JSON_DEPTH} levels deep"
        if not why:
            return meta if isinstance(meta, dict) else {}  # {}: a stored `null`
        self.report.errors.append(f"article {self.id}: its metadata {why}; exported without it")
        return {}

    def task(
        self,
        store: Store,
        who: str | None,
        status: str,
        ents: list[Row],
        rels: list[Row],
        by_id: dict[int, Row],
        include_suggestions: bool,
    ) -> _Task:
        """The record of one annotator (None: suggestions only), aligned to tokens."""
        spans: dict[Key, dict[str, Any] | None] = {}
        for _, _, start, end, label, status_, origin, score, annotator in ents:
            if status_ == ACCEPTED and annotator == who:
                spans[(start, end, label)] = None  # over an identical suggestion, if any
            elif status_ == SUGGESTED and include_suggestions:
                spans.setdefault((start, end, label), _suggested(origin, score))
        relations = []
        for _, head_id, child_id, label, status_, origin, score, annotator in rels:
            if status_ == ACCEPTED and annotator == who:
                extra = None
            elif status_ == SUGGESTED and include_suggestions:
                extra = _suggested(origin, score)
            else:
                continue
            ends = []
            for entity_id in (head_id, child_id):
                # A relation's ends are live entities, unless the project was edited by hand.
                row = by_id.get(entity_id) or (0, 0, *_entity_key(store, entity_id))
                key = (row[2], row[3], row[4])
                if key not in spans:
                    # Someone else's Entity: add it, or the Relation would have no end.
                    self.warn(
                        f"relation {label} links {key[2]} {self.quote(key)}, which is "
                        "not among this annotator's entities; added to them",
                        who,
                    )
                    spans[key] = None
                ends.append(key)
            relations.append((ends[0], ends[1], label, extra))
        relations.sort(key=lambda r: r[:3])
        tokens, aligned = self._align(spans, who)
        kept = []
        for key in sorted(spans):
            if key in aligned:
                kept.append((key, spans[key]))
            else:
                self.report.errors.append(
                    f"article {self.id}{_by(who)}: {key[2]} {self.quote(key)} "
                    f"({key[0]}-{key[1]}) cannot be aligned to tokens; left out of the export"
                )
        rel_kept = []
        for rel in relations:
            if rel[0] in aligned and rel[1] in aligned:
                rel_kept.append(rel)
            else:
                self.report.errors.append(
                    f"article {self.id}{_by(who)}: relation {rel[2]} "
                    "left out: one of its entities cannot be aligned"
                )
        # repr of ints, strings and None is the same on every machine and Python 3 version.
        task = repr((who, [key for key, _ in kept], [r[:3] for r in rel_kept]))
        return _Task(
            self, who, status, tokens, aligned, kept, rel_kept, _hash(f"{self.input_hash} {task}")
        )

    @property
    def tokens(self) -> Tokens:
        """The stored tokens as lists (made only when a record needs to split them)."""
        if self._tokens is None:
            self._tokens = Tokens(self._arrays[0].tolist(), self._arrays[1].tolist())
        return self._tokens

    def tokens_json(self, tokens: Tokens | None) -> bytes:
        if tokens is not None and tokens is not self._tokens:
            return tokens_json_of(self.text, tokens)
        if self._tokens_json is None:  # shared by the article's records
            self._tokens_json = tokens_json(self.text, *self._arrays)
        return self._tokens_json

    def _align(
        self,
        spans: dict[Key, Any],
        who: str | None,
    ) -> tuple[Tokens | None, dict[Key, Any]]:
        """The tokens (None: as stored), split where a span edge falls inside one; each
        span's first and last token."""
        aligned = token_spans(*self._arrays, spans)
        inside = [key for key, found in aligned.items() if found is None]
        if not inside:
            return None, aligned
        tokens = Tokens(list(self.tokens.starts), list(self.tokens.ends))
        splits = tokens.split_at({k[0] for k in spans} | {k[1] for k in spans})
        self.report.splits += splits + fill_gaps(tokens, len(self.text), spans)
        for key in inside:
            if key[:2] not in self._split_reported:
                self._split_reported.add(key[:2])
                self.warn(
                    f"{key[2]} {self.quote(key)} ({key[0]}-{key[1]}) does not start and "
                    "end on token edges; tokens split there in the export",
                    who,
                )
        aligned = {key: token_span(tokens, key) for key in spans}
        return tokens, {key: found for key, found in aligned.items() if found is not None}

    def warn(self, message: str, who: str | None) -> None:
        self.report.warnings.append(f"article {self.id}{_by(who)}: {message}")

    def quote(self, key: Key) -> str:
        text = " ".join(self.text[key[0] : key[1]].split())
        return repr(text[:40] + "…" if len(text) > 40 else text)


@dataclass
class _Task:
    """One record, ready to be made into a dict (`record`) or written (`line`)."""

    article: _Article
    who: str | None
    status: str
    tokens: Tokens | None  # None: the article's stored tokens
    aligned: dict[Key, tuple[int, int]]
    spans: list[tuple[Key, dict[str, Any] | None]]
    relations: list[tuple[Key, Key, str, dict[str, Any] | None]]
    task_hash: int
    project_json: str = '""'  # the JSON string of the record's `_project_id`

    def meta(self) -> dict[str, Any]:
        a = self.article
        return {
            **a.meta,
            "article_id": a.id,
            "title": a.title,
            "source": a.source,
            "annotator": self.who,
            "status": self.status,
        }

    def record(self, tokens: bool = True) -> Record:
        a, text = self.article, self.article.text
        return {
            "text": text,
            "meta": self.meta(),
            "_input_hash": a.input_hash,
            "_task_hash": self.task_hash,
            "tokens": token_dicts(text, *self._lists()) if tokens else [],
            "spans": [
                {**self._ref(key), "text": text[key[0] : key[1]], **(extra or {})}
                for key, extra in self.spans
            ],
            "relations": [
                {
                    "head": self.aligned[head][1],
                    "child": self.aligned[child][1],
                    "label": label,
                    "head_span": self._ref(head),
                    "child_span": self._ref(child),
                    **(extra or {}),
                }
                for head, child, label, extra in self.relations
            ],
            "answer": "accept",
            "_annotator_id": self.who,
            "_project_id": json.loads(self.project_json),
            "_session_id": self._session(),
        }

    def _lists(self) -> tuple[list[int], list[int]]:
        tokens = self.tokens if self.tokens is not None else self.article.tokens
        return tokens.starts, tokens.ends

    def line(self) -> bytes:
        """The record as one JSONL line: json.dumps(self.record()) with compact separators,
        made without building a dict per token."""
        a, text, aligned = self.article, self.article.text, self.aligned
        spans = ",".join(
            _REF % (*key[:2], *aligned[key], _quote_json(key[2]))
            + ","
            + f'"text":{_quote_json(text[key[0] : key[1]])}{_extra_json(extra)}}}'
            for key, extra in self.spans
        )
        relations = ",".join(
            _RELATION
            % (
                aligned[head][1],
                aligned[child][1],
                _quote_json(label),
                self._ref_json(head),
                self._ref_json(child),
            )
            + _extra_json(extra)
            + "}"
            for head, child, label, extra in self.relations
        )
        head = _LINE_HEAD % (_quote_json(text), _dumps(self.meta()), a.input_hash, self.task_hash)
        tail = _LINE_TAIL % (
            spans,
            relations,
            _dumps(self.who),
            self.project_json,
            _quote_json(self._session()),
        )
        return b"".join((_utf8(head), a.tokens_json(self.tokens), _utf8(tail)))

    def doccano_line(self) -> bytes:
        return _utf8(_dumps(to_doccano(self.record(tokens=False))) + "\n")

    def _ref(self, key: Key) -> dict[str, Any]:
        first, last = self.aligned[key]
        return {
            "start": key[0],
            "end": key[1],
            "token_start": first,
            "token_end": last,
            "label": key[2],
        }

    def _ref_json(self, key: Key) -> str:
        return _REF % (*key[:2], *self.aligned[key], _quote_json(key[2])) + "}"

    def _session(self) -> str:
        return f"sorot-{self.who}" if self.who is not None else "sorot"


# -- small helpers -------------------------------------------------------------------------


def _utf8(text: str) -> bytes:
    # Article text may hold lone surrogates (kept exactly as imported); so may the export.
    return text.encode("utf-8", "surrogatepass")


def _suggested(origin: str, score: float | None) -> dict[str, Any]:
    # Prodigy marks a model's spans with "source" (and "score"); "status" sets them apart.
    extra: dict[str, Any] = {"status": SUGGESTED, "source": origin}
    if score is not None and math.isfinite(score):
        extra["score"] = score  # NaN and Infinity are not JSON: no score
    return extra


def _extra_json(extra: dict[str, Any] | None) -> str:
    return "".join(f",{_quote_json(k)}:{_dumps(v)}" for k, v in extra.items()) if extra else ""


def _entity_key(store: Store, entity_id: int) -> Key:
    entity = store.entity(entity_id)
    return entity.start, entity.end, entity.label


def _by(who: str | None) -> str:
    return f" ({who})" if who is not None else ""


def _hash(text: str) -> int:
    """A signed 32-bit MurmurHash3 (as Prodigy's hashes), the same on every machine."""
    from murmurhash.mrmr import hash as murmur

    hashed: int = murmur(text.encode("utf-8", "surrogatepass"))
    return hashed


def check_statuses(statuses: Iterable[str] | None) -> frozenset[str]:
    wanted = frozenset(statuses or ())
    unknown = sorted(wanted - set(ArticleStatus.ALL))
    if unknown:
        raise ExportError(
            f"unknown article status {unknown[0]!r}; use one of {', '.join(ArticleStatus.ALL)}"
        )
    return wanted


# -- writing -------------------------------------------------------------------------------


def write_atomic(
    path: Path,
    write: Callable[[IO[bytes]], Any],
    notes: list[str] | None = None,
) -> None:
    """Write through a temporary file beside `path`, then replace it; on failure keep it.

    Temporary files that interrupted exports of `path` left are removed first (see
    `annotation.io.temp_files`), each noted in `notes`.
    """
    try:
        temp_files.write_atomic(path, write, notes)
    except TargetError as exc:
        raise ExportError(str(exc)) from None


def check_target_path(path: Path) -> None:
    try:
        check_target(path)
    except TargetError as exc:
        raise ExportError(str(exc)) from None
