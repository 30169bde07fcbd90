"""Importing articles into a project: read, parse, deduplicate, tokenize, store in batches.

Articles are written in batches, one transaction each, committed between articles only: an
import that is killed leaves whole articles (with all their entities and relations) or none,
and each batch logs an event for the articles it committed, so `sorot log` lists them all.
An import that cannot go on once some articles are committed (another process kept the
project's write lock, the disk filled up) returns its report with `stopped` saying why; it
raises only while nothing is committed. A large import parses and tokenizes in helper
processes while this one stores. Every write goes through `Store.bulk` and
`Store.transaction`, which take the project's write lock up front.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotation.io import readers
from annotation.io.import_sources import ReadError, collect
from annotation.io.readers import Problem, Reader, Record, Skipped, Source
from annotation.model import EntityStatus, NewEntity, NewRelation, content_hash
from annotation.nlp.tokens import tokenize
from annotation.processes import Pool
from annotation.project.db import ProjectError
from annotation.project.file.causes import explain
from annotation.project.store import Store
from annotation.schema import LabelSchema

__all__ = ["FileReport", "ImportReport", "ReadError", "collect", "import_paths"]

SPANS_AS = (EntityStatus.ACCEPTED, EntityStatus.SUGGESTED)
IMPORT_ORIGIN = "import"
SUGGESTED = EntityStatus.SUGGESTED
BATCH_SIZE = 500
# A batch also ends once its lines hold this many bytes, so that long articles (up to
# limits.MAX_LINE_BYTES a line) never put hundreds of megabytes in one batch.
BATCH_BYTES = 16 << 20
# Below this many bytes, starting helper processes (each loads spaCy) costs more than it saves.
# They start at the first new text to tokenize, and only if the text parsed so far and the
# input still unread come to this much: refused files, articles over the limit and articles
# the project has already never start them.
PARALLEL_BYTES = 4_000_000
_PAUSE_S = 0.03  # between stored batches, for other writers (see _Parsers.pause)

Progress = Callable[[int, int], None]
# One line (or one .txt file) to parse: file number, line number, raw bytes.
Line = tuple[int, int, bytes]
# A parsed line: file number, Record or Problem, and tokens (None: not to be stored).
Parsed = tuple[int, Record | Problem, bytes | None]


@dataclass
class FileReport:
    """What became of one file's records."""

    name: str
    fmt: str | None = None
    imported: int = 0
    duplicate: int = 0
    added: int = 0  # duplicates whose annotator's work was added to the existing article
    rejected: int = 0
    skipped: int = 0
    refused: bool = False
    done: bool = False  # every record of the file was stored (or refused)


@dataclass
class ImportReport:
    """Counts and problems of one import, overall and per file."""

    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unread: list[Problem] = field(default_factory=list)  # folders and files left unread
    stopped: Problem | None = None  # why storing stopped before the end, if it did
    helpers: int = 0  # helper processes started (each loads spaCy)

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def duplicate(self) -> int:
        return sum(f.duplicate for f in self.files)

    @property
    def added(self) -> int:
        return sum(f.added for f in self.files)

    @property
    def rejected(self) -> int:
        """Bad records, plus refused files, unreadable folders and the files an import that
        stopped did not finish (each counted once)."""
        return self._bad + len(self.unfinished)

    @property
    def _bad(self) -> int:
        return sum(f.rejected + f.refused for f in self.files) + len(self.unread)

    @property
    def unfinished(self) -> list[str]:
        """The files an import that stopped did not finish."""
        if self.stopped is None:
            return []
        return [f.name for f in self.files if not (f.done or f.refused)]

    @property
    def ok(self) -> bool:
        """Whether nothing was rejected (the CLI's exit code)."""
        return not self.problems

    def summary(self) -> str:
        """One line for the researcher: imported / duplicate / rejected."""
        text = f"{self.imported} imported, {self.duplicate} duplicate"
        if self.added:
            text += f" ({self.added} with another annotator's work, added)"
        text += f", {self._bad} rejected"
        refused = sum(f.refused for f in self.files)
        if refused:
            text += f" ({refused} file{'s' * (refused > 1)} refused)"
        if self.unread:
            text += f" ({_n(len(self.unread), 'path')} unreadable)"
        if self.skipped:
            text += f", {len(self.skipped)} skipped (rejected or ignored tasks)"
        if self.stopped is not None:
            unfinished = self.unfinished
            text += (
                f"; stopped before the end of {', '.join(unfinished[:3])}"
                f"{' and more' if len(unfinished) > 3 else ''}: {self.stopped.reason}. "
                f"The {_articles(self.imported)} imported are committed (`sorot log` "
                "lists them); import the same files again to add the rest"
            )
        return text


@dataclass
class _Batch:
    """Lines to parse and store together, and what to do once they are stored."""

    lines: list[Line] = field(default_factory=list)
    sources: dict[int, tuple[Source, str | None]] = field(default_factory=dict)
    started: list[int] = field(default_factory=list)  # files whose first line is here
    finished: list[int] = field(default_factory=list)  # files that end with this batch
    refused: list[Problem] = field(default_factory=list)  # files refused before its lines
    done: int = 0  # bytes read when the batch was sent, for progress


def import_paths(
    store: Store,
    paths: Iterable[str | Path],
    fmt: str | None = None,
    *,
    annotator: str,
    spans_as: str = EntityStatus.ACCEPTED,
    title_from: str = "first-line",
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
    batch_bytes: int = BATCH_BYTES,
    workers: int | None = None,
    parallel_bytes: int = PARALLEL_BYTES,
) -> ImportReport:
    """Import .txt files, folders and JSONL files into the project.

    `fmt` is "txt", "jsonl" or "doccano", or None to tell by each file. Spans become
    accepted entities of the record's annotator (else `annotator`), or, with
    `spans_as="suggested"`, suggestions of origin "import" that nobody has decided on yet
    (a record's status is then dropped). Spans marked `"status": "suggested"`, as Sorot's
    export writes suggestions, stay suggestions. `progress(done, total)` is called after
    each batch, in bytes. A batch holds up to `batch_size` lines and `batch_bytes` bytes.
    `workers` helper processes tokenize (one) or parse and tokenize (more); None chooses by
    the number of cores, and starts them at the first new text to tokenize, if that text and
    the input still unread come to `parallel_bytes` (the report's `helpers` says how many
    started). Raise ReadError, before anything is imported, when a path does not exist.
    """
    if spans_as not in SPANS_AS:
        raise ValueError(f"spans_as must be one of {', '.join(SPANS_AS)}")
    if title_from not in readers.TITLE_FROM:
        raise ValueError(f"title_from must be one of {', '.join(readers.TITLE_FROM)}")
    store.check_writable("import")  # before the paths are looked at
    unread: list[Problem] = []
    sources = collect(paths, fmt, unread)
    sizes = [s.size for s in sources]
    total = sum(sizes)
    start_after = 0
    if workers is None:
        cores = os.cpu_count() or 1
        workers = 0 if total < parallel_bytes or cores < 2 else 1 if cores < 4 else 2
        start_after = parallel_bytes
    if store.path is None or getattr(sys, "frozen", False):
        workers = 0  # helpers open the project by path, and need a Python to run
    report = ImportReport(files=[FileReport(s.name, s.fmt) for s in sources], unread=unread)
    report.problems.extend(unread)
    store_batch = _Storer(store, report, annotator, spans_as == SUGGESTED, progress, total)
    with store.bulk("import"), _Parsers(store, title_from, workers, start_after, total) as parsers:
        in_flight: deque[_Batch] = deque()
        try:
            for batch in _batches(
                sources, sizes, store.schema, title_from, report, batch_size, batch_bytes
            ):
                if len(in_flight) >= parsers.size:
                    store_batch(in_flight.popleft(), parsers.receive())
                    parsers.pause()
                parsers.send(batch)
                in_flight.append(batch)
            while in_flight:
                store_batch(in_flight.popleft(), parsers.receive())
                parsers.pause()
        except (ProjectError, sqlite3.Error, OSError) as exc:
            if not (report.imported or report.added):
                raise  # nothing was committed: the error stands for the whole import
            name = next((f.name for f in report.files if not (f.done or f.refused)), "")
            report.stopped = Problem(name, 0, _why(store.path, exc))
            report.problems.append(report.stopped)
        finally:
            report.helpers = parsers.started
    return report


def _why(path: Path | None, exc: BaseException) -> str:
    """An error that stopped storing, named by its real cause (a lock, a full disk ...)."""
    return explain(path, exc)


def _batches(
    sources: list[Source],
    sizes: list[int],
    schema: LabelSchema,
    title_from: str,
    report: ImportReport,
    batch_size: int,
    batch_bytes: int = BATCH_BYTES,
) -> Iterator[_Batch]:
    """Read the files (refusing those not in UTF-8) into batches of lines to parse, each
    of at most `batch_size` lines, ending too at the line that brings it to `batch_bytes`."""
    batch, base, held = _Batch(), 0, 0
    for number, (source, size) in enumerate(zip(sources, sizes)):
        try:
            reader = readers.read(source, schema, title_from)
        except readers.Refused as exc:
            # Reported when the batch is stored, so that problems stay in file order.
            if batch.lines:
                batch.done = base
                yield batch
                batch, held = _Batch(), 0
            report.files[number].refused = True
            batch.refused.append(exc.problem)
            base += size
            continue
        if reader.fmt == "txt":
            lines: Iterable[tuple[int, bytes]] = [(1, reader.data or b"")]
        else:
            lines = reader.lines()
        # One line is read ahead, so that the batch holding a file's last line says so.
        ahead = iter(lines)
        item = next(ahead, None)
        if item is None:
            report.files[number].fmt = reader.fmt
            batch.finished.append(number)
        else:
            batch.started.append(number)
        while item is not None:
            line, raw = item
            reader.sniff(raw)
            batch.lines.append((number, line, raw))
            held += len(raw)
            batch.sources[number] = (source, reader.fmt)
            item = next(ahead, None)
            if item is None:
                report.files[number].fmt = reader.fmt
                batch.finished.append(number)
            if len(batch.lines) >= batch_size or held >= batch_bytes:
                batch.done = base + reader.done
                yield batch
                batch, held = _Batch(), 0
        base += size
    if batch.lines or batch.finished or batch.refused:
        batch.done = base
        yield batch


class _Parser:
    """Parses batches of lines and tokenizes the new articles among them."""

    def __init__(
        self,
        schema: LabelSchema,
        title_from: str,
        known: Callable[[list[str]], set[str]],
    ) -> None:
        self.schema, self.title_from, self.known = schema, title_from, known
        self._readers: dict[int, Reader] = {}

    def __call__(self, batch: _Batch) -> list[Parsed]:
        parsed, new, texts = self.parse(batch)
        return _with_tokens(parsed, new, tokenize(texts))

    def parse(self, batch: _Batch) -> tuple[list[Parsed], list[int], list[str]]:
        """The batch's lines parsed, and which of them are new articles, with their texts."""
        parsed: list[Parsed] = []
        for number, line, raw in batch.lines:
            source, fmt = batch.sources[number]
            reader = self._readers.get(number)
            if reader is None or reader.fmt != fmt:
                reader = self._readers[number] = Reader(source, fmt, self.schema, self.title_from)
            item = reader.parse_txt(raw) if fmt == "txt" else reader.parse(line, raw)
            parsed.append((number, item, None))
        for number in [n for n in self._readers if n not in batch.sources]:
            del self._readers[number]  # a file that is done, here at least
        # Known texts are not tokenized: re-importing a file then costs little more than
        # reading it. A text repeated in a batch not yet stored is caught by add_article.
        records = [
            (i, item.text) for i, (_, item, _) in enumerate(parsed) if isinstance(item, Record)
        ]
        hashes = [content_hash(text) for _, text in records]
        seen = self.known(hashes)
        new, texts = [], []
        for (i, text), text_hash in zip(records, hashes):
            if text_hash not in seen:
                seen.add(text_hash)
                new.append(i)
                texts.append(text)
        return parsed, new, texts


def _with_tokens(parsed: list[Parsed], new: list[int], tokens: Iterable[bytes]) -> list[Parsed]:
    for i, data in zip(new, tokens):
        parsed[i] = (parsed[i][0], parsed[i][1], data)
    return parsed


def _known_in(conn: sqlite3.Connection) -> Callable[[list[str]], set[str]]:
    """Which of some text hashes the project holds already."""

    def known(hashes: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(hashes), 500):
            chunk = hashes[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(
                h
                for (h,) in conn.execute(
                    f"SELECT hash FROM articles WHERE hash IN ({marks})", chunk
                )
            )
        return found

    return known


class _Parsers:
    """Parse and tokenize batches here, or with helper processes.

    One helper only tokenizes, while this process parses and stores: on two cores that
    balances the work. Two helpers or more parse and tokenize, and this process only
    stores. Each helper holds up to two batches, so that it never waits for the next.
    With `start_after`, the helpers start only at a batch with new text to tokenize, once
    the new text parsed so far and the bytes still unread (of `total`) come to that much;
    until then this process parses (and tokenizes what little is new), so that an import
    that is refused, over the limit or already in the project never loads spaCy in helpers.

    The helpers are an `annotation.processes.Pool`, whose results come back in the order
    the batches went out. A helper that dies leaves the work to this process.
    """

    def __init__(
        self, store: Store, title_from: str, workers: int, start_after: int = 0, total: int = 0
    ) -> None:
        self._local = _Parser(store.schema, title_from, _known_in(store.db.conn))
        # Each batch in flight, its parsed lines if parsed here, and whether a helper has it.
        self._pending: deque[tuple[_Batch, list[Parsed] | None, list[int], list[str], bool]] = (
            deque()
        )
        self._pool: Pool[Any] | None = None
        self._tokenize_only = workers == 1
        self._store, self._title_from = store, title_from
        self._workers, self._start_after, self._counted = workers, start_after, 0
        self._total = total
        self._stopped = 0  # helper processes started by a pool now closed
        if workers and not start_after:
            self._start()

    def _start(self) -> None:
        """Start the helpers (once): from now on batches go to them."""
        workers, self._workers = self._workers, 0
        setup = (self._store.schema.to_dict(), self._title_from, str(self._store.path))
        self._pool = Pool(workers, _start_helper, setup, background=True)

    @property
    def started(self) -> int:
        """How many helper processes have started."""
        return self._stopped + (0 if self._pool is None else self._pool.started)

    @property
    def size(self) -> int:
        """How many batches may be in flight."""
        return 1 if self._pool is None else self._pool.size

    def pause(self) -> None:
        """Leave the write lock free a moment after a batch is stored.

        With helpers the next batch is ready at once, and another process waiting for the
        lock (the window saving a decision) would seldom find it free: SQLite's waiting
        writers look every few milliseconds. Parsing here leaves that gap anyway.
        """
        if self._pool is not None:
            time.sleep(_PAUSE_S)

    def send(self, batch: _Batch) -> None:
        parsed: list[Parsed] | None = None
        new: list[int] = []
        texts: list[str] = []
        if self._workers and self._pool is None:
            # Not started yet: parse here, counting the new text that will be tokenized.
            parsed, new, texts = self._local.parse(batch)
            self._counted += sum(map(len, texts))
            unread = max(0, self._total - batch.done)
            if texts and self._counted + unread >= self._start_after:
                self._start()
        if self._pool is None:
            self._pending.append((batch, parsed, new, texts, False))
            return
        if parsed is None and self._tokenize_only:
            parsed, new, texts = self._local.parse(batch)
        try:
            if parsed is None:
                self._pool.put(_parse_batch, batch)
            else:
                self._pool.put(_tokenize_texts, texts)
        except Exception:  # a helper died: this batch and the next are parsed here
            self._stop(cancel=True)
            self._pending.append((batch, parsed, new, texts, False))
            return
        self._pending.append((batch, parsed, new, texts, True))

    def receive(self) -> list[Parsed]:
        """The parsed lines of the oldest batch in flight."""
        batch, parsed, new, texts, sent = self._pending.popleft()
        if sent and self._pool is not None:
            try:
                result = self._pool.take()
                return result if parsed is None else _with_tokens(parsed, new, result)
            except Exception:
                # A helper died (or failed): work here from now on, also on the batches
                # the other helpers hold, in order.
                self._stop(cancel=True)
        if parsed is None:
            return self._local(batch)
        return _with_tokens(parsed, new, tokenize(texts))

    def _stop(self, cancel: bool = False) -> None:
        pool, self._pool, self._workers = self._pool, None, 0
        if pool is not None:
            pool.close(cancel=cancel or pool.in_flight > 0)
            self._stopped += pool.started

    def __enter__(self) -> _Parsers:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()


# A helper process's parser, made once as it starts.
_helper: list[_Parser] = []


def _start_helper(schema: dict[str, Any], title_from: str, path: str) -> None:
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    _helper.append(_Parser(LabelSchema.from_dict(schema), title_from, _known_in(conn)))


def _parse_batch(batch: _Batch) -> list[Parsed]:
    """In a helper: parse a batch's lines and tokenize its new articles."""
    return _helper[0](batch)


def _tokenize_texts(texts: list[str]) -> list[bytes]:
    """In a helper: tokenize texts parsed by the importer."""
    return list(tokenize(texts))


class _Storer:
    """Stores parsed batches, one transaction each, and counts what became of each line."""

    def __init__(
        self,
        store: Store,
        report: ImportReport,
        annotator: str,
        suggested: bool,
        progress: Progress | None,
        total: int,
    ) -> None:
        self.store, self.report, self.annotator = store, report, annotator
        self.suggested, self.progress, self.total = suggested, progress, total

    def __call__(self, batch: _Batch, parsed: list[Parsed]) -> None:
        with self.store.transaction():
            outcomes = self._store(batch, parsed)
        # Counted once committed, so that a batch that failed counts for nothing.
        files, report = self.report.files, self.report
        report.problems.extend(batch.refused)
        for number, outcome, item in outcomes:
            counts = files[number]
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            if outcome == "added":
                counts.duplicate += 1
            elif outcome == "skipped":
                report.skipped.append(item)
            elif outcome == "rejected":
                report.problems.append(item)
        for number in batch.finished:
            files[number].done = True
        if self.progress is not None:
            self.progress(batch.done, self.total)

    def _store(self, batch: _Batch, parsed: list[Parsed]) -> list[tuple[int, str, Any]]:
        """Store the batch's new articles; return what became of each line."""
        outcomes: list[tuple[int, str, Any]] = []
        imported: dict[int, list[int]] = {}  # file -> line numbers imported in this batch
        for (number, item, data), (_, line, _) in zip(parsed, batch.lines):
            if type(item) is Record:
                if data is not None and self._add(item, data) is not None:
                    outcomes.append((number, "imported", item))
                    imported.setdefault(number, []).append(line)
                elif self._add_to_existing(item):
                    outcomes.append((number, "added", item))
                else:
                    outcomes.append((number, "duplicate", item))
            elif isinstance(item, Skipped):
                outcomes.append((number, "skipped", item))
            else:
                outcomes.append((number, "rejected", item))
        # One event per file and batch, committed with the articles it names: a killed
        # import's articles are in the log too.
        files = self.report.files
        for number, lines in imported.items():
            count = len(lines)
            whole = number in batch.started and number in batch.finished
            where = (
                ""
                if whole
                else f" (line {lines[0]})"
                if count == 1
                else f" (lines {lines[0]}–{lines[-1]})"
            )
            self.store.log_event(
                self.annotator,
                "import",
                f"Import {files[number].name}{where}: {_articles(count)}",
                [],
                None,
            )
        return outcomes

    def _add(self, record: Record, data: bytes) -> int | None:
        entities, relations = record.entities, record.relations
        who: str | None = record.annotator or self.annotator
        status = record.status
        if self.suggested:
            # Suggestions are nobody's work yet, so they carry no annotator and no status.
            who = status = None
            entities = [
                e
                if e.status == SUGGESTED
                else NewEntity(e.start, e.end, e.label, SUGGESTED, IMPORT_ORIGIN)
                for e in entities
            ]
            relations = [
                r
                if r.status == SUGGESTED
                else NewRelation(r.head, r.child, r.label, SUGGESTED, IMPORT_ORIGIN)
                for r in relations
            ]
        return self.store.add_article(
            record.text,
            record.title,
            record.source,
            record.meta,
            data,
            entities,
            relations,
            who,
            status,
        )

    def _add_to_existing(self, record: Record) -> bool:
        """Add a duplicate's annotations if they are an annotator's first on that article.

        An export holds one record per annotator of an article; importing it back must
        bring every annotator's work, while importing the same file twice adds nothing.
        """
        who = record.annotator or self.annotator
        if self.suggested or not (record.entities or record.relations or record.status):
            return False
        article_id = self.store.article_id_for_hash(content_hash(record.text))
        if article_id is None or self.store.has_work(article_id, who):
            return False
        self.store.add_annotations(
            article_id, record.entities, record.relations, who, record.status
        )
        return True


def _articles(n: int) -> str:
    return f"{n} article" if n == 1 else f"{n} articles"


def _n(count: int, one: str) -> str:
    return f"{count} {one}" if count == 1 else f"{count} {one}s"
