"""Reading articles to import: plain text, Prodigy-style JSONL and doccano JSONL.

Pure parsing and validation against the label schema; nothing here touches the project.
A file in the wrong encoding is refused whole (`Refused`, see `annotation.io.input_files`); a
bad record becomes a `Problem` and the reader goes on with the next one.

JSON is read as Python's parser reads it, with two exceptions: NaN and Infinity (and numbers
too large for a float), which are not JSON although Python writes them, read as null; and a
record nested more deeply than Sorot keeps (`limits.MAX_JSON_DEPTH` in its metadata, or so
deep that the parser gives up) is that record's problem.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from annotation.io.input_files import (
    BOM,
    JSONL_SUFFIXES,
    Problem,
    Refused,
    Skipped,
    Source,
    check_encoding,
    check_shape,
    read_txt,
    scan_encoding,
    too_long,
)
from annotation.limits import MAX_ARTICLE_CHARS, MAX_JSON_DEPTH, MAX_LINE_BYTES, json_depth
from annotation.model import ArticleStatus, EntityStatus, NewEntity, NewRelation
from annotation.schema import LabelSchema

__all__ = [
    "BOM",
    "FORMATS",
    "JSONL_SUFFIXES",
    "TITLE_FROM",
    "Problem",
    "Reader",
    "Record",
    "Refused",
    "Skipped",
    "Source",
    "read",
]

FORMATS = ("txt", "jsonl", "doccano")
TITLE_FROM = ("first-line", "filename")
_SOROT_META = ("article_id", "title", "source", "annotator", "status")
_DOCCANO_KEYS = frozenset(("id", "text", "entities", "relations", "label"))
ACCEPTED, SUGGESTED = EntityStatus.ACCEPTED, EntityStatus.SUGGESTED
# The first line with any non-space character, up to any of the breaks str.splitlines knows.
_FIRST_LINE = re.compile(r"\S[^\n\r\v\f\x1c-\x1e\x85\u2028\u2029]*")
_TOO_DEEP = "lists or objects nested hundreds of levels deep, too deeply to read"


def _finite(text: str) -> float | None:
    value = float(text)
    return value if math.isfinite(value) else None


# NaN, Infinity and numbers like 1e999 are not JSON numbers: they read as null.
_DECODE = json.JSONDecoder(parse_constant=lambda _: None, parse_float=_finite).decode


@dataclass
class Record:
    """One article to import, validated: entities and relations are ready for the store."""

    line: int
    text: str
    title: str = ""
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    entities: list[NewEntity] = field(default_factory=list)
    relations: list[NewRelation] = field(default_factory=list)
    annotator: str | None = None
    status: str | None = None


class _Bad(Exception):
    """Why the record at hand cannot be imported."""


# Finds the entity index of a relation's "head" or "child" (given the relation's number
# and label, to name it in a problem), or raises _Bad.
_Resolve = Callable[[dict[str, Any], str, int, str], int]


def read(source: Source, schema: LabelSchema, title_from: str = "first-line") -> Reader:
    """Check the file's encoding (raise Refused if it is not UTF-8 text) and return a reader."""
    if title_from not in TITLE_FROM:
        raise ValueError(f"title_from must be one of {', '.join(TITLE_FROM)}")
    fmt = source.fmt
    if fmt is None and source.path.suffix.lower() == ".txt":
        fmt = "txt"
    if fmt == "txt":
        data = read_txt(source)
        check_encoding(source, data)
        return Reader(source, "txt", schema, title_from, data)
    scan_encoding(source)
    check_shape(source, fmt)
    return Reader(source, fmt, schema, title_from)


class Reader:
    """Parses one file's records; iterating it yields Records and Problems in file order.

    `lines()` and `parse()` split the work, so that lines can be parsed elsewhere (the
    importer's helper processes); `done` counts the bytes read so far.
    """

    def __init__(
        self,
        source: Source,
        fmt: str | None,
        schema: LabelSchema,
        title_from: str,
        data: bytes | None = None,
    ) -> None:
        self.source, self.fmt, self.schema, self.title_from = source, fmt, schema, title_from
        self.done = 0
        self.data = data
        self._path = str(source.path)
        self._labels = frozenset(schema.entity_labels)

    def __iter__(self) -> Iterator[Record | Problem]:
        if self.fmt == "txt":
            self.done = len(self.data or b"")
            yield self.parse_txt(self.data or b"")
            return
        for line, raw in self.lines():
            yield self.parse(line, raw)

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """The JSONL file's non-blank lines with their numbers, a leading BOM removed."""
        with open(self.source.path, "rb") as f:
            for line, raw in enumerate(f, 1):
                self.done += len(raw)
                if line == 1 and raw.startswith(BOM):
                    raw = raw[len(BOM) :]
                if raw and not raw.isspace():
                    yield line, raw

    def sniff(self, raw: bytes) -> None:
        """Settle the format from this line if it is the file's first JSON object."""
        # The first record decides for the whole file, so one odd record cannot switch
        # the format under the others.
        if self.fmt is None and len(raw) <= MAX_LINE_BYTES:
            with contextlib.suppress(ValueError, RecursionError):
                obj = _DECODE(raw.decode("utf-8"))
                if type(obj) is dict:
                    self.fmt = "doccano" if _doccano_shaped(obj) else "jsonl"

    def parse_txt(self, data: bytes) -> Record | Problem:
        """A plain-text file, already checked to be UTF-8, as one record."""
        text = data[len(BOM) :].decode() if data.startswith(BOM) else data.decode()
        if not text.strip():
            return Problem(self._path, 1, "the file is empty (no text to import)")
        if len(text) > MAX_ARTICLE_CHARS:
            return Problem(self._path, 1, too_long(len(text)))
        return Record(
            1, text, self._title(text, 1), self.source.path.name, {"file": self.source.name}
        )

    def parse(self, line: int, raw: bytes) -> Record | Problem:
        """One JSONL line (not blank) as a Record, or the Problem that keeps it out."""
        if len(raw) > MAX_LINE_BYTES:
            return Problem(
                self._path,
                line,
                f"the line is {len(raw) / 1e6:,.1f} MB, longer "
                f"than any record Sorot takes (an article of at most "
                f"{MAX_ARTICLE_CHARS:,} characters, with its tokens and spans)",
            )
        try:
            obj = _DECODE(raw.decode("utf-8"))
        except ValueError as exc:
            return Problem(self._path, line, _json_error(exc))
        except RecursionError:
            return Problem(self._path, line, _TOO_DEEP)
        if type(obj) is not dict:
            return Problem(self._path, line, f"not a JSON object but {_kind(obj)}")
        if self.fmt is None:
            self.fmt = "doccano" if _doccano_shaped(obj) else "jsonl"
        answer = obj.get("answer")
        if self.fmt == "jsonl" and answer in ("reject", "ignore"):
            return Skipped(
                self._path, line, f"answer is {answer!r}: only accepted tasks are imported"
            )
        try:
            if b"\\ud" in raw or b"\\uD" in raw:
                _check_surrogates(obj)
            if self.fmt == "doccano":
                return self._doccano(obj, line)
            return self._prodigy(obj, line)
        except _Bad as exc:
            return Problem(self._path, line, str(exc))

    def _title(self, text: str, line: int) -> str:
        if self.title_from == "filename":
            stem = self.source.path.stem
            return stem if self.fmt == "txt" else f"{stem}:{line}"
        match = _FIRST_LINE.search(text)
        return match.group().strip() if match else ""

    # -- Prodigy -------------------------------------------------------------------------

    def _prodigy(self, obj: dict[str, Any], line: int) -> Record:
        _other_format(obj, "jsonl", self.source.fmt is not None)
        text = _text(obj)
        spans = obj.get("spans") or []
        if type(spans) is not list:
            raise _Bad(f"'spans' is {_kind(spans)}, not a list")
        entities = self._entities(text, spans, "start", "end", "text", _span_name)
        relations = self._relations(obj, entities, _span_name, _prodigy_resolver(obj, entities))
        annotator = obj.get("_annotator_id")
        if annotator is not None and type(annotator) is not str:
            raise _Bad(f"'_annotator_id' is {_kind(annotator)}, not a string")
        return self._record(
            line,
            text,
            obj.get("title"),
            obj.get("meta") or {},
            entities,
            relations,
            annotator or None,
        )

    # -- doccano -------------------------------------------------------------------------

    def _doccano(self, obj: dict[str, Any], line: int) -> Record:
        _other_format(obj, "doccano", self.source.fmt is not None)
        text = _text(obj)
        raw, labels = obj.get("entities") or [], obj.get("label") or []
        if type(raw) is not list:
            raise _Bad(f"'entities' is {_kind(raw)}, not a list")
        if type(labels) is not list:
            raise _Bad(f"'label' is {_kind(labels)}, not a list of [start, end, label]")
        ids: dict[int | str, int] = {}
        for i, ent in enumerate(raw):
            ent_id = ent.get("id") if type(ent) is dict else None
            if ent_id is not None:
                if type(ent_id) not in (int, str):
                    raise _Bad(f"entity #{i + 1}: id {ent_id!r} is not a number or string")
                if ent_id in ids:
                    raise _Bad(f"entity #{i + 1}: id {ent_id!r} repeats entity #{ids[ent_id] + 1}")
                ids[ent_id] = i
        spans = list(raw)
        for i, item in enumerate(labels, 1):
            if type(item) is not list or len(item) != 3:
                raise _Bad(
                    f"label #{i} is {json.dumps(item, ensure_ascii=False)[:60]}, "
                    "not [start, end, label]"
                )
            spans.append({"start_offset": item[0], "end_offset": item[1], "label": item[2]})

        def name_of(index: int) -> str:
            if index < len(raw):
                return f"entity #{index + 1}"
            return f"label #{index - len(raw) + 1}"

        def resolve(rel: dict[str, Any], end: str, number: int, label: str) -> int:
            key = "from_id" if end == "head" else "to_id"
            ref = rel.get(key)
            index = ids.get(ref) if type(ref) is int or type(ref) is str else None
            if index is None:
                raise _Bad(
                    f"relation #{number} {label}: {key} {ref!r} matches no entity "
                    "(dangling relation)"
                )
            return index

        entities = self._entities(text, spans, "start_offset", "end_offset", None, name_of)
        relations = self._relations(obj, entities, name_of, resolve, label_key="type")
        meta = {k: v for k, v in obj.items() if k not in _DOCCANO_KEYS}
        return self._record(line, text, None, meta, entities, relations, None)

    # -- shared checks -------------------------------------------------------------------

    def _entities(
        self,
        text: str,
        spans: list[Any],
        start_key: str,
        end_key: str,
        text_key: str | None,
        name_of: Callable[[int], str],
    ) -> list[NewEntity]:
        """Validate span objects into NewEntities; the usual case is kept to one fast test."""
        length, labels = len(text), self._labels
        entities: list[NewEntity] = []
        seen: set[tuple[int, int, str]] = set()
        marks: list[tuple[int, int, int]] = []
        for i, span in enumerate(spans):
            if type(span) is not dict:
                raise _Bad(f"{name_of(i)} is {_kind(span)}, not an object")
            start, end, label = span.get(start_key), span.get(end_key), span.get("label")
            claimed = span.get(text_key) if text_key else None
            if (
                type(start) is not int
                or type(end) is not int
                or not 0 <= start < end <= length
                or type(label) is not str
                or label not in labels
                or (claimed is not None and claimed != text[start:end])
            ):
                raise _Bad(self._span_problem(name_of(i), start, end, label, claimed, text))
            key = (start, end, label)
            if key in seen:
                first = next(j for j, e in enumerate(entities) if (e.start, e.end, e.label) == key)
                raise _Bad(
                    f"{_named(name_of, i, entities[first])} repeats "
                    f"{_named(name_of, first, entities[first])}"
                )
            seen.add(key)
            status = span.get("status")
            if status is None or status == ACCEPTED:
                entities.append(NewEntity(start, end, label))
                marks.append((start, end, i))
            else:
                name = _named(name_of, i, NewEntity(start, end, label))
                entities.append(NewEntity(start, end, label, *_suggested(span, name)))
        if not self.schema.allow_overlap and len(marks) > 1:
            # Only decided entities must not overlap; a suggestion may cover anything.
            marks.sort()
            last = marks[0]
            for mark in marks:
                if mark[0] < last[1] and mark is not last:
                    a, b = sorted((last[2], mark[2]))
                    raise _Bad(
                        f"{_named(name_of, a, entities[a])} and "
                        f"{_named(name_of, b, entities[b])} overlap, and the schema "
                        "does not allow overlapping entities"
                    )
                if mark[1] > last[1]:
                    last = mark
        return entities

    def _span_problem(
        self,
        name: str,
        start: Any,
        end: Any,
        label: Any,
        claimed: Any,
        text: str,
    ) -> str:
        """Say precisely what is wrong with a span that failed the fast test."""
        if type(start) is not int:
            return f"{name}: start {json.dumps(start)} is not an integer offset"
        if type(end) is not int:
            return f"{name}: end {json.dumps(end)} is not an integer offset"
        if start < 0:
            return f"{name}: start {start} is negative"
        if end > len(text):
            return f"{name}: end {end} is past the end of the text (length {len(text)})"
        if start >= end:
            return f"{name}: start {start} is not before end {end} (empty span)"
        if claimed is not None and claimed != text[start:end]:
            return (
                f"{name} [{start}:{end}]: its text {claimed!r} is off the text, which has "
                f"{text[start:end]!r} there"
            )
        if type(label) is not str:
            return f"{name} [{start}:{end}]: the label is missing or not a string"
        return (
            f"{name} [{start}:{end}]: unknown entity label {label!r} "
            f"(the schema has {', '.join(self.schema.entity_labels)})"
        )

    def _relations(
        self,
        obj: dict[str, Any],
        entities: list[NewEntity],
        name_of: Callable[[int], str],
        resolve: _Resolve,
        label_key: str = "label",
    ) -> list[NewRelation]:
        """Validate relations; `resolve(rel, "head" or "child", number, label)` -> index."""
        raw = obj.get("relations") or []
        if type(raw) is not list:
            raise _Bad(f"'relations' is {_kind(raw)}, not a list")
        relations: list[NewRelation] = []
        seen: dict[tuple[str, int, int], int] = {}
        relation_type = self.schema.relation
        for i, rel in enumerate(raw, 1):
            if type(rel) is not dict:
                raise _Bad(f"relation #{i} is {_kind(rel)}, not an object")
            label = rel.get(label_key)
            if type(label) is not str:
                raise _Bad(
                    f"relation #{i}: the relation label ({label_key!r}) is missing or not a string"
                )
            rtype = relation_type(label)
            if rtype is None:
                raise _Bad(
                    f"relation #{i}: unknown relation label {label!r} "
                    f"(the schema has {', '.join(self.schema.relation_labels)})"
                )
            head, child = resolve(rel, "head", i, label), resolve(rel, "child", i, label)
            if head == child:
                raise _Bad(
                    f"relation #{i} {label}: head and child are the same entity, "
                    f"{_named(name_of, head, entities[head])}"
                )
            key = (label, child, head) if rtype.symmetric and child < head else (label, head, child)
            if not rtype.allows(entities[head].label, entities[child].label) or key in seen:
                ends = (
                    f"relation #{i} {label} from {_named(name_of, head, entities[head])} "
                    f"to {_named(name_of, child, entities[child])}"
                )
                if key in seen:
                    raise _Bad(f"{ends} repeats relation #{seen[key]}")
                raise _Bad(
                    f"{ends} is not allowed: {label} goes from "
                    f"{'/'.join(rtype.head)} to {'/'.join(rtype.child)}"
                )
            seen[key] = i
            status = rel.get("status")
            if status is None or status == ACCEPTED:
                relations.append(NewRelation(head, child, label))
            else:
                relations.append(
                    NewRelation(head, child, label, *_suggested(rel, f"relation #{i} {label}"))
                )
        return relations

    def _record(
        self,
        line: int,
        text: str,
        title: Any,
        meta: Any,
        entities: list[NewEntity],
        relations: list[NewRelation],
        annotator: str | None,
    ) -> Record:
        """Take Sorot's own fields out of meta and build the Record."""
        if not isinstance(meta, dict):
            raise _Bad(f"'meta' is {_kind(meta)}, not an object")
        depth = json_depth(meta)
        if depth > MAX_JSON_DEPTH:
            what = "its other fields nest" if self.fmt == "doccano" else "'meta' nests"
            raise _Bad(
                f"{what} more than {MAX_JSON_DEPTH} levels deep (lists or objects "
                f"inside one another); Sorot keeps metadata up to {MAX_JSON_DEPTH} "
                "levels"
            )
        meta = dict(meta)
        meta.pop("article_id", None)
        values = {key: meta.pop(key, None) for key in _SOROT_META[1:]}
        if title is None:
            title = values["title"]
        for key, value in (
            ("title", title),
            ("source", values["source"]),
            ("annotator", values["annotator"]),
            ("status", values["status"]),
        ):
            if value is not None and not isinstance(value, str):
                raise _Bad(f"'{key}' is {_kind(value)}, not a string")
        status = values["status"]
        if status is not None and status not in ArticleStatus.ALL:
            raise _Bad(f"status {status!r} is not one of {', '.join(ArticleStatus.ALL)}")
        return Record(
            line,
            text,
            title if title is not None else self._title(text, line),
            values["source"] or self.source.path.name,
            meta,
            entities,
            relations,
            values["annotator"] or annotator,
            status,
        )


def _prodigy_resolver(obj: dict[str, Any], entities: list[NewEntity]) -> _Resolve:
    """Find a Prodigy relation's head or child: by `*_span`, else by last token index."""
    by_offsets: dict[tuple[int, int], list[int]] = {}
    for i, e in enumerate(entities):
        by_offsets.setdefault((e.start, e.end), []).append(i)

    def resolve(rel: dict[str, Any], end: str, number: int, label: str) -> int:
        span = rel.get("head_span" if end == "head" else "child_span")
        if span is not None:
            if type(span) is not dict:
                raise _RelBad(number, label, f"'{end}_span' is {_kind(span)}, not an object")
            start, stop, wanted = span.get("start"), span.get("end"), span.get("label")
            if type(start) is not int or type(stop) is not int:
                raise _RelBad(number, label, f"'{end}_span' has no integer start and end")
            found = by_offsets.get((start, stop), [])
            if len(found) > 1 and wanted is not None:
                found = [i for i in found if entities[i].label == wanted]
            if not found:
                raise _RelBad(
                    number, label, f"{end} [{start}:{stop}] matches no span (dangling relation)"
                )
            return found[0]
        token, tokens = rel.get(end), obj.get("tokens")
        if type(token) is not int:
            raise _RelBad(number, label, f"no '{end}_span' and no token index '{end}'")
        if type(tokens) is not list:
            raise _RelBad(number, label, f"{end} is token {token}, but the record has no 'tokens'")
        if not 0 <= token < len(tokens) or type(tokens[token]) is not dict:
            raise _RelBad(
                number, label, f"{end} token {token} is not in 'tokens' (dangling relation)"
            )
        # Prodigy points at a span's last token, so the span ends where that token ends.
        stop = tokens[token].get("end")
        found = [i for i, e in enumerate(entities) if e.end == stop]
        if not found:
            raise _RelBad(
                number,
                label,
                f"{end} token {token} is the last token of no span (dangling relation)",
            )
        if len(found) > 1:
            raise _RelBad(
                number,
                label,
                f"{end} token {token} ends {len(found)} spans; give '{end}_span' to say which",
            )
        return found[0]

    return resolve


class _RelBad(_Bad):
    """A problem with relation number `number`, named in the message."""

    def __init__(self, number: int, label: str, reason: str) -> None:
        super().__init__(f"relation #{number} {label}: {reason}")


def _span_name(index: int) -> str:
    return f"span #{index + 1}"


def _named(name_of: Callable[[int], str], index: int, entity: NewEntity) -> str:
    return f"{name_of(index)} [{entity.start}:{entity.end} {entity.label}]"


def _suggested(raw: dict[str, Any], name: str) -> tuple[str, str, float | None]:
    """Status, origin and score of a suggestion, as Sorot's export marks them."""
    status, origin, score = raw.get("status"), raw.get("source"), raw.get("score")
    if status != SUGGESTED:
        raise _Bad(f"{name}: status {status!r} is neither {ACCEPTED!r} nor {SUGGESTED!r}")
    if score is not None and (type(score) not in (int, float)):
        raise _Bad(f"{name}: score {json.dumps(score)} is not a number")
    if type(score) is int:
        # Stored as a float: an integer beyond a float's range has no score to keep.
        score = float(score) if abs(score) < 1e300 else None
    return SUGGESTED, origin if isinstance(origin, str) and origin else "import", score


def _text(obj: dict[str, Any]) -> str:
    if "text" not in obj:
        raise _Bad("missing 'text'")
    text = obj["text"]
    if not isinstance(text, str):
        raise _Bad(f"'text' is {_kind(text)}, not a string")
    if not text.strip():
        raise _Bad("'text' is empty")
    if len(text) > MAX_ARTICLE_CHARS:
        raise _Bad(too_long(len(text)))
    return text


def _check_surrogates(obj: Any) -> None:
    # JSON may escape half of a surrogate pair ("\ud83d" alone): Python accepts it, but it
    # is not Unicode and SQLite cannot store it.
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _Bad(
            f"a string holds a lone surrogate {exc.object[exc.start]!r}, "
            "half of an escaped emoji or other character (invalid Unicode)"
        ) from None
    except RecursionError:
        raise _Bad(_TOO_DEEP) from None


def _doccano_shaped(obj: dict[str, Any]) -> bool:
    """Whether a record has doccano's annotations ("entities", or "label" as a list)."""
    return "entities" in obj or type(obj.get("label")) is list


def _prodigy_shaped(obj: dict[str, Any]) -> bool:
    """Whether a record has Prodigy's annotations ("spans") and none of doccano's."""
    return "spans" in obj and not _doccano_shaped(obj)


def _other_format(obj: dict[str, Any], fmt: str, given: bool) -> None:
    """Refuse a record of the other format: read as this one, its annotations would be lost
    (a Prodigy record's spans kept as doccano metadata, a doccano record's entities dropped).
    """
    why = "as asked" if given else "the format of its first record"
    if fmt == "doccano" and _prodigy_shaped(obj):
        raise _Bad(
            f"a Prodigy-style record (it has 'spans', not 'entities') in a file read as "
            f"doccano ({why}); import such records from a file of their own"
        )
    if fmt == "jsonl" and _doccano_shaped(obj) and "spans" not in obj:
        found = "'entities'" if "entities" in obj else "'label' as a list"
        raise _Bad(
            f"a doccano record (it has {found}, not 'spans') in a file read as "
            f"Prodigy-style JSONL ({why}); import such records from a file of their "
            "own"
        )


def _kind(value: Any) -> str:
    names = {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def _json_error(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON: {exc.msg} (column {exc.colno})"
    return f"invalid JSON: {exc}"  # e.g. bytes that are not UTF-8 (checked before, though)
